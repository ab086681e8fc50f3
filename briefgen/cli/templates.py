"""`briefgen templates list|show|init` and `briefgen init`: template sets and new workspaces."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import WorkspaceOpt, absolute, app

templates_app = typer.Typer(help="List, show and eject the brief templates.", no_args_is_help=True,
                            rich_markup_mode=None)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list(
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=absolute, help="Template folder searched first.",
                                                     file_okay=False)] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Each template and the folder it is taken from (first match wins)."""
    from briefgen.render.templateset import builtin_dir, resolve_all, template_set
    from briefgen.workspace import load_config

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


