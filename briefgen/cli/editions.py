"""`briefgen diff` and `editions`: what changed since a circulated edition, and the editions recorded."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import AsOfOpt, LocaleOpt, MarkingOpt, TemplateOpt, WorkspaceOpt, app, parse_date, safe, warn


class DiffFormat(str, Enum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"


@app.command()
def diff(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    since: Annotated[str, typer.Option("--since", metavar="last|DATE", help="The last recorded edition, or the "
                                       "newest one on or before DATE (YYYY-MM-DD).")] = "last",
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text for the terminal, md or html for a "
                                               "note, json for scripts.")] = DiffFormat.text,
    as_of: AsOfOpt = None,
    template: TemplateOpt = None,
    locale: LocaleOpt = None,
    marking: MarkingOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """What changed in a brief since an edition: records added, removed and changed (sentences word by word),
    key figures, the latest contact, sources, how current it is, titles now 'then', the page count."""
    from briefgen.build.pipeline import BuildRequest, prepare
    from briefgen.editions import report
    from briefgen.editions.publish import changes_since

    request = BuildRequest(workspace=workspace, brief=brief, marking=marking, as_of=parse_date(as_of),
                           template=template, locale=locale)
    prepared = prepare(request)
    for message in prepared.warnings:
        warn(message)
    changes = changes_since(workspace, prepared, since, pages=True)
    locale_used = prepared.context["build"].locale
    writers = {"text": lambda: report.as_text(changes, locale_used), "md": lambda: report.as_note(changes, locale_used),
               "html": lambda: report.as_note(changes, locale_used, report.HTML), "json": lambda: report.as_json(changes)}
    typer.echo(writers[format.value](), nl=False)


editions_app = typer.Typer(help="The recorded editions of each brief; `record` adds one.", invoke_without_command=True,
                           rich_markup_mode=None)
app.add_typer(editions_app, name="editions")


@editions_app.callback()
def list_editions(ctx: typer.Context, workspace: WorkspaceOpt = Path(".")) -> None:
    """The recorded editions of each brief, oldest first (`email` records one; so do `build --edition` and
    `editions record`)."""
    if ctx.invoked_subcommand is not None:
        return
    from briefgen.render.cldr import format_partial_date
    from briefgen.editions.store import briefs_with_editions, list_editions as stored

    for brief_id in briefs_with_editions(workspace):
        typer.echo(safe(brief_id))
        for e in stored(workspace, brief_id):
            m = e.manifest
            facts = [f"as of {format_partial_date(m['as_of'])}" if m.get("as_of") else "",
                     m.get("marking") or "no marking", ", ".join(m.get("formats", [])),
                     f"{m['pages']} pages" if m.get("pages") else "", f"{len(m['records'])} records",
                     f"recorded by {m['recorded_by']}" if m.get("recorded_by") else ""]
            typer.echo(safe(f"  {e.path}: " + "; ".join(f for f in facts if f)))


@editions_app.command("record")
def record(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    day: Annotated[Optional[str], typer.Option("--date", help="The day the edition went out, YYYY-MM-DD.",
                                               show_default="today")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="--date")] = None,
    marking: MarkingOpt = None,
    template: TemplateOpt = None,
    locale: LocaleOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record an edition from the workspace's data without building files: for a brief that went out
    before editions were recorded (check out the fact base as it was, then give the day it went out).
    The PDF is made in memory for its page count; nothing else is written."""
    from briefgen.build.pipeline import BuildRequest, prepare, produce
    from briefgen.editions.record import record_edition
    from briefgen.editions.store import write_edition
    from briefgen.files.root import shown

    went_out = parse_date(day)
    request = BuildRequest(workspace=workspace, brief=brief, marking=marking, template=template, locale=locale,
                           as_of=parse_date(as_of) or went_out)
    prepared = prepare(request)
    for message in prepared.warnings:
        warn(message)
    manifest = record_edition(prepared, produce(prepared, ("pdf",)), "editions record", day=went_out)
    typer.echo(f"edition recorded: {shown(write_edition(workspace, manifest), workspace)}")
