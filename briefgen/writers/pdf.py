"""PDF writer (reportlab platypus): Document -> PDF bytes.

Page furniture on every page: the protective marking centred at top and bottom, "Page N of M"
and the footer text. Headings become bookmarks; tables repeat their header rows and never split
a row; fonts are embedded TrueType subsets. Text is escaped for reportlab's paragraph markup
here, once (`_esc`), so fact text can never become markup.
"""

from __future__ import annotations

import dataclasses
import io
import math
import unicodedata
import warnings
from html import escape  # reportlab's paragraph parser loads html already; xml.sax.saxutils would pull in urllib, http and ssl

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, HRFlowable, Image, ListFlowable, ListItem,
    KeepTogether, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle,
)
from reportlab.platypus.flowables import LIIndenter

from briefgen.document import model as m
from briefgen.errors import BriefgenError, BriefgenWarning, FontError
from briefgen.files.root import printable
from briefgen.writers.fonts import ResolvedFamily, read_face, resolve, settle
from briefgen.writers.theme import Theme
from briefgen.writers import pdf_tags

PAGE_SIZES = {"A4": A4, "Letter": LETTER}


def write(document: m.Document, theme: Theme, standard: str = "ua-1", tagged: bool = True, **_ignored) -> bytes:
    """The PDF: tagged PDF/UA-1, also PDF/A-2b or -2u with `standard` "a-2b"/"a-2u". `tagged=False`
    draws the same pages without tags, links or metadata (the page-image test compares the two)."""
    theme = settle(theme)  # a font that is not found is reported once, not per family
    body_family = _register(resolve(theme.body_font, theme.base_dir, theme.root))
    head_family = _register(resolve(theme.heading_font, theme.base_dir, theme.root))
    _refuse_right_to_left(document)
    document = _check_glyphs(document, body_family, head_family)
    styles = _styles(theme, body_family.name, head_family.name)
    buf = io.BytesIO()
    meta = document.meta
    tags = pdf_tags.Tagger(meta.language, standard, enabled=tagged)
    doc = _BriefDoc(
        buf, theme=theme, meta=meta, body_font=body_family.name,
        pagesize=PAGE_SIZES[theme.page_size],
        leftMargin=theme.margins_mm.left * mm, rightMargin=theme.margins_mm.right * mm,
        topMargin=theme.margins_mm.top * mm, bottomMargin=theme.margins_mm.bottom * mm,
        title=meta.title, author=meta.author, subject=meta.subject, keywords=list(meta.keywords),
        creator="briefgen", producer="briefgen (reportlab)", lang=meta.language,
        invariant=1 if meta.reproducible else 0,
    )
    story = _logo(theme, tags, meta.organisation) + _Story(styles, theme, doc.width, tags, document, doc.height).blocks(document.blocks)
    doc.build(story, canvasmaker=_canvas_maker(meta, theme, body_family.name, tags))
    return buf.getvalue()


# --- fonts -------------------------------------------------------------------------


_registered: dict[tuple, ResolvedFamily] = {}


