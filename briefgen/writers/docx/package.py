"""The DOCX package around the body: python-docx's template cleared of what no brief uses, Word
2013+ mode, the font table, page setup with the marking and "Page N of M" in header and footer,
core properties, and the zip written with fixed times and order (equal input, equal bytes)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Mm, Pt, RGBColor
from lxml import etree
from lxml.etree import SubElement

from briefgen.document.model import Meta
from briefgen.writers.docx.styles import StyleBook
from briefgen.writers.docx.xml import clean, el, field, put, set_fonts, styled, sub
from briefgen.writers.fonts import font_table_entry
from briefgen.writers.theme import Theme
from briefgen.writers.typescale import MARKING_SIZE, footer_baseline, marking_baseline

PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Inches(8.5), Inches(11))}
# Settings that follow w:compat in settings.xml, so a missing w:compat goes before them.
_AFTER_COMPAT = {qn(f"w:{tag}") for tag in (
    "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats"
    " doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary"
    " shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator").split()}


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def text_width(theme: Theme) -> int:
    """The width between the margins, in EMU."""
    width, _ = PAGE_SIZES[theme.page_size]
    return width - Mm(theme.margins_mm.left) - Mm(theme.margins_mm.right)


def prepare(doc, styles: StyleBook, meta: Meta) -> None:
    """Everything around the body, before it is written."""
    theme = styles.theme
    # Drop Word 2010's copy of the styles (438 KB in python-docx's default). briefgen never
    # updates it: later Word ignores it, and Word 2010 could read its stale styles instead of
    # the themed styles.xml.
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rel_id)
    body = doc.element.body
    for child in list(body):  # a reference contributes styles and page setup, not content
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # python-docx's template carries a customXml item (a bibliography store) no brief uses
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            doc.part.drop_rel(rel_id)
    _compatibility_mode(doc)
    doc.settings.odd_and_even_pages_header_footer = False
    _font_table(doc, styles.theme)
    for name in styles.looks:  # theme every template style we know, used or not, for later editing in Word
        if name in styles.elements:
            styles.style(name)
    defaults = sub(sub(sub(doc.styles.element, "w:docDefaults"), "w:rPrDefault"), "w:rPr")
    sub(defaults, "w:lang").set(qn("w:val"), clean(meta.language))
    if theme.body_font.name and (styles.own or theme.body_font != Theme().body_font):
        set_fonts(defaults, theme.body_font.name)
    m, (width, height) = theme.margins_mm, PAGE_SIZES[theme.page_size]
    for section in doc.sections:
        section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, width, height
        section.top_margin, section.bottom_margin = Mm(m.top), Mm(m.bottom)
        section.left_margin, section.right_margin = Mm(m.left), Mm(m.right)
        section.header_distance, section.footer_distance = header_distance(theme), footer_distance(theme)
        _header_footer(section, styles, meta)


def header_distance(theme: Theme) -> int:
    """From the page's top edge to the header's line (EMU): the marking's baseline where the PDF's is,
    the line's top about its size above it."""
    return Pt(max(marking_baseline(theme) - MARKING_SIZE, 0))


def footer_distance(theme: Theme) -> int:
    """From the page's bottom edge to the footer's line (EMU): its baseline where the PDF's is,
    the descent of the marking below it (about a quarter of its size)."""
    return Pt(max(footer_baseline(theme) - MARKING_SIZE / 4, 0))


def _compatibility_mode(doc) -> None:
    """Word 2013+ layout (compatibility mode 15): without it Word opens the brief in
    Compatibility Mode and lays tables out by Word 2010's rules."""
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        later = next((i for i, child in enumerate(settings) if child.tag in _AFTER_COMPAT), len(settings))
        settings.insert(later, compat)
    for old in compat.findall(qn("w:compatSetting")):
        if old.get(qn("w:name")) == "compatibilityMode":
            compat.remove(old)
    compat.append(el("w:compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word",
                      val=15))


