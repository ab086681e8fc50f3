"""WordprocessingML helpers shared by the DOCX writer's modules: elements in schema order (Word
reports a document as corrupt when property elements are out of order), text made safe for XML,
fields, bookmark names and styles set by id."""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import SubElement

# Schema child order of the property elements this module adds to directly; Word reports a
# document as corrupt when these are out of order.
SEQUENCES = {
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
ORDER = {qn(f"w:{parent}"): [qn(f"w:{tag}") for tag in tags.split()] for parent, tags in SEQUENCES.items()}

INVALID_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text is data: keep it literal, but replace what XML 1.0 cannot carry with U+FFFD."""
    return INVALID_XML.sub("\ufffd", text)


def el(tag: str, **attrs: Any):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def put(parent, child):
    """Insert `child` into `parent` in schema order, replacing an element with the same tag."""
    order = ORDER[parent.tag]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = order[order.index(child.tag) + 1:]
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def sub(parent, tag: str):
    """The child `tag` of `parent`, added in schema order if missing."""
    found = parent.find(qn(tag))
    return found if found is not None else put(parent, OxmlElement(tag))


def borders(tag: str, colour: str, size: int, sides=("top", "left", "bottom", "right", "insideH", "insideV")):
    box = OxmlElement(tag)
    for side in sides:
        box.append(el(f"w:{side}", val="single", sz=size, space=0, color=colour.lstrip("#")))
    return box


def set_fonts(rpr, name: str) -> None:
    """Name the font for every script and drop theme-font attributes, which Word prefers over names."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)


def field(paragraph, code: str) -> None:
    """A complex field (PAGE, NUMPAGES): Word and LibreOffice compute it; "1" shows until they do."""
    def run_with(el):
        paragraph.add_run()._r.append(el)
    run_with(el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    run_with(el("w:fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    run_with(el("w:fldChar", fldCharType="end"))


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: letters, digits and _, starting with a letter, at most 40 characters."""
    name = re.sub(r"\W", "_", anchor, flags=re.ASCII)
    return (name if name[:1].isalpha() else f"h_{name}")[:40]


def style_numbering(style):
    """The style's w:numPr when it names a numbering definition, else None."""
    ppr = style.element.pPr
    num_pr = ppr.numPr if ppr is not None else None
    return num_pr if num_pr is not None and num_pr.numId is not None else None


def styled(item, style):
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