def _register(family: ResolvedFamily) -> ResolvedFamily:
    """Register the four faces once per process (TTFs are embedded as subsets). Keyed by the files,
    so a theme that keeps a family's name but changes its files (under --watch) gets the new ones."""
    key = (family.name, tuple(sorted((style, str(path)) for style, path in family.files.items())))
    if key in _registered:
        return _registered[key]
    name = family.name if not any(k[0] == family.name for k in _registered) else f"{family.name}~{len(_registered)}"
    names = {style: f"{name}-{style}" for style in family.files}
    for style, path in family.files.items():
        data = read_face(path)  # through the door: a regular file of sensible size, never a FIFO
        try:
            pdfmetrics.registerFont(TTFont(names[style], data))
        except BriefgenError:  # Interrupted from a signal while the font is read: not a font problem
            raise
        except Exception:  # reportlab raises TTFError and others for unusable files; their text
            # quotes the file's first bytes, which mean nothing to a reader
            kind = "a TrueType font (.ttf) reportlab can use" if data.getvalue()[:4] in (b"\0\1\0\0", b"true") else \
                "a TrueType font (.ttf): OpenType/CFF (.otf), collections (.ttc) and other files cannot be used"
            raise FontError(f"cannot use font file {printable(path)}: it is not {kind}") from None
    pdfmetrics.registerFontFamily(name, normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bold_italic"])
    _registered[key] = ResolvedFamily(name, family.files, family.source)
    return _registered[key]


def _refuse_right_to_left(document: m.Document) -> None:
    """Refuse right-to-left letters (Arabic script, Hebrew, Syriac, Thaana, N'Ko...) rather than print
    them wrong: reportlab, as briefgen uses it, neither joins Arabic letters nor orders right-to-left
    runs, so Urdu or Arabic would come out as separate letters in reverse order, unreadable.
    The DOCX, Markdown and HTML writers carry such text, and Word and browsers set it correctly."""
    rtl = "".join(sorted({ch for text, _ in _texts(document) for ch in text
                          if unicodedata.bidirectional(ch) in ("R", "AL")}))
    if rtl:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in rtl[:8])
        raise FontError(f"right-to-left text cannot be set in the PDF yet: {shown}", missing=rtl, font="",
                        why=RTL_REASON)


RTL_REASON = ("right-to-left text (Arabic script or Hebrew: {chars}) cannot be set in the PDF yet: its letters "
              "would print unjoined and in reverse order; build --format docx, html or md for this brief, or "
              "give the text in Latin transliteration")


def _check_glyphs(document: m.Document, *families: ResolvedFamily) -> m.Document:
    """Refuse text the fonts cannot show rather than print empty boxes.

    Invisible format characters (zero-width and direction marks, U+FEFF) that the font lacks are
    left out of the PDF with a warning; any other missing character is an error naming it.
    """
    covered: set[int] | None = None
    for fam in families:
        cmap = set(pdfmetrics.getFont(f"{fam.name}-regular").face.charToGlyph)
        covered = cmap if covered is None else covered & cmap
    missing = {ch for text, _ in _texts(document) for ch in text
               if ord(ch) not in covered and not ch.isspace() and ord(ch) >= 0x20}
    invisible = "".join(sorted(ch for ch in missing if unicodedata.category(ch) == "Cf"))
    visible = "".join(sorted(missing - set(invisible)))
    names = " / ".join(dict.fromkeys(f.name for f in families))
    if visible:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, '')})".replace(" )", ")") for c in visible[:8])
        raise FontError(f"the font {names} has no glyph for {shown}; choose a font that covers them in theme.toml",
                        missing=visible, font=names)
    if invisible:
        listed = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in invisible)
        warnings.warn(BriefgenWarning(f"invisible characters left out of the PDF (the font {names} lacks them): {listed}"))
        return _strip(document, invisible)
    return document


def _strip(document: m.Document, chars: str) -> m.Document:
    """The document with `chars` removed from every text node (used for invisible characters only)."""
    table = {ord(c): None for c in chars}

    def fix(node):
        if isinstance(node, m.Text):
            return m.Text(node.text.translate(table))
        if isinstance(node, str):
            return node.translate(table)
        if isinstance(node, tuple):
            return tuple(fix(n) for n in node)
        if dataclasses.is_dataclass(node):
            return dataclasses.replace(node, **{f.name: fix(getattr(node, f.name)) for f in dataclasses.fields(node)})
        return node

    return fix(document)


