"""The command line: a thin typer layer over briefgen's stages.

Commands import the heavy parts of briefgen inside their bodies so that `briefgen --help`
and `briefgen check` stay fast. Errors are turned into output in exactly one place: `main`.
"""

from __future__ import annotations

import signal
import sys
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

_state = {"debug": False}

def _absolute(path: Path | None) -> Path | None:
    """Folders given on the command line, made absolute once: every path briefgen makes inside them
    is then absolute, so a folder's root never joins a relative path to itself ('my/my/theme.toml')."""
    return None if path is None else path.absolute()


WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (holds briefgen.toml, data/, seeds/).",
                       file_okay=False, show_default="current folder", callback=_absolute)
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
def check(
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=_absolute, help="Template folder searched first, "
                                                     "as `build --template` would use it.", file_okay=False)] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Validate the fact base (schema, dates, ids, every quote against its source, every printed value
    against its record's quotes), briefgen.toml, and that every brief renders through its templates and theme."""
    from briefgen.build.pipeline import check_workspace

    fb = check_workspace(workspace, warn=_warn, template=template)
    from briefgen.facts.attribution import factbase_warnings

    for problem in factbase_warnings(fb):
        _warn(str(problem))
    n_records, n_sources, n_quotes = fb.record_count, len(fb.sources), fb.quotes_verified
    typer.echo(f"ok: {n_records} records in {len(fb.briefs)} brief(s), {n_sources} source(s), "
               f"{n_quotes} quotes verified; templates and theme render")


def _parse_date(value: str | None):
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


def _formats(value: str) -> tuple[str, ...]:
    from briefgen.build.pipeline import ALL_FORMATS

    chosen = ALL_FORMATS if value == "all" else tuple(dict.fromkeys(v.strip() for v in value.split(",")))
    unknown = [f for f in chosen if f not in ALL_FORMATS]
    if unknown:
        raise typer.BadParameter(f"unknown format '{unknown[0]}' (choose from {', '.join(ALL_FORMATS)} or all)")
    return chosen


@app.command()
def build(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, md, html, all, or a comma list.")] = "pdf",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder.",
                                                show_default="out/ in the workspace")] = None,
    marking: Annotated[Optional[str], typer.Option("--marking", help="Protective marking on every page.",
                                                   show_default="from briefgen.toml")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="today")] = None,
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=_absolute, help="Template folder searched first.",
                                                     file_okay=False)] = None,
    locale: Annotated[Optional[str], typer.Option("--locale", help="Locale for dates, e.g. en_GB, en_US.")] = None,
    pdf_standard: Annotated[Optional[PdfStandard], typer.Option(
        "--pdf-standard", help="Tagged PDF/UA-1 (ua-1), or also PDF/A-2 for archiving (a-2b, a-2u).",
        show_default="from briefgen.toml, else ua-1")] = None,
    all_briefs: Annotated[bool, typer.Option("--all", help="Build every brief of the workspace.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes for --all.",
                                                show_default="number of cores")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Rebuild whenever a data, source or template file changes.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Build a brief and print the path of every file written."""
    from briefgen.build.pipeline import BuildRequest, build as run_build

    if all_briefs and (brief or watch):
        raise typer.BadParameter("--all builds every brief: give no BRIEF and no --watch", param_hint="--all")
    request = BuildRequest(workspace=workspace, brief=brief, formats=_formats(format), out=out, marking=marking,
                           as_of=_parse_date(as_of), template=template, locale=locale,
                           pdf_standard=pdf_standard.value if pdf_standard else None)
    if all_briefs:
        _build_all(request, jobs)
    elif watch:
        from briefgen.build.watch import watch as watch_and_build

        watch_and_build(request, lambda line: typer.echo(_safe(line)), lambda line: typer.echo(_safe(line), err=True))
    else:
        for path in run_build(request, warn=_warn):
            typer.echo(_safe(path))


def _safe(text: object) -> str:
    """One line of output: control characters (a newline in a file name or a fact) escaped, so
    that nothing can forge an `error:` line or move the terminal's cursor."""
    from briefgen.files.root import printable

    return printable(text)


def _warn(message: str) -> None:
    typer.echo(f"warning: {_safe(message)}", err=True)


def _build_all(request, jobs: int | None) -> None:
    from briefgen.build.batch import run_with_progress

    outcomes = run_with_progress(request, jobs, lambda line: typer.echo(line, err=True), sys.stderr.isatty())
    failed = [o for o in outcomes if not o.ok]
    for outcome in sorted(outcomes, key=lambda o: o.brief_file):
        for path in outcome.paths:
            typer.echo(_safe(path))
        for message in outcome.warnings:
            _warn(f"{outcome.brief_file}: {message}")
    for outcome in sorted(failed, key=lambda o: o.brief_file):
        for error in outcome.errors:
            typer.echo(f"error: {_safe(error)}", err=True)
    typer.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} briefs built"
               + (f"; failed: {', '.join(o.brief_file for o in failed)}" if failed else ""), err=True)
    if failed:
        raise typer.Exit(1)


