"""The reference.docx that `templates init` and `init` eject: a sample of every style the DOCX
writer uses, made by the writer itself, for users to restyle in Word (builds then follow it)."""

from __future__ import annotations

from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers.docx.writer import write
from briefgen.writers.theme import Theme


def reference_docx() -> bytes:
    """A Word document carrying the styles the DOCX writer uses, for users to restyle in Word."""
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
    return write(sample, WriterOptions(Theme()))