def _texts(document: m.Document):
    yield document.meta.marking, None
    yield document.meta.footer, None

    def inl(nodes, line):
        for n in nodes:
            match n:
                case m.Text(text=t):
                    yield t, line
                case m.Strong(children=c) | m.Emph(children=c) | m.Link(children=c):
                    yield from inl(c, line)

    def blocks(items):
        for b in items:
            line = getattr(b, "line", None)
            match b:
                case m.Heading(children=c) | m.Paragraph(children=c):
                    yield from inl(c, line)
                case m.BulletList(items=its) | m.OrderedList(items=its):
                    for it in its:
                        yield from blocks(it.blocks)
                case m.Table():
                    yield b.caption or "", line
                    for row in b.header + b.rows:
                        for cell in row:
                            yield from inl(cell, line)
                case m.Callout() | m.Quote():
                    yield getattr(b, "title", ""), line
                    yield from blocks(b.blocks)
                case m.Notes(items=notes):
                    for note in notes:
                        yield from blocks(note.blocks)

    yield from blocks(document.blocks)


# --- styles ------------------------------------------------------------------------


SHORT_TABLE_ROWS = 4  # never split across pages; at 6 the shipped brief gained a page of nine lines


def _styles(theme: Theme, body: str, head: str) -> dict[str, ParagraphStyle]:
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


# --- the story ---------------------------------------------------------------------


def _esc(text: str) -> str:
    """Text -> reportlab paragraph markup: the one place fact text is made safe."""
    return escape(text, quote=False)


def _inline(nodes: tuple[m.Inline, ...], notes: pdf_tags.NoteLinks | None = None) -> str:
    """Paragraph markup; with `notes`, links and note markers are tagged and markers link to their notes."""
    out: list[str] = []
    prev_note = False
    for node in nodes:
        match node:
            case m.Text(text=t):
                out.append(_esc(t))
            case m.Strong(children=c):
                out.append(f"<b>{_inline(c, notes)}</b>")
            case m.Emph(children=c):
                out.append(f"<i>{_inline(c, notes)}</i>")
            case m.Link(href=href, children=c):
                link = f'<link href="{escape(href)}" color="#2E5C8A">{_inline(c, notes)}</link>'
                out.append(notes.link(href, link) if notes else link)
            case m.NoteRef(number=n):
                if notes:
                    out.append(notes.ref(n, "<super>,</super>" if prev_note else ""))
                else:
                    out.append(f"<super>{',' if prev_note else ''}{n}</super>")
            case m.LineBreak():
                out.append("<br/>")
        prev_note = isinstance(node, m.NoteRef)
    return "".join(out)


class _Heading(Paragraph):
    """A heading paragraph that knows its outline level (for bookmarks)."""

    def __init__(self, text, style, level, key, plain):
        super().__init__(text, style)
        self.outline = (level, key, plain)


class _ItemIndenter(LIIndenter):
    """A list item's content, split like any paragraph. reportlab's LIIndenter refuses to split a
    paragraph when all but one of its lines would fit; for an item taller than a page, at the top of
    a page, that refusal is a LayoutError. The paragraph's own widow and orphan rules decide instead."""

    def split(self, aW, aH):
        parts = self._flowable.split(aW - self._leftIndent - self._rightIndent, aH)
        return [_ItemIndenter(part, leftIndent=self._leftIndent, rightIndent=self._rightIndent,
                              bullet=self._bullet if i == 0 else None) for i, part in enumerate(parts)]


LONG_TEXT = 8_000
"""Characters of a paragraph laid out as one reportlab Paragraph (about a page and a half). A longer
paragraph is set as several in a row (cut at a sentence end or a space when there is one):
reportlab re-wraps the rest of a paragraph at every page it spans, so one paragraph of many pages
costs time in the square of its length (1 MB of text took minutes); pieces of a page or two keep
layout time linear, and paragraphs a reader would write are never cut."""


