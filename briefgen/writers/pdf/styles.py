"""The PDF's paragraph styles: the brief's type scale (typescale.py, shared with the DOCX writer)
as reportlab ParagraphStyles."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from briefgen.writers.theme import Theme
from briefgen.writers.typescale import desk_padding, text_styles


def paragraph_styles(theme: Theme, body: str, head: str) -> dict[str, ParagraphStyle]:
    palette = theme.colours.model_dump()
    families = {"body": body, "heading": head}
    out: dict[str, ParagraphStyle] = {}
    for name, t in text_styles(theme).items():
        face = "bold_italic" if t.bold and t.italic else "bold" if t.bold else "italic" if t.italic else "regular"
        # No widows or orphans: a paragraph split by a page break leaves at least two lines on each page.
        out[name] = ParagraphStyle(
            name, fontName=f"{families[t.font]}-{face}", fontSize=t.size, leading=t.leading,
            spaceBefore=t.before, spaceAfter=t.after, leftIndent=t.left, rightIndent=t.right,
            firstLineIndent=t.first, textColor=colors.HexColor(palette.get(t.colour, t.colour)),
            alignment=TA_LEFT, allowWidows=0, allowOrphans=0)
    # a meeting brief's desk text: a tinted ground keeps it apart from sourced text
    out["desk"].backColor = colors.HexColor(theme.colours.table_stripe)
    out["desk"].borderPadding = desk_padding(theme)
    return out
