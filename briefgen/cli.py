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
    typer.echo(f"ok: {n_records} records in {len(fb.briefs)} brief(s), {n_sources} sources, "
               f"{n_quotes} quotes verified")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn briefgen errors into `path:line: message` lines."""
    from briefgen.errors import BriefgenError

    try:
        app(args=argv, standalone_mode=False)
    except BriefgenError as exc:
        if _state["debug"]:
            raise
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # click's usage errors and aborts are handled below
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            typer.echo("aborted", err=True)
            sys.exit(130)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if _state["debug"]:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)", err=True)
        sys.exit(70)