class _Story:
    def __init__(self, styles, theme: Theme, width: float, tags: pdf_tags.Tagger, document: m.Document,
                 height: float = 10_000):
        self.s = styles
        self.theme = theme
        self.width = width
        self.height = height
        self.headings = 0
        self.tags = tags  # the structure tree, built alongside the flowables
        self.notes = pdf_tags.NoteLinks(document) if tags.enabled else None

    def inline(self, nodes) -> str:
        return _inline(nodes, self.notes)

    def paragraphs(self, nodes: tuple[m.Inline, ...], style: ParagraphStyle, role) -> list[Flowable]:
        """One Paragraph, or several in a row when the text is long (see LONG_TEXT); the pieces
        after the first continue it without space between them, and all are one element `role`
        (a role name or a structure node) of the tagged PDF."""
        pieces = _pieces(nodes)
        node = role if isinstance(role, pdf_tags.Node) else self.tags.add(role)
        if len(pieces) == 1:
            return [self.tags.tag(Paragraph(self.inline(nodes), style), node)]
        first = ParagraphStyle(f"{style.name}-first", parent=style, spaceAfter=0)
        middle = ParagraphStyle(f"{style.name}-cont", parent=style, spaceBefore=0, spaceAfter=0,
                                firstLineIndent=0)
        last = ParagraphStyle(f"{style.name}-last", parent=style, spaceBefore=0, firstLineIndent=0)
        return [self.tags.tag(Paragraph(self.inline(piece), first if i == 0 else last if i == len(pieces) - 1
                                        else middle), node)
                for i, piece in enumerate(pieces)]

    def blocks(self, blocks) -> list[Flowable]:
        out: list[Flowable] = []
        for b in blocks:
            flow = self.block(b)
            if (flow and isinstance(flow[0], CondPageBreak) and len(out) >= 2
                    and isinstance(out[-1], _Heading) and isinstance(out[-2], CondPageBreak)):
                # The heading's own room check does not know a table follows: ask once, above the
                # heading, for room for the heading and the table's start.
                room = flow[0].height + self.theme.body_size * 4
                out[-2] = CondPageBreak(max(out[-2].height, room))
                flow = flow[1:]
            out.extend(flow)
        return out

    def block(self, b: m.Block) -> list[Flowable]:
        s = self.s
        match b:
            case m.Heading(level=level, children=c):
                self.headings += 1
                style = s.get(b.style or "", None) or s[f"h{min(level, 3)}"]
                # Without room for the heading and the first lines below it (two lines of a
                # paragraph, a list's first item, a table's start), start the next page instead of
                # leaving the heading alone. Not keepWithNext: that would move the heading's whole
                # next paragraph (or list) along with it and leave the foot of the page empty.
                flow: list[Flowable] = [CondPageBreak(self.theme.body_size * 8)]
                heading = _Heading(self.inline(c), style, level, f"h{self.headings}", m.plain_text(c))
                return flow + [self.tags.tag(heading, self.tags.heading(level))]
            case m.Paragraph(children=c, style=style):
                return self.paragraphs(c, s.get(style or "body", s["body"]), "P")
            case m.BulletList(items=items):
                return [self.list(items, "bullet")]
            case m.OrderedList(items=items, start=start):
                return [self.list(items, "1", start)]
            case m.Table():
                return self.table(b)
            case m.Callout(title=title, blocks=inner):
                return [self.callout(title, inner)]
            case m.Quote(blocks=inner):
                with self.tags.group("BlockQuote"):
                    return [self.tags.tag(Paragraph(self.inline(p.children), s["quote"]), "P")
                            if isinstance(p, m.Paragraph) else p
                            for p in inner for p in ([p] if isinstance(p, m.Paragraph) else self.block(p))]
            case m.Rule():
                return [HRFlowable(width="100%", thickness=0.6, color=colors.HexColor(self.theme.colours.rule),
                                   spaceBefore=4, spaceAfter=6)]
            case m.PageBreak():
                return [PageBreak()]
            case m.Notes(items=notes):
                return [self.note(n) for n in notes]
        return []

    def list(self, items, kind: str, start: int = 1, tag: pdf_tags.Node | None = None) -> ListFlowable:
        """A list; `tag`: the list element it continues (a key-facts box draws one list per item)."""
        size = self.theme.body_size
        tags = self.tags
        tag = tag or tags.list_element(kind == "bullet")
        flows, labels = [], []
        with tags.inside(tag):
            for it in items:
                with tags.group("LI"):
                    labels.append(tags.add("Lbl"))
                    with tags.group("LBody"):
                        flows.append(ListItem(self.blocks(it.blocks) or [Spacer(0, 0)]))
        options = dict(bulletFontName=self.s["body"].fontName, bulletFontSize=size, leftIndent=size * 1.4,
                       bulletColor=colors.HexColor(self.theme.colours.accent), spaceAfter=size * 0.3)
        if kind == "bullet":
            lf = ListFlowable(flows, bulletType="bullet", start="•", **options)
        else:
            lf = ListFlowable(flows, bulletType="1", start=start, bulletFormat="%s.", **options)
        for indenter in lf._content:
            if type(indenter) is LIIndenter:  # (LIIndenter forwards attribute writes to its content)
                object.__setattr__(indenter, "__class__", _ItemIndenter)
        return tags.label_bullets(lf, labels)

    def table(self, t: m.Table) -> list[Flowable]:
        s = self.s
        ncols = max((len(r) for r in t.header + t.rows), default=0)
        if ncols == 0:
            return []
        aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
        tags = self.tags
        table_tag = tags.add("Table")
        caption_tag = tags.add("Caption", table_tag) if t.caption else None

        def cell(content, col, head):
            base = s["cell_head" if head else "cell"]
            if len(m.plain_text(content)) > CELL_TEXT:
                content = _cut(content, t)
            align = t.align[col] if col < len(t.align) else None
            style = ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=aligns.get(align or "", TA_LEFT))
            flows = self.paragraphs(content, style, tags.cell(head))
            return flows[0] if len(flows) == 1 else flows

        with tags.inside(table_tag):
            with tags.group("THead") if t.header else tags.inside(table_tag):
                rows = [tags.row([cell(r[i] if i < len(r) else (), i, True) for i in range(ncols)]) for r in t.header]
            with tags.group("TBody") if t.header else tags.inside(table_tag):
                rows += [tags.row([cell(r[i] if i < len(r) else (), i, False) for i in range(ncols)]) for r in t.rows]
        given = t.widths and len(t.widths) == ncols and all(math.isfinite(w) and w > 0 for w in t.widths)
        weights = t.widths if given else (1.0,) * ncols
        widths = [self.width * w / sum(weights) for w in weights]
        c = self.theme.colours
        style = [
            ("FONTNAME", (0, 0), (-1, -1), s["cell"].fontName),  # else Table selects an unembedded Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(c.rule)),
            ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        nhead = len(t.header)
        if nhead:
            style += [("BACKGROUND", (0, 0), (-1, nhead - 1), colors.HexColor(c.table_header)),
                      ("LINEBELOW", (0, nhead - 1), (-1, nhead - 1), 0.9, colors.HexColor(c.heading))]
        for i in range(nhead + 1, len(rows), 2):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(c.table_stripe)))
        table = Table(rows, colWidths=widths, repeatRows=nhead, style=TableStyle(style), hAlign="LEFT",
                      spaceBefore=2, spaceAfter=self.theme.body_size * 0.9)
        self.allow_tall_rows(table)
        out: list[Flowable] = []
        # Not keepWithNext: that would move a long table whole to the next page. Instead start on a
        # new page only when the caption, header and a couple of rows would not fit.
        out.append(CondPageBreak(self.theme.body_size * 9))
        whole: list[Flowable] = []
        if t.caption:
            whole.append(tags.tag(Paragraph(_esc(t.caption), s["caption"]), caption_tag))
        whole.append(table)
        # A short table reads as one thing: it moves to the next page whole rather than leave a row
        # or two behind (a long one still splits, its header repeated).
        if len(t.rows) <= SHORT_TABLE_ROWS:
            return out + [KeepTogether(whole)]
        return out + whole

    def callout(self, title: str, inner) -> Flowable:
        """A shaded box, one table row per paragraph or list item so that a long box can break
        across pages (a single cell taller than a page cannot be laid out)."""
        tags = self.tags
        with tags.group("Aside"):  # the box and its title, tagged as a heading one below the section's
            title_role = tags.box_heading()
            rows: list[Flowable] = [tags.tag(Paragraph(_esc(title), self.s["callout_title"]), title_role)] if title else []
            for block in inner:
                match block:
                    case m.BulletList(items=items):
                        tag = tags.list_element(True)
                        rows += [self.list((item,), "bullet", tag=tag) for item in items]
                    case m.OrderedList(items=items, start=start):
                        tag = tags.list_element(False)
                        rows += [self.list((item,), "1", start + i, tag=tag) for i, item in enumerate(items)]
                    case _:
                        rows += self.block(block)
        c = self.theme.colours
        return self.allow_tall_rows(Table([[row] for row in rows] or [[""]], colWidths=[self.width], style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.s["body"].fontName),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(c.callout)),
            ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(c.accent)),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
        ]), spaceBefore=4, spaceAfter=self.theme.body_size))

    def allow_tall_rows(self, table: Table) -> Table:
        """Rows never split across pages, except a row taller than a page (a dated record of
        thousands of characters, a long list of participants), which reportlab could not place at
        all (LayoutError): such a table may split inside its rows. Measured only for tables with
        much text, so ordinary tables keep their rows whole."""
        if _text_size(table._cellvalues) > 600:
            table.wrap(self.width, self.height)
            if max(table._rowHeights, default=0) > self.height * 0.9:
                table.splitInRow = self.theme.body_size * 3  # no piece of a row shorter than ~2 lines
        return table

    def note(self, note: m.Note) -> Flowable:
        parts = [self.inline(p.children) for p in note.blocks if isinstance(p, m.Paragraph)]
        with self.tags.group("Note", ID=f"note-{note.number}"):
            label = self.notes.label(note.number) if self.notes else f"{note.number}."
            return self.tags.tag(Paragraph(f"{label}&nbsp;&nbsp;" + " ".join(parts), self.s["note"]), "P")


