"""`briefgen sources add` and `briefgen quote`: bringing sources in and finding sentences to quote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import WorkspaceOpt, app, warn

sources_app = typer.Typer(help="Add source documents to the workspace.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(
    document: Annotated[str, typer.Argument(help="A web page address (http/https), or a saved .html page, PDF, "
                                                 ".docx or .txt file.", metavar="PATH|URL")],
    source_id: Annotated[Optional[str], typer.Option("--id", help="Id of the new source.",
                                                     show_default="from the title")] = None,
    source_type: Annotated[Optional[str], typer.Option("--type", help="official, news, research or commentary.",
                                                       show_default="not set")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for a web server.")] = 30.0,
    max_size: Annotated[float, typer.Option("--max-size", min=0.001, help="Largest document to read, in MB "
                                            "(1 MB = 1,048,576 bytes).")] = 50.0,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Turn a web page, PDF, Word or text file into a source: its text under seeds/, the original under
    seeds/originals/, and a record in data/sources.yaml. Prints what was filled and what to check."""
    import math

    from briefgen.files.root import MB
    from briefgen.sources.add import add_source

    # inf or 1e308 overflow the conversion to bytes and the socket's timeout: refused as usage mistakes
    if not math.isfinite(max_size) or max_size > 10_000:
        raise typer.BadParameter(f"'{max_size:g}' is not a size in MB from 0.001 to 10000", param_hint="--max-size")
    if not math.isfinite(timeout) or timeout > 86_400:
        raise typer.BadParameter(f"'{timeout:g}' is not a number of seconds from 0.1 to 86400 (a day)",
                                 param_hint="--timeout")

    added = add_source(workspace, document, source_id, source_type=source_type, timeout=timeout,
                       max_bytes=int(max_size * MB))
    typer.echo(f"added source '{added.source_id}': {added.text_file} ({added.lines} lines)"
               + (f", original kept as {added.original}" if added.original else ""))
    typer.echo("filled in data/sources.yaml:")
    for name, value, origin in added.filled:
        typer.echo(f"  {name}: {value}" + (f"  (from {origin})" if origin else ""))
    typer.echo("check:")
    for note in added.to_check:
        typer.echo(f"  - {note}")
    typer.echo(f"find sentences to quote: briefgen quote {added.source_id} WORD...")


@app.command()
def quote(
    words: Annotated[list[str], typer.Argument(help="SOURCE-ID then the words to look for; with --all, only the "
                                                    "words.", metavar="[SOURCE-ID] WORD...", show_default=False)],
    all_sources: Annotated[bool, typer.Option("--all", help="Search every source.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Print the sentences of a source that contain all the words (any case; a word matches the start of a
    word), each as a `sources:` item ready to paste under a record, with its file and line."""
    from briefgen.sources.quotefind import find

    if not all_sources and len(words) < 2:
        raise typer.BadParameter("give a source id and at least one word (or --all and the words)",
                                 param_hint="SOURCE-ID WORD...")
    source_id, words = (None, words) if all_sources else (words[0], words[1:])
    hits, unreadable = find(workspace, source_id, words)
    for problem in unreadable:
        warn(f"{problem} (not searched)")
    for hit in hits:
        typer.echo(f"{hit.file}:{hit.line}")
        typer.echo("  " + hit.citation().replace("\n", "\n  "))
    if not hits:
        where = f"source '{source_id}'" if source_id else "any source"
        typer.echo(f"no sentence of {where} contains all of: {' '.join(words)}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(hits)} sentence{'s' if len(hits) != 1 else ''} found", err=True)


