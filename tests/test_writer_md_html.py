"""The Markdown and HTML writers: Markdown round-trips through the parser; HTML is well-formed and
treats text as data."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from briefgen.document.markdown import parse
from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, ListItem, Meta, Note, NoteRef, Notes,
    OrderedList, PageBreak, Paragraph, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers.theme import Theme
from briefgen.writers import WriterOptions
from briefgen.writers import html as html_writer
from briefgen.writers import briefgen_md as md_writer

META = Meta(title="Ruritania <country> brief", subject="Country & people", author="Desk \"A\"",
            keywords=("ruritania", "brief"), language="en-GB", marking="OFFICIAL <SENSITIVE>")

HOSTILE = [
    "<b>x</b> & {{ y }} *z* # not heading",
    "1. not a list",
    "1) not a list either",
    "| pipe | and \\| escaped pipe",
    "back\\slash at end \\",
    "# hash first",
    "- dash first",
    "+ plus first",
    "> not a quote",
    "::: keyfacts not a callout",
    "{.style} not attributes",
    "=== not setext",
    "--- not a rule",
    "~~~ not a fence",
    "```not code```",
    "[^1] not a note, [x](y) not a link, ![i](j)",
    "&amp; stays &amp; and &#32; too",
    "_under_ __score__ `tick`",
    "    indented four",
    "trailing spaces   ",
    "\ttab first",
    "He said \"hi\" & it's 'quoted'",
]


def P(*inlines, style=None):
    return Paragraph(tuple(Text(i) if isinstance(i, str) else i for i in inlines), style=style)


def item(*blocks):
    return ListItem(tuple(blocks))


def strip(node):
    """Drop what a round trip need not keep: source lines and derived heading anchors."""
    if isinstance(node, tuple):
        return tuple(strip(n) for n in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: strip(getattr(node, f.name)) for f in dataclasses.fields(node)}
        if "line" in changes:
            changes["line"] = None
        if isinstance(node, Heading):
            changes["anchor"] = ""
        return dataclasses.replace(node, **changes)
    return node


def roundtrip(doc: Document) -> Document:
    text = md_writer.write(doc, WriterOptions(Theme())).decode("utf-8")
    return parse(text, doc.meta)


def assert_roundtrips(doc: Document):
    text = md_writer.write(doc, WriterOptions(Theme())).decode("utf-8")
    assert strip(parse(text, doc.meta)) == strip(doc), text


EVERYTHING = Document(META, (
    Heading(1, (Text("Ruritania "), Emph((Text("at a glance"),))), anchor="ruritania-at-a-glance", style="title"),
    P("Opening ", Strong((Text("bold"),)), " and ", Emph((Text("emph"),)), " with a ",
      Link("https://example.org/a?b=1&c=(2)", (Text("link"),)), NoteRef(1), LineBreak(),
      "second line ", Strong((Emph((Text("both"),)),)), " ", Emph((Strong((Text("both"),)), Text(" again"))),
      NoteRef(2), style="lead"),
    BulletList((item(P("one")), item(P("two")))),
    BulletList((item(P("separate list")),), style="compact"),
    OrderedList((item(P("three"), BulletList((item(P("nested")),))), item(P("four"), P("more"))), start=3),
    OrderedList((item(P("adjacent ordered")),)),
    Table(header=(((Text("Indicator"),), (Text("Value"),), ()),),
          rows=(((Text("GDP | growth"),), (Text("2.1%"), NoteRef(1)), (Strong((Text("x"),)),)),
                ((Text("Population"),), (Text("1 000"),), ())),
          caption="Key figures", widths=(1.0, 2.5, 1.0), align=("left", "right", None), style="figures"),
    Callout("keyfacts", "Key  facts <b> &amp;", (
        P("Capital: Strelsau"),
        Callout("note", "Nested", (P("inner"),)),
        BulletList((item(P("fact")),)),
    )),
    Quote((P("Quoted"), BulletList((item(P("in quote")),)))),
    Rule(),
    PageBreak(),
    Paragraph((Text("def f():\n\n    return '```'"),), style="code"),
    Heading(3, (Text("Sources"),)),
    Notes((Note(1, (P("First source, ", Link("mailto:desk@example.org", (Text("mail"),))),)),
           Note(2, (P("Second source"), P("with a second paragraph"))))),
))


def test_md_roundtrips_every_node_type():
    assert_roundtrips(EVERYTHING)


def test_md_has_no_front_matter_and_is_utf8():
    text = md_writer.write(Document(META, (P("Ærø – “quotes”"),)), WriterOptions(Theme()))
    assert text.decode("utf-8") == "Ærø – “quotes”\n"
    assert md_writer.write(Document(META, ()), WriterOptions(Theme())) == b""


@pytest.mark.parametrize("hostile", HOSTILE)
def test_md_hostile_text_roundtrips_literally(hostile):
    doc = Document(META, (
        P(hostile),
        P("before", LineBreak(), hostile),
        Heading(2, (Text(hostile),)),
        BulletList((item(P(hostile)),)),
        Quote((P(hostile),)),
        Table(header=(((Text(hostile),),),), rows=(((Text(hostile),),),), align=(None,)),
        Callout("note", hostile.strip(), (P(hostile),)),
    ))
    assert_roundtrips(doc)


def test_md_noteref_followed_by_bracket_or_colon():
    doc = Document(META, (
        P("a", NoteRef(1), "(not a link)"),
        P(NoteRef(2), ": not a definition"),
        Notes((Note(1, (P("one"),)), Note(2, (P("two"),)))),
    ))
    assert_roundtrips(doc)


def test_md_pagebreak_and_styles_use_attribute_lines():
    text = md_writer.write(Document(META, (P("x", style="lead"), PageBreak())), WriterOptions(Theme())).decode()
    assert text == "{.lead}\nx\n\n{.pagebreak}\n&nbsp;\n"


def test_md_table_attributes():
    t = Table(header=(((Text("a"),), (Text("b"),)),), rows=(), caption="Cap: it's <x> & y", widths=(1.0, 3.0),
              align=(None, "center"), style="wide")
    text = md_writer.write(Document(META, (t,)), WriterOptions(Theme())).decode()
    assert text.startswith('{.wide caption="Cap: it\'s <x> & y" widths="1,3"}\n| a | b |\n|---|:-:|')
    assert_roundtrips(Document(META, (t,)))


HARD_CAPTION = 'The "official" {figures} \\ more'


def test_md_caption_with_quotes_and_braces_keeps_the_attribute_line_valid():
    t = Table(header=(((Text("a"),),),), rows=(), caption=HARD_CAPTION, widths=(1.0,), align=(None,), style="wide")
    (back,) = roundtrip(Document(META, (t,))).blocks
    assert isinstance(back, Table) and back.style == "wide" and back.widths == (1.0,) and back.caption


def test_md_caption_with_quotes_and_braces_roundtrips():
    t = Table(header=(((Text("a"),),),), rows=(), caption=HARD_CAPTION, align=(None,))
    assert_roundtrips(Document(META, (t,)))


# --- HTML ----------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "col", "img", "link", "input"}


class Checker(HTMLParser):
    """Checks that tags nest and close; collects start tags and the text outside <style>/<title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data
        elif not (self.stack and self.stack[-1] == "style"):
            self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def render_html(doc: Document, theme: Theme | None = None) -> tuple[str, Checker]:
    out = html_writer.write(doc, WriterOptions(theme or Theme())).decode("utf-8")
    checker = Checker()
    checker.feed(out)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return out, checker