@app.command("email")
def email_brief(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    to: Annotated[list[str], typer.Option("--to", help="Recipient; repeat for more (or separate with ; or ,).",
                                          show_default=False)] = ...,
    cc: Annotated[Optional[list[str]], typer.Option("--cc", help="Copy recipient; repeat for more.")] = None,
    sender: Annotated[Optional[str], typer.Option("--from", help="Sender, e.g. 'Desk <desk@example.org>'.",
                                                  show_default="from_address in briefgen.toml")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Subject; [MARKING] is put in front unless it has it.",
                                                   show_default="[MARKING] <name> brief (as of <date>)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, or all (both) attached.")] = "pdf",
    marking: Annotated[Optional[str], typer.Option("--marking", help="Protective marking (subject and every page).",
                                                   show_default="from briefgen.toml")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="today")] = None,
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=_absolute, help="Template folder searched first.",
                                                     file_okay=False)] = None,
    locale: Annotated[Optional[str], typer.Option("--locale", help="Locale for dates, e.g. en_GB, en_US.")] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="Write a draft .eml to this folder (not sent).",
                                                   file_okay=False)] = None,
    smtp: Annotated[Optional[str], typer.Option("--smtp", help="Send through this mail server: HOST[:PORT].")] = None,
    smtp_security: Annotated[str, typer.Option("--smtp-security", help="starttls, ssl (implicit TLS) or none.")] = "starttls",
    smtp_user: Annotated[Optional[str], typer.Option("--smtp-user", help="Log in as USER; the password is read from "
                                                     "the environment variable BRIEFGEN_SMTP_PASSWORD.")] = None,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest total of attachments, in MB.")] = 10.0,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Email a brief: write a draft (--outbox DIR) or send it (--smtp HOST). A message that cannot be sent is
    saved as a draft in the outbox."""
    import math
    import os

    from briefgen.build.pipeline import BuildRequest
    from briefgen.mail.compose import EMAIL_FORMATS, MB, PASSWORD_ENV, EmailRequest, compose, deliver, save_draft

    if not math.isfinite(max_size) or max_size <= 0 or max_size > 10_000:
        raise typer.BadParameter(f"'{max_size:g}' is not a size in MB from above 0 to 10000", param_hint="--max-size")
    if (outbox is None) == (smtp is None):
        raise typer.BadParameter("use one of them: --outbox DIR writes a draft, --smtp HOST[:PORT] sends it",
                                 param_hint="--outbox / --smtp")
    # Read once and taken out of the environment before any template renders or any worker starts:
    # from here on it lives only in the SMTP settings (never in a repr, a message or an error).
    password = os.environ.pop(PASSWORD_ENV, None) or None
    formats = EMAIL_FORMATS if format == "all" else _formats(format)
    request = EmailRequest(
        build=BuildRequest(workspace=workspace, brief=brief, formats=formats, marking=marking,
                           as_of=_parse_date(as_of), template=template, locale=locale),
        to=tuple(to), cc=tuple(cc or ()), sender=sender, subject=subject, outbox=outbox, smtp=smtp,
        smtp_security=smtp_security, smtp_user=smtp_user, password=password,
        max_size=int(max_size * MB))
    composed = compose(request)
    for warning in composed.warnings:
        typer.echo(f"warning: {_safe(warning)}", err=True)
    if composed.smtp is None:
        typer.echo(_safe(save_draft(composed.message, composed.outbox, composed.name)))
    else:
        deliver(composed.message, composed.smtp, composed.outbox, composed.name)
        typer.echo(f"sent to {', '.join(composed.recipients)} via {composed.smtp.where}")


templates_app = typer.Typer(help="List, show and eject the brief templates.", no_args_is_help=True,
                            rich_markup_mode=None)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list(
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=_absolute, help="Template folder searched first.",
                                                     file_okay=False)] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Each template and the folder it is taken from (first match wins)."""
    from briefgen.workspace import load_config
    from briefgen.render.templateset import builtin_dir, resolve_all, template_set

    config, _ = load_config(workspace)
    chosen = template or (workspace / config.template if config.template else None)
    builtin = builtin_dir().resolve()
    for name, folder in resolve_all(template_set(chosen, workspace, confine_to_workspace=template is None)):
        where = "built-in" if folder.resolve() == builtin else str(folder)
        typer.echo(f"{name}\t{where}")


