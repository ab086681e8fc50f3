"""PDF writer (reportlab platypus): Document -> PDF bytes, tagged PDF/UA-1 and on request PDF/A-2.

The stages, one module each: `glyphs` (fonts registered, text checked against them), `styles`,
`story` (the model as flowables, the structure tree built alongside by `tags`), `pages` (page
template and furniture), `canvas` (marked content while drawing) and `catalog` (the structure tree,
metadata and PDF/A identification written into reportlab's catalog at save).
"""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from briefgen.document import model as m
from briefgen.writers import Paged, WriterOptions, logo_text
from briefgen.writers.fonts import resolve, settle
from briefgen.writers.pdf.glyphs import check_glyphs, refuse_right_to_left, register_family
from briefgen.writers.pdf.pages import PAGE_SIZES, BriefDoc, canvas_maker
from briefgen.writers.pdf.story import Story, logo
from briefgen.writers.pdf.styles import paragraph_styles
from briefgen.writers.pdf.tags import Tagger
from briefgen.writers.typescale import text_styles


RUNT_LINES = 5
"""A last page holding less than this many body lines is a runt. The space between blocks is
tightened (by RUNT_SQUEEZES) to pull those lines back onto the pages before; when that is not
enough, the page before ends early so that enough lines go over to the last one."""
RUNT_SQUEEZES = (0.75, 0.5)


def write(document: m.Document, options: WriterOptions) -> Paged:
    """The PDF: tagged PDF/UA-1, also PDF/A-2b or -2u with `options.pdf_standard` "a-2b"/"a-2u".
    `options.tagged=False` draws the same pages without tags, links or metadata (the page-image test
    compares the two). No last page is left holding a few lines (RUNT_LINES). The bytes carry their
    page count, so the build's length check need not parse them."""
    pdf, fills = typeset(document, options)
    line = text_styles(options.theme)["body"].leading
    enough = RUNT_LINES * line
    if len(fills) < 2 or fills[-1] >= enough:
        return pdf
    for squeeze in RUNT_SQUEEZES:
        tighter, tighter_fills = typeset(document, options, squeeze)
        if len(tighter_fills) < len(fills):
            return tighter
    balanced, balanced_fills = typeset(document, options, shorten=(len(fills) - 1, enough - fills[-1] + line))
    return balanced if len(balanced_fills) == len(fills) and balanced_fills[-1] >= enough else pdf


def typeset(document: m.Document, options: WriterOptions, squeeze: float = 1.0,
            shorten: tuple[int, float] | None = None) -> tuple[Paged, list[float]]:
    """The PDF and the height its content fills on each page, with the space above and below
    paragraphs and headings scaled by `squeeze`, and page `shorten[0]` ending `shorten[1]` points early."""
    theme = settle(options.theme)  # a font that is not found is reported once, not per family
    body_family = register_family(resolve(theme.body_font, theme.base_dir, theme.root))
    head_family = register_family(resolve(theme.heading_font, theme.base_dir, theme.root))
    refuse_right_to_left(document)
    document = check_glyphs(document, body_family, head_family)
    styles = {name: ParagraphStyle(name, parent=style, spaceBefore=style.spaceBefore * squeeze,
                                   spaceAfter=style.spaceAfter * squeeze)
              for name, style in paragraph_styles(theme, body_family.name, head_family.name).items()}
    buf = io.BytesIO()
    meta = document.meta
    tags = Tagger(meta.language, options.pdf_standard, enabled=options.tagged)
    doc = BriefDoc(
        buf, theme=theme, meta=meta, body_font=body_family.name,
        pagesize=PAGE_SIZES[theme.page_size],
        leftMargin=theme.margins_mm.left * mm, rightMargin=theme.margins_mm.right * mm,
        topMargin=theme.margins_mm.top * mm, bottomMargin=theme.margins_mm.bottom * mm,
        title=meta.title, author=meta.author, subject=meta.subject, keywords=list(meta.keywords),
        creator="briefgen", producer="briefgen (reportlab)", lang=meta.language,
        invariant=1 if meta.reproducible else 0,
    )
    doc.shorten = shorten
    marking = tags.add("P") if meta.marking else None  # read first, once (drawn as page 1's header)
    story = logo(theme, tags, logo_text(theme, meta)) + Story(styles, theme, doc.width, tags, document, doc.height).blocks(document.blocks)
    doc.build(story, canvasmaker=canvas_maker(meta, theme, body_family.name, tags, marking))
    return Paged(buf.getvalue(), doc.page), [doc.fills.get(page, 0.0) for page in range(1, max(doc.fills, default=1) + 1)]
