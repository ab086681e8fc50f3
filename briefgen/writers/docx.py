"""DOCX writer: a `Document` to .docx bytes with python-docx.

Content is tagged with real Word styles (Heading 1, List Bullet, Caption, ...) so a reader can
restyle the brief in Word. Without a reference.docx the theme formats those styles; with one,
its styles are used untouched and the theme only formats styles the reference lacks.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import docx
from lxml import etree
from lxml.etree import SubElement
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.style import StyleFactory
from docx.shared import Emu, Inches, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from briefgen.writers.fonts import font_table_entry
from briefgen.document.model import (
    Block, BulletList, Callout, Document, Emph, Heading, Inline, LineBreak, Link, Meta, Notes,
    NoteRef, OrderedList, PageBreak, Paragraph, Quote, Rule, Strong, Table, Text, plain_text,
)
from briefgen.writers.theme import Theme

LOGO_HEIGHT_MM = 16
PARAGRAPH, CHARACTER, TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE

# Template paragraph styles ({.letterhead} in Markdown) -> Word style names; others fall back to Normal.
PARAGRAPH_STYLES = {"title": "Title", "subtitle": "Subtitle", "letterhead": "Letterhead",
                    "meta": "Brief Meta", "small": "Brief Small"}
ALIGN = {"left": "left", "center": "center", "right": "right"}  # Markdown column alignment -> w:jc
PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Inches(8.5), Inches(11))}
CELL_PAD = 108  # twips of padding left and right in table cells (Word's default)
NOTE_BOOKMARK = "note_{}"  # the bookmark on source note N, which note markers link to
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'’”]")
# Settings that follow w:compat in settings.xml, so a missing w:compat goes before them.
_AFTER_COMPAT = {qn(f"w:{tag}") for tag in (
    "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats"
    " doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary"
    " shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator").split()}

# Schema child order of the property elements this module adds to directly; Word reports a
# document as corrupt when these are out of order.
_SEQUENCES = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr"
           " shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN"
           " bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc"
           " textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof"
           " snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd"
           " fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc"
             " tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed qFormat"
             " locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr",
    "tblStylePr": "pPr rPr tblPr trPr tcPr",
    "styles": "docDefaults latentStyles style",
    "docDefaults": "rPrDefault pPrDefault",
    "rPrDefault": "rPr",
}
_ORDER = {qn(f"w:{parent}"): [qn(f"w:{tag}") for tag in tags.split()] for parent, tags in _SEQUENCES.items()}

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_INVALID_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    """Text is data: keep it literal, but replace what XML 1.0 cannot carry with U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


def _el(tag: str, **attrs: Any):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def _put(parent, child):
    """Insert `child` into `parent` in schema order, replacing an element with the same tag."""
    order = _ORDER[parent.tag]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = order[order.index(child.tag) + 1:]
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _sub(parent, tag: str):
    """The child `tag` of `parent`, added in schema order if missing."""
    found = parent.find(qn(tag))
    return found if found is not None else _put(parent, OxmlElement(tag))


def _borders(tag: str, colour: str, size: int, sides=("top", "left", "bottom", "right", "insideH", "insideV")):
    box = OxmlElement(tag)
    for side in sides:
        box.append(_el(f"w:{side}", val="single", sz=size, space=0, color=colour.lstrip("#")))
    return box


def _set_fonts(rpr, name: str) -> None:
    """Name the font for every script and drop theme-font attributes, which Word prefers over names."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)


def _field(paragraph, code: str) -> None:
    """A complex field (PAGE, NUMPAGES): Word and LibreOffice compute it; "1" shows until they do."""
    def run_with(el):
        paragraph.add_run()._r.append(el)
    run_with(_el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    run_with(_el("w:fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    run_with(_el("w:fldChar", fldCharType="end"))


def _bookmark_name(anchor: str) -> str:
    """Word bookmark names: letters, digits and _, starting with a letter, at most 40 characters."""
    name = re.sub(r"\W", "_", anchor, flags=re.ASCII)
    return (name if name[:1].isalpha() else f"h_{name}")[:40]


def _style_numbering(style):
    """The style's w:numPr when it names a numbering definition, else None."""
    ppr = style.element.pPr
    num_pr = ppr.numPr if ppr is not None else None
    return num_pr if num_pr is not None and num_pr.numId is not None else None


