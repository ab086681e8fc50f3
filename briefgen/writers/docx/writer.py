"""DOCX writer: a `Document` to .docx bytes with python-docx.

Content is tagged with real Word styles (Heading 1, List Bullet, Caption, ...) so a reader can
restyle the brief in Word. Without a reference.docx the theme formats those styles; with one,
its styles are used untouched and the theme only formats styles the reference lacks.
The modules: `xml` (WordprocessingML helpers), `styles`, `body`, `package` (everything around the
body, and the zip), `reference` (the reference.docx `templates init` ejects).
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

import docx
from docx.oxml.ns import qn
from docx.shared import Mm

from briefgen.document.model import Document
from briefgen.writers import WriterOptions, logo_text
from briefgen.writers.docx.embedded import embed_fonts
from briefgen.writers.docx.body import BodyWriter, Ctx, note_texts
from briefgen.writers.docx.package import announce_marking, package, prepare, set_properties, text_width
from briefgen.writers.docx.styles import StyleBook
from briefgen.writers.docx.xml import clean
from briefgen.writers.fontsubset import document_chars

LOGO_HEIGHT_MM = 16

_SPARE: list = []  # python-docx's default template, opened ahead (`get_ready`), for the next `write`


def get_ready() -> None:
    """Open python-docx's default template now, for the next brief written without a reference.docx:
    opening it is a fifth of a write (~9 ms), and a writer process waiting for its job has the time.
    The spare is used as opened, so the file is the same as without it."""
    if not _SPARE:
        _SPARE.append(docx.Document(None))


def write(document: Document, options: WriterOptions) -> bytes:
    """The brief as .docx bytes, styled from `options.reference_docx` (a reference.docx's bytes) or the theme."""
    theme, reference = options.theme, options.reference_docx
    doc = _SPARE.pop() if reference is None and _SPARE else \
        docx.Document(io.BytesIO(reference) if reference is not None else None)
    created = document.meta.created or datetime.now(timezone.utc)
    created = created.replace(tzinfo=timezone.utc) if created.tzinfo is None else created.astimezone(timezone.utc)
    styles = StyleBook(doc, theme, own_styles=reference is None)
    prepare(doc, styles, document.meta)
    embed_fonts(doc, theme, document_chars(document))
    announce_marking(doc, styles, document.meta)
    logo = theme.logo_bytes()
    if logo is not None:  # the letterhead logo, above the title block, described for screen readers
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Mm(4)  # as in the PDF
        shape = p.add_run().add_picture(io.BytesIO(logo), height=Mm(LOGO_HEIGHT_MM))
        shape._inline.docPr.set("descr", clean(logo_text(theme, document.meta)))
    BodyWriter(styles, note_texts(document.blocks)).blocks(document.blocks, Ctx(doc, text_width(theme)))
    body = doc.element.body
    if len(body) == 1 or body[-2].tag == qn("w:tbl"):  # Word wants a paragraph at the end
        doc.add_paragraph()
    set_properties(doc, document.meta, created)
    return package(doc, created)
