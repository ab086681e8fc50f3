"""The command line: a thin typer layer over briefgen's stages.

Commands import the heavy parts of briefgen inside their bodies so that `briefgen --help`
and `briefgen check` stay fast. Errors are turned into output in exactly one place: `main`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen import __version__

app = typer.Typer(
    name="briefgen",
    help="Turn a sourced fact base into ready-to-circulate country briefs (PDF, DOCX).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (holds briefgen.toml, data/, seeds/).",
                       file_okay=False, show_default="current folder")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback when something fails.")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def check(workspace: WorkspaceOpt = Path(".")) -> None:
    """Validate the fact base: schema, dates, ids, and every quote against its source."""
    from briefgen.factbase import load_factbase

    fb = load_factbase(workspace)
    n_records, n_sources, n_quotes = fb.record_count, len(fb.sources), fb.quotes_verified
    typer.echo(f"ok: {n_records} records in {len(fb.briefs)} brief(s), {n_sources} source(s), "
               f"{n_quotes} quotes verified")


def _parse_date(value: str | None):
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date in the form YYYY-MM-DD") from None


def _formats(value: str) -> tuple[str, ...]:
    from briefgen.build import ALL_FORMATS

    chosen = ALL_FORMATS if value == "all" else tuple(dict.fromkeys(v.strip() for v in value.split(",")))
    unknown = [f for f in chosen if f not in ALL_FORMATS]
    if unknown:
        raise typer.BadParameter(f"unknown format '{unknown[0]}' (choose from {', '.join(ALL_FORMATS)} or all)")
    return chosen


@app.command()
def build(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, md, html, all, or a comma list.")] = "pdf",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder.", file_okay=False,
                                                show_default="out/ in the workspace")] = None,
    marking: Annotated[Optional[str], typer.Option("--marking", help="Protective marking on every page.",
                                                   show_default="from briefgen.toml")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="today")] = None,
    template: Annotated[Optional[Path], typer.Option("--template", "-t", help="Template folder searched first.",
                                                     file_okay=False)] = None,
    locale: Annotated[Optional[str], typer.Option("--locale", help="Locale for dates, e.g. en_GB, en_US.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Build a brief and print the path of every file written."""
    from briefgen.build import BuildRequest, build as run_build

    request = BuildRequest(workspace=workspace, brief=brief, formats=_formats(format), out=out, marking=marking,
                           as_of=_parse_date(as_of), template=template, locale=locale)
    for path in run_build(request):
        typer.echo(str(path))


@app.command("list")
def list_briefs(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the briefs in the workspace."""
    from briefgen.factbase import load_factbase

    fb = load_factbase(workspace)
    for brief_id, brief in sorted(fb.briefs.items()):
        typer.echo(f"{brief_id}\t{brief.title}\t({fb.brief_files[brief_id]})")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn briefgen errors into `error: path:line: message` lines.

    Usage errors are typer's (exit 2); invalid input exits 1; anything unexpected exits 70 with a
    one-line message, and a traceback only with --debug.
    """
    from briefgen.errors import BriefgenError

    try:
        app(args=argv, prog_name="briefgen")
    except BriefgenError as exc:
        if _state["debug"]:
            raise
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)", err=True)
        sys.exit(70)
