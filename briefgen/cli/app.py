"""The command line's shared parts: the typer app, its global options, the options several
commands take, and how a line of output is made safe to print. Commands live in the modules beside
this one; `briefgen.cli.main` runs them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen import __version__


class PdfStandard(str, Enum):
    """`--pdf-standard`: every PDF is tagged (PDF/UA-1); a-2b and a-2u also make it PDF/A-2."""

    ua_1 = "ua-1"
    a_2b = "a-2b"
    a_2u = "a-2u"


app = typer.Typer(
    name="briefgen",
    help="Turn a sourced fact base into ready-to-circulate country briefs (PDF, DOCX).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich formatting costs about 0.4 s at every start
)

state = {"debug": False}

def absolute(path: Path | None) -> Path | None:
    """Folders given on the command line, made absolute once: every path briefgen makes inside them
    is then absolute, so a folder's root never joins a relative path to itself ('my/my/theme.toml')."""
    return None if path is None else path.absolute()


WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (holds briefgen.toml, data/, seeds/).",
                       file_okay=False, show_default="current folder", callback=absolute)
]
MarkingOpt = Annotated[Optional[str], typer.Option("--marking", help="Protective marking on every page.",
                                                   show_default="from briefgen.toml")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="today")]
TemplateOpt = Annotated[Optional[Path], typer.Option("--template", "-t", callback=absolute,
                                                     help="Template folder searched first.", file_okay=False)]
LocaleOpt = Annotated[Optional[str], typer.Option("--locale", help="Locale for dates, e.g. en_GB, en_US.")]


ChangesSinceOpt = Annotated[Optional[str], typer.Option(
    "--changes-since", metavar="last|DATE", help="Put a 'Changes since the edition of <date>' box on page 1: since "
    "the last recorded edition, or the newest one on or before DATE (YYYY-MM-DD).")]


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
    state["debug"] = debug


def parse_date(value: str | None):
    if value is None:
        return None
    import re
    from datetime import date

    from briefgen.dates import day_problem

    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        raise typer.BadParameter(f"'{value}' is not a date in the form YYYY-MM-DD, e.g. 2026-11-26")
    problem = day_problem(*(int(g) for g in m.groups()))
    if problem:
        raise typer.BadParameter(f"'{value}': {problem}")
    return date(*(int(g) for g in m.groups()))


def parse_formats(value: str) -> tuple[str, ...]:
    from briefgen.build.pipeline import ALL_FORMATS, FORMATS

    chosen = ALL_FORMATS if value == "all" else tuple(dict.fromkeys(v.strip() for v in value.split(",")))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise typer.BadParameter(f"unknown format '{unknown[0]}' (choose from {', '.join(FORMATS)} or all)")
    return chosen


def safe(text: object) -> str:
    """One line of output: control characters (a newline in a file name or a fact) escaped, so
    that nothing can forge an `error:` line or move the terminal's cursor."""
    from briefgen.files.root import printable

    return printable(text)


def warn(message: str) -> None:
    typer.echo(f"warning: {safe(message)}", err=True)


