"""Word styles from the theme: the paragraph, character and table styles the DOCX writer uses,
created when missing and formatted from the theme unless a reference.docx owns them."""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles import BabelFish
from docx.styles.style import StyleFactory

from briefgen.writers.docx.xml import borders, el, put, set_fonts, style_numbering, sub
from briefgen.writers.theme import Theme

PARAGRAPH, CHARACTER, TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE
CELL_PAD = 108  # twips of padding left and right in table cells (Word's default)
BOX_BULLET_MM = 5  # the hanging indent of a box's bullets


class StyleBook:
    """The document's styles by name, each made ready (created, themed) once on first use."""

    def __init__(self, doc, theme: Theme, own_styles: bool):
        self.doc, self.theme, self.own = doc, theme, own_styles
        # python-docx scans every style on each lookup by name; scan once and keep a map of the
        # style elements by name, read from the XML (python-docx's style.name is an XPath query).
        self.elements = {BabelFish.internal2ui(name.get(qn("w:val"))): element
                         for element in doc.styles.element.iterchildren(qn("w:style"))
                         if (name := element.find(qn("w:name"))) is not None}
        self.ready: dict[str, Any] = {}
        self.looks = self._looks(theme)
        # With a reference.docx, only what the theme changes from briefgen's defaults overrides it:
        # restyle Heading 1 in Word and it stays, change the heading colour in theme.toml and it wins.
        self.default_looks = self._looks(Theme()) if not own_styles else self.looks

    def box_bullets(self) -> int | None:
        """The numbering (numId) of a box's bullets: a bullet at the box's edge and the text at
        BOX_BULLET_MM, in the accent colour and the body font; made once. None when the document
        has no numbering part (a reference.docx without one): bullets are then written as text."""
        if hasattr(self, "_box_bullets"):
            return self._box_bullets
        try:
            numbering = self.doc.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self._box_bullets = None
            return None
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        abstract = el("w:abstractNum", abstractNumId=max(ids, default=0) + 1)
        abstract.append(el("w:multiLevelType", val="singleLevel"))
        level = el("w:lvl", ilvl=0)
        for tag, value in (("start", 1), ("numFmt", "bullet"), ("lvlText", "\u2022"), ("lvlJc", "left")):
            level.append(el(f"w:{tag}", val=value))
        ppr = OxmlElement("w:pPr")
        twips = round(BOX_BULLET_MM * 1440 / 25.4)
        ppr.append(el("w:ind", left=twips, hanging=twips))
        level.append(ppr)
        rpr = OxmlElement("w:rPr")
        if self.theme.body_font.name:
            set_fonts(rpr, self.theme.body_font.name)
        put(rpr, el("w:color", val=self.theme.colours.accent.lstrip("#")))
        level.append(rpr)
        abstract.append(level)
        first_num = numbering.find(qn("w:num"))  # abstract definitions come before the instances
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        self._box_bullets = numbering.add_num(int(abstract.get(qn("w:abstractNumId")))).numId
        return self._box_bullets

    def style(self, name: str, kind=PARAGRAPH):
        """The style `name`, created if missing and formatted from the theme unless a reference owns it."""
        if name in self.ready:
            return self.ready[name]
        element, created = self.elements.get(name), False
        if element is None:
            # add_style rescans every style twice to refuse duplicates; the map above already knows
            element = self.elements[name] = self.doc.styles.element.add_style_of_type(name, kind, False)
            created = True
        style = StyleFactory(element)
        if created:
            style.quick_style = True
        look = self.looks.get(name, {})
        if style_numbering(style) is not None:  # a numbering definition carries its own indents
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
            "Key Facts": dict(fill=c.callout, bar=c.accent, left=0, first=0, before=0, after=2, line=1.15),
            "Key Facts Title": dict(base="Key Facts", bold=True, colour=c.heading, size=size * 1.05, after=3, keep=True),
            "Key Facts Bullet": dict(base="Key Facts", left=BOX_BULLET_MM, first=-BOX_BULLET_MM),
            # A meeting brief's desk text (the desk's judgement, not the sources'): its own styles,
            # so that text edited or added in Word stays marked as the desk's.
            "Desk Text": dict(fill=c.table_stripe, bar=c.rule, left=5, before=0, after=4, line=1.15),
            "Desk Label": dict(base="Desk Text", size=size - 1.5, italic=True, colour=c.accent, after=10),
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
            set_fonts(style.element.get_or_add_rPr(), look["font"])
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
            put(style.element.get_or_add_pPr(), borders("w:pBdr", look["border"], 6, ("bottom",)))
        if "outline" in look:  # what puts headings in Word's navigation pane and TOC
            put(style.element.get_or_add_pPr(), el("w:outlineLvl", val=look["outline"]))
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
                box.append(el(f"w:{side}", val="single", sz=size, space=space, color=colour))
            put(ppr, box)
        if "fill" in look:
            put(ppr, el("w:shd", val="clear", color="auto", fill=fill))

    @staticmethod
    def _format_table(style, look: dict[str, Any]) -> None:
        """A table style with conditional formatting: rules between rows, a shaded header row
        (`firstRow`) with a darker rule below it, and every second body row striped (`band2Horz`).
        Word and LibreOffice apply it to each table that names it, so cells carry no formatting."""
        element = style.element
        tbl_pr = sub(element, "w:tblPr")
        put(tbl_pr, el("w:tblStyleRowBandSize", val=1))
        if "border" in look:
            put(tbl_pr, borders("w:tblBorders", look["border"], 4, ("bottom", "insideH")))
        margins = put(tbl_pr, OxmlElement("w:tblCellMar"))
        for side, width in (("top", 20), ("left", CELL_PAD), ("bottom", 20), ("right", CELL_PAD)):
            margins.append(el(f"w:{side}", w=width, type="dxa"))

        def conditional(kind: str):
            """The style's formatting for one kind of cell (tblStylePr is the style's last child)."""
            for existing in element.findall(qn("w:tblStylePr")):
                if existing.get(qn("w:type")) == kind:
                    return existing
            element.append(el("w:tblStylePr", type=kind))
            return element[-1]

        if {"header_fill", "header_colour", "header_rule"} & look.keys():
            first = conditional("firstRow")
            rpr = sub(first, "w:rPr")
            put(rpr, OxmlElement("w:b"))
            if "header_colour" in look:
                put(rpr, el("w:color", val=look["header_colour"].lstrip("#")))
            tc_pr = sub(first, "w:tcPr")
            if "header_rule" in look:
                put(tc_pr, borders("w:tcBorders", look["header_rule"], 8, ("bottom",)))
            if "header_fill" in look:
                put(tc_pr, el("w:shd", val="clear", color="auto", fill=look["header_fill"].lstrip("#")))
        if "stripe" in look:
            tc_pr = sub(conditional("band2Horz"), "w:tcPr")
            put(tc_pr, el("w:shd", val="clear", color="auto", fill=look["stripe"].lstrip("#")))
