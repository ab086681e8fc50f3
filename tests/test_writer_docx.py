"""The DOCX writer, read back with python-docx and zipfile (no Markdown parser involved)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor

from briefgen.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, ListItem, Meta, Note, NoteRef, Notes,
    OrderedList, PageBreak, Paragraph, Quote, Rule, Strong, Table, Text,
)
from briefgen.theme import Theme
from briefgen.writers.docx import _ORDER, write

CREATED = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
HOSTILE = "<b>x</b> & {{ y }} *z*"


def meta(**changes) -> Meta:
    fields = dict(title="Pakistan–Kazakhstan", subject="Bilateral brief", author="South Asia Desk",
                  keywords=("Pakistan", "Kazakhstan"), language="en-GB", marking="OFFICIAL-SENSITIVE",
                  footer="Not for publication", created=CREATED, reproducible=True)
    return Meta(**(fields | changes))


def para(*texts: str, style: str | None = None) -> Paragraph:
    return Paragraph(tuple(Text(t) for t in texts), style=style)


def items(*texts: str) -> tuple[ListItem, ...]:
    return tuple(ListItem((para(t),)) for t in texts)


def build(*blocks, theme: Theme | None = None, reference: Path | None = None, **meta_changes) -> bytes:
    return write(Document(meta(**meta_changes), tuple(blocks)), theme or Theme(), reference)


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def all_paragraphs(doc):
    """Body paragraphs and those inside (nested) tables, in document order."""
    for p in doc.element.body.iter(qn("w:p")):
        yield docx.text.paragraph.Paragraph(p, doc._body)


def full_text(doc) -> str:
    return "\n".join(p.text for p in all_paragraphs(doc))


SAMPLE = (
    para("Ministry of Foreign Affairs", style="letterhead"),
    para("Pakistan–Kazakhstan", style="title"),
    para("Visit brief", style="subtitle"),
    para("Prepared May 2024", style="meta"),
    para("Fine print", style="small"),
    para("Unknown style text", style="no-such-style"),
    Heading(1, (Text("Overview"),), anchor="overview"),
    Heading(2, (Text("Political relations"),)),
    Heading(3, (Text("Visits"),)),
    Paragraph((Text("Plain "), Strong((Text("bold "), Emph((Text("both"),)))), Emph((Text(" italic"),)),
               NoteRef(1), LineBreak(), Text("after break"))),
    BulletList((ListItem((para("bullet one"), BulletList(items("nested bullet")))), *items("bullet two"))),
    OrderedList(items("number one", "number two")),
    Table(header=(((Text("Year"),), (Text("Trade"),)),),
          rows=(((Text("2023"),), (Text("180"),)), ((Text("2024"),), (Text("210"),))),
          caption="Bilateral trade", widths=(1, 3), align=("left", "right")),
    Callout("keyfacts", "Key facts", (para("Capital: Astana"), BulletList(items("Population: 20 m")))),
    Quote((para("A quoted line"),)),
    Rule(),
    PageBreak(),
    Notes((Note(1, (Paragraph((Text("State Bank of Pakistan, "), Link("https://www.sbp.org.pk/x", (Text("report"),)))),)),)),
)


@pytest.fixture(scope="module")
def sample() -> bytes:
    return build(*SAMPLE)


def styled(doc, text: str) -> str:
    return next(p.style.name for p in all_paragraphs(doc) if p.text == text)


def test_blocks_use_real_word_styles(sample):
    doc = read(sample)
    assert styled(doc, "Overview") == "Heading 1"
    assert styled(doc, "Political relations") == "Heading 2"
    assert styled(doc, "Visits") == "Heading 3"
    assert styled(doc, "Pakistan–Kazakhstan") == "Title"
    assert styled(doc, "Visit brief") == "Subtitle"
    assert styled(doc, "Ministry of Foreign Affairs") == "Letterhead"
    assert styled(doc, "Prepared May 2024") == "Brief Meta"
    assert styled(doc, "Fine print") == "Brief Small"
    assert styled(doc, "Unknown style text") == "Normal"
    assert styled(doc, "bullet one") == "List Bullet"
    assert styled(doc, "nested bullet") == "List Bullet 2"
    assert styled(doc, "number one") == "List Number"
    assert styled(doc, "Bilateral trade") == "Caption"
    assert styled(doc, "A quoted line") == "Quote"
    assert doc.tables[0].style.name == "Table Grid"


def test_every_block_text_present(sample):
    text = full_text(read(sample))
    for expected in ("Plain bold both italic1\nafter break", "bullet two", "number two", "Year", "2024", "210",
                     "Key facts", "Capital: Astana", "Population: 20 m", "1.\tState Bank of Pakistan, report"):
        assert expected in text


def test_inline_formatting(sample):
    p = next(p for p in read(sample).paragraphs if p.text.startswith("Plain"))
    runs = {r.text: r for r in p.runs}
    assert runs["bold "].bold and not runs["bold "].italic
    assert runs["both"].bold and runs["both"].italic
    assert runs[" italic"].italic and not runs[" italic"].bold
    assert runs["1"].font.superscript
    assert p._p.findall(f".//{qn('w:br')}")


def test_caption_sits_above_its_table(sample):
    body = list(read(sample).element.body)
    table = next(i for i, el in enumerate(body) if el.tag == qn("w:tbl"))
    assert body[table - 1].xpath("string(.)") == "Bilateral trade"


def test_hostile_text_stays_literal():
    doc = read(build(para(HOSTILE), Table(((((Text(HOSTILE),)),),), ()), title=HOSTILE))
    assert doc.paragraphs[0].text == HOSTILE
    assert doc.tables[0].cell(0, 0).text == HOSTILE
    assert doc.core_properties.title == HOSTILE


def test_xml_invalid_characters_become_replacement_characters():
    bad = "a\x01b\x0bc\ufffed\ud800e\tf"
    data = build(para(bad), Paragraph((Link(f"https://x.org/{bad}", (Text(bad),)),)),
                 Callout("keyfacts", bad, ()), title=bad, marking=bad, footer=bad, keywords=(bad,))
    doc = read(data)
    assert doc.paragraphs[0].text == "a\ufffdb\ufffdc\ufffdd\ufffde\tf"
    assert doc.core_properties.title == "a\ufffdb\ufffdc\ufffdd\ufffde\tf"
    assert "a\ufffdb" in doc.sections[0].header.paragraphs[0].text


def test_header_and_footer_carry_marking_and_page_fields(sample):
    section = read(sample).sections[0]
    header = section.header.paragraphs
    assert [p.text for p in header] == ["OFFICIAL-SENSITIVE"]
    assert header[0].alignment == 1 and header[0].runs[0].bold  # centred
    footer = section.footer.paragraphs
    assert footer[-1].text == "OFFICIAL-SENSITIVE" and footer[-1].runs[0].bold
    assert footer[0].text.startswith("Not for publication\tPage ")
    xml = section.footer._element.xml
    assert "PAGE" in xml and "NUMPAGES" in xml
    for kind in ("begin", "separate", "end"):
        assert xml.count(f'w:fldCharType="{kind}"') == 2


def test_no_marking_means_no_marking_text():
    section = read(build(para("x"), marking="", footer="")).sections[0]
    assert all(not p.text for p in section.header.paragraphs)
    assert [p.text for p in section.footer.paragraphs] == ["\tPage 1 of 1"]


def test_table_header_repeats_and_rows_do_not_split(sample):
    table = read(sample).tables[0]
    trs = table._tbl.findall(qn("w:tr"))
    assert [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in trs] == [True, False, False]
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)
    header = table.rows[0].cells
    assert header[0].paragraphs[0].runs[0].bold
    assert header[0]._tc.find(f".//{qn('w:shd')}").get(qn("w:fill")) == Theme().colours.table_header.lstrip("#")
    widths = [c.width for c in table.rows[1].cells]
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.01)
    text_width = Mm(210) - Mm(Theme().margins_mm.left) - Mm(Theme().margins_mm.right)
    assert sum(widths) == pytest.approx(text_width, rel=0.01)
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # right


def test_callout_is_a_shaded_bordered_box(sample):
    box = read(sample).tables[1]
    assert len(box.rows) == 1 and len(box.columns) == 1
    cell = box.cell(0, 0)
    colours = Theme().colours
    assert cell._tc.find(f".//{qn('w:shd')}").get(qn("w:fill")) == colours.callout.lstrip("#")
    border = box._tbl.tblPr.find(f"{qn('w:tblBorders')}/{qn('w:top')}")
    assert border.get(qn("w:color")) == colours.accent.lstrip("#")
    assert cell.paragraphs[0].text == "Key facts" and cell.paragraphs[0].runs[0].bold
    assert "Capital: Astana" in cell.text and "Population: 20 m" in cell.text


def test_links_are_real_hyperlinks():
    data = build(Heading(1, (Text("Trade"),), anchor="trade-figures"),
                 Paragraph((Link("https://example.org/a b?x=1&y=2", (Text("site"),)), Text(" and "),
                            Link("#trade-figures", (Text("below"),)))))
    doc = read(data)
    links = doc.element.body.findall(f".//{qn('w:hyperlink')}")
    external = doc.part.rels[links[0].get(qn("r:id"))]
    assert external.is_external and external.target_ref == "https://example.org/a%20b?x=1&y=2"
    assert links[0].xpath("string(.)") == "site"
    assert links[1].get(qn("w:anchor")) == "trade_figures"
    assert doc.element.body.find(f".//{qn('w:bookmarkStart')}").get(qn("w:name")) == "trade_figures"
    run = doc.paragraphs[1].hyperlinks[0].runs[0]
    assert run.style.name == "Hyperlink"
    assert run.style.font.underline and run.style.font.color.rgb == RGBColor(0x05, 0x63, 0xC1)


def test_notes_rule_and_page_break(sample):
    doc = read(sample)
    note = next(p for p in doc.paragraphs if p.text.startswith("1.\t"))
    assert note.style.name == "Brief Note" and note.style.base_style.name == "Brief Small"
    assert doc.element.body.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    assert doc.element.body.find(f".//{qn('w:br')}[@{qn('w:type')}='page']") is not None


def test_ordered_lists_each_restart():
    doc = read(build(OrderedList(items("a", "b")), para("between"), OrderedList(items("c"), start=5)))
    num_ids = [p._p.pPr.numPr.numId.val for p in doc.paragraphs if p.style.name == "List Number"]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    numbering = doc.part.numbering_part.element
    override = numbering.num_having_numId(num_ids[2]).find(f".//{qn('w:startOverride')}")
    assert override.get(qn("w:val")) == "5"


def test_core_properties(sample):
    doc = read(sample)
    cp = doc.core_properties
    assert (cp.title, cp.subject, cp.author, cp.last_modified_by) == (
        "Pakistan–Kazakhstan", "Bilateral brief", "South Asia Desk", "South Asia Desk")
    assert cp.keywords == "Pakistan, Kazakhstan"
    assert cp.language == "en-GB" and cp.category == "Brief" and cp.revision == 1 and cp.comments == ""
    assert cp.created == cp.modified == CREATED
    with zipfile.ZipFile(io.BytesIO(sample)) as z:
        for name in z.namelist():
            if name.startswith("docProps/"):
                assert b"python-docx" not in z.read(name), name
        assert "docProps/thumbnail.jpeg" not in z.namelist()
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_theme_fonts_and_colours():
    theme = Theme.model_validate({"body_font": {"name": "Body Face"}, "heading_font": {"name": "Head Face"},
                                  "body_size": 11, "colours": {"heading": "#123456"}})
    doc = read(build(para("x"), theme=theme))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Body Face" and normal.font.size == Pt(11)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "Body Face"
    assert fonts.get(qn("w:asciiTheme")) is None
    heading = doc.styles["Heading 1"]
    assert heading.font.name == "Head Face" and heading.font.color.rgb == RGBColor(0x12, 0x34, 0x56)


def test_reproducible_bytes_and_fixed_zip_times():
    first, second = build(*SAMPLE), build(*SAMPLE)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in z.infolist()} == {(2024, 5, 1, 9, 30, 0)}
    old = build(para("x"), created=datetime(1970, 1, 1, tzinfo=timezone.utc))
    with zipfile.ZipFile(io.BytesIO(old)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(("size", "width", "height"), [("A4", Mm(210), Mm(297)), ("Letter", Inches(8.5), Inches(11))])
def test_page_size_and_margins(size, width, height):
    theme = Theme.model_validate({"page_size": size, "margins_mm": {"left": 30}})
    section = read(build(para("x"), theme=theme)).sections[0]
    twips = lambda *lengths: [length.twips for length in lengths]  # Word stores page geometry in twips
    assert twips(section.page_width, section.page_height) == twips(width, height)
    assert twips(section.left_margin, section.top_margin) == twips(Mm(30), Mm(Theme().margins_mm.top))


def _reference(path: Path, drop: tuple[str, ...] = ()) -> Path:
    ref = docx.Document()
    heading = ref.styles["Heading 1"]
    heading.font.size, heading.font.color.rgb = Pt(27), RGBColor(0xC0, 0x10, 0x10)
    for name in drop:
        element = ref.styles[name].element
        element.getparent().remove(element)
    ref.add_paragraph("reference body text")
    ref.sections[0].header.add_paragraph("reference header text")
    ref.save(path)
    return path


def test_reference_docx_styles_are_followed(tmp_path):
    doc = read(build(Heading(1, (Text("Overview"),)), para("x"), reference=_reference(tmp_path / "ref.docx")))
    heading = doc.styles["Heading 1"]
    assert heading.font.size == Pt(27) and heading.font.color.rgb == RGBColor(0xC0, 0x10, 0x10)
    assert styled(doc, "Overview") == "Heading 1"
    text = full_text(doc)
    assert "reference body text" not in text
    assert [p.text for p in doc.sections[0].header.paragraphs] == ["OFFICIAL-SENSITIVE"]
    assert doc.styles["Normal"].font.name != "Liberation Sans"  # the reference's Normal is left alone


def test_reference_without_list_styles_still_marks_items(tmp_path):
    ref = _reference(tmp_path / "ref.docx", drop=("List Bullet", "List Number", "Table Grid"))
    doc = read(build(BulletList(items("apple")), OrderedList(items("first", "second"), start=3),
                     Table((((Text("h"),),),), (((Text("v"),),),)), reference=ref))
    assert [p.text for p in doc.paragraphs if p.style.name.startswith("List")] == ["\u2022\tapple", "3.\tfirst", "4.\tsecond"]
    assert doc.tables[0].style.name == "Table Grid"


def test_empty_document_and_cells_are_valid():
    doc = read(build(Table((((Text("only header"),), ()),), ()), Callout("keyfacts", "", ())))
    for tc in doc.element.body.iter(qn("w:tc")):
        assert tc[-1].tag == qn("w:p")
    assert doc.element.body[-2].tag == qn("w:p")
    assert read(build()).element.body.find(qn("w:p")) is not None


def test_property_elements_follow_schema_order(sample):
    """Word reports a document as corrupt when pPr/rPr/tcPr/... children are out of order."""
    doc = read(sample)
    roots = [doc.element, doc.styles.element, doc.sections[0].header._element, doc.sections[0].footer._element]
    for root in roots:
        for parent_tag, order in _ORDER.items():
            for parent in root.iter(parent_tag):
                positions = [order.index(child.tag) for child in parent if child.tag in order]
                assert positions == sorted(positions), parent.xml


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_to_pdf(sample, tmp_path):
    source = tmp_path / "brief.docx"
    source.write_bytes(sample)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "brief.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
