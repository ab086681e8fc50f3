"""`briefgen init`: a new workspace with an example brief that builds at once (like `mkdocs new`)."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.output import write_all
from briefgen.templates import builtin_dir, reference_docx, template_names

EXAMPLE = Path(__file__).resolve().parent / "example"


def create_workspace(dest: Path, force: bool = False) -> list[Path]:
    """Write briefgen.toml, data/, seeds/ and an ejected templates/ into `dest`; all or nothing."""
    files = {dest / p.relative_to(EXAMPLE): p.read_bytes() for p in sorted(EXAMPLE.rglob("*")) if p.is_file()}
    files |= {dest / "templates" / name: (builtin_dir() / name).read_bytes() for name in template_names(builtin_dir())}
    files[dest / "templates" / "reference.docx"] = reference_docx()
    files[dest / ".gitignore"] = b"/out/\n/outbox/\n"
    existing = [p for p in files if p.exists()]
    if existing and not force:
        listed = ", ".join(str(p) for p in existing[:5]) + (" …" if len(existing) > 5 else "")
        raise BriefgenError(f"not overwriting existing files in {dest} (use --force): {listed}")
    return write_all(files)