def test_html_is_a_well_formed_standalone_document():
    out, c = render_html(EVERYTHING)
    assert out.startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">")
    assert c.find("html", lang="en-GB") and c.find("meta", charset="utf-8")
    assert c.title == META.title
    assert c.find("meta", name="author", content=META.author)
    assert c.find("meta", name="description", content=META.subject)
    assert c.find("meta", name="keywords", content="ruritania, brief")
    assert c.find("h1", id="ruritania-at-a-glance", **{"class": "title"})
    assert c.find("p", **{"class": "lead"})
    assert c.find("aside", **{"class": "callout keyfacts"}) and c.find("aside", **{"class": "callout note"})
    assert c.find("ol", start="3") and c.find("ol", **{"class": "notes"})
    assert c.find("li", id="note-1") and c.find("li", id="note-2")
    assert c.find("a", href="#note-1", id="ref-1-1") and c.find("a", href="#note-1", id="ref-1-2")
    assert c.find("a", href="https://example.org/a?b=1&c=(2)")
    assert c.find("a", href="mailto:desk@example.org")
    assert len(c.find("col")) == 3 and c.find("col", style="width:55.56%")
    assert c.find("th", style="text-align:right") and c.find("td", style="text-align:left")
    assert "Key figures" in "".join(c.text) and c.find("caption") and c.find("thead") and c.find("colgroup")
    assert c.find("div", **{"class": "pagebreak"}) and c.find("pre", **{"class": "code"})
    assert "size: A4" in out and "PT Sans" in out