CELL_TEXT = 20_000
"""Characters a table cell may hold in the PDF. A row taller than a page is split across pages, and
reportlab re-lays the rest of such a row at every page: beyond this a cell is cut (with a warning)."""


def _cut(content: tuple[m.Inline, ...], table: m.Table) -> tuple[m.Inline, ...]:
    size = len(m.plain_text(content))
    row = next((r for r in table.rows if any(c is content for c in r)), None)
    first = " ".join(m.plain_text(row[0]).split())[:40] if row else ""
    where = f" (the row that starts '{first}'" + (f", table '{table.caption}')" if table.caption else ")") if first else ""
    warnings.warn(BriefgenWarning(f"a table cell of {size:,} characters was cut to {CELL_TEXT:,} in the PDF{where}; "
                                  "the DOCX, Markdown and HTML keep it whole"))
    return _pieces(content, CELL_TEXT)[0] + (m.Text(" […]"),)


def _text_size(value) -> int:
    """About how many characters of text a cell value (flowables, nested lists and tables) holds."""
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    if isinstance(value, Paragraph):
        return len(value.getPlainText())
    if isinstance(value, Table):
        return sum(_text_size(v) for row in value._cellvalues for v in row)
    return _text_size(getattr(value, "_flowables", None) or ())


def _pieces(nodes: tuple[m.Inline, ...], limit: int = LONG_TEXT) -> list[tuple[m.Inline, ...]]:
    """Inline nodes cut into runs of at most about `limit` characters. Only plain text at the top
    level is cut (at the last space before the limit, else at the limit: a token without spaces);
    emphasis and links stay whole."""
    if sum(len(m.plain_text((n,))) for n in nodes) <= limit:
        return [nodes]
    pieces: list[list[m.Inline]] = [[]]
    size = 0
    for node in nodes:
        if isinstance(node, m.Text):
            text = node.text
            while size + len(text) > limit:
                room = limit - size
                cut = text.rfind(". ", 0, room)  # a sentence end reads best as a piece's end
                if cut <= room // 2:
                    cut = text.rfind(" ", 0, room + 1)
                cut = cut + 1 if cut > room // 2 else max(room, 1)
                head, text = text[:cut], text[cut:]
                if head:
                    pieces[-1].append(m.Text(head))
                pieces.append([])
                size = 0
            if text:
                pieces[-1].append(m.Text(text))
                size += len(text)
        else:
            size += len(m.plain_text((node,)))
            pieces[-1].append(node)
    return [tuple(p) for p in pieces if p]