def _styled(item, style):
    """Give a paragraph or run `style` by id: python-docx's own style setter rescans every style
    to find the default one, which dominates the run time of a long brief."""
    if style.element.default:
        return item
    element = item._element
    if element.tag == qn("w:p") and element.find(qn("w:pPr")) is None:  # a new paragraph: build pPr directly
        ppr = element.makeelement(qn("w:pPr"), {})
        SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), style.style_id)
        element.insert(0, ppr)
    else:
        element.style = style.style_id
    return item


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


def _split(blocks: tuple[Block, ...]) -> tuple[tuple[Inline, ...], tuple[Block, ...]]:
    """A list item's or note's first paragraph (which carries the marker) and the blocks after it."""
    if blocks and isinstance(blocks[0], Paragraph):
        return blocks[0].children, blocks[1:]
    return (), blocks


class _Fmt(NamedTuple):
    bold: bool = False
    italic: bool = False
    link: bool = False  # inside a hyperlink, where Word allows no nested one


class _Ctx(NamedTuple):
    container: Any  # the document or a table cell: anything with add_paragraph/add_table
    width: int  # EMU available to a table here
    depth: int = 0  # list nesting
    para_style: Any = None  # replaces the style of plain paragraphs (quotes, list continuations, notes)


class _Writer:
    def __init__(self, doc, theme: Theme, meta: Meta, own_styles: bool):
        self.doc, self.theme, self.meta, self.own = doc, theme, meta, own_styles
        # python-docx scans every style on each lookup by name; scan once and keep a map of the
        # style elements by name, read from the XML (python-docx's style.name is an XPath query).
        self.styles = {BabelFish.internal2ui(name.get(qn("w:val"))): el
                       for el in doc.styles.element.iterchildren(qn("w:style"))
                       if (name := el.find(qn("w:name"))) is not None}
        self.ready: dict[str, Any] = {}
        self.looks = self._looks(theme)
        # With a reference.docx, only what the theme changes from briefgen's defaults overrides it:
        # restyle Heading 1 in Word and it stays, change the heading colour in theme.toml and it wins.
        self.default_looks = self._looks(Theme()) if not own_styles else self.looks
        self.bookmarks = 0
        width, _ = PAGE_SIZES[theme.page_size]
        self.text_width = width - Mm(theme.margins_mm.left) - Mm(theme.margins_mm.right)
        self.gap_pending = False  # a table or box was just written: the next paragraph gets room above

    # --- styles ------------------------------------------------------------------------

    def style(self, name: str, kind=PARAGRAPH):
        """The style `name`, created if missing and formatted from the theme unless a reference owns it."""
        if name in self.ready:
            return self.ready[name]
        element, created = self.styles.get(name), False
        if element is None:
            # add_style rescans every style twice to refuse duplicates; the map above already knows
            element = self.styles[name] = self.doc.styles.element.add_style_of_type(name, kind, False)
            created = True
        style = StyleFactory(element)
        if created:
            style.quick_style = True
        look = self.looks.get(name, {})
        if _style_numbering(style) is not None:  # a numbering definition carries its own indents
            look = {key: value for key, value in look.items() if key not in ("left", "first")}
        if created and kind == PARAGRAPH:
            style.base_style = self.style(look.get("base", "Normal")) if name != "Normal" else None
        if created or self.own:
            self._format(style, look)
        else:
            defaults = self.default_looks.get(name, {})
            changed = {key: value for key, value in look.items() if defaults.get(key) != value}
            if changed:
                self._format(style, changed)
        self.ready[name] = style
        return style

    @staticmethod
    def _looks(t: Theme) -> dict[str, dict[str, Any]]:
        c, size = t.colours, t.body_size
        head = dict(font=t.heading_font.name, colour=c.heading, bold=True, keep=True)
        looks = {
            "Normal": dict(font=t.body_font.name, size=size, colour=c.text, before=0, after=6, line=1.15),
            "Title": dict(head, size=size * 2.2, after=4, border=c.rule),
            "Subtitle": dict(head, size=size * 1.35, bold=False, italic=False, colour=c.accent, before=0, after=12),
            "Heading 1": dict(head, size=size * 1.55, before=16, after=6, outline=0),
            "Heading 2": dict(head, size=size * 1.25, before=12, after=4, outline=1),
            "Heading 3": dict(head, size=size * 1.1, before=10, after=3, outline=2),
            "Letterhead": dict(head, size=size + 1, colour=c.accent, after=2),
            "Brief Meta": dict(size=size - 1, colour=c.accent, after=2),
            "Brief Small": dict(size=size - 1.5, after=3),
            "Brief Note": dict(base="Brief Small", left=7, first=-7),
            "Compact": dict(before=1, after=1, line=1.0),
            "Caption": dict(size=size - 1, bold=True, italic=False, colour=c.heading, before=8, after=3, keep=True),
            "Quote": dict(italic=True, colour=c.accent, left=8, right=8),
            "Header": dict(size=size - 1.5, after=0, line=1.0),
            "Footer": dict(size=size - 1.5, after=0, line=1.0),
            "Hyperlink": dict(colour="#0563C1", underline=True),
            "Brief Table": dict(border=c.rule, header_fill=c.table_header, header_colour=c.heading,
                                header_rule=c.heading, stripe=c.table_stripe),
            "Note Reference": dict(superscript=True),
            # The key-facts box: paragraphs with the same borders and indents, which Word and
            # LibreOffice draw as one shaded box with the accent bar at its left.
            "Key Facts": dict(fill=c.callout, bar=c.accent, left=5, first=-5, before=0, after=2, line=1.15),
            "Key Facts Title": dict(base="Key Facts", bold=True, colour=c.heading, size=size * 1.05, after=3, keep=True),
            "Key Facts Bullet": dict(base="Key Facts"),
        }
        looks |= {f"Heading {n}": dict(head, size=size, before=8, after=2, outline=n - 1) for n in (4, 5, 6)}
        for n, level in ((1, ""), (2, " 2"), (3, " 3")):  # 6.35 mm = 0.25 in, Word's list indent step
            looks |= {f"List {kind}{level}": dict(after=6, left=6.35 * n, first=-6.35) for kind in ("Bullet", "Number")}
            looks[f"List Continue{level}"] = dict(after=6, left=6.35 * n)
        return looks

    def _format(self, style, look: dict[str, Any]) -> None:
        if style.type == TABLE:
            self._format_table(style, look)
            return
        font = style.font
        if look.get("font"):
            _set_fonts(style.element.get_or_add_rPr(), look["font"])
        if "size" in look:
            font.size = Pt(round(look["size"] * 2) / 2)
        for attr in ("bold", "italic", "underline", "superscript"):
            if attr in look:
                setattr(font, attr, look[attr])
        if "colour" in look:
            font.color.rgb = RGBColor.from_string(look["colour"].lstrip("#"))
        if style.type != PARAGRAPH:
            return
        fmt = style.paragraph_format
        for key, attr in (("before", "space_before"), ("after", "space_after")):
            if key in look:
                setattr(fmt, attr, Pt(look[key]))
        if "line" in look:
            fmt.line_spacing = look["line"]
        if "keep" in look:
            fmt.keep_with_next = look["keep"]
        for key, attr in (("left", "left_indent"), ("right", "right_indent"), ("first", "first_line_indent")):
            if key in look:
                setattr(fmt, attr, Mm(look[key]))
        if "border" in look:
            _put(style.element.get_or_add_pPr(), _borders("w:pBdr", look["border"], 6, ("bottom",)))
        if "outline" in look:  # what puts headings in Word's navigation pane and TOC
            _put(style.element.get_or_add_pPr(), _el("w:outlineLvl", val=look["outline"]))
        if "bar" in look or "fill" in look:  # both, as the padding borders take the fill colour
            self._box(style.element.get_or_add_pPr(), {**self.looks["Key Facts"], **look})

    @staticmethod
    def _box(ppr, look: dict[str, Any]) -> None:
        """A shaded box: a 3 pt accent bar at the left; borders in the fill colour on the other
        sides, whose spacing pads the text (a border's space is the only padding a paragraph has)."""
        fill = look.get("fill", "#FFFFFF").lstrip("#")
        if "bar" in look:
            box = OxmlElement("w:pBdr")
            for side, size, space, colour in (("top", 4, 5, fill), ("left", 24, 8, look["bar"].lstrip("#")),
                                              ("bottom", 4, 5, fill), ("right", 4, 8, fill)):
                box.append(_el(f"w:{side}", val="single", sz=size, space=space, color=colour))
            _put(ppr, box)
        if "fill" in look:
            _put(ppr, _el("w:shd", val="clear", color="auto", fill=fill))

    @staticmethod
    def _format_table(style, look: dict[str, Any]) -> None:
        """A table style with conditional formatting: rules between rows, a shaded header row
        (`firstRow`) with a darker rule below it, and every second body row striped (`band2Horz`).
        Word and LibreOffice apply it to each table that names it, so cells carry no formatting."""
        element = style.element
        tbl_pr = _sub(element, "w:tblPr")
        _put(tbl_pr, _el("w:tblStyleRowBandSize", val=1))
        if "border" in look:
            _put(tbl_pr, _borders("w:tblBorders", look["border"], 4, ("bottom", "insideH")))
        margins = _put(tbl_pr, OxmlElement("w:tblCellMar"))
        for side, width in (("top", 20), ("left", CELL_PAD), ("bottom", 20), ("right", CELL_PAD)):
            margins.append(_el(f"w:{side}", w=width, type="dxa"))

        def conditional(kind: str):
            """The style's formatting for one kind of cell (tblStylePr is the style's last child)."""
            for existing in element.findall(qn("w:tblStylePr")):
                if existing.get(qn("w:type")) == kind:
                    return existing
            element.append(_el("w:tblStylePr", type=kind))
            return element[-1]

        if {"header_fill", "header_colour", "header_rule"} & look.keys():
            first = conditional("firstRow")
            rpr = _sub(first, "w:rPr")
            _put(rpr, OxmlElement("w:b"))
            if "header_colour" in look:
                _put(rpr, _el("w:color", val=look["header_colour"].lstrip("#")))
            tc_pr = _sub(first, "w:tcPr")
            if "header_rule" in look:
                _put(tc_pr, _borders("w:tcBorders", look["header_rule"], 8, ("bottom",)))
            if "header_fill" in look:
                _put(tc_pr, _el("w:shd", val="clear", color="auto", fill=look["header_fill"].lstrip("#")))
        if "stripe" in look:
            tc_pr = _sub(conditional("band2Horz"), "w:tcPr")
            _put(tc_pr, _el("w:shd", val="clear", color="auto", fill=look["stripe"].lstrip("#")))

    # --- document ----------------------------------------------------------------------

    def setup(self) -> None:
        # Drop Word 2010's copy of the styles (438 KB in python-docx's default). briefgen never
        # updates it: later Word ignores it, and Word 2010 could read its stale styles instead of
        # the themed styles.xml.
        for rel_id, rel in list(self.doc.part.rels.items()):
            if rel.reltype == _STYLES_WITH_EFFECTS:
                self.doc.part.drop_rel(rel_id)
        body = self.doc.element.body
        for child in list(body):  # a reference contributes styles and page setup, not content
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        # python-docx's template carries a customXml item (a bibliography store) no brief uses
        for rel_id, rel in list(self.doc.part.rels.items()):
            if rel.reltype == RT.CUSTOM_XML:
                self.doc.part.drop_rel(rel_id)
        self._compatibility_mode()
        self.doc.settings.odd_and_even_pages_header_footer = False
        self._font_table()
        for name in self.looks:  # theme every template style we know, used or not, for later editing in Word
            if name in self.styles:
                self.style(name)
        defaults = _sub(_sub(_sub(self.doc.styles.element, "w:docDefaults"), "w:rPrDefault"), "w:rPr")
        _sub(defaults, "w:lang").set(qn("w:val"), _clean(self.meta.language))
        if self.theme.body_font.name and (self.own or self.theme.body_font != Theme().body_font):
            _set_fonts(defaults, self.theme.body_font.name)
        m, (width, height) = self.theme.margins_mm, PAGE_SIZES[self.theme.page_size]
        for section in self.doc.sections:
            section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, width, height
            section.top_margin, section.bottom_margin = Mm(m.top), Mm(m.bottom)
            section.left_margin, section.right_margin = Mm(m.left), Mm(m.right)
            section.header_distance = section.footer_distance = Mm(min(10, m.top / 2, m.bottom / 2))
            section.different_first_page_header_footer = False
            self._header_footer(section)

    def _compatibility_mode(self) -> None:
        """Word 2013+ layout (compatibility mode 15): without it Word opens the brief in
        Compatibility Mode and lays tables out by Word 2010's rules."""
        settings = self.doc.settings.element
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = OxmlElement("w:compat")
            later = next((i for i, child in enumerate(settings) if child.tag in _AFTER_COMPAT), len(settings))
            settings.insert(later, compat)
        for old in compat.findall(qn("w:compatSetting")):
            if old.get(qn("w:name")) == "compatibilityMode":
                compat.remove(old)
        compat.append(_el("w:compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word",
                          val=15))

    def _font_table(self) -> None:
        """Name the theme's families in the font table with a widely installed look-alike
        (w:altName, e.g. Arial for PT Sans) and their PANOSE class, which Word and LibreOffice use
        to substitute on a machine without the family. The fonts are not embedded: see fonts.py."""
        part = next((rel.target_part for rel in self.doc.part.rels.values()
                     if rel.reltype == RT.FONT_TABLE and not rel.is_external), None)
        if part is None:
            return
        table = etree.fromstring(part.blob)
        for name in dict.fromkeys(f.name for f in (self.theme.body_font, self.theme.heading_font) if f.name):
            entry = font_table_entry(name)
            for old in table.findall(qn("w:font")):
                if old.get(qn("w:name")) == name:
                    table.remove(old)
            font = SubElement(table, qn("w:font"))
            font.set(qn("w:name"), _clean(name))
            # children in schema order: altName panose1 charset family notTrueType pitch sig
            if entry.alt_name:
                SubElement(font, qn("w:altName")).set(qn("w:val"), entry.alt_name)
            if entry.panose:
                SubElement(font, qn("w:panose1")).set(qn("w:val"), entry.panose)
            SubElement(font, qn("w:charset")).set(qn("w:val"), "00")
            SubElement(font, qn("w:family")).set(qn("w:val"), entry.generic)
            SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _header_footer(self, section) -> None:
        marking = _clean(self.meta.marking.strip())
        for part, style, is_footer in ((section.header, self.style("Header"), False),
                                       (section.footer, self.style("Footer"), True)):
            part.is_linked_to_previous = False
            for child in list(part._element):
                part._element.remove(child)
            if is_footer:
                self._page_line(part, style)
            if marking or not is_footer:  # a header part must hold a paragraph
                p = _styled(part.add_paragraph(), style)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(marking)
                run.bold = True
                run.font.color.rgb = RGBColor.from_string(self.theme.colours.marking.lstrip("#"))

    def _page_line(self, footer, style) -> None:
        """The footer text at the left and "Page N of M" at the right margin."""
        p = _styled(footer.add_paragraph(), style)
        tabs = p.paragraph_format.tab_stops
        for stop in style.paragraph_format.tab_stops:  # the style's centre/right stops assume another page width
            tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        tabs.add_tab_stop(Emu(self.text_width), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(_clean(self.meta.footer) + "\tPage ")
        _field(p, "PAGE")
        p.add_run(" of ")
        _field(p, "NUMPAGES")

    def properties(self, created: datetime) -> None:
        cp, meta = self.doc.core_properties, self.meta
        cp.title, cp.subject = _property(meta.title), _property(meta.subject)
        cp.author = cp.last_modified_by = _property(meta.author)
        cp.keywords = _property(", ".join(meta.keywords))
        cp.language, cp.category, cp.revision = _property(meta.language), "Brief", 1
        cp.comments = cp.content_status = cp.identifier = cp.version = ""
        cp.created = cp.modified = created
        rels = self.doc.part.package.rels  # the template's thumbnail shows another document
        for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
            del rels[rid]

    # --- blocks ------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...], ctx: _Ctx) -> None:
        for node in blocks:
            self.block(node, ctx)

    def block(self, node: Block, ctx: _Ctx) -> None:
        match node:
            case Heading(level=level, children=children, anchor=anchor):
                p = self.paragraph(ctx, children, self.style(f"Heading {min(max(level, 1), 6)}"))
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
                _put(p._p.get_or_add_pPr(), _borders("w:pBdr", self.theme.colours.rule, 6, ("bottom",)))
            case PageBreak():
                ctx.container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            case Notes(items=items):
                style = self.style("Brief Note")
                for note in items:
                    first, rest = _split(note.blocks)
                    p = self.paragraph(ctx, (Text(f"{note.number}.\t"), *_linked_urls(first)), style)
                    self._bookmark(p, NOTE_BOOKMARK.format(note.number), named=True)
                    self.blocks(rest, ctx._replace(para_style=style))

    def paragraph(self, ctx: _Ctx, inlines: tuple[Inline, ...], style):
        p = _styled(ctx.container.add_paragraph(), style)
        self._room_above(p, style)
        self.inlines(p._p, p, inlines)
        return p

    def _room_above(self, p, style) -> None:
        """Space between a table or box and the paragraph after it, as spacing, not an empty paragraph."""
        if not self.gap_pending:
            return
        self.gap_pending = False
        before = style.paragraph_format.space_before
        if before is None or before < Pt(9):
            p.paragraph_format.space_before = Pt(9)

    def _bookmark(self, p, anchor: str, named: bool = False) -> None:
        self.bookmarks += 1
        name = anchor if named else _bookmark_name(anchor)
        p._p.insert(1 if p._p.pPr is not None else 0, _el("w:bookmarkStart", id=self.bookmarks, name=name))
        p._p.append(_el("w:bookmarkEnd", id=self.bookmarks))

    def _list(self, node: BulletList | OrderedList, ctx: _Ctx) -> None:
        ordered = isinstance(node, OrderedList)
        level = "" if ctx.depth == 0 else f" {min(ctx.depth + 1, 3)}"  # nested lists: List Bullet 2, ...
        style = self.style(("List Number" if ordered else "List Bullet") + level)
        numbering = self._numbering(style, node.start) if ordered else None
        marked = numbering is not None or (not ordered and _style_numbering(style) is not None)
        inner = ctx._replace(depth=ctx.depth + 1, para_style=self.style("List Continue" + level))
        for i, item in enumerate(node.items):
            first, rest = _split(item.blocks)
            if not marked:  # the style has no numbering definition: write the marker as text
                first = (Text(f"{node.start + i}.\t" if ordered else "\u2022\t"), *first)
            p = self.paragraph(ctx, first, style)
            if numbering:
                num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val, num_pr.get_or_add_numId().val = numbering
            self.blocks(rest, inner)

    def _numbering(self, style, start: int) -> tuple[int, int] | None:
        """(ilvl, numId) of a fresh numbering instance on the style's list definition, so each
        ordered list starts at `start` instead of continuing the previous one."""
        num_pr = _style_numbering(style)
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

    def _table(self, node: Table, ctx: _Ctx) -> None:
        rows = node.header + node.rows
        ncols = max((len(row) for row in rows), default=0)
        if not ncols:
            return
        if node.caption:  # Word's Caption style, above the table; the style keeps it with the table
            self.paragraph(ctx, (Text(node.caption),), self.style("Caption"))
        elif self.gap_pending:  # two tables in a row: Word would join them into one
            p = ctx.container.add_paragraph()
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        self.gap_pending = False
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
        _put(tbl_pr, _el("w:tblLook", val="0420" if node.header else "0400", firstRow=int(bool(node.header)),
                         lastRow=0, firstColumn=0, lastColumn=0, noHBand=0, noVBand=1))
        # what a screen reader announces for the table (Word's Table Properties › Alt Text)
        if node.caption:
            _put(tbl_pr, _el("w:tblCaption", val=_clean(node.caption)))
        headings = [plain_text(cell) for cell in node.header[0]] if node.header else []
        if any(headings):
            described = f"{len(node.rows)} rows; columns: {'; '.join(h for h in headings if h)}"
            _put(tbl_pr, _el("w:tblDescription", val=_clean(described)))
        compact = self.style("Compact")
        # Rows and cells as XML: python-docx's row.cells works out the whole grid on every call.
        for r, (tr, cells) in enumerate(zip(table._tbl.tr_lst, rows)):
            header = r < len(node.header)
            tr_pr = tr.get_or_add_trPr()
            _put(tr_pr, _el("w:cantSplit"))
            if header:
                _put(tr_pr, _el("w:tblHeader"))  # repeated at the top of each page
            for c, tc in enumerate(tr.tc_lst):
                _put(tc.get_or_add_tcPr(), _el("w:tcW", w=widths[c].twips, type="dxa"))
                p = _styled(WordParagraph(tc.p_lst[0], table), compact)
                if c < len(node.align) and node.align[c] in ALIGN:
                    _put(p._p.get_or_add_pPr(), _el("w:jc", val=ALIGN[node.align[c]]))
                if c < len(cells):
                    self.inlines(p._p, p, cells[c])
        self.gap_pending = True

    def _callout(self, node: Callout, ctx: _Ctx) -> None:
        """The key-facts box: paragraphs in the Key Facts styles (bordered and shaded alike, so
        they are drawn as one box), not a one-cell table a screen reader would announce as a table."""
        box, bullet = self.style("Key Facts"), self.style("Key Facts Bullet")
        if node.title:
            self.paragraph(ctx, (Text(node.title),), self.style("Key Facts Title"))
        for block in node.blocks:
            match block:
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
        self.gap_pending = True

    # --- inlines -----------------------------------------------------------------------

    def inlines(self, parent, paragraph, nodes: tuple[Inline, ...], fmt: _Fmt = _Fmt()) -> None:
        """Append runs for `nodes` to `parent` (a w:p or w:hyperlink element of `paragraph`)."""
        previous = None
        for node in nodes:
            match node:
                case Text(text=text):
                    self._text_run(parent, fmt, _clean(text))
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
            _styled(run, self.style("Hyperlink", CHARACTER))
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        return run

    def _hyperlink(self, parent, paragraph, href: str):
        href = _clean(href)
        if href.startswith("#"):
            link = _el("w:hyperlink", anchor=_bookmark_name(href[1:]))
        else:  # Word rejects relationship targets that are not URI-safe
            target = quote(href, safe=":/?#[]@!$&'()*+,;=%~")
            link = _el("w:hyperlink", history=1)
            link.set(qn("r:id"), paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True))
        parent.append(link)
        return link


