"""`briefgen serve`: the live preview in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import AsOfOpt, LocaleOpt, MarkingOpt, TemplateOpt, WorkspaceOpt, app, parse_date, safe


@app.command()
def serve(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id to open; by default every brief is listed.")] = None,
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the preview in the default browser.")] = False,
    marking: MarkingOpt = None,
    as_of: AsOfOpt = None,
    template: TemplateOpt = None,
    locale: LocaleOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Preview briefs live in the browser: the page follows every save of data, sources, settings, theme and
    templates, shows problems and warnings over it, and links to the PDF and DOCX of the current state.
    Listens on 127.0.0.1 only; writes no files."""
    from briefgen.build.pipeline import BuildRequest
    from briefgen.preview.live import serve as run_preview

    request = BuildRequest(workspace=workspace, brief=brief, formats=("html",), marking=marking,
                           as_of=parse_date(as_of), template=template, locale=locale)
    run_preview(request, port, lambda line: typer.echo(safe(line), err=True), open_browser=open_browser)
