"""The PDF's claims checked on the file: PDF/A-2's stream syntax and metadata (every stream ends
its data with an EOL before `endstream`, /Length counting the data alone; no `pdf:Trapped` in the
XMP; reproducible), links told by more than colour, no untagged link annotations on pages where a
table's header row repeats, and bounding boxes on the logo and on tables drawn on one page."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers.pdf import writer as pdf_writer
from briefgen.writers.theme import Theme

from pdf_structure import TaggedPdf

LINK_RGB = ("0.180392", "0.360784", "0.541176")  # #2E5C8A, the links' colour


def t(text):
    return (m.Text(text),)


def brief(*blocks, **meta):
    return m.Document(m.Meta(title="A brief", author="Desk", **meta), tuple(blocks))


def pdf(document, **options) -> bytes:
    return pdf_writer.write(document, WriterOptions(Theme(), **options))


def streams(data: bytes):
    """(object number, what follows the stream's data in the file) for every stream: the data
    found where the object's `stream` keyword ends, compared with what pikepdf reads."""
    with pikepdf.open(io.BytesIO(data)) as parsed:
        for obj in parsed.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            number = obj.objgen[0]
            at = re.search(rb"(?:^|\n)%d 0 obj\b" % number, data).end()
            start = re.compile(rb"stream(\r\n|\n)").search(data, at).end()
            raw = obj.read_raw_bytes()
            assert data[start:start + len(raw)] == raw and int(obj.stream_dict.Length) == len(raw)
            yield number, data[start + len(raw):start + len(raw) + 12]


SAMPLE = brief(m.Heading(1, t("Heading")), m.Paragraph(t("Text with a note.") + (m.NoteRef(1),)),
               m.Notes((m.Note(1, (m.Paragraph(t("A source, https://example.org/a.")),)),)), marking="OFFICIAL")


@pytest.mark.parametrize("standard", ["ua-1", "a-2b", "a-2u"])
def test_every_stream_ends_with_an_eol_before_endstream_and_length_counts_the_data(standard):
    data = pdf(SAMPLE, pdf_standard=standard)
    found = list(streams(data))
    assert len(found) >= 6  # page content, fonts and their ToUnicode maps, XMP (and the ICC profile)
    for number, after in found:
        assert after.startswith((b"\nendstream", b"\r\nendstream")), (number, after)
    with pikepdf.open(io.BytesIO(data)) as parsed:  # and the file still reads as it did
        assert len(parsed.pages) == 1


def test_the_xmp_has_no_pdf_trapped_which_pdf_a_2_does_not_define():
    data = pdf(SAMPLE, pdf_standard="a-2b")
    with pikepdf.open(io.BytesIO(data)) as parsed:
        xmp = parsed.Root.Metadata.read_bytes().decode("utf-8")
    assert "Trapped" not in xmp
    assert "<pdfaid:part>2</pdfaid:part>" in xmp


def test_pdf_a_is_reproducible_with_a_fixed_date():
    """The sRGB profile Pillow makes is stamped with the time it was made; the PDF's own date is
    written instead, so two builds with the same date are byte for byte equal."""
    document = brief(m.Paragraph(t("Text.")), reproducible=True)
    first = pdf(document, pdf_standard="a-2u")
    assert pdf(document, pdf_standard="a-2u") == first
    with pikepdf.open(io.BytesIO(first)) as parsed:
        profile = parsed.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[84:100] == bytes(16)
        year = int.from_bytes(profile[24:26], "big")
        assert str(year) == str(parsed.docinfo.CreationDate)[2:6]


def test_links_are_underlined_not_told_by_colour_alone():
    document = brief(m.Paragraph(t("See ") + (m.Link("https://example.org", t("the report")),) + t(" for more.")))
    data = pdf(document, tagged=False)
    with pikepdf.open(io.BytesIO(data)) as parsed:
        ops = [(str(op.operator), [str(v) for v in op.operands]) for op in pikepdf.parse_content_stream(parsed.pages[0])]
    strokes = []
    colour = None
    for i, (op, operands) in enumerate(ops):
        if op == "RG":
            colour = tuple(operands)
        if op == "l" and colour == LINK_RGB and ops[i - 1][0] == "m":
            (x0, y0), (x1, y1) = (float(v) for v in ops[i - 1][1]), (float(v) for v in operands)
            strokes.append((x0, y0, x1, y1))
    assert len(strokes) == 1
    x0, y0, x1, y1 = strokes[0]
    assert y0 == y1 and x1 - x0 > 20  # a horizontal line under "the report"


def test_a_link_in_a_repeated_header_row_makes_no_untagged_annotations():
    header = ((t("Year"), (m.Link("https://example.org/years", t("What happened")),)),)
    rows = tuple((t(str(1900 + i)), t(f"Event number {i} with several words")) for i in range(120))
    document = brief(m.Heading(1, t("Chronology")), m.Table(header=header, rows=rows))
    tagged = TaggedPdf(pdf(document))
    assert len(tagged.pages) >= 3
    owned = {k[1].objgen for e in tagged.elements("Link") for k in e.kids if isinstance(k, tuple) and k[0] == "annot"}
    annotations = [a for page in tagged.pdf.pages for a in page.obj.get("/Annots", [])]
    assert len(annotations) == 1  # the header's link, once, on the page where the header is content
    assert {a.objgen for a in annotations} == owned
    assert all("/StructParent" in a for a in annotations)


def test_tables_on_one_page_have_a_bounding_box_and_tables_over_pages_none():
    short = m.Table(header=((t("Date"), t("Event")),), rows=((t("1992"), t("Relations established")),), caption="Short")
    rows = tuple((t(str(1900 + i)), t(f"Event {i}")) for i in range(150))
    long = m.Table(header=((t("Year"), t("Event")),), rows=rows)
    tagged = TaggedPdf(pdf(brief(m.Heading(1, t("Tables")), short, long)))
    first, second = tagged.elements("Table")
    x0, y0, x1, y1 = (float(v) for v in first.obj.A.BBox)
    assert first.obj.A.O == "/Layout" and x0 < x1 and y0 < y1
    width = float(tagged.pdf.pages[0].MediaBox[2])
    assert 0 < x0 and x1 < width and x1 - x0 > width / 2  # the full text width, caption and grid
    assert "/A" not in second.obj
