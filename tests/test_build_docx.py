"""End-to-end: `briefgen build --format all` on the shipped workspace; the DOCX read back with python-docx."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from briefgen.facts.schema import iter_records
from briefgen.facts.factbase import load_factbase
from briefgen.facts.quotes import fold
from conftest import REPO_ROOT, assert_same_pages, soffice_to_pdf, told_by

AS_OF = "2026-11-26"
STEM = f"pakistan-kazakhstan-brief-{AS_OF}"


def norm(text: str) -> str:
    return fold(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from briefgen.build.pipeline import BuildRequest, build
    from datetime import date

    out = tmp_path_factory.mktemp("all")
    paths = build(BuildRequest(workspace=REPO_ROOT, formats=("pdf", "docx", "md", "html"), out=out,
                               marking="OFFICIAL-SENSITIVE", as_of=date.fromisoformat(AS_OF)))
    return {p.suffix.lstrip("."): p for p in paths}


def docx_text(path) -> str:
    doc = read_docx(str(path))
    parts = [p.text for p in doc.paragraphs]

    def cells(table):
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    cells(inner)

    for table in doc.tables:
        cells(table)
    return norm(" ".join(parts))


def test_all_formats_written_with_safe_names(built):
    assert sorted(built) == ["docx", "html", "md", "pdf"]
    assert all(p.name == f"{STEM}.{ext}" for ext, p in built.items())


def test_every_record_is_told_in_the_docx(built):
    text = docx_text(built["docx"])
    fb = load_factbase(REPO_ROOT)
    missing = [r.id for b in fb.briefs.values() for _, r in iter_records(b) if norm(told_by(r)) not in text]
    assert missing == []


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9\u0400-\u04FF’']+", text)


def test_same_words_in_pdf_and_docx(built):
    pdf_words = _words(norm(" ".join(p.extract_text() for p in PdfReader(built["pdf"]).pages)))
    docx_words = _words(docx_text(built["docx"]))
    # Compared as sets: the PDF repeats table header rows on each page a table spans, and its text
    # layer holds page furniture (marking, Page N of M) that the DOCX keeps in header and footer.
    furniture = {"OFFICIAL", "SENSITIVE", "Page", "of"} | {str(n) for n in range(1, 10)}
    assert set(pdf_words) - furniture == set(docx_words) - furniture


def test_docx_uses_real_word_styles(built):
    doc = read_docx(str(built["docx"]))
    used = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "List Bullet", "Caption", "Title"} <= used
    assert all(t.style is not None for t in doc.tables)


def test_docx_header_footer_marking_and_page_fields(built):
    with zipfile.ZipFile(built["docx"]) as z:
        headers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d*\.xml", n)]
        footers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/footer\d*\.xml", n)]
    assert any("OFFICIAL-SENSITIVE" in h for h in headers)
    footer = " ".join(footers)
    assert "OFFICIAL-SENSITIVE" in footer and " PAGE " in footer and " NUMPAGES " in footer


def test_docx_core_properties(built):
    props = read_docx(str(built["docx"])).core_properties
    assert props.title == "Pakistan–Kazakhstan: bilateral brief"
    assert props.author == "Central Asia Desk"
    assert "Kazakhstan" in props.subject and "Pakistan" in props.keywords
    assert props.language == "en-GB"
    assert props.created is not None and props.modified is not None
    with zipfile.ZipFile(built["docx"]) as z:
        assert b"python-docx" not in z.read("docProps/core.xml")
        app = z.read("docProps/app.xml")
    # python-docx's default names another application and counts 1 page and 0 words
    assert b"<Application>briefgen</Application>" in app and b"Microsoft" not in app and b"<Pages>" not in app


def test_docx_reproducible_with_source_date_epoch(tmp_path, monkeypatch):
    from briefgen.build.pipeline import BuildRequest, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    a = build(BuildRequest(workspace=REPO_ROOT, formats=("docx",), out=tmp_path / "a"))[0].read_bytes()
    b = build(BuildRequest(workspace=REPO_ROOT, formats=("docx",), out=tmp_path / "b"))[0].read_bytes()
    assert a == b


def test_hostile_fact_text_literal_in_docx_and_html(repo_workspace, tmp_path):
    hostile = "Markup <b>bold</b> & {{ brief.id }} *stars* [link](http://x) | pipe"
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    marker = 'text: "The Pakistani population in Kazakhstan is small."'
    brief.write_text(text.replace(marker, f"text: {hostile!r}"), encoding="utf-8")
    from briefgen.build.pipeline import BuildRequest, build

    paths = {p.suffix: p for p in build(BuildRequest(workspace=repo_workspace, formats=("docx", "html", "md"),
                                                     out=tmp_path))}
    assert norm(hostile) in docx_text(paths[".docx"])
    html = paths[".html"].read_text(encoding="utf-8")
    assert "Markup &lt;b&gt;bold&lt;/b&gt; &amp; {{ brief.id }} *stars* [link](http://x) | pipe" in html


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_lays_the_docx_out_on_the_pdfs_pages(built, tmp_path):
    assert_same_pages(soffice_to_pdf(built["docx"], tmp_path), built["pdf"], "OFFICIAL-SENSITIVE")