LOGO_HEIGHT_MM = 16


def _logo(theme: Theme, tags: pdf_tags.Tagger, organisation: str) -> list[Flowable]:
    """The letterhead logo above the title block, at a fixed height and its own aspect ratio;
    a Figure whose alternative text is the organisation's name (without one, an artifact)."""
    data = theme.logo_bytes()
    if data is None:
        return []
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(io.BytesIO(data)).getSize()
    h = LOGO_HEIGHT_MM * mm
    logo = Image(io.BytesIO(data), width=h * width / height, height=h, hAlign="LEFT")
    if organisation:
        logo = tags.tag(logo, tags.add("Figure", Alt=f"Logo: {organisation}"))
    return [logo, Spacer(0, 4 * mm)]


# --- pages -------------------------------------------------------------------------


class _BriefDoc(BaseDocTemplate):
    def __init__(self, buf, theme: Theme, meta: m.Meta, body_font: str, **kw):
        super().__init__(buf, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._outline_depth = -1  # the outline level of the last bookmark

    def afterFlowable(self, flowable):
        """Headings become PDF bookmarks (outline), nested by level. An outline cannot skip a
        level (reportlab refuses `##` with no `#` before it), so a heading nests at most one level
        below the previous one."""
        outline = getattr(flowable, "outline", None)
        if outline:
            level, key, text = outline
            depth = self._outline_depth = min(level - 1, self._outline_depth + 1)
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=depth, closed=False)