def _font_table(doc, theme: Theme) -> None:
    """Name the theme's families in the font table with a widely installed look-alike
    (w:altName, e.g. Arial for PT Sans) and their PANOSE class, which Word and LibreOffice use
    to substitute should a family be missing (the faces themselves are embedded: embedded.py)."""
    part = next((rel.target_part for rel in doc.part.rels.values()
                 if rel.reltype == RT.FONT_TABLE and not rel.is_external), None)
    if part is None:
        return
    table = etree.fromstring(part.blob)
    for name in dict.fromkeys(f.name for f in (theme.body_font, theme.heading_font) if f.name):
        entry = font_table_entry(name)
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        font = SubElement(table, qn("w:font"))
        font.set(qn("w:name"), clean(name))
        # children in schema order: altName panose1 charset family notTrueType pitch sig
        if entry.alt_name:
            SubElement(font, qn("w:altName")).set(qn("w:val"), entry.alt_name)
        if entry.panose:
            SubElement(font, qn("w:panose1")).set(qn("w:val"), entry.panose)
        SubElement(font, qn("w:charset")).set(qn("w:val"), "00")
        SubElement(font, qn("w:family")).set(qn("w:val"), entry.generic)
        SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _header_footer(section, styles: StyleBook, meta: Meta) -> None:
    """The marking centred at the top; at the bottom one line: the footer text, the marking and
    "Page N of M", as in the PDF. Page 1 has its own header without the marking, which is written
    instead as the body's first paragraph (`announce_marking`), so a screen reader hears it once."""
    marking = clean(meta.marking.strip())
    section.different_first_page_header_footer = bool(marking)
    width = text_width(styles.theme)
    parts = [(section.header, "Header", marking), (section.footer, "Footer", marking)]
    if marking:
        parts += [(section.first_page_header, "Header", ""), (section.first_page_footer, "Footer", marking)]
    for part, style_name, shown in parts:
        part.is_linked_to_previous = False
        for child in list(part._element):
            part._element.remove(child)
        style = styles.style(style_name)
        if style_name == "Footer":
            _page_line(part, style, meta.footer, shown, width, styles.theme.colours.marking)
        else:  # a header part must hold a paragraph, empty or not
            _marking(styled(part.add_paragraph(), style), shown, styles.theme.colours.marking)


def _marking(p, marking: str, colour: str):
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        _marking_run(p, marking, colour)
    return p


def _marking_run(p, marking: str, colour: str) -> None:
    run = p.add_run(marking)
    run.bold = True
    run.font.size = Pt(MARKING_SIZE)
    run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def announce_marking(doc, styles: StyleBook, meta: Meta) -> None:
    """The protective marking as the body's first paragraph, read once by a screen reader, placed
    where the header's would be (a frame anchored to the page: the text below keeps its place)."""
    marking = clean(meta.marking.strip())
    if not marking:
        return
    theme = styles.theme
    p = _marking(styled(doc.add_paragraph(), styles.style("Header")), marking, theme.colours.marking)
    put(p._p.get_or_add_pPr(), el("w:framePr", w=Emu(text_width(theme)).twips, wrap="around", vAnchor="page",
                                  hAnchor="margin", xAlign="center", y=Emu(header_distance(theme)).twips))


def _page_line(footer, style, text: str, marking: str, width: int, colour: str) -> None:
    """The footer text at the left margin, the marking centred and "Page N of M" at the right."""
    p = styled(footer.add_paragraph(), style)
    tabs = p.paragraph_format.tab_stops
    for stop in style.paragraph_format.tab_stops:  # the style's centre/right stops assume another page width
        tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Emu(width // 2), WD_TAB_ALIGNMENT.CENTER)
    tabs.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(clean(text) + "\t")
    if marking:
        _marking_run(p, marking, colour)
    p.add_run("\tPage ")
    field(p, "PAGE")
    p.add_run(" of ")
    field(p, "NUMPAGES")


def set_properties(doc, meta: Meta, created: datetime) -> None:
    cp = doc.core_properties
    cp.title, cp.subject = property_text(meta.title), property_text(meta.subject)
    cp.author = cp.last_modified_by = property_text(meta.author)
    cp.keywords = property_text(", ".join(meta.keywords))
    cp.language, cp.category, cp.revision = property_text(meta.language), "Brief", 1
    cp.comments = cp.content_status = cp.identifier = cp.version = ""
    cp.created = cp.modified = created
    rels = doc.part.package.rels  # the template's thumbnail shows another document
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


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


def package(doc, when: datetime) -> bytes:
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


def property_text(text: str) -> str:
    """A document property: the text, shortened with an ellipsis past 255 characters (the brief's
    own title page keeps it whole)."""
    text = clean(text)
    return text if len(text) <= CORE_PROPERTY_CHARS else text[: CORE_PROPERTY_CHARS - 1].rstrip() + "…"
