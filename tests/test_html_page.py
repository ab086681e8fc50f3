"""The HTML page as a reader and a screen reader meet it: the title block styled from the theme and
the title a heading, the theme's fonts inside the page, boxes named by their title headings, note
markers and their links back; and axe-core in headless Chromium finds no violation on the
shipped brief (Chromium and axe-core are test tools that .ci/run installs)."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers import html as html_writer
from briefgen.writers.fonts import read_face, resolve
from briefgen.writers.theme import FontFamily, Theme

from conftest import REPO_ROOT


@pytest.fixture(scope="module")
def shipped_html() -> str:
    prepared = prepare(BuildRequest(workspace=REPO_ROOT, as_of=date(2026, 11, 26)))
    return produce(prepared, ("html",))["html"].decode("utf-8")


def css_rules(page: str) -> str:
    return re.search(r"<style>(.*?)</style>", page, re.S).group(1)


def test_the_title_is_a_heading_and_the_title_block_is_styled_by_classes_the_markup_uses(shipped_html):
    css = css_rules(shipped_html)
    main = shipped_html[shipped_html.index("<main>"):]
    assert re.search(r'<h1 id="[^"]+" class="title">Pakistan–Kazakhstan: bilateral brief</h1>', main)
    first_h1 = re.search(r"<h1[^>]*>", main).group(0)
    assert 'class="title"' in first_h1  # the page's first heading is the title
    for cls in ("letterhead", "subtitle", "meta"):
        assert f'class="{cls}"' in main
    for selector in ("h1.title", ".letterhead", ".subtitle", ".meta"):
        assert re.search(rf"(^|\n){re.escape(selector)} \{{", css), selector
    size = float(re.search(r"h1\.title \{ font-size: ([\d.]+)em", css).group(1))
    assert size >= 1.8  # the title stands out as in the PDF, not body-size text


def test_the_themes_fonts_travel_inside_the_page_as_subsets(shipped_html):
    from fontTools.ttLib import TTFont

    faces = re.findall(r'@font-face \{ font-family: "PT Sans"; font-weight: (\w+); font-style: (\w+); '
                       r'src: url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\) format\("woff"\); \}', shipped_html)
    assert {(w, s) for w, s, _ in faces} == {("normal", "normal"), ("bold", "normal"), ("normal", "italic"),
                                              ("bold", "italic")}
    text = html.unescape(re.sub(r"<[^>]+>", "", shipped_html.split("</style>", 1)[1]))
    whole = TTFont(io.BytesIO(read_face(resolve(FontFamily(name="PT Sans")).files["regular"]).getvalue())).getBestCmap()
    for _, _, data in faces:
        raw = base64.b64decode(data)
        assert len(raw) < 60_000  # a subset, not the 440 KB face
        font = TTFont(io.BytesIO(raw))
        assert font["name"].getDebugName(1) == "PT Sans"
        cmap = font.getBestCmap()
        missing = {c for c in text if not c.isspace() and ord(c) not in cmap and ord(c) in whole}
        assert not missing, missing


def test_boxes_are_asides_named_by_their_title_headings(shipped_html):
    asides = re.findall(r'<aside class="callout (\w+)" aria-labelledby="([^"]+)">\n<h(\d) class="callout-title" '
                        r'id="([^"]+)">([^<]+)</h\d>', shipped_html)
    assert [(kind, level, title) for kind, _, level, _, title in asides] == [("note", "2", "Not current"),
                                                                          ("keyfacts", "2", "Key facts")]
    assert all(label == ident for _, label, _, ident, _ in asides)
    assert len({label for _, label, _, _, _ in asides}) == len(asides)


def test_note_markers_are_noterefs_and_each_note_links_back_to_every_marker():
    p = lambda *nodes: m.Paragraph(tuple(nodes))  # noqa: E731
    doc = m.Document(m.Meta(title="Notes"), (
        p(m.Text("One."), m.NoteRef(1), m.Text(" Two."), m.NoteRef(1), m.NoteRef(2)), p(m.Text("Three."), m.NoteRef(1)),
        m.Notes((m.Note(1, (p(m.Text("First source.")),)), m.Note(2, (p(m.Text("Second source.")),)))),
    ))
    page = html_writer.write(doc, WriterOptions(Theme())).decode("utf-8")
    refs = re.findall(r'<a href="#note-(\d)" id="(ref-\d-\d)" role="doc-noteref" aria-label="Source note \1">\1</a>', page)
    assert refs == [("1", "ref-1-1"), ("1", "ref-1-2"), ("2", "ref-2-1"), ("1", "ref-1-3")]
    backs = re.findall(r'role="doc-backlink" href="#(ref-\d-\d)"', page)
    assert backs == ["ref-1-1", "ref-1-2", "ref-1-3", "ref-2-1"]


def test_the_logo_is_shown_with_its_text(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 20), (30, 60, 120)).save(buf, format="PNG")
    theme = Theme(logo_alt="Crest of the Central Asia Desk")
    object.__setattr__(theme, "logo", "crest.png")
    theme._logo = buf.getvalue()
    page = html_writer.write(m.Document(m.Meta(title="T"), ()), WriterOptions(theme)).decode("utf-8")
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Crest of the Central Asia Desk">', page)


# --- in a browser ---------------------------------------------------------------------------


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _axe() -> Path | None:
    candidates = [os.environ.get("BRIEFGEN_AXE", ""), REPO_ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def run_in_browser(page: str, tmp_path: Path, script: str) -> dict:
    """Open `page` in headless Chromium with axe-core loaded, run `script` (which sets `result`),
    and return the result the page wrote into itself."""
    probe = (f'<script src="{_axe().as_uri()}"></script><script>(async () => {{ let result; {script}; '
             'const p = document.createElement("pre"); p.id = "probe-result"; p.textContent = JSON.stringify(result); '
             "document.body.appendChild(p); })();</script>")
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                          "--allow-file-access-from-files", "--virtual-time-budget=30000", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=180).stdout
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, "the page did not report (is axe-core loaded?)"
    return json.loads(html.unescape(found.group(1)))


needs_browser = pytest.mark.skipif(_browser() is None or _axe() is None,
                                   reason="headless Chromium and axe-core are needed (.ci/run installs them)")


@needs_browser
def test_axe_core_finds_no_violation_on_the_shipped_brief(shipped_html, tmp_path):
    result = run_in_browser(shipped_html, tmp_path, "const r = await axe.run(document); result = "
                            "{violations: r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))]), "
                            "passes: r.passes.length}")
    assert result["violations"] == []
    assert result["passes"] >= 20  # axe did run its rules


@needs_browser
def test_the_browser_sets_the_page_in_the_embedded_pt_sans(shipped_html, tmp_path):
    """This machine has no PT Sans installed: the browser has it only from the page."""
    result = run_in_browser(shipped_html, tmp_path, """
        await document.fonts.ready;
        const faces = [...document.fonts].filter(f => f.status === "loaded").map(f => f.family.replace(/"/g, ""));
        const title = getComputedStyle(document.querySelector("h1.title"));
        const body = getComputedStyle(document.body);
        result = {faces, title: parseFloat(title.fontSize), body: parseFloat(body.fontSize), family: body.fontFamily}""")
    assert "PT Sans" in result["faces"]
    assert result["family"].startswith('"PT Sans"')
    assert result["title"] >= 1.8 * result["body"]