def _canvas_maker(meta: m.Meta, theme: Theme, font: str, tags: pdf_tags.Tagger):
    """A canvas that holds pages back until the end so each can say "Page N of M"; page
    content is an artifact unless a tagged flowable draws it (pdf_tags)."""

    class _Canvas(pdf_tags.TaggingCanvas):
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
            top = height - theme.margins_mm.top * mm / 2
            bottom = theme.margins_mm.bottom * mm / 2 - 3
            self.saveState()
            if meta.marking:
                self.setFillColor(colors.HexColor(theme.colours.marking))
                self.setFont(f"{font}-bold", 10)
                with self.artifact("Pagination", "Header"):
                    self.drawCentredString(width / 2, top, meta.marking)
            with self.artifact("Pagination", "Footer"):
                if meta.marking:
                    self.drawCentredString(width / 2, bottom, meta.marking)
                self.setFillColor(colors.HexColor("#555555"))
                self.setFont(f"{font}-regular", 8)
                self.drawRightString(width - theme.margins_mm.right * mm, bottom, f"Page {self._pageNumber} of {total}")
                if meta.footer:
                    self.drawString(theme.margins_mm.left * mm, bottom, meta.footer)
                self.setStrokeColor(colors.HexColor(theme.colours.rule))
                self.setLineWidth(0.4)
                self.line(theme.margins_mm.left * mm, bottom + 10, width - theme.margins_mm.right * mm, bottom + 10)
            self.restoreState()

    return _Canvas