@templates_app.command("show")
def templates_show(name: Annotated[str, typer.Argument(help="Template name, e.g. sections/security.md.j2")]) -> None:
    """Print a built-in template (to copy from or to extend with {% extends "builtin/NAME" %})."""
    from briefgen.render.templateset import builtin_source

    typer.echo(builtin_source(name), nl=False)


@templates_app.command("init")
def templates_init(
    directory: Annotated[Path, typer.Argument(help="Folder to write the templates into.", file_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace files that already exist.")] = False,
) -> None:
    """Eject the default template set (brief, sections, theme, cover note, reference.docx) into DIRECTORY."""
    from briefgen.scaffold import eject

    for path in eject(directory, force=force):
        typer.echo(str(path))


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.", file_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace files that already exist.")] = False,
) -> None:
    """Create a new workspace with an example brief that builds at once."""
    from briefgen.scaffold import create_workspace

    for path in create_workspace(directory, force=force):
        typer.echo(str(path))


@app.command("list")
def list_briefs(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the briefs in the workspace."""
    from briefgen.facts.factbase import load_factbase

    fb = load_factbase(workspace)
    for brief_id, brief in sorted(fb.briefs.items()):
        typer.echo(f"{brief_id}\t{brief.title}\t({fb.brief_files[brief_id]})")


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
    max_size: Annotated[float, typer.Option("--max-size", min=0.001, help="Largest document to read, in MB.")] = 50.0,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Turn a web page, PDF, Word or text file into a source: its text under seeds/, the original under
    seeds/originals/, and a record in data/sources.yaml. Prints what was filled and what to check."""
    from briefgen.sources.add import add_source

    added = add_source(workspace, document, source_id, source_type=source_type, timeout=timeout,
                       max_bytes=int(max_size * 2**20))
    typer.echo(f"added source '{added.source_id}': {added.text_file} ({added.lines} lines)"
               + (f", original kept as {added.original}" if added.original else ""))
    typer.echo("filled in data/sources.yaml:")
    for name, value in added.filled:
        typer.echo(f"  {name}: {value}")
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
        _warn(f"{problem} (not searched)")
    for hit in hits:
        typer.echo(f"{hit.file}:{hit.line}")
        typer.echo("  " + hit.citation().replace("\n", "\n  "))
    if not hits:
        where = f"source '{source_id}'" if source_id else "any source"
        typer.echo(f"no sentence of {where} contains all of: {' '.join(words)}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(hits)} sentence{'s' if len(hits) != 1 else ''} found", err=True)


def _handle_signals() -> dict:
    """Ctrl+C and SIGTERM raise Interrupted, so temp files are removed on the way out.
    Returns the previous handlers, restored when `main` returns."""
    from briefgen.errors import Interrupted

    def stop(_signum, _frame):
        _state["interrupted"] = True
        raise Interrupted()

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, stop)
        except ValueError:  # not the main thread (e.g. embedded in another program)
            break
    return previous


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn briefgen errors into `error: path:line: message` lines.

    Usage errors are typer's (exit 2); invalid input exits 1; anything unexpected exits 70 with a
    one-line message, and a traceback only with --debug.
    """
    from briefgen.errors import BriefgenError, Interrupted

    _state["interrupted"] = False
    previous = _handle_signals()
    try:
        app(args=argv, prog_name="briefgen")
    except BriefgenError as exc:
        if _state["debug"]:
            raise
        for problem in exc.problems:
            typer.echo(f"error: {_safe(problem)}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _state["debug"]:
            raise
        if _state.get("interrupted"):
            # a library caught Interrupted inside its own code and raised its own error (reportlab
            # does while saving): the cause is still the interruption, and cleanup has run
            typer.echo(f"error: {Interrupted.MESSAGE}", err=True)
            sys.exit(Interrupted.exit_code)
        typer.echo(f"internal error: {type(exc).__name__}: {_safe(exc)} (run with --debug for a traceback)", err=True)
        sys.exit(70)
    finally:
        if argv is not None:  # called as a library (tests): give the caller its handlers back
            for sig, handler in previous.items():
                signal.signal(sig, handler)
