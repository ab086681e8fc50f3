"""`briefgen check`, `build` and `list`: the fact base checked, briefs built."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import (
    AsOfOpt,
    ChangesSinceOpt,
    LocaleOpt,
    MarkingOpt,
    PdfStandard,
    TemplateOpt,
    WorkspaceOpt,
    absolute,
    app,
    parse_date,
    parse_formats,
    safe,
    warn,
)


@app.command()
def check(
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=absolute, help="Template folder searched first, "
                                                     "as `build --template` would use it.", file_okay=False)] = None,
    final: Annotated[bool, typer.Option("--final", help="Meeting briefs: report as errors what `build --final` "
                                        "refuses (uncleared sections, missing figures, unconfirmed titles).")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Validate the fact base (schema, dates, ids, every quote against its source, every printed value
    against its record's quotes), the meeting briefs' desk text, briefgen.toml, and that every brief renders
    through its templates and theme."""
    from briefgen.build.pipeline import check_workspace

    fb = check_workspace(workspace, warn=warn, template=template, final=final)
    from briefgen.facts.attribution import factbase_warnings

    from briefgen.sources.vetting import source_warnings

    for problem in factbase_warnings(fb) + source_warnings(fb):
        warn(str(problem))
    for note in fb.notes:  # how check read what it proved, e.g. 'on Tuesday' in a dated report
        typer.echo(f"note: {safe(note)}", err=True)
    n_records, n_sources, n_quotes = fb.record_count, len(fb.sources), fb.quotes_verified
    meetings = f" and {len(fb.meetings)} meeting brief(s)" if fb.meetings else ""
    typer.echo(f"ok: {n_records} records in {len(fb.briefs)} brief(s){meetings}, {n_sources} source(s), "
               f"{n_quotes} quotes verified; templates and theme render")



@app.command()
def build(
    brief: Annotated[Optional[str], typer.Argument(help="Brief or meeting brief id (see `briefgen list`); optional "
                                                  "when there is one brief.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, md (portable CommonMark), html, all (those "
                                        "four), briefgen-md (the Markdown the templates render), or a comma list.")] = "pdf",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder.",
                                                show_default="out/ in the workspace")] = None,
    marking: MarkingOpt = None,
    as_of: AsOfOpt = None,
    template: TemplateOpt = None,
    locale: LocaleOpt = None,
    pdf_standard: Annotated[Optional[PdfStandard], typer.Option(
        "--pdf-standard", help="Tagged PDF/UA-1 (ua-1), or also PDF/A-2 for archiving (a-2b, a-2u).",
        show_default="from briefgen.toml, else ua-1")] = None,
    all_briefs: Annotated[bool, typer.Option("--all", help="Build every brief of the workspace.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes: with --all, "
                                                "briefs built at once; for one brief, 1 writes every format in "
                                                "this process (else the PDF and DOCX start early in their own).",
                                                show_default="number of cores")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Rebuild whenever a data, source or template file changes.")] = False,
    final: Annotated[bool, typer.Option("--final", help="Meeting briefs: refuse to build while a section is not "
                                        "cleared, a required figure is missing or a pen picture's title unconfirmed.")] = False,
    marking_limit: Annotated[Optional[str], typer.Option(
        "--marking-limit", metavar="MARKING", help="Meeting briefs: build the copy for readers cleared to MARKING, "
        "leaving out sections marked higher (e.g. --marking-limit OFFICIAL).")] = None,
    edition: Annotated[bool, typer.Option("--edition", help="Record this build as an edition (editions/<brief>/), "
                                          "to compare later builds with.")] = False,
    changes_since: ChangesSinceOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Build a brief (a country brief or a meeting brief) and print the path of every file written."""
    from briefgen.build.pipeline import BuildRequest
    from briefgen.build.pipeline import build as run_build

    if all_briefs and (brief or watch):
        raise typer.BadParameter("--all builds every brief: give no BRIEF and no --watch", param_hint="--all")
    request = BuildRequest(workspace=workspace, brief=brief, formats=parse_formats(format), out=out, marking=marking,
                           as_of=parse_date(as_of), template=template, locale=locale,
                           pdf_standard=pdf_standard.value if pdf_standard else None, final=final,
                           marking_limit=marking_limit)
    if edition or changes_since:
        if all_briefs or watch:
            raise typer.BadParameter("--edition and --changes-since build one brief: give no --all or --watch",
                                     param_hint="--edition / --changes-since")
        from briefgen.editions.publish import build_and_record
        from briefgen.files.root import shown

        paths, recorded = build_and_record(request, changes_since, edition, warn=warn)
        for path in paths:
            typer.echo(safe(path))
        if recorded:
            typer.echo(f"edition recorded: {shown(recorded, workspace)}", err=True)  # as `diff` names it
    elif all_briefs:
        _build_all(request, jobs)
    elif watch:
        from briefgen.build.watch import watch as watch_and_build

        watch_and_build(request, lambda line: typer.echo(safe(line)), lambda line: typer.echo(safe(line), err=True))
    else:
        for path in run_build(request, warn=warn, jobs=jobs):
            typer.echo(safe(path))


def _build_all(request, jobs: int | None) -> None:
    from briefgen.build.batch import run_with_progress

    outcomes = run_with_progress(request, jobs, lambda line: typer.echo(line, err=True), sys.stderr.isatty())
    failed = [o for o in outcomes if not o.ok]
    for outcome in sorted(outcomes, key=lambda o: o.brief_file):
        for path in outcome.paths:
            typer.echo(safe(path))
        for message in outcome.warnings:
            warn(f"{outcome.brief_file}: {message}")
    for outcome in sorted(failed, key=lambda o: o.brief_file):
        for error in outcome.errors:
            typer.echo(f"error: {safe(error)}", err=True)
    typer.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} briefs built"
               + (f"; failed: {', '.join(o.brief_file for o in failed)}" if failed else ""), err=True)
    if failed:
        raise typer.Exit(1)



@app.command("list")
def list_briefs(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the briefs and meeting briefs in the workspace."""
    from briefgen.facts.factbase import load_factbase

    fb = load_factbase(workspace)
    for brief_id, brief in sorted(fb.briefs.items()):
        typer.echo(f"{brief_id}\t{brief.title}\t({fb.brief_files[brief_id]})")
    for meeting_id, loaded in sorted(fb.meetings.items()):  # after the briefs, in the same three columns
        mt = loaded.meeting
        where = f", {mt.meeting.place}" if mt.meeting.place else ""
        typer.echo(f"{meeting_id}\t{safe(mt.title)} (meeting brief: {mt.meeting.date}{safe(where)}; facts from "
                   f"{mt.brief})\t({loaded.file})")


