"""`--format md` is Markdown any viewer reads: rendered by markdown-it-py's strict CommonMark preset
(with front matter, as GitHub and VS Code read it) and by Pandoc, no syntax of briefgen's own dialect
survives as text, and the title, language, date and marking are front matter."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers import md as md_writer
from briefgen.writers.theme import Theme

from conftest import REPO_ROOT

# what briefgen's own dialect writes and a CommonMark viewer would show as text
DIALECT = re.compile(r"\{\.[\w-]+\}|\{widths=|^:::|\[\^\d+\]|^\|.*\|$|\|:?-+", re.MULTILINE)


@pytest.fixture(scope="module")
def shipped() -> tuple[m.Document, str]:
    prepared = prepare(BuildRequest(workspace=REPO_ROOT, as_of=date(2026, 11, 26)))
    return prepared.document, produce(prepared, ("md",))["md"].decode("utf-8")


def commonmark(text: str) -> tuple[str, dict]:
    """HTML as a strict CommonMark viewer shows it, and the front matter it read."""
    parser = MarkdownIt("commonmark").use(front_matter_plugin)
    tokens = parser.parse(text)
    front = next((yaml.safe_load(t.content) for t in tokens if t.type == "front_matter"), {})
    return parser.renderer.render(tokens, parser.options, {}), front


def visible_text(rendered_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", rendered_html))


def test_the_shipped_brief_reads_in_a_strict_commonmark_viewer(shipped):
    document, text = shipped
    rendered, front = commonmark(text)
    assert front["title"] == document.meta.title and front["lang"] == "en-GB"
    assert front["marking"] == document.meta.marking and front["author"] == document.meta.author
    assert not DIALECT.search(visible_text(rendered)), DIALECT.search(visible_text(rendered))
    assert "<h1>Pakistan–Kazakhstan: bilateral brief</h1>" in rendered
    assert "<blockquote>\n<h2>Not current</h2>" in rendered and "<blockquote>\n<h2>Key facts</h2>" in rendered
    assert rendered.count("<table>") == sum(isinstance(b, m.Table) for b in document.blocks)
    assert "<th align=\"left\">Date</th>" in rendered
    assert re.search(r"<sup>1,2</sup>", rendered)  # note markers are superscripts, adjacent ones joined
    assert "\u201c" in rendered or "\u2019" in rendered  # the text's own typography, as written


@pytest.mark.skipif(__import__("importlib").util.find_spec("pypandoc") is None, reason="pypandoc is a dev dependency")
def test_pandoc_reads_the_brief_and_its_metadata(shipped, tmp_path):
    import pypandoc

    document, text = shipped
    rendered = pypandoc.convert_text(text, "html", format="commonmark+yaml_metadata_block")
    assert not DIALECT.search(visible_text(rendered))
    standalone = pypandoc.convert_text(text, "html", format="commonmark+yaml_metadata_block",
                                       extra_args=["--standalone", "--metadata", "pagetitle=x"])
    assert f"<title>{html.escape(document.meta.title, quote=False)}</title>" in standalone or "<title>x</title>" in standalone
    assert 'lang="en-GB"' in standalone
    assert "<sup>1,2</sup>" in rendered and "<table>" in rendered


def test_front_matter_values_are_yaml_strings_whatever_the_text():
    meta = m.Meta(title='A "quoted": title # not a comment\n- not a list', subject="Sub: ject", author="Desk",
                  keywords=("a, b", "c"), marking="OFFICIAL-SENSITIVE", language="fr",
                  created=datetime(2026, 11, 26, tzinfo=timezone.utc))
    text = md_writer.write(m.Document(meta, ()), WriterOptions(Theme())).decode("utf-8")
    _, front = commonmark(text)
    assert front == {"title": meta.title, "subtitle": "Sub: ject", "author": "Desk", "date": "2026-11-26",
                     "lang": "fr", "keywords": ["a, b", "c"], "marking": "OFFICIAL-SENSITIVE"}


_word = st.sampled_from(["alpha", "*star*", "_under_", "[x](y)", "[^1]", "{.title}", "::: note", "| a |", "<b>",
                         "&amp;", "# hash", "- dash", "1. one", "`tick`", "\\", "Kazakhstan’s", "US$250", "—"])
_text = st.lists(_word, min_size=1, max_size=12).map(" ".join)
_inlines = st.builds(lambda s, refs: (m.Text(s),) + tuple(m.NoteRef(r) for r in refs),
                     _text, st.lists(st.integers(1, 3), max_size=2, unique=True))
_blocks = st.lists(st.one_of(
    st.builds(m.Paragraph, _inlines),
    st.builds(lambda c: m.Heading(2, c), _inlines),
    st.builds(lambda items: m.BulletList(tuple(m.ListItem((m.Paragraph(i),)) for i in items)), st.lists(_inlines, min_size=1, max_size=3)),
    st.builds(lambda title, inner: m.Callout("keyfacts", title, (m.Paragraph(inner),)), _text, _inlines),
    st.builds(lambda head, rows: m.Table(((tuple((m.Text(h),) for h in head)),), tuple(((m.Text(r),), (m.Text(r),)) for r in rows)),
              st.lists(_text, min_size=2, max_size=2), st.lists(_text, min_size=1, max_size=3)),
), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=_blocks)
def test_any_text_is_shown_as_written_and_no_markup_survives(blocks):
    """Fact text full of Markdown and dialect syntax comes out as the words, never as markup."""
    document = m.Document(m.Meta(title="T"), tuple(blocks))
    rendered, _ = commonmark(md_writer.write(document, WriterOptions(Theme())).decode("utf-8"))
    shown = " ".join(visible_text(rendered).split())
    for block in blocks:
        texts = [n.text for n in getattr(block, "children", ()) if isinstance(n, m.Text)]
        if isinstance(block, m.Callout):
            texts.append(block.title)
        for t in texts:
            assert " ".join(t.split()) in shown, (t, rendered)
    assert "<b>" not in rendered  # fact text never becomes HTML
