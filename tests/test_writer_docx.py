"""The DOCX writer, read back with python-docx and zipfile (no Markdown parser involved)."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor

from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, ListItem, Meta, Note, NoteRef, Notes,
    OrderedList, PageBreak, Paragraph, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers.theme import Theme
from briefgen.writers.typescale import box_after, table_after
from briefgen.writers import WriterOptions
from briefgen.writers.docx.writer import write
from briefgen.writers.docx.xml import ORDER

from conftest import soffice_to_pdf

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
    return write(Document(meta(**meta_changes), tuple(blocks)), WriterOptions(theme or Theme(), reference_docx=reference.read_bytes() if reference else None))


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
    assert doc.tables[0].style.name == "Brief Table"


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
    marker = p._p.find(f"{qn('w:hyperlink')}/{qn('w:r')}")  # the note marker, a link to its note
    assert marker.xpath("string(.)") == "1"
    assert marker.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "NoteReference"
    assert read(sample).styles["Note Reference"].font.superscript
    assert p._p.findall(f".//{qn('w:br')}")


def test_caption_sits_above_its_table(sample):
    body = list(read(sample).element.body)
    table = next(i for i, el in enumerate(body) if el.tag == qn("w:tbl"))
    assert body[table - 1].xpath("string(.)") == "Bilateral trade"


def test_hostile_text_stays_literal():
    doc = read(build(para(HOSTILE), Table(((((Text(HOSTILE),)),),), ()), title=HOSTILE))
    assert doc.paragraphs[1].text == HOSTILE  # after the marking
    assert doc.tables[0].cell(0, 0).text == HOSTILE
    assert doc.core_properties.title == HOSTILE


def test_xml_invalid_characters_become_replacement_characters():
    bad = "a\x01b\x0bc\ufffed\ud800e\tf"
    data = build(para(bad), Paragraph((Link(f"https://x.org/{bad}", (Text(bad),)),)),
                 Callout("keyfacts", bad, ()), title=bad, marking=bad, footer=bad, keywords=(bad,))
    doc = read(data)
    assert doc.paragraphs[0].text == "a\ufffdb\ufffdc\ufffdd\ufffde\tf"  # the marking
    assert doc.paragraphs[1].text == "a\ufffdb\ufffdc\ufffdd\ufffde\tf"
    assert doc.core_properties.title == "a\ufffdb\ufffdc\ufffdd\ufffde\tf"
    assert "a\ufffdb" in doc.sections[0].header.paragraphs[0].text


def test_header_and_footer_carry_marking_and_page_fields(sample):
    doc = read(sample)
    section = doc.sections[0]
    header = section.header.paragraphs
    assert [p.text for p in header] == ["OFFICIAL-SENSITIVE"]
    assert header[0].alignment == 1 and header[0].runs[0].bold  # centred
    for footer in (section.footer, section.first_page_footer):  # one line: text, marking, page
        (line,) = footer.paragraphs
        assert line.text == "Not for publication\tOFFICIAL-SENSITIVE\tPage 1 of 1"
        assert [r.text for r in line.runs if r.bold] == ["OFFICIAL-SENSITIVE"]
        xml = footer._element.xml
        assert "PAGE" in xml and "NUMPAGES" in xml
        for kind in ("begin", "separate", "end"):
            assert xml.count(f'w:fldCharType="{kind}"') == 2


def test_the_marking_is_announced_once_as_the_first_paragraph(sample):
    """A screen reader skips headers: page 1's marking is the body's first paragraph instead, in a
    frame where the header's would be; the first page's own header holds no marking."""
    doc = read(sample)
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.first_page_header.paragraphs] == [""]
    first = doc.paragraphs[0]
    assert first.text == "OFFICIAL-SENSITIVE" and first.runs[0].bold and first.alignment == 1
    frame = first._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:vAnchor")) == "page" and frame.get(qn("w:xAlign")) == "center"
    assert sum(p.text == "OFFICIAL-SENSITIVE" for p in doc.paragraphs) == 1


def test_no_marking_means_no_marking_text():
    section = read(build(para("x"), marking="", footer="")).sections[0]
    assert all(not p.text for p in section.header.paragraphs)
    assert [p.text for p in section.footer.paragraphs] == ["\t\tPage 1 of 1"]
    assert not section.different_first_page_header_footer


def test_table_header_repeats_and_rows_do_not_split(sample):
    table = read(sample).tables[0]
    trs = table._tbl.findall(qn("w:tr"))
    assert [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in trs] == [True, False, False]
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)
    # the header's bold and shading come from the table style, not from each cell
    assert table._tbl.find(f".//{qn('w:shd')}") is None and table._tbl.find(f".//{qn('w:b')}") is None
    widths = [c.width for c in table.rows[1].cells]
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.01)
    text_width = Mm(210) - Mm(Theme().margins_mm.left) - Mm(Theme().margins_mm.right)
    assert sum(widths) == pytest.approx(text_width, rel=0.01)
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # right


def test_callout_is_a_shaded_bordered_box_of_paragraphs(sample):
    """The key-facts box is paragraphs in the Key Facts styles (one border and shading, so Word
    draws one box), not an unlabelled one-cell table."""
    doc = read(sample)
    assert len(doc.tables) == 1  # only the data table
    box = [p for p in all_paragraphs(doc) if p.style.name.startswith("Key Facts")]
    assert [p.text for p in box] == ["Key facts", "Capital: Astana", "Population: 20 m"]
    assert [p.style.name for p in box] == ["Key Facts Title", "Key Facts", "Key Facts Bullet"]
    # the bullets are a real list (Word numbering with a bullet), the prose has no hanging indent
    num_id = box[2]._p.pPr.numPr.numId.val
    numbering = doc.part.numbering_part.element
    abstract = numbering.num_having_numId(num_id).abstractNumId.val
    (level,) = [a for a in numbering.findall(qn("w:abstractNum")) if int(a.get(qn("w:abstractNumId"))) == abstract][0]\
        .findall(qn("w:lvl"))
    assert level.find(qn("w:numFmt")).get(qn("w:val")) == "bullet" and level.find(qn("w:lvlText")).get(qn("w:val")) == "\u2022"
    assert doc.styles["Key Facts"].paragraph_format.first_line_indent in (None, 0)
    # the box's title is a heading (an outline level), one below the heading before it
    assert box[0]._p.pPr.find(qn("w:outlineLvl")) is not None
    colours = Theme().colours
    base = doc.styles["Key Facts"].element.pPr
    assert base.find(qn("w:shd")).get(qn("w:fill")) == colours.callout.lstrip("#")
    assert base.find(f"{qn('w:pBdr')}/{qn('w:left')}").get(qn("w:color")) == colours.accent.lstrip("#")
    for name in ("Key Facts Title", "Key Facts Bullet"):  # the same borders: drawn as one box
        style = doc.styles[name]
        assert style.base_style.name == "Key Facts"
        ppr = style.element.pPr
        assert ppr is None or ppr.find(qn("w:pBdr")) is None
    assert doc.styles["Key Facts Title"].font.bold
    assert all(p._p.pPr.find(qn("w:pBdr")) is None and p._p.pPr.find(qn("w:shd")) is None for p in box)


def test_word_2013_mode_and_no_template_leftovers(sample):
    settings = part(sample, "word/settings.xml")
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    with zipfile.ZipFile(io.BytesIO(sample)) as z:
        names = z.namelist()
    assert not [n for n in names if "customXml" in n or "thumbnail" in n], names
    assert "customXml" not in part(sample, "[Content_Types].xml") + part(sample, "word/_rels/document.xml.rels")


def test_note_markers_link_to_bookmarked_notes():
    data = build(Paragraph((Text("Claim"), NoteRef(1), NoteRef(2))),
                 Notes((Note(1, (para("First source."),)),
                        Note(2, (para("Second source, at https://example.org/page?id=2."),)))))
    doc = read(data)
    claim = doc.paragraphs[1]._p  # after the marking
    links = claim.findall(qn("w:hyperlink"))
    assert [(link.get(qn("w:anchor")), link.xpath("string(.)")) for link in links] == [("note_1", "1"), ("note_2", "2")]
    # not a link named only "1": its tooltip says where it goes
    assert [link.get(qn("w:tooltip")) for link in links] == [
        "Source note 1: First source.", "Source note 2: Second source, at https://example.org/page?id=2."]
    assert claim.xpath("string(.)") == "Claim1,2"  # the comma between markers is not part of a link
    bookmarks = {b.get(qn("w:name")): b.getparent() for b in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert bookmarks["note_1"].xpath("string(.)") == "1.First source."  # (the tab is an element)
    assert bookmarks["note_2"].xpath("string(.)").startswith("2.Second source")
    # a web address written in a note becomes a link (without the full stop after it)
    link = bookmarks["note_2"].find(qn("w:hyperlink"))
    assert link.xpath("string(.)") == "https://example.org/page?id=2"
    assert doc.part.rels[link.get(qn("r:id"))].target_ref == "https://example.org/page?id=2"
    assert bookmarks["note_2"].xpath("string(.)").endswith("id=2.")


def test_tables_use_a_table_style_with_conditional_formatting(sample):
    doc = read(sample)
    style = doc.styles["Brief Table"].element
    colours = Theme().colours
    kinds = {p.get(qn("w:type")): p for p in style.findall(qn("w:tblStylePr"))}
    first, band = kinds["firstRow"], kinds["band2Horz"]
    assert first.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert first.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == colours.table_header.lstrip("#")
    assert band.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == colours.table_stripe.lstrip("#")
    assert style.find(f"{qn('w:tblPr')}/{qn('w:tblStyleRowBandSize')}").get(qn("w:val")) == "1"
    tbl_pr = doc.tables[0]._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    assert (look.get(qn("w:firstRow")), look.get(qn("w:noHBand")), look.get(qn("w:firstColumn"))) == ("1", "0", "0")
    assert tbl_pr.find(qn("w:tblCaption")).get(qn("w:val")) == "Bilateral trade"
    assert tbl_pr.find(qn("w:tblDescription")).get(qn("w:val")) == "2 rows; columns: Year; Trade"


def test_no_empty_spacer_paragraphs():
    """Room after a table or the key-facts box is spacing on the next paragraph; only two tables
    in a row are kept apart by a paragraph (Word would join them into one)."""
    table = Table(header=(((Text("A"),),),), rows=(((Text("1"),),),))
    doc = read(build(table, para("after the table"), Callout("keyfacts", "Key facts", (para("a fact"),)),
                     para("after the box"), table, table, para("end")))
    body = [el for el in doc.element.body if el.tag in (qn("w:p"), qn("w:tbl"))]
    empty = [i for i, el in enumerate(body) if el.tag == qn("w:p") and not el.xpath("string(.)")]
    assert len(empty) == 1 and body[empty[0] - 1].tag == body[empty[0] + 1].tag == qn("w:tbl")
    # the PDF's space below a table or box (typescale), not Word's default
    for text, below in (("after the table", table_after(Theme())), ("after the box", box_after(Theme()))):
        p = next(p for p in doc.paragraphs if p.text == text)
        assert p.paragraph_format.space_before.pt == pytest.approx(below, abs=0.05)


def test_logo_has_alt_text(tmp_path):
    from PIL import Image

    Image.new("RGB", (30, 10), "navy").save(tmp_path / "crest.png")
    theme = Theme(logo="crest.png", base_dir=str(tmp_path), organisation="Ministry of Foreign Affairs")
    descr = read(build(para("x"), theme=theme)).inline_shapes[0]._inline.docPr.get("descr")
    assert descr == "Ministry of Foreign Affairs logo"
    theme = Theme(logo="crest.png", base_dir=str(tmp_path), logo_alt="Crest of the Ministry")
    assert read(build(para("x"), theme=theme)).inline_shapes[0]._inline.docPr.get("descr") == "Crest of the Ministry"


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
    run = doc.paragraphs[2].hyperlinks[0].runs[0]
    assert run.style.name == "Hyperlink"
    assert run.style.font.underline and run.style.font.color.rgb == RGBColor(0x05, 0x63, 0xC1)


def test_notes_rule_and_page_break(sample):
    doc = read(sample)
    note = next(p for p in doc.paragraphs if p.text.startswith("1.\t"))
    assert note.style.name == "Brief Note" and note.style.base_style.name == "Brief Small"
    assert doc.element.body.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    assert note.paragraph_format.page_break_before  # the page break: the next paragraph starts a page


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
    assert doc.tables[0].style.name == "Brief Table"


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
        for parent_tag, order in ORDER.items():
            for parent in root.iter(parent_tag):
                positions = [order.index(child.tag) for child in parent if child.tag in order]
                assert positions == sorted(positions), parent.xml


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_to_pdf(sample, tmp_path):
    source = tmp_path / "brief.docx"
    source.write_bytes(sample)
    pdf = soffice_to_pdf(source, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
