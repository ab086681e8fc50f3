"""Property tests: whatever text a fact holds, `build --format all` either writes a PDF and a DOCX
that contain it, or fails with a clear, located error. Never a traceback, never a partial file.

The default profile tries a few dozen texts; set BRIEFGEN_HYPOTHESIS=long for the long run
(see docs/reliability.md).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata

import pytest
from docx import Document as read_docx
from hypothesis import HealthCheck, event, example, given, settings, strategies as st
from pypdf import PdfReader

from briefgen.facts.quotes import fold
from conftest import BASE_CASE, CASES

LONG = os.environ.get("BRIEFGEN_HYPOTHESIS") == "long"
# The default run is derandomized so that CI is reproducible; the long run explores afresh each time.
settings.register_profile("short", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("long", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PROFILE = "long" if LONG else "short"

SPECIALS = ["<b>", "</b>", "&", "&amp;", "{{ x }}", "{% if %}", "*", "_", "`", "[", "]", "(", ")", "#", "|",
            "\\", "~", "{.title}", ":::", "[^1]", "<https://x.org>", "1.", "- ", "> ", "---", "<para>", "<br/>"]
SCRIPTS = ["Кириллица", "Тілеуберді", "Łódź Şçğıžő", "مرحبا", "שלום", "e\u0301", "😀", "👍🏽", "\u200b", "\u200e",
           "\u202e", "\ufeff", "\u00ad", "\u00a0", "x" * 120]
fragments = st.one_of(
    st.sampled_from(SPECIALS),
    st.sampled_from(SCRIPTS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3f), max_size=6),  # controls and ASCII specials
)
fact_texts = st.lists(fragments, min_size=0, max_size=8).map(" ".join)


def _workspace(tmp_path):
    ws = tmp_path / "ws"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(CASES / BASE_CASE, ws)
    return ws


def _set_fact_text(ws, text: str) -> int:
    brief = next((ws / "data/briefs").glob("*.yaml"))
    lines = brief.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("text: The two countries have friendly"))
    lines[n] = "    text: " + _yaml_string(text)
    brief.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n + 1


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text` (escapes for what YAML may not carry raw)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif cp < 0x20 or 0x7F <= cp <= 0x9F or cp in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _visible(text: str) -> str:
    """What a reader must find in the output: the text without what cannot or need not be seen.

    Whitespace controls (tab, CR, LF, NEL) separate words, so they read as spaces; other controls and
    format characters are invisible and dropped."""
    text = re.sub(r"\s", " ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return re.sub(r"\s+", " ", fold(text)).strip()


@settings(settings.get_profile(PROFILE))
@given(text=fact_texts)
@example(text="0\r0")  # a carriage return inside a fact reads as a space
def test_any_fact_text_builds_or_fails_clearly(tmp_path, run_cli, text):
    ws = _workspace(tmp_path)
    line = _set_fact_text(ws, text)
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    code, stdout, stderr = run_cli("build", "--format", "all", "--workspace", str(ws), "--out", str(out))
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    reason = re.sub(r"^error: [^:]+:\d+: (?:summary\[\d+\]\.text: )?", "", stderr.splitlines()[0]) if code else ""
    event("built" if code == 0 else "refused: " + re.sub(r"'.*", "", reason)[:45])
    if code != 0:
        assert code == 1, stderr
        assert stderr.startswith("error: data/briefs/"), stderr
        assert not out.exists() or not any(out.iterdir()), "a failed build wrote files"
        return
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".pdf", ".docx", ".md", ".html"}
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())
    expected = _visible(text)
    docx = read_docx(str(files[".docx"]))
    docx_text = _visible(" ".join(p.text for p in docx.paragraphs))
    assert expected in docx_text
    pdf_text = _visible(" ".join(page.extract_text() for page in PdfReader(files[".pdf"]).pages))
    # PDF text extraction may reorder or decompose complex scripts; every letter must still be there
    missing = {ch for ch in expected if ch.isalnum()} - set(pdf_text) - set(unicodedata.normalize("NFD", pdf_text))
    assert not missing, f"characters missing from the PDF: {missing}"
    if any(unicodedata.category(ch) == "Cf" for ch in text):
        assert "warning:" in stderr or "error:" not in stderr