def test_html_marking_is_shown_at_top_and_bottom():
    out, c = render_html(EVERYTHING)
    assert "".join(c.text).count(META.marking) == 2
    assert "@top-center" in out and "@bottom-center" in out


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_escapes_hostile_text(hostile):
    doc = Document(dataclasses.replace(META, title=hostile, marking=hostile + "</style><script>x</script>"), (
        Heading(2, (Text(hostile),), anchor="h"),
        P(hostile, style=hostile),
        Table(header=(((Text(hostile),),),), rows=(), caption=hostile),
        Callout("keyfacts", hostile, (P(hostile),)),
    ))
    _, c = render_html(doc)
    assert c.title == hostile
    assert {t for t, _ in c.tags} <= {"html", "head", "meta", "title", "style", "body", "header", "main",
                                     "footer", "p", "h2", "h3", "table", "caption", "thead", "tbody", "tr", "th",
                                     "aside"}  # h3: the box's title, a heading below the h2
    assert "".join(c.text).count(hostile) >= 6


def test_html_neutralises_unsafe_links():
    links = [("javascript:alert(1)", "js"), (" JavaScript:alert(1)", "js2"), ("java\tscript:x", "tab"),
             ("data:text/html,<b>", "data"), ("relative/page.html", "rel"), ("#section", "anchor"),
             ("HTTPS://example.org", "https")]
    doc = Document(META, (P(*[Link(h, (Text(t),)) for h, t in links]),))
    _, c = render_html(doc)
    assert [a["href"] for a in c.find("a")] == ["#section", "HTTPS://example.org"]
    assert "jsjs2tabdatarelanchorhttps" in "".join(c.text)


def test_html_adjacent_note_refs_are_separated():
    out, _ = render_html(Document(META, (P("x", NoteRef(1), NoteRef(2)),)))
    assert ('<sup class="noteref">,<a href="#note-2" id="ref-2-1" role="doc-noteref" aria-label="Source note 2">2</a>'
            '</sup>') in out


def test_html_theme_page_size_and_ids():
    doc = Document(dataclasses.replace(META, language="fr", marking="", footer="Desk <footer>"), (
        Heading(2, (Text("Note 1"),), anchor="note-1"),
        Heading(2, (Text("Dup"),), anchor="dup"), Heading(2, (Text("Dup"),), anchor="dup"),
        P("x", NoteRef(1)),
        Notes((Note(1, (P("n"),)),)),
    ))
    out, c = render_html(doc, Theme(page_size="Letter", organisation="Ministry & Co"))
    assert c.find("html", lang="fr") and "size: Letter" in out and "@top-center" not in out
    assert [a.get("id") for a in c.find("h2")] == ["note-1-2", "dup", "dup-2"]
    assert c.find("li", id="note-1") and "Ministry & Co" in "".join(c.text) and "Desk <footer>" in "".join(c.text)
    assert c.find("a", href="#ref-1-1", **{"class": "backref"})
