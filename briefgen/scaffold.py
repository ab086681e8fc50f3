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
    files = {dest / name: (builtin_dir() / name).read_bytes() for name in template_names(builtin_dir())}
    files[dest / "reference.docx"] = reference_docx()
    return files


def reference_docx() -> bytes:
    """A Word document carrying the styles the DOCX writer uses, for users to restyle in Word."""
    from briefgen.document import model as m
    from briefgen.writers.theme import Theme
    from briefgen.writers.docx import write

    sample = m.Document(
        m.Meta(title="Reference styles", subject="Restyle these in Word; briefgen builds follow them"),
        (
            m.Paragraph((m.Text("Organisation"),), style="letterhead"),
            m.Paragraph((m.Text("Title"),), style="title"),
            m.Paragraph((m.Text("Subtitle"),), style="subtitle"),
            m.Paragraph((m.Text("Date and reference line"),), style="meta"),
            m.Heading(1, (m.Text("Heading 1"),)),
            m.Heading(2, (m.Text("Heading 2"),)),
            m.Heading(3, (m.Text("Heading 3"),)),
            m.Paragraph((m.Text("Body text with a note"), m.NoteRef(1), m.Text(".")),),
            m.BulletList((m.ListItem((m.Paragraph((m.Text("List Bullet"),)),)),)),
            m.OrderedList((m.ListItem((m.Paragraph((m.Text("List Number"),)),)),)),
            m.Table(((( m.Text("Header"),), (m.Text("Header"),)),), (((m.Text("Cell"),), (m.Text("Cell"),)),),
                    caption="Caption"),
            m.Callout("keyfacts", "Key Facts Title", (
                m.Paragraph((m.Text("Key Facts"),)),
                m.BulletList((m.ListItem((m.Paragraph((m.Text("Key Facts Bullet"),)),)),)),
            )),
            m.Quote((m.Paragraph((m.Text("Quote"),)),)),
            m.Paragraph((m.Text("Small print"),), style="small"),
            m.Notes((m.Note(1, (m.Paragraph((m.Text("Source note"),)),)),)),
        ),
    )
    return write(sample, Theme())
