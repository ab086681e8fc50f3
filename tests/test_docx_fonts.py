"""The DOCX carries its fonts: subsets of the theme's faces, obfuscated as ECMA-376 requires, so
LibreOffice (and Word) show PT Sans on a machine without it and lay the brief out as the PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timezone

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers.docx.embedded import obfuscate
from briefgen.writers.docx.writer import write
from briefgen.writers.theme import Theme

from conftest import REPO_ROOT, assert_same_pages, soffice_to_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    prepared = prepare(BuildRequest(workspace=REPO_ROOT, as_of=date(2026, 11, 26)))
    data = produce(prepared, ("docx", "pdf"))
    out = tmp_path_factory.mktemp("shipped")
    (out / "brief.docx").write_bytes(data["docx"])
    (out / "brief.pdf").write_bytes(data["pdf"])
    return prepared.document, out / "brief.docx", out / "brief.pdf"


def embedded_faces(docx: bytes) -> dict[str, bytes]:
    """style element (embedRegular...) -> the font, de-obfuscated with its key."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels = etree.fromstring(z.read("word/_rels/fontTable.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        types = z.read("[Content_Types].xml").decode()
        out = {}
        for font in table.findall(f"{W}font"):
            for embed in font:
                if embed.tag.startswith(f"{W}embed"):
                    name = targets[embed.get(f"{R}id")]
                    assert f'PartName="/word/{name}" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"' in types
                    assert embed.get(f"{W}subsetted") == "1"
                    out[f"{font.get(f'{W}name')}/{embed.tag[len(W):]}"] = obfuscate(z.read(f"word/{name}"), embed.get(f"{W}fontKey"))
        settings = z.read("word/settings.xml").decode()
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings
    return out


def test_the_theme_faces_are_embedded_as_obfuscated_subsets_of_the_text(shipped):
    document, docx, _ = shipped
    faces = embedded_faces(docx.read_bytes())
    assert set(faces) == {f"PT Sans/{s}" for s in ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")}
    with zipfile.ZipFile(docx) as z:
        text = "".join(etree.fromstring(z.read("word/document.xml")).itertext())
        stored = [z.read(n) for n in z.namelist() if n.endswith(".odttf")]
    assert all(not s.startswith((b"\x00\x01\x00\x00", b"true")) for s in stored)  # obfuscated, not plain TrueType
    for name, data in faces.items():
        font = TTFont(io.BytesIO(data))  # de-obfuscated: a TrueType font again
        assert font["name"].getDebugName(1) == "PT Sans"
        cmap = font.getBestCmap()
        assert {c for c in text if not c.isspace() and ord(c) not in cmap} == set(), name
        assert len(data) < 60_000  # a subset (the whole face is over 400 KB)


def test_obfuscation_is_ecma_376s_and_its_own_inverse():
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    font = bytes(range(40))
    hidden = obfuscate(font, key)
    assert hidden[32:] == font[32:] and obfuscate(hidden, key) == font
    assert hidden[0] == font[0] ^ 0xFF and hidden[15] == font[15] ^ 0x00 and hidden[16] == font[16] ^ 0xFF


def test_equal_input_gives_an_equal_file_with_the_fonts_embedded():
    meta = m.Meta(title="T", reproducible=True, created=datetime(2026, 11, 26, tzinfo=timezone.utc))
    doc = m.Document(meta, (m.Paragraph((m.Text("Same words."),)),))
    assert write(doc, WriterOptions(Theme())) == write(doc, WriterOptions(Theme()))


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _system_has_pt_sans() -> bool:
    fc = shutil.which("fc-list")
    return bool(fc) and "PT Sans" in subprocess.run([fc, ":", "family"], capture_output=True, text=True).stdout


@needs_soffice
def test_libreoffice_shows_pt_sans_from_the_file_and_lays_out_the_pdfs_pages(shipped, tmp_path):
    if _system_has_pt_sans():
        pytest.skip("this machine has PT Sans installed: the embedded faces cannot be told from it")
    document, docx, pdf = shipped
    converted = soffice_to_pdf(docx, tmp_path, packaged_fonts=False)
    fonts = subprocess.run(["pdffonts", str(converted)], capture_output=True, text=True).stdout if shutil.which("pdffonts") \
        else " ".join(str(f.get("/BaseFont")) for p in PdfReader(converted).pages
                      for f in p["/Resources"]["/Font"].values())
    used = set(re.findall(r"\+(PTSans-\w+)", fonts))
    assert {"PTSans-Regular", "PTSans-Bold"} <= used
    assert "DejaVu" not in fonts and "Liberation" not in fonts
    # the DOCX gives its paragraphs the PDF's measurements: the same pages, broken in the same places
    assert_same_pages(converted, pdf, document.meta.marking)
    # the chronology's dates stay on one line ("December 1991", not "December / 1991")
    lines = subprocess.run(["pdftotext", "-layout", str(converted), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    chronology = next(b for b in document.blocks if isinstance(b, m.Table) and b.header
                      and m.plain_text(b.header[0][0]) == "Date")
    for row in chronology.rows:
        when = m.plain_text(row[0])
        assert not lines or re.search(rf"^\s*{re.escape(when)}\s", lines, re.MULTILINE), when


def test_a_reference_docx_with_embedded_faces_gives_its_place_to_the_briefs(tmp_path):
    """The reference.docx `templates init` writes embeds its own subsets; a brief built from it
    carries only its own (no stale copies, no second set)."""
    from briefgen.writers.docx.reference import reference_docx

    reference = reference_docx()
    doc = m.Document(m.Meta(title="T"), (m.Paragraph((m.Text("Ünïcödé words"),)),))
    data = write(doc, WriterOptions(Theme(), reference_docx=reference))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len([n for n in z.namelist() if n.endswith(".odttf")]) == 4
    faces = embedded_faces(data)
    assert all(ord("Ü") in TTFont(io.BytesIO(f)).getBestCmap() for f in faces.values())
