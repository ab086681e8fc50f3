"""The brief's body as WordprocessingML: blocks in real Word styles (headings, lists, the Brief
Table style, the Key Facts box, notes) and runs built directly with lxml on the hot paths."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import quote

from docx.enum.text import WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run
from lxml.etree import SubElement

from briefgen.document.model import (
    Block, BulletList, Callout, Emph, Heading, Inline, LineBreak, Link, Notes, NoteRef, OrderedList,
    PageBreak, Paragraph, Quote, Rule, Strong, Table, Text, plain_text,
)
from briefgen.writers.docx.styles import CHARACTER, TABLE, StyleBook
from briefgen.writers.docx.xml import bookmark_name, borders, clean, el, put, style_numbering, styled
from briefgen.writers.typescale import TABLE_BEFORE, box_after, list_after, table_after

# Template paragraph styles ({.letterhead} in Markdown) -> Word style names; others fall back to Normal.
PARAGRAPH_STYLES = {"title": "Title", "subtitle": "Subtitle", "letterhead": "Letterhead",
                    "meta": "Brief Meta", "small": "Brief Small", "desk": "Desk Text", "desk-label": "Desk Label"}
ALIGN = {"left": "left", "center": "center", "right": "right"}  # Markdown column alignment -> w:jc
NOTE_BOOKMARK = "note_{}"  # the bookmark on source note N, which note markers link to
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'’”]")


def _linked_urls(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Web addresses written as text (a source note's URL) become links."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and "://" in node.text:
            at = 0
            for found in _URL.finditer(node.text):
                if found.start() > at:
                    out.append(Text(node.text[at:found.start()]))
                out.append(Link(found.group(), (Text(found.group()),)))
                at = found.end()
            if at < len(node.text):
                out.append(Text(node.text[at:]))
        else:
            out.append(node)
    return tuple(out)


TOOLTIP_CHARS = 200  # Word shows a screen tip of about this length


def _tooltip(number: int, text: str | None) -> str:
    if not text:
        return f"Source note {number}"
    text = " ".join(text.split())
    return f"Source note {number}: " + (text if len(text) <= TOOLTIP_CHARS else text[:TOOLTIP_CHARS - 1].rstrip() + "…")


def note_texts(blocks: tuple[Block, ...]) -> dict[int, str]:
    """Each source note's text, by number, for the tooltips of its markers."""
    return {note.number: " ".join(plain_text(b.children) for b in note.blocks if isinstance(b, Paragraph))
            for block in blocks if isinstance(block, Notes) for note in block.items}


def outline(p, level: int) -> None:
    """Make a paragraph a heading of `level` (1-9) whatever its style: Word's outline level."""
    put(p._p.get_or_add_pPr(), el("w:outlineLvl", val=level - 1))


def _split(blocks: tuple[Block, ...]) -> tuple[tuple[Inline, ...], tuple[Block, ...]]:
    """A list item's or note's first paragraph (which carries the marker) and the blocks after it."""
    if blocks and isinstance(blocks[0], Paragraph):
        return blocks[0].children, blocks[1:]
    return (), blocks


def _spacing(style, attr: str) -> float:
    """A paragraph style's space before or after, in points, as it inherits it (0 if unset)."""
    while style is not None:
        value = getattr(style.paragraph_format, attr)
        if value is not None:
            return value.pt
        style = style.base_style
    return 0.0


class _Fmt(NamedTuple):
    bold: bool = False
    italic: bool = False
    link: bool = False  # inside a hyperlink, where Word allows no nested one


class Ctx(NamedTuple):
    container: Any  # the document or a table cell: anything with add_paragraph/add_table
    width: int  # EMU available to a table here
    depth: int = 0  # list nesting
    para_style: Any = None  # replaces the style of plain paragraphs (quotes, list continuations, notes)




