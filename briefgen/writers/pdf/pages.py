"""Pages: the document template (one frame; headings become nested bookmarks) and the canvas that
holds pages back until the end so each can say "Page N of M", with the protective marking at top
and bottom and the footer line as page furniture (artifacts)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefgen.document import model as m
from briefgen.writers.pdf.canvas import TaggingCanvas
from briefgen.writers.pdf.tags import Node, Tagger
from briefgen.writers.theme import Theme
from briefgen.writers.typescale import FOOTER_RULE, FOOTER_SIZE, MARKING_SIZE, MUTED, footer_baseline, marking_baseline

PAGE_SIZES = {"A4": A4, "Letter": LETTER}


class BriefDoc(BaseDocTemplate):
    def __init__(self, buf, theme: Theme, meta: m.Meta, body_font: str, **kw):
        super().__init__(buf, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._outline_depth = -1  # the outline level of the last bookmark
        self.fills: dict[int, float] = {}  # page number -> height its content fills
        self.shorten: tuple[int, float] | None = None  # (page, points): that page's frame ends higher

    def handle_frameBegin(self, *args, **kw):
        super().handle_frameBegin(*args, **kw)
        frame = self.frame
        frame._geom()  # the frame is the template's, shared by every page: its full height first
        if self.shorten is not None and self.page == self.shorten[0]:
            frame._y1p += self.shorten[1]
            frame._aH -= self.shorten[1]

    def afterFlowable(self, flowable):
        """Headings become PDF bookmarks (outline), nested by level. An outline cannot skip a
        level (reportlab refuses `##` with no `#` before it), so a heading nests at most one level
        below the previous one."""
        if self.frame is not None:
            self.fills[self.page] = max(self.fills.get(self.page, 0.0), self.frame._y2 - self.frame._y)
        outline = getattr(flowable, "outline", None)
        if outline:
            level, key, text = outline
            depth = self._outline_depth = min(level - 1, self._outline_depth + 1)
            # the bookmark opens at the heading itself (and says where on its page a section starts)
            self.canv.bookmarkPage(key, fit="XYZ", top=self.frame._y + flowable.height if self.frame else None)
            self.canv.addOutlineEntry(text, key, level=depth, closed=False)


def canvas_maker(meta: m.Meta, theme: Theme, font: str, tags: Tagger, marking: Node | None = None):
    """A canvas that holds pages back until the end so each can say "Page N of M"; page
    content is an artifact unless a tagged flowable draws it (canvas.py). The marking at the top
    of page 1 is the content of `marking` (the tree's first element): a screen reader announces
    it once, and skips it, as furniture, everywhere else."""

    class _Canvas(TaggingCanvas):
        def __init__(self, *args, **kw):
            # the initial font is listed on every page: make it ours, not an unembedded Helvetica
            kw["initialFontName"] = f"{font}-regular"
            super().__init__(*args, tagger=tags, **kw)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def bookmarkPage(self, key, *args, **kw):
            # reportlab binds a destination to the page it is writing, which is still the first
            # while pages are held back: bind it to the page being drawn instead
            counter, self._doc.pageCounter = self._doc.pageCounter, self._pageNumber
            try:
                return super().bookmarkPage(key, *args, **kw)
            finally:
                self._doc.pageCounter = counter

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int):
            width, height = self._pagesize
            top = height - marking_baseline(theme)
            bottom = footer_baseline(theme)
            self.saveState()
            if meta.marking:
                self.setFillColor(colors.HexColor(theme.colours.marking))
                self.setFont(f"{font}-bold", MARKING_SIZE)
                announced = marking is not None and self._pageNumber == 1
                with self.content(marking) if announced else self.artifact("Pagination", "Header"):
                    self.drawCentredString(width / 2, top, meta.marking)
            with self.artifact("Pagination", "Footer"):
                if meta.marking:
                    self.drawCentredString(width / 2, bottom, meta.marking)
                self.setFillColor(colors.HexColor(MUTED))
                self.setFont(f"{font}-regular", FOOTER_SIZE)
                self.drawRightString(width - theme.margins_mm.right * mm, bottom, f"Page {self._pageNumber} of {total}")
                if meta.footer:
                    self.drawString(theme.margins_mm.left * mm, bottom, meta.footer)
                self.setStrokeColor(colors.HexColor(theme.colours.rule))
                self.setLineWidth(0.4)
                self.line(theme.margins_mm.left * mm, bottom + FOOTER_RULE, width - theme.margins_mm.right * mm, bottom + FOOTER_RULE)
            self.restoreState()

    return _Canvas
