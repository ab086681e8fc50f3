"""The PDF's paragraph styles, derived from the theme (sizes relative to its body size)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from briefgen.writers.theme import Theme

def paragraph_styles(theme: Theme, body: str, head: str) -> dict[str, ParagraphStyle]:
    size = theme.body_size
    c = theme.colours
    text = colors.HexColor(c.text)
    # No widows or orphans: a paragraph split by a page break leaves at least two lines on each page.
    base = ParagraphStyle("body", fontName=f"{body}-regular", fontSize=size, leading=size * 1.38,
                          textColor=text, spaceAfter=size * 0.6, alignment=TA_LEFT, allowWidows=0, allowOrphans=0)

    def derive(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    heading = colors.HexColor(c.heading)
    return {
        "body": base,
        "h1": derive("h1", fontName=f"{head}-bold", fontSize=size * 1.35, leading=size * 1.7, textColor=heading,
                     spaceBefore=size * 1.3, spaceAfter=size * 0.5),
        "h2": derive("h2", fontName=f"{head}-bold", fontSize=size * 1.1, leading=size * 1.45, textColor=heading,
                     spaceBefore=size * 0.9, spaceAfter=size * 0.35),
        "h3": derive("h3", fontName=f"{head}-bold", fontSize=size, leading=size * 1.35, textColor=text,
                     spaceBefore=size * 0.7, spaceAfter=size * 0.25),
        "title": derive("title", fontName=f"{head}-bold", fontSize=size * 2.0, leading=size * 2.4,
                        textColor=heading, spaceAfter=size * 0.3),
        "subtitle": derive("subtitle", fontName=f"{body}-italic", fontSize=size * 1.1, leading=size * 1.45,
                           textColor=colors.HexColor(c.accent), spaceAfter=size * 0.8),
        "letterhead": derive("letterhead", fontName=f"{head}-bold", fontSize=size * 0.95,
                             textColor=colors.HexColor(c.accent), spaceAfter=size * 1.2),
        "meta": derive("meta", fontSize=size * 0.85, leading=size * 1.2, textColor=colors.HexColor("#555555"),
                       spaceAfter=size * 0.4),
        "small": derive("small", fontSize=size * 0.85, leading=size * 1.2),
        # a meeting brief's desk text: a tinted ground keeps it apart from sourced text
        "desk": derive("desk", backColor=colors.HexColor(c.table_stripe), borderPadding=(size * 0.3, size * 0.5),
                       leftIndent=size * 0.5, rightIndent=size * 0.5, spaceBefore=size * 0.3, spaceAfter=size * 0.9),
        "desk-label": derive("desk-label", fontName=f"{body}-italic", fontSize=size * 0.85, leading=size * 1.2,
                             textColor=colors.HexColor(c.accent), leftIndent=size * 0.5, spaceAfter=size * 1.0),
        "code": derive("code", fontSize=size * 0.85, leading=size * 1.2),
        "caption": derive("caption", fontName=f"{body}-bold", fontSize=size * 0.88, leading=size * 1.2,
                          textColor=heading, spaceBefore=size * 0.4, spaceAfter=size * 0.3),
        "cell": derive("cell", fontSize=size * 0.88, leading=size * 1.18, spaceAfter=0),
        "cell_head": derive("cell_head", fontName=f"{body}-bold", fontSize=size * 0.88, leading=size * 1.18,
                            spaceAfter=0, textColor=heading),
        "callout_title": derive("callout_title", fontName=f"{head}-bold", fontSize=size * 1.05, textColor=heading,
                                spaceAfter=size * 0.3),
        "note": derive("note", fontSize=size * 0.85, leading=size * 1.2, leftIndent=size * 1.6,
                       firstLineIndent=-size * 1.6, spaceAfter=size * 0.25),
        "quote": derive("quote", leftIndent=size * 1.5, fontName=f"{body}-italic"),
    }