# python-docx's default package carries Word 2010's app.xml ("Microsoft Macintosh Word", 1 page,
# 0 words); stale counts are worse than none, and Word and LibreOffice recount on opening.
_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>briefgen</Application><DocSecurity>0</DocSecurity></Properties>"
).encode()


class _Members(dict):
    """The package's files by name: python-docx's physical-writer interface, kept in memory."""

    def write(self, pack_uri, blob: bytes) -> None:
        self[pack_uri.membername] = blob


def _package(doc, when: datetime) -> bytes:
    """The .docx zip with fixed entry times and order, so equal input gives equal bytes, and with
    briefgen's own extended properties. python-docx's `save` stamps entries with the current time;
    its PackageWriter steps are used here to gather the files, which are then compressed once."""
    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    members = _Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)
    members["docProps/app.xml"] = _APP_XML
    stamp = min(max(when.replace(tzinfo=None), datetime(1980, 1, 1)), datetime(2107, 12, 31, 23, 59, 58))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(members, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, stamp.timetuple()[:6])
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
            dst.writestr(info, members[name])
    return out.getvalue()


CORE_PROPERTY_CHARS = 255  # python-docx (and Word's core properties) hold at most this many


def _property(text: str) -> str:
    """A document property: the text, shortened with an ellipsis past 255 characters (the brief's
    own title page keeps it whole)."""
    text = _clean(text)
    return text if len(text) <= CORE_PROPERTY_CHARS else text[: CORE_PROPERTY_CHARS - 1].rstrip() + "…"


