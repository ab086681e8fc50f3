"""`briefgen init`: a new workspace with an example brief that builds at once (like `mkdocs new`)."""

from __future__ import annotations

from pathlib import Path

from briefgen.files.output import write_new
from briefgen.render.templateset import template_files

EXAMPLE = Path(__file__).resolve().parent / "example"


def create_workspace(dest: Path, force: bool = False) -> list[Path]:
    """Write briefgen.toml, data/, seeds/ and an ejected templates/ into `dest`; all or nothing."""
    files = {dest / p.relative_to(EXAMPLE): p.read_bytes() for p in sorted(EXAMPLE.rglob("*")) if p.is_file()}
    files |= template_files(dest / "templates")
    files[dest / ".gitignore"] = b"/out/\n/outbox/\n"
    return write_new(files, force)