class BodyWriter:
    def __init__(self, styles: StyleBook, notes: dict[int, str] | None = None):
        self.doc, self.theme, self.styles = styles.doc, styles.theme, styles
        self.style = styles.style
        self.bookmarks = 0
        self.last = None  # the paragraph written last
        self.below: tuple[float, float] | None = None  # the space below the block before: (the PDF's, Word's)
        self.table_last = False  # a table was just written
        self.break_next = False  # a page break comes before the next block
        self.heading_last = False  # the paragraph just written is a heading
        self.level = 0  # the level of the heading before: a box's title is a heading one below
        self.notes = notes or {}  # note number -> its text, the tooltip of its markers

    def blocks(self, blocks: tuple[Block, ...], ctx: Ctx) -> None:
        for node in blocks:
            self.block(node, ctx)

    def block(self, node: Block, ctx: Ctx) -> None:
        match node:
            case Heading(level=level, children=children, anchor=anchor, style=name):
                self.level = min(max(level, 1), 6)
                if name in PARAGRAPH_STYLES:  # the title: Word's Title style, and a heading all the same
                    p = self.paragraph(ctx, children, self.style(PARAGRAPH_STYLES[name]))
                    outline(p, self.level)
                else:
                    p = self.paragraph(ctx, children, self.style(f"Heading {self.level}"))
                if anchor:
                    self._bookmark(p, anchor)
            case Paragraph(children=children, style=name):
                style = ctx.para_style or self.style(PARAGRAPH_STYLES.get(name or "", "Normal"))
                self.paragraph(ctx, children, style)
            case BulletList() | OrderedList():
                self._list(node, ctx)
            case Table():
                self._table(node, ctx)
            case Callout():
                self._callout(node, ctx)
            case Quote(blocks=blocks):
                self.blocks(blocks, ctx._replace(para_style=self.style("Quote")))
            case Rule():
                p = ctx.container.add_paragraph()
                put(p._p.get_or_add_pPr(), borders("w:pBdr", self.theme.colours.rule, 6, ("bottom",)))
                self.below, self.table_last, self.heading_last = None, False, False
            case PageBreak():  # the next paragraph starts a page (an empty one would lead the page)
                self.break_next = True
            case Notes(items=items):
                style = self.style("Brief Note")
                for note in items:
                    first, rest = _split(note.blocks)
                    p = self.paragraph(ctx, (Text(f"{note.number}.\t"), *_linked_urls(first)), style)
                    self._bookmark(p, NOTE_BOOKMARK.format(note.number), named=True)
                    self.blocks(rest, ctx._replace(para_style=style))

    def paragraph(self, ctx: Ctx, inlines: tuple[Inline, ...], style):
        p = self.last = styled(ctx.container.add_paragraph(), style)
        if self.break_next:  # at the top of its page, without space above, as in the PDF
            self.break_next, self.below = False, None
            p.paragraph_format.page_break_before, p.paragraph_format.space_before = True, Pt(0)
        self._space_above(p, style)
        after = _spacing(style, "space_after")
        self.below, self.table_last = (after, after), False
        self.heading_last = self._adds(style) is not None
        self.inlines(p._p, p, inlines)
        return p

    def _space_above(self, p, style) -> None:
        """The space between the block before and this paragraph, as the PDF has it. Word takes the
        larger of one paragraph's space below and the next one's space above (ECMA-376 17.3.1.33),
        as the PDF does, except above a heading or a caption that does not follow a heading, where
        the PDF adds the two (they ask for room on their page first). The styles of those include
        body text's space below in their space above (`adds`: the PDF's own), so that only after a
        list, a table, a box or a heading does a paragraph need its own spacing; a table or box has
        no space below in Word."""
        below, self.below = self.below, None
        if below is None:
            return
        pdf_below, word_below = below
        before = _spacing(style, "space_before")
        adds = self._adds(style)
        if adds is None:
            want = max(pdf_below, before)
        else:
            want = max(pdf_below, adds) if self.heading_last else pdf_below + adds
        if abs(max(word_below, before) - want) > 0.05:
            p.paragraph_format.space_before = Pt(want)

    def _adds(self, style) -> float | None:
        """The PDF's space above a heading or caption style (which it adds to the space below the
        block before), None for other styles and for a reference.docx's own."""
        return self.styles.looks.get(style.name, {}).get("adds") if self.styles.own else None

    def _bookmark(self, p, anchor: str, named: bool = False) -> None:
        self.bookmarks += 1
        name = anchor if named else bookmark_name(anchor)
        p._p.insert(1 if p._p.pPr is not None else 0, el("w:bookmarkStart", id=self.bookmarks, name=name))
        p._p.append(el("w:bookmarkEnd", id=self.bookmarks))

    def _list(self, node: BulletList | OrderedList, ctx: Ctx) -> None:
        ordered = isinstance(node, OrderedList)
        level = "" if ctx.depth == 0 else f" {min(ctx.depth + 1, 3)}"  # nested lists: List Bullet 2, ...
        style = self.style(("List Number" if ordered else "List Bullet") + level)
        numbering = self._numbering(style, node.start) if ordered else None
        marked = numbering is not None or (not ordered and style_numbering(style) is not None)
        inner = ctx._replace(depth=ctx.depth + 1, para_style=self.style("List Continue" + level))
        before = self.last
        for i, item in enumerate(node.items):
            first, rest = _split(item.blocks)
            if not marked:  # the style has no numbering definition: write the marker as text
                first = (Text(f"{node.start + i}.\t" if ordered else "\u2022\t"), *first)
            p = self.paragraph(ctx, first, style)
            if numbering:
                num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val, num_pr.get_or_add_numId().val = numbering
            self.blocks(rest, inner)
        if self.last is not before and not self.table_last:  # below the list, the PDF's space, not an item's
            self.last.paragraph_format.space_after = Pt(list_after(self.theme))
            self.below, self.heading_last = (list_after(self.theme),) * 2, False

    def _numbering(self, style, start: int) -> tuple[int, int] | None:
        """(ilvl, numId) of a fresh numbering instance on the style's list definition, so each
        ordered list starts at `start` instead of continuing the previous one."""
        num_pr = style_numbering(style)
        if num_pr is None:
            return None
        numbering = self.doc.part.numbering_part.element
        try:
            abstract = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        except KeyError:
            return None
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
        return ilvl, num.numId

    def _table(self, node: Table, ctx: Ctx) -> None:
        rows = node.header + node.rows
        ncols = max((len(row) for row in rows), default=0)
        if not ncols:
            return
        if self.break_next and not node.caption:  # a table cannot start a page: a paragraph with the break
            ctx.container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.break_next = self.table_last = False
        if node.caption:  # Word's Caption style, above the table; the style keeps it with the table
            self.paragraph(ctx, (Text(node.caption),), self.style("Caption"))
        elif self.table_last:  # two tables in a row: Word would join them into one
            p = ctx.container.add_paragraph()  # a line as high as the PDF's space between them
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = Pt(table_after(self.theme) + TABLE_BEFORE)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        given = node.widths and len(node.widths) == ncols and all(w > 0 for w in node.widths)
        weights = node.widths if given else (1,) * ncols
        widths = [Emu(int(ctx.width * w / sum(weights))) for w in weights]
        table = ctx.container.add_table(rows=len(rows), cols=ncols)
        table._tbl.tblStyle_val = self.style("Brief Table", TABLE).style_id  # by id: no rescan
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = width
        tbl_pr = table._tbl.tblPr
        # which parts of the style apply: the header row and banded rows, no first-column emphasis
        put(tbl_pr, el("w:tblLook", val="0420" if node.header else "0400", firstRow=int(bool(node.header)),
                         lastRow=0, firstColumn=0, lastColumn=0, noHBand=0, noVBand=1))
        # what a screen reader announces for the table (Word's Table Properties › Alt Text)
        if node.caption:
            put(tbl_pr, el("w:tblCaption", val=clean(node.caption)))
        headings = [plain_text(cell) for cell in node.header[0]] if node.header else []
        if any(headings):
            described = f"{len(node.rows)} rows; columns: {'; '.join(h for h in headings if h)}"
            put(tbl_pr, el("w:tblDescription", val=clean(described)))
        compact = self.style("Compact")
        # Rows and cells as XML: python-docx's row.cells works out the whole grid on every call.
        for r, (tr, cells) in enumerate(zip(table._tbl.tr_lst, rows)):
            header = r < len(node.header)
            tr_pr = tr.get_or_add_trPr()
            put(tr_pr, el("w:cantSplit"))
            if header:
                put(tr_pr, el("w:tblHeader"))  # repeated at the top of each page
            for c, tc in enumerate(tr.tc_lst):
                put(tc.get_or_add_tcPr(), el("w:tcW", w=widths[c].twips, type="dxa"))
                p = styled(WordParagraph(tc.p_lst[0], table), compact)
                if c < len(node.align) and node.align[c] in ALIGN:
                    put(p._p.get_or_add_pPr(), el("w:jc", val=ALIGN[node.align[c]]))
                if c < len(cells):
                    self.inlines(p._p, p, cells[c])
        self.below, self.table_last, self.heading_last = (table_after(self.theme), 0.0), True, False

    def _callout(self, node: Callout, ctx: Ctx) -> None:
        """A box (key facts, the "Not current" banner): paragraphs in the Key Facts styles (bordered
        and shaded alike, so they are drawn as one box), not a one-cell table a screen reader would
        announce as a table. Its title is a heading one level below the heading before it (an
        outline level on the paragraph: Word's navigation pane and screen readers list it); its
        bullets are a real list (numbering), the text beside them aligned with the prose."""
        box, bullet = self.style("Key Facts"), self.style("Key Facts Bullet")
        if node.title:
            outline(self.paragraph(ctx, (Text(node.title),), self.style("Key Facts Title")), min(self.level + 1, 9))
        for block in node.blocks:
            match block:
                case BulletList(items=items) if (num_id := self.styles.box_bullets()) is not None:
                    for item in items:
                        first, rest = _split(item.blocks)
                        num_pr = self.paragraph(ctx, first, bullet)._p.get_or_add_pPr().get_or_add_numPr()
                        num_pr.get_or_add_ilvl().val, num_pr.get_or_add_numId().val = 0, num_id
                        self.blocks(rest, ctx._replace(para_style=box))
                case BulletList(items=items) | OrderedList(items=items):
                    ordered = isinstance(block, OrderedList)
                    for i, item in enumerate(items):
                        first, rest = _split(item.blocks)
                        marker = f"{block.start + i}.\t" if ordered else "\u2022\t"
                        self.paragraph(ctx, (Text(marker), *first), bullet)
                        self.blocks(rest, ctx._replace(para_style=box))
                case Paragraph(children=children):
                    self.paragraph(ctx, children, box)
                case _:
                    self.block(block, ctx._replace(para_style=box))
        self.below, self.heading_last = (box_after(self.theme), 0.0), False

    # --- inlines -----------------------------------------------------------------------

    def inlines(self, parent, paragraph, nodes: tuple[Inline, ...], fmt: _Fmt = _Fmt()) -> None:
        """Append runs for `nodes` to `parent` (a w:p or w:hyperlink element of `paragraph`)."""
        previous = None
        for node in nodes:
            match node:
                case Text(text=text):
                    self._text_run(parent, fmt, clean(text))
                case Strong(children=children):
                    self.inlines(parent, paragraph, children, fmt._replace(bold=True))
                case Emph(children=children):
                    self.inlines(parent, paragraph, children, fmt._replace(italic=True))
                case Link(href=href, children=children):
                    target = parent if fmt.link or not href else self._hyperlink(parent, paragraph, href)
                    self.inlines(target, paragraph, children, fmt._replace(link=True))
                case NoteRef(number=number):
                    # adjacent note references read "1,2", as in the PDF; each number links to its note
                    style = self.style("Note Reference", CHARACTER).style_id
                    if isinstance(previous, NoteRef):
                        self._text_run(parent, fmt, ",", char_style=style)
                    target = parent
                    if not fmt.link:
                        target = SubElement(parent, qn("w:hyperlink"))
                        target.set(qn("w:anchor"), NOTE_BOOKMARK.format(number))
                        # the link says where it goes, not only "1": shown on hover, read by screen readers
                        target.set(qn("w:tooltip"), clean(_tooltip(number, self.notes.get(number))))
                        target.set(qn("w:history"), "1")
                    self._text_run(target, fmt._replace(link=False), str(number), char_style=style)
                case LineBreak():
                    self._run(parent, paragraph, fmt).add_break()
            previous = node

    def _text_run(self, parent, fmt: _Fmt, text: str, char_style: str | None = None) -> None:
        """A w:r built directly with lxml: python-docx's run API searches the schema order for
        every child it adds, which made runs the bulk of the writer's time."""
        r = SubElement(parent, qn("w:r"))
        if fmt.link or fmt.bold or fmt.italic or char_style:
            rpr = SubElement(r, qn("w:rPr"))  # children in schema order: rStyle, b, i
            if char_style or fmt.link:
                style = char_style or self.style("Hyperlink", CHARACTER).style_id
                SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), style)
            if fmt.bold:
                SubElement(rpr, qn("w:b"))
            if fmt.italic:
                SubElement(rpr, qn("w:i"))
        for i, part in enumerate(text.split("\t")):
            if i:
                SubElement(r, qn("w:tab"))
            if part:
                t = SubElement(r, qn("w:t"))
                t.text = part
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def _run(self, parent, paragraph, fmt: _Fmt) -> Run:
        run = Run(OxmlElement("w:r"), paragraph)
        parent.append(run._r)
        if fmt.link:
            styled(run, self.style("Hyperlink", CHARACTER))
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        return run

    def _hyperlink(self, parent, paragraph, href: str):
        href = clean(href)
        if href.startswith("#"):
            link = el("w:hyperlink", anchor=bookmark_name(href[1:]))
        else:  # Word rejects relationship targets that are not URI-safe
            target = quote(href, safe=":/?#[]@!$&'()*+,;=%~")
            link = el("w:hyperlink", history=1)
            link.set(qn("r:id"), paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True))
        parent.append(link)
        return link
