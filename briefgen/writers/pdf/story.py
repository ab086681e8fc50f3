"""The story: the document model as reportlab flowables, with the structure tree built alongside.

Text is escaped for reportlab's paragraph markup here, once (`_esc`), so fact text can never become
markup. Tables repeat their header rows and never split a row; short tables and the key-facts box
move whole; a paragraph longer than LONG_TEXT is laid out in pieces.
"""

from __future__ import annotations

import io
import math
import warnings
from html import escape  # reportlab's paragraph parser loads html already; xml.sax.saxutils would pull in urllib, http and ssl

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak, Flowable, HRFlowable, Image, KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph,
    Spacer, Table, TableStyle,
)
from reportlab.platypus.flowables import LIIndenter

from briefgen.document import model as m
from briefgen.errors import BriefgenWarning
from briefgen.writers.pdf.tags import STYLE_ROLES, Node, NoteLinks, Tagger
from briefgen.writers.theme import Theme
from briefgen.writers.typescale import (
    BOX_BAR, BOX_BEFORE, BOX_PADDING, CELL_PADDING, HEADER_RULE, TABLE_BEFORE, TABLE_RULE, box_after, list_after,
    list_indent, table_after,
)

SHORT_TABLE_ROWS = 4  # never split across pages; at 6 the shipped brief gained a page of nine lines


def _esc(text: str) -> str:
    """Text -> reportlab paragraph markup: the one place fact text is made safe."""
    return escape(text, quote=False)


def _inline(nodes: tuple[m.Inline, ...], notes: NoteLinks | None = None) -> str:
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
                # underlined as well as coloured: a link is not told by colour alone (WCAG 1.4.1)
                link = f'<link href="{escape(href)}" color="#2E5C8A" underline="1">{_inline(c, notes)}</link>'
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


class Story:
    def __init__(self, styles, theme: Theme, width: float, tags: Tagger, document: m.Document,
                 height: float = 10_000):
        self.s = styles
        self.theme = theme
        self.width = width
        self.height = height
        self.headings = 0
        self.tags = tags  # the structure tree, built alongside the flowables
        self.notes = NoteLinks(document) if tags.enabled else None

    def inline(self, nodes) -> str:
        return _inline(nodes, self.notes)

    def paragraphs(self, nodes: tuple[m.Inline, ...], style: ParagraphStyle, role) -> list[Flowable]:
        """One Paragraph, or several in a row when the text is long (see LONG_TEXT); the pieces
        after the first continue it without space between them, and all are one element `role`
        (a role name or a structure node) of the tagged PDF."""
        pieces = _pieces(nodes)
        node = role if isinstance(role, Node) else self.tags.add(role)
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
                return self.paragraphs(c, s.get(style or "body", s["body"]), STYLE_ROLES.get(style, "P"))
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

    def list(self, items, kind: str, start: int = 1, tag: Node | None = None) -> ListFlowable:
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
        options = dict(bulletFontName=self.s["body"].fontName, bulletFontSize=size, leftIndent=list_indent(self.theme),
                       bulletColor=colors.HexColor(self.theme.colours.accent), spaceAfter=list_after(self.theme))
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
            ("LINEBELOW", (0, 0), (-1, -1), TABLE_RULE, colors.HexColor(c.rule)),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING.left), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING.right),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING.top), ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING.bottom),
        ]
        nhead = len(t.header)
        if nhead:
            style += [("BACKGROUND", (0, 0), (-1, nhead - 1), colors.HexColor(c.table_header)),
                      ("LINEBELOW", (0, nhead - 1), (-1, nhead - 1), HEADER_RULE, colors.HexColor(c.heading))]
        for i in range(nhead + 1, len(rows), 2):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(c.table_stripe)))
        table = Table(rows, colWidths=widths, repeatRows=nhead, style=TableStyle(style), hAlign="LEFT",
                      spaceBefore=TABLE_BEFORE, spaceAfter=table_after(self.theme))
        self.allow_tall_rows(table)
        out: list[Flowable] = []
        # Not keepWithNext: that would move a long table whole to the next page. Instead start on a
        # new page only when the caption, header and a couple of rows would not fit.
        out.append(CondPageBreak(self.theme.body_size * 9))
        whole: list[Flowable] = []
        if t.caption:
            whole.append(tags.place(tags.tag(Paragraph(_esc(t.caption), s["caption"]), caption_tag), table_tag))
        whole.append(tags.place(table, table_tag))
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
            ("LINEBEFORE", (0, 0), (0, -1), BOX_BAR, colors.HexColor(c.accent)),
            ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING.left), ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING.right),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), BOX_PADDING.top), ("BOTTOMPADDING", (0, -1), (-1, -1), BOX_PADDING.bottom),
        ]), spaceBefore=BOX_BEFORE, spaceAfter=box_after(self.theme)))

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


def logo(theme: Theme, tags: Tagger, alt: str) -> list[Flowable]:
    """The letterhead logo above the title block, at a fixed height and its own aspect ratio;
    a Figure with its alternative text and bounding box (without a text, an artifact)."""
    data = theme.logo_bytes()
    if data is None:
        return []
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(io.BytesIO(data)).getSize()
    h = LOGO_HEIGHT_MM * mm
    logo = Image(io.BytesIO(data), width=h * width / height, height=h, hAlign="LEFT")
    if alt:
        figure = tags.add("Figure", Alt=alt)
        logo = tags.place(tags.tag(logo, figure), figure)
    return [logo, Spacer(0, 4 * mm)]
