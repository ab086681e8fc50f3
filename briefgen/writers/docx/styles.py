"""Word styles from the theme: the paragraph, character and table styles the DOCX writer uses,
created when missing and formatted from the theme unless a reference.docx owns them."""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.styles import BabelFish
from docx.styles.style import StyleFactory

from briefgen.writers.docx.xml import borders, el, put, set_fonts, style_numbering, sub
from briefgen.writers.theme import Theme
from briefgen.writers.typescale import (
    BOX_BAR, BOX_PADDING, CELL_PADDING, FOOTER_SIZE, HEADER_RULE, MARKING_SIZE, MUTED, TABLE_RULE, Padding,
    desk_padding, list_indent, text_styles,
)

PARAGRAPH, CHARACTER, TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE


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
        the list indent, in the accent colour and the body font; made once. None when the document
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
        level.append(OxmlElement("w:rPr"))
        indent = list_indent(self.theme)
        self._level_look(level, BOX_PADDING.left + indent, indent, bullet=True)
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
        """Each style's look, in points: the PDF's type scale (typescale.py), so that Word and
        LibreOffice give the brief's paragraphs the PDF's heights and break its pages in its places."""
        c, scale, palette = t.colours, text_styles(t), t.colours.model_dump()
        fonts = {"body": t.body_font.name, "heading": t.heading_font.name}

        def look(name: str, **extra) -> dict[str, Any]:
            s = scale[name]
            # `line`: the leading. A heading's is tighter than its font's own line height (PT Sans:
            # 1.29 em) and is exact, as the PDF sets it; text's is "at least": the same wherever
            # the font fits, and a larger word or a picture pasted in Word is not cut off.
            # bold and italic only when set: a "not bold" in Normal would override a table style's bold header
            return dict(font=fonts[s.font], size=s.size, colour=palette.get(s.colour, s.colour), line=s.leading,
                        exact=s.font == "heading", before=s.before, after=s.after, left=s.left, right=s.right,
                        first=s.first) | {k: True for k in ("bold", "italic") if getattr(s, k)} | extra

        def heading(name: str, **extra) -> dict[str, Any]:
            """A heading or caption: the PDF adds the space above it to the space below what comes
            before; Word takes the larger of the two, so its space above includes body text's."""
            return look(name, before=scale[name].before + scale["body"].after, adds=scale[name].before,
                        italic=scale[name].italic, **extra)  # (python-docx's Heading 4 is italic)

        indent = list_indent(t)
        pad, (desk_v, desk_h) = BOX_PADDING, desk_padding(t)
        # A box's paragraphs sit inside its padding with no space between them, as in the PDF's box.
        box = dict(left=pad.left, right=pad.right, first=0, before=0, after=0)
        desk = scale["desk"]
        looks = {
            "Normal": look("body"),
            "Title": look("title", keep=True, border=None, tracking=0, contextual=False),
            "Subtitle": look("subtitle", tracking=0),
            "Heading 1": heading("h1", keep=True, outline=0),
            "Heading 2": heading("h2", keep=True, outline=1),
            "Heading 3": heading("h3", keep=True, outline=2),
            "Letterhead": look("letterhead"),
            "Brief Meta": look("meta"),
            "Brief Small": look("small"),
            "Brief Note": look("note", base="Brief Small"),
            # the text of table cells: bold and colour left to the table style (its header row)
            "Compact": {k: v for k, v in look("cell").items() if k not in ("bold", "italic", "colour")},
            "Caption": heading("caption", keep=True),
            "Quote": look("quote"),
            "Header": dict(font=fonts["body"], size=MARKING_SIZE, before=0, after=0, line=None),
            "Footer": dict(font=fonts["body"], size=FOOTER_SIZE, colour=MUTED, before=0, after=0, line=None,
                           border=c.rule),
            "Hyperlink": dict(colour="#0563C1", underline=True),
            "Brief Table": dict(border=c.rule, header_fill=c.table_header, header_colour=c.heading,
                                header_rule=c.heading, stripe=c.table_stripe),
            "Note Reference": dict(superscript=True),
            # The key-facts box: paragraphs with the same borders, which Word and LibreOffice draw
            # as one shaded box with the accent bar at its left, padded as the PDF's.
            "Key Facts": look("body", **box, fill=c.callout, bar=c.accent, pad=pad),
            "Key Facts Title": look("callout_title", **box, base="Key Facts", keep=True),
            "Key Facts Bullet": look("body", **box, base="Key Facts") | dict(left=pad.left + indent, first=-indent),
            # A meeting brief's desk text (the desk's judgement, not the sources'): its own styles,
            # so that text edited or added in Word stays marked as the desk's. The ground's padding
            # above and below is border spacing, which Word adds to the height and the PDF does not.
            "Desk Text": look("desk", before=max(desk.before - desk_v, 0), after=max(desk.after - desk_v, 0),
                              fill=c.table_stripe, pad=Padding(desk_v, desk_h, desk_v, desk_h)),
            "Desk Label": look("desk-label"),
        }
        looks |= {f"Heading {n}": heading("h3", keep=True, outline=n - 1) for n in (4, 5, 6)}
        for n, level in ((1, ""), (2, " 2"), (3, " 3")):  # the PDF's list items: a body paragraph each
            looks |= {f"List {kind}{level}": look("body", left=indent * n, first=-indent, contextual=False,
                                                   level=(indent * n, indent, kind == "Bullet"))
                      for kind in ("Bullet", "Number")}
            looks[f"List Continue{level}"] = look("body", left=indent * n, contextual=False)
        return looks

    def _format(self, style, look: dict[str, Any]) -> None:
        if style.type == TABLE:
            self._format_table(style, look)
            return
        font = style.font
        if look.get("font"):
            set_fonts(style.element.get_or_add_rPr(), look["font"])
        if "size" in look:
            font.size = Pt(round(look["size"] * 2) / 2)  # Word sizes text in half points
        for attr in ("bold", "italic", "underline", "superscript"):
            if attr in look:
                setattr(font, attr, look[attr])
        if "colour" in look:
            font.color.rgb = RGBColor.from_string(look["colour"].lstrip("#"))
        if "tracking" in look:  # the letter spacing python-docx's Title and Subtitle carry
            put(style.element.get_or_add_rPr(), el("w:spacing", val=look["tracking"]))
        if style.type != PARAGRAPH:
            return
        fmt = style.paragraph_format
        for key, attr in (("before", "space_before"), ("after", "space_after")):
            if key in look:
                setattr(fmt, attr, Pt(look[key]))
        if "line" in look:
            if look["line"] is None:
                fmt.line_spacing = 1.0
            else:
                fmt.line_spacing = Pt(look["line"])
                exact = look.get("exact", self.looks.get(style.name, {}).get("exact"))  # (a reference's changes)
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY if exact else WD_LINE_SPACING.AT_LEAST
        if "keep" in look:
            fmt.keep_with_next = look["keep"]
        if "contextual" in look:  # python-docx's list styles drop the space between their items
            put(style.element.get_or_add_pPr(), el("w:contextualSpacing", val=int(look["contextual"])))
        for key, attr in (("left", "left_indent"), ("right", "right_indent"), ("first", "first_line_indent")):
            if key in look:
                setattr(fmt, attr, Pt(look[key]))
        if "border" in look:
            ppr = style.element.get_or_add_pPr()
            if look["border"] is None:
                for old in ppr.findall(qn("w:pBdr")):
                    ppr.remove(old)
            else:  # the footer's rule across the page, above its line
                put(ppr, borders("w:pBdr", look["border"], 3, ("top",)))
        if "outline" in look:  # what puts headings in Word's navigation pane and TOC
            put(style.element.get_or_add_pPr(), el("w:outlineLvl", val=look["outline"]))
        if "fill" in look:
            self._box(style.element.get_or_add_pPr(), {**self.looks.get(style.name, {}), **look})
        if "level" in look and self.own:
            self._list_level(style, *look["level"])

    @staticmethod
    def _box(ppr, look: dict[str, Any]) -> None:
        """A shaded box: borders in the fill colour, whose spacing pads the text (a border's space
        is the only padding a paragraph has), and an accent bar (`bar`) at the left instead."""
        fill, pad, bar = look["fill"].lstrip("#"), look["pad"], look.get("bar")
        box = OxmlElement("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            # w:space: whole points from the text to the border; the box's edge is the padding away
            size, colour, space = 4, fill, getattr(pad, side) - 0.5  # a 0.5 pt border, in eighths
            if side == "left" and bar:  # the bar is centred on the box's edge, as the PDF draws it
                size, colour, space = round(BOX_BAR * 8), bar.lstrip("#"), getattr(pad, side) - BOX_BAR / 2
            box.append(el(f"w:{side}", val="single", sz=size, space=max(round(space), 0), color=colour))
        put(ppr, box)
        put(ppr, el("w:shd", val="clear", color="auto", fill=fill))

    def _list_level(self, style, left: float, hanging: float, bullet: bool) -> None:
        """A list style's numbering level: its text at the list indent and, for bullets, the PDF's
        bullet (in the body font and the accent colour) instead of python-docx's Symbol one."""
        num_pr = style_numbering(style)
        if num_pr is None:
            return
        numbering = self.doc.part.numbering_part.element
        try:
            abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        except KeyError:
            return
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        for abstract in numbering.findall(qn("w:abstractNum")):
            if abstract.get(qn("w:abstractNumId")) != str(abstract_id):
                continue
            for level in abstract.findall(qn("w:lvl")):
                if level.get(qn("w:ilvl")) == str(ilvl):
                    self._level_look(level, left, hanging, bullet)

    def _level_look(self, level, left: float, hanging: float, bullet: bool) -> None:
        """One numbering level (w:lvl): the text at `left` points, the marker `hanging` before it."""
        for old in level.findall(qn("w:pPr")):
            level.remove(old)
        ppr = OxmlElement("w:pPr")
        ppr.append(el("w:ind", left=round(left * 20), hanging=round(hanging * 20)))
        rpr = level.find(qn("w:rPr"))
        (level.insert(list(level).index(rpr), ppr) if rpr is not None else level.append(ppr))
        if not bullet:
            return
        level.find(qn("w:lvlText")).set(qn("w:val"), "\u2022")
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            level.append(rpr)
        if self.theme.body_font.name:
            set_fonts(rpr, self.theme.body_font.name)
        rpr.get_or_add_rFonts().attrib.pop(qn("w:hint"), None)
        put(rpr, el("w:color", val=self.theme.colours.accent.lstrip("#")))

    @staticmethod
    def _format_table(style, look: dict[str, Any]) -> None:
        """A table style with conditional formatting: rules between rows, a shaded header row
        (`firstRow`) with a darker rule below it, and every second body row striped (`band2Horz`).
        Word and LibreOffice apply it to each table that names it, so cells carry no formatting."""
        element = style.element
        tbl_pr = sub(element, "w:tblPr")
        put(tbl_pr, el("w:tblStyleRowBandSize", val=1))
        if "border" in look:
            put(tbl_pr, borders("w:tblBorders", look["border"], round(TABLE_RULE * 8), ("bottom", "insideH")))
        margins = put(tbl_pr, OxmlElement("w:tblCellMar"))
        # The PDF's cell padding, in twips. Word and LibreOffice make a row as much taller as its
        # rule is wide; the PDF draws the rule over the padding.
        pad = CELL_PADDING._replace(bottom=CELL_PADDING.bottom - TABLE_RULE)
        for side in ("top", "left", "bottom", "right"):
            margins.append(el(f"w:{side}", w=round(getattr(pad, side) * 20), type="dxa"))

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
                put(tc_pr, borders("w:tcBorders", look["header_rule"], round(HEADER_RULE * 8), ("bottom",)))
            if "header_fill" in look:
                put(tc_pr, el("w:shd", val="clear", color="auto", fill=look["header_fill"].lstrip("#")))
        if "stripe" in look:
            tc_pr = sub(conditional("band2Horz"), "w:tcPr")
            put(tc_pr, el("w:shd", val="clear", color="auto", fill=look["stripe"].lstrip("#")))
