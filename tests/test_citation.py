"""Source notes cite sources as a reader needs them: Chicago notes (or APA), the URL a link in every
format, only what the source records, and never the workspace file."""

from __future__ import annotations

import re
import zipfile

import pytest

from briefgen.editorial.citation import cite_source
from briefgen.facts.schema import Source

FULL = dict(id="s", label="Press release on the talks", kind="press release", author="Aigerim Nurlanovna",
            title="Ministers agree on new rail corridor", publisher="Steppe Daily", date="2024-03-14",
            url="https://example.org/news/rail_corridor_(2024)", accessed="2024-03-20", file="seeds/s.txt")


def cite(style="chicago", locale="en_GB", **changes) -> str:
    return str(cite_source(Source(**{**FULL, **changes}), style, locale))


def test_chicago_note_with_every_field():
    assert cite() == ("Aigerim Nurlanovna, “Ministers agree on new rail corridor,” *Steppe Daily*, 14 March 2024, "
                      "[https://example.org/news/rail\\_corridor\\_(2024)](<https://example.org/news/rail_corridor_(2024)>).")
    assert "March 14, 2024" in cite(locale="en_US")


def test_chicago_prints_only_what_the_source_records():
    bare = cite(author=None, title=None, publisher=None, date="undated", url=None, accessed=None)
    assert bare == "Press release on the talks, n.d."  # described, not quoted; no invented date
    assert cite(author=None, date="undated").startswith("“Ministers agree on new rail corridor,” *Steppe Daily*, "
                                                        "accessed 20 March 2024, [https://")


def test_apa_reference():
    assert cite("apa") == ("Aigerim Nurlanovna. (14 March 2024). *Ministers agree on new rail corridor*. Steppe Daily. "
                           "[https://example.org/news/rail\\_corridor\\_(2024)](<https://example.org/news/rail_corridor_(2024)>)")
    assert cite("apa", author=None, title=None, url=None, date="undated") == \
        "\\[Press release on the talks\\]. (n.d.). Steppe Daily."


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown citation style 'mla'"):
        cite("mla")


def test_fact_text_in_a_citation_stays_text():
    text = cite(publisher="*Bold* [x](javascript:alert(1)) <b>")
    assert "\\*Bold\\*" in text and "\\[x\\]" in text


def test_notes_link_the_url_in_every_format_and_omit_the_file(repo_workspace, run_cli, tmp_path):
    from pypdf import PdfReader

    sources = repo_workspace / "data/sources.yaml"
    text = sources.read_text(encoding="utf-8")
    url = "https://example.org/tdi/2022/07/30/meeting"
    text = text.replace("    url: null\n    accessed: null\n    file: seeds/tdi",
                        f"    url: \"{url}\"\n    accessed: \"2022-08-01\"\n    file: seeds/tdi")
    sources.write_text(text, encoding="utf-8")
    code, out, err = run_cli("build", "-w", str(repo_workspace), "--format", "all", "--as-of", "2026-11-26",
                             "-o", str(tmp_path / "out"))
    assert code == 0, err
    built = {p.rsplit(".", 1)[1]: p for p in out.split()}
    md = open(built["md"], encoding="utf-8").read()
    notes = md.split("# Source notes", 1)[1]
    assert "seeds/" not in notes and "File:" not in notes
    assert f"*TDI*, 30 July 2022, [{url}](<{url}>)." in notes
    assert f'href="{url}"' in open(built["html"], encoding="utf-8").read()
    with zipfile.ZipFile(built["docx"]) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert re.search(rf'Target="{re.escape(url)}"[^>]*TargetMode="External"|TargetMode="External"[^>]*Target="{re.escape(url)}"', rels)
    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(built["pdf"]).pages
            for a in page.get("/Annots", []) if a.get_object().get("/A")]
    assert url in uris