def write(document: Document, theme: Theme, reference: bytes | Path | None = None) -> bytes:
    """The brief as .docx bytes, styled from `reference` (a reference.docx, its bytes or path) or the theme."""
    if isinstance(reference, bytes):
        reference = io.BytesIO(reference)
    doc = docx.Document(str(reference) if isinstance(reference, Path) else reference)
    created = document.meta.created or datetime.now(timezone.utc)
    created = created.replace(tzinfo=timezone.utc) if created.tzinfo is None else created.astimezone(timezone.utc)
    writer = _Writer(doc, theme, document.meta, own_styles=reference is None)
    writer.setup()
    logo = theme.logo_bytes()
    if logo is not None:  # the letterhead logo, above the title block, described for screen readers
        shape = doc.add_paragraph().add_run().add_picture(io.BytesIO(logo), height=Mm(LOGO_HEIGHT_MM))
        alt = theme.logo_alt or theme.organisation or document.meta.author
        shape._inline.docPr.set("descr", _clean(f"{alt} logo" if alt and not theme.logo_alt else alt))
    writer.blocks(document.blocks, _Ctx(doc, writer.text_width))
    body = doc.element.body
    if len(body) == 1 or body[-2].tag == qn("w:tbl"):  # Word wants a paragraph at the end
        doc.add_paragraph()
    writer.properties(created)
    return _package(doc, created)
