"""`briefgen init` (a new workspace with an example brief that builds at once, like `mkdocs new`)
and `briefgen templates init` (the built-in template set, theme and a reference.docx to restyle)."""

from __future__ import annotations

from pathlib import Path

from briefgen.files.output import write_new
from briefgen.render.templateset import builtin_dir, template_names

EXAMPLE = Path(__file__).resolve().parent / "example"


def create_workspace(dest: Path, force: bool = False) -> list[Path]:
    """Write briefgen.toml, data/, seeds/ and an ejected templates/ into `dest`; all or nothing."""
    files = {dest / p.relative_to(EXAMPLE): p.read_bytes() for p in sorted(EXAMPLE.rglob("*")) if p.is_file()}
    files |= template_files(dest / "templates")
    files[dest / ".gitignore"] = b"/out/\n/outbox/\n"
    return write_new(files, force)


def eject(dest: Path, force: bool = False) -> list[Path]:
    """Copy the built-in set (and a reference.docx made from the DOCX writer's styles) into `dest`.
    Refuses, naming the files, when any would be overwritten and `force` is not given."""
    return write_new(template_files(dest), force)


def template_files(dest: Path) -> dict[Path, bytes]:
    """The built-in template set as it would be ejected into `dest`."""
    from briefgen.writers.docx.reference import reference_docx  # python-docx loads only here

    files = {dest / name: (builtin_dir() / name).read_bytes() for name in template_names(builtin_dir())}
    files[dest / "reference.docx"] = reference_docx()
    return files
