"""The tagged PDF (PDF/UA-1): marked content, the structure tree against the document model,
links to the source notes, metadata; the `pdfua` checker; pages that look as before."""

from __future__ import annotations

import re
from datetime import date

import pikepdf
import pytest

from briefgen.document import model as m
from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.writers.theme import Theme
from briefgen.writers import WriterOptions
from briefgen.writers.pdf import writer as pdf_writer

from conftest import REPO_ROOT
from pdf_structure import TaggedPdf

AS_OF = date(2026, 11, 26)
LEAVES = re.compile(r"H\d|P|Lbl|TH|TD|Caption")


@pytest.fixture(scope="module")
def shipped():
    prepared = prepare(BuildRequest(workspace=REPO_ROOT, as_of=AS_OF, marking="OFFICIAL-SENSITIVE"))
    data = produce(prepared, ("pdf",))["pdf"]
    return prepared.document, data, TaggedPdf(data)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def plain(inlines) -> str:
    """A paragraph's text as the model has it, without note markers (they are `Reference`s)."""
    out = []
    for node in inlines:
        match node:
            case m.Text(text=t):
                out.append(t)
            case m.Strong(children=c) | m.Emph(children=c) | m.Link(children=c):
                out.append(plain(c))
            case m.LineBreak():
                out.append(" ")
    return "".join(out)


def expected_leaves(document: m.Document) -> list[tuple[str, str]]:
    """(role, text) of every element that holds text, in reading order, from the model alone."""
    out: list[tuple[str, str]] = []
    level = 0

    def blocks(items):
        nonlocal level
        for b in items:
            match b:
                case m.Heading(level=lv, children=c):
                    level = lv
                    out.append((f"H{min(lv, 6)}", plain(c)))
                case m.Paragraph(children=c):
                    out.append(("P", plain(c)))
                case m.BulletList(items=its):
                    for it in its:
                        out.append(("Lbl", "•"))
                        blocks(it.blocks)
                case m.OrderedList(items=its, start=start):
                    for i, it in enumerate(its):
                        out.append(("Lbl", f"{start + i}."))
                        blocks(it.blocks)
                case m.Table(header=header, rows=rows, caption=caption):
                    if caption:
                        out.append(("Caption", caption))
                    ncols = max(len(r) for r in header + rows)
                    for role, group in (("TH", header), ("TD", rows)):
                        for r in group:
                            out.extend((role, plain(r[i]) if i < len(r) else "") for i in range(ncols))
                case m.Callout(title=title, blocks=inner):
                    if title:  # a heading one below the heading before it (H1 before any)
                        out.append((f"H{min(level + 1, 6)}", title))
                    blocks(inner)
                case m.Quote(blocks=inner):
                    blocks(inner)
                case m.Notes(items=notes):
                    for n in notes:
                        out.append(("P", f"{n.number}. " + " ".join(plain(p.children) for p in n.blocks)))

    if document.meta.marking:  # the protective marking, announced once, before everything
        out.append(("P", document.meta.marking))
    blocks(document.blocks)
    return [(role, norm(text)) for role, text in out]


def tagged_leaves(tagged: TaggedPdf) -> list[tuple[str, str]]:
    """(standard role, text) of every leaf element: a role of the document's own (a meeting brief's
    DeskText) counts as the standard type the RoleMap maps it to."""
    def standard(role: str) -> str:
        return tagged.role_map.get(f"/{role}", f"/{role}")[1:]

    return [(standard(e.role), norm(e.text(tagged.pages, skip=("Reference",))))
            for e in tagged.elements() if LEAVES.fullmatch(standard(e.role))]


def assert_well_tagged(document: m.Document, tagged: TaggedPdf):
    """The checks every tagged PDF must pass, whatever the document."""
    for n, page in enumerate(tagged.pages, 1):
        assert page.unmarked_text == [], f"page {n}: text outside marked content"
        assert page.problems == [], f"page {n}"
    # every MCID on a page belongs to exactly the element the ParentTree names
    parents = tagged.parent_tree()
    owners = {}
    for e in tagged.elements():
        for k in e.kids:
            if isinstance(k, tuple) and k[0] == "mcid":
                owners[(k[1], k[2])] = e.obj.objgen
    for i, page in enumerate(tagged.pdf.pages):
        array = parents[int(page.obj.StructParents)]
        assert sorted(page_mcids := tagged.pages[i].text_by_mcid) == list(range(len(array)))
        for mcid in page_mcids:
            assert owners[(i, mcid)] == array[mcid].objgen
        assert page.obj.Tabs == "/S"
    assert tagged_leaves(tagged) == expected_leaves(document)
    for role in {e.role for e in tagged.elements()}:
        assert role in STANDARD_TYPES or tagged.role_map.get(f"/{role}", "/")[1:] in STANDARD_TYPES, role


STANDARD_TYPES = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2
    H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link
    Annot Ruby Warichu Figure Formula Form""".split())


# --- the shipped brief ---------------------------------------------------------------


def test_shipped_brief_is_tagged_in_reading_order(shipped):
    document, _, tagged = shipped
    assert_well_tagged(document, tagged)


def test_page_furniture_is_artifact_and_the_marking_is_announced_once(shipped):
    _, _, tagged = shipped
    total = len(tagged.pages)
    for n, page in enumerate(tagged.pages, 1):
        artifacts = norm(" ".join(page.artifact_text))
        assert artifacts.count("OFFICIAL-SENSITIVE") == (1 if n == 1 else 2)  # page 1's header is content
        assert f"Page {n} of {total}" in artifacts
        assert not any("Page " in t for t in page.text_by_mcid.values())
        assert sum("OFFICIAL-SENSITIVE" in t for t in page.text_by_mcid.values()) == (n == 1)
    first = tagged.root.kids[0]
    assert first.role == "P" and norm(first.text(tagged.pages)) == "OFFICIAL-SENSITIVE"
    assert first.kids[0][1] == 0  # on page 1


def test_words_at_line_ends_stay_apart(shipped):
    """reportlab drops the space where it breaks a line; the tagged text keeps one."""
    document, _, tagged = shipped
    paragraphs = [e for e in tagged.elements("P") if len(e.text(tagged.pages)) > 200]
    assert paragraphs
    for e in paragraphs:
        text = e.text(tagged.pages, skip=("Reference",))
        assert "  " not in norm(text)
        assert re.search(r"[a-z][A-Z]", text.replace("McC", "")) is None, text


def test_headings_lists_tables_and_key_facts_are_structured(shipped):
    document, _, tagged = shipped
    roles = [e.role for e in tagged.elements()]
    assert roles.count("H1") == sum(1 for b in document.blocks if isinstance(b, m.Heading) and b.level == 1)
    tables = [b for b in document.blocks if isinstance(b, m.Table)]
    assert len(tagged.elements("Table")) == len(tables)
    for table, element in zip(tables, tagged.elements("Table")):
        ths = [e for e in element.walk() if e.role == "TH"]
        assert len(ths) == len(table.header[0])
        assert all(th.obj.A.Scope == "/Column" for th in ths)
        assert len([e for e in element.walk() if e.role == "TR"]) == len(table.header) + len(table.rows)
    banner, aside = tagged.elements("Aside")  # the "Not current" banner, then the key-facts box
    assert tagged.role_map["/Aside"] == "/Div"
    # both box titles are headings, one below the heading before them (the title; the section)
    assert banner.kids[0].role == "H2" and banner.kids[0].text(tagged.pages).strip() == "Not current"
    assert aside.kids[0].role == "H2" and aside.kids[0].text(tagged.pages).strip() == "Key facts"
    assert tagged.elements("H1")[0].text(tagged.pages).strip() == document.meta.title
    assert [k.role for k in aside.kids[1:]] == ["L"]
    for lst in tagged.elements("L"):
        for li in lst.kids:
            assert [k.role for k in li.kids] == ["Lbl", "LBody"]


def test_note_markers_link_to_their_notes_and_back(shipped):
    document, _, tagged = shipped
    pages = tagged.pdf.pages
    notes = {e.obj.ID.__str__(): e for e in tagged.elements("Note")}
    defined = {n.number for b in document.blocks if isinstance(b, m.Notes) for n in b.items}
    assert set(notes) == {f"note-{n}" for n in defined}
    references = tagged.elements("Reference")
    assert len(references) > 10
    by_annot = {}
    for e in tagged.elements("Link"):
        for k in e.kids:
            if isinstance(k, tuple) and k[0] == "annot":
                by_annot[k[1].objgen] = e
    parents = tagged.parent_tree()
    links = [a for p in pages for a in p.obj.get("/Annots", []) if a.Subtype == "/Link"]
    assert links and len(by_annot) == len(links)
    first_ref_page = {}
    for ref in references:
        (link,) = [k for k in ref.kids if not isinstance(k, tuple)]
        assert link.role == "Link"
        assert ref.text(tagged.pages).strip(",").strip() == link.text(tagged.pages).strip()
        first_ref_page.setdefault(link.text(tagged.pages).strip(), link.kids[0][1])
    for annot in links:
        element = by_annot[annot.objgen]
        assert parents[int(annot.StructParent)].objgen == element.obj.objgen
        assert str(annot.Contents)
        assert int(annot.F) == 4
        target_page = tagged.page_index[annot.Dest[0].objgen] if "/Dest" in annot else None
        if element.parent.role == "Reference":  # a note marker: to the note it shows the number of
            number = element.text(tagged.pages).strip()
            note = notes[f"note-{number}"]
            assert target_page == note.kids[0].kids[0][1]
            assert norm(note.text(tagged.pages)).startswith(f"{number}. ")
            assert str(annot.Contents) == f"Source note {number}"
        elif "/A" in annot and "/URI" in annot.A:  # a source's URL in its note: a web link, not a page
            assert str(annot.A.URI).startswith(("https://", "http://"))
        elif element.parent.role == "P" and element.parent.parent.role == "Note":  # back to the first marker
            number = element.text(tagged.pages).strip().rstrip(".")
            assert target_page == first_ref_page[number]


def test_bookmarks_go_to_the_page_of_their_heading(shipped):
    """Pages are held back until the end (for "Page N of M"); destinations still name their own page."""
    _, _, tagged = shipped
    pages = [p.objgen for p in tagged.pdf.pages]
    heading_page = {norm(e.text(tagged.pages)): e.kids[0][1] for e in tagged.elements("H1")}
    with tagged.pdf.open_outline() as outline:
        entries = [(item.title, pages.index(item.destination[0].objgen)) for item in outline.root]
    assert len(entries) == len(heading_page)
    assert {title: page for title, page in entries} == heading_page
    assert entries[-1][1] > 0


def test_catalog_and_metadata(shipped):
    document, data, tagged = shipped
    pdf = tagged.pdf
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert pdf.Root.PageLabels.Nums[1].S == "/D"
    with pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == document.meta.title
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["dc:language"] == {"en-GB"}
        assert xmp["pdf:Producer"] == str(pdf.docinfo.Producer)
    assert "/Filter" not in pdf.Root.Metadata.stream_dict


def test_pdfua_checker_finds_nothing(shipped, tmp_path):
    from pdfua import validate

    _, data, _ = shipped
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []


# --- generated documents ------------------------------------------------------------


def meta(**kw):
    return m.Meta(title="A generated brief", author="Desk", **kw)


def t(text):
    return (m.Text(text),)


def write(blocks, **kw):
    return pdf_writer.write(m.Document(meta(), tuple(blocks)), WriterOptions(Theme(), **kw))


def long_table(rows=90):
    return m.Table(header=((t("Year"), t("What happened in that year")),),
                   rows=tuple((t(str(1900 + i)), t(f"Event number {i} with several words to wrap")) for i in range(rows)),
                   caption="A long chronology")


def test_a_table_across_pages_is_one_table_with_its_header_once():
    document = m.Document(meta(), (m.Heading(1, t("Chronology")), long_table()))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme())))
    assert len(tagged.pages) >= 2
    assert_well_tagged(document, tagged)
    (table,) = tagged.elements("Table")
    assert len([e for e in table.walk() if e.role == "TH"]) == 2
    assert {k[1] for e in table.walk() for k in e.kids if isinstance(k, tuple)} == set(range(len(tagged.pages)))
    # the header row repeated on later pages is there to see, and an artifact
    for page in tagged.pages[1:]:
        assert "Year" in page.artifact_text[0] or any("Year" in a for a in page.artifact_text)
        assert not any(v.startswith("Year") for v in page.text_by_mcid.values())


def test_lists_quotes_notes_without_key_facts():
    blocks = [
        m.Heading(1, t("Lists")),
        m.BulletList((m.ListItem((m.Paragraph(t("first")),)),
                      m.ListItem((m.Paragraph(t("second")),
                                  m.OrderedList((m.ListItem((m.Paragraph(t("inner one")),)),
                                                 m.ListItem((m.Paragraph(t("inner two")),))), start=3))))),
        m.Heading(2, t("A quote")),
        m.Quote((m.Paragraph(t("Quoted words.") + (m.NoteRef(1),)),)),
        m.Paragraph((m.Text("See "), m.Link("https://example.org/a?b=c&d", t("the example site")), m.Text("."),
                     m.NoteRef(1), m.NoteRef(2))),
        m.Heading(3, t("Deeper")),
        m.Paragraph(t("Line one") + (m.LineBreak(),) + t("line two")),
        m.Rule(),
        m.Notes((m.Note(1, (m.Paragraph(t("First source.")),)),
                 m.Note(2, (m.Paragraph((m.Text("Second source, "), m.Link("https://example.org/s", t("online")))),)))),
    ]
    document = m.Document(meta(), tuple(blocks))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme())))
    assert_well_tagged(document, tagged)
    assert tagged.elements("Aside") == []
    assert len(tagged.elements("BlockQuote")) == 1
    lists = tagged.elements("L")
    assert [str(lst.obj.A.ListNumbering) for lst in lists] == ["/Disc", "/Decimal"]
    uris = [str(a.A.URI) for p in tagged.pdf.pages for a in p.obj.get("/Annots", []) if "/A" in a]
    assert uris == ["https://example.org/a?b=c&d", "https://example.org/s"]
    url_links = [e for e in tagged.elements("Link") if e.parent.role != "Reference"
                 and e.text(tagged.pages).strip() in ("the example site", "online")]
    assert len(url_links) == 2


def test_a_note_marker_without_its_note_is_not_a_link():
    document = m.Document(meta(), (m.Paragraph(t("Claim.") + (m.NoteRef(7),)),))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme())))
    assert_well_tagged(document, tagged)
    assert tagged.elements("Link") == []
    assert all("/Annots" not in p.obj for p in tagged.pdf.pages)


def test_reproducible_with_a_fixed_date():
    from datetime import datetime, timezone

    fixed = m.Meta(title="Same", created=datetime(2025, 1, 2, tzinfo=timezone.utc), reproducible=True)
    document = m.Document(fixed, (m.Heading(1, t("A")), long_table(40)))
    assert pdf_writer.write(document, WriterOptions(Theme())) == pdf_writer.write(document, WriterOptions(Theme()))


# --- pages look as before ---------------------------------------------------------------


def _pages_as_pixels(data: bytes, tmp_path, name: str) -> list[bytes]:
    import subprocess

    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(pdf), str(tmp_path / name)], check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.pgm"))]


@pytest.mark.skipif(__import__("shutil").which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_tagged_pages_look_exactly_like_untagged_pages(shipped, tmp_path):
    """Tags, links, artifacts and the spaces kept at line ends change nothing a reader sees."""
    document, tagged_pdf, _ = shipped
    prepared_theme = prepare(BuildRequest(workspace=REPO_ROOT, as_of=AS_OF)).theme
    untagged_pdf = pdf_writer.write(document, WriterOptions(prepared_theme, tagged=False))
    assert "/StructTreeRoot" not in untagged_pdf.decode("latin-1")
    before = _pages_as_pixels(untagged_pdf, tmp_path, "before")
    after = _pages_as_pixels(tagged_pdf, tmp_path, "after")
    assert len(before) == len(after) >= 2
    for n, (a, b) in enumerate(zip(before, after), 1):
        assert a == b, f"page {n} differs"


def test_untagged_pages_differ_when_the_layout_does(tmp_path):
    """The comparison above can fail: a one-word change shows in the pixels."""
    if __import__("shutil").which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed")
    one = write([m.Paragraph(t("The same words."))], tagged=False)
    two = write([m.Paragraph(t("The same word."))], tagged=False)
    assert _pages_as_pixels(one, tmp_path, "one") != _pages_as_pixels(two, tmp_path, "two")


# --- PDF/A -----------------------------------------------------------------------------


@pytest.mark.parametrize("standard", ["a-2b", "a-2u"])
def test_pdf_a_adds_an_srgb_output_intent_and_its_identification(standard):
    document = m.Document(meta(), (m.Heading(1, t("A")), m.Paragraph(t("Text.") + (m.NoteRef(1),)),
                                   m.Notes((m.Note(1, (m.Paragraph(t("A source.")),)),))))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme(), pdf_standard=standard)))
    assert_well_tagged(document, tagged)
    (intent,) = tagged.pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
    profile = intent.DestOutputProfile.read_bytes()
    assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "
    with tagged.pdf.open_metadata() as xmp:
        assert xmp["pdfaid:part"] == "2"
        assert xmp["pdfaid:conformance"] == standard[-1].upper()
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["xmp:CreateDate"][:4] == str(tagged.pdf.docinfo.CreationDate)[2:6]
    for page in tagged.pdf.pages:
        for annot in page.obj.get("/Annots", []):
            assert int(annot.F) & 4  # printed, as PDF/A wants


def test_pdf_ua_alone_claims_no_pdf_a():
    tagged = TaggedPdf(write([m.Paragraph(t("Text."))]))
    assert "/OutputIntents" not in tagged.pdf.Root
    with tagged.pdf.open_metadata() as xmp:
        assert "pdfaid:part" not in xmp


def _built_pdf(run_cli, workspace, tmp_path, *args) -> pikepdf.Pdf:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", "-w", str(workspace), "--format", "pdf", "--out", str(out), *args)
    assert code == 0, stderr
    return pikepdf.open(stdout.strip().splitlines()[-1])


def test_pdf_standard_from_the_command_line_or_the_settings(run_cli, repo_workspace, tmp_path):
    settings = repo_workspace / "briefgen.toml"
    pdf = _built_pdf(run_cli, repo_workspace, tmp_path / "1", "--pdf-standard", "a-2b")
    assert "/OutputIntents" in pdf.Root
    with pdf.open_metadata() as xmp:
        assert xmp["pdfaid:conformance"] == "B"
    settings.write_text(settings.read_text(encoding="utf-8") + 'pdf_standard = "a-2u"\n', encoding="utf-8")
    with _built_pdf(run_cli, repo_workspace, tmp_path / "2").open_metadata() as xmp:
        assert xmp["pdfaid:conformance"] == "U"
    pdf = _built_pdf(run_cli, repo_workspace, tmp_path / "3", "--pdf-standard", "ua-1")  # the option wins
    assert "/OutputIntents" not in pdf.Root and pdf.Root.MarkInfo.Marked


def test_an_unknown_pdf_standard_in_the_settings_is_located(run_cli, repo_workspace, tmp_path):
    settings = repo_workspace / "briefgen.toml"
    text = settings.read_text(encoding="utf-8") + 'pdf_standard = "pdf/a"\n'
    settings.write_text(text, encoding="utf-8")
    code, out, err = run_cli("build", "-w", str(repo_workspace), "--format", "pdf", "--out", str(tmp_path / "o"))
    assert code == 1
    line = len(text.splitlines())
    assert f"briefgen.toml:{line}" in err and "pdf_standard" in err and "ua-1" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


# --- any document ----------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_words = st.lists(st.sampled_from(["alpha", "Beta", "gamma", "December", "1991", "trade,", "route.", "ties",
                                   "Kazakhstan’s", "US$250", "(2005)", "—", "in", "the"]), min_size=1, max_size=45)
_text = _words.map(" ".join)
_inlines = st.builds(lambda s, refs, strong: ((m.Strong((m.Text(strong),)), m.Text(" ")) if strong else ())
                     + (m.Text(s),) + tuple(m.NoteRef(r) for r in refs),
                     _text, st.lists(st.integers(1, 4), max_size=2, unique=True), st.sampled_from(["", "Label:"]))
_paragraph = st.builds(m.Paragraph, _inlines)
_heading = st.builds(m.Heading, st.integers(1, 3), st.builds(lambda s: (m.Text(s[:40]),), _text))
_item = st.builds(lambda ps: m.ListItem(tuple(ps)), st.lists(_paragraph, min_size=1, max_size=2))
_bullets = st.builds(lambda items: m.BulletList(tuple(items)), st.lists(_item, min_size=1, max_size=4))
_numbers = st.builds(lambda items, start: m.OrderedList(tuple(items), start),
                     st.lists(_item, min_size=1, max_size=4), st.integers(1, 9))


def _table(ncols, nrows, header, caption):
    cell = lambda r, c: (m.Text(f"r{r} c{c} words"),)  # noqa: E731
    return m.Table(header=((tuple((m.Text(f"Head {c}"),) for c in range(ncols)),) if header else ()),
                   rows=tuple(tuple(cell(r, c) for c in range(ncols)) for r in range(nrows)),
                   caption="Caption text" if caption else None)


_tables = st.builds(_table, st.integers(1, 4), st.integers(1, 45), st.booleans(), st.booleans())
_callouts = st.builds(lambda title, blocks: m.Callout("keyfacts", title, tuple(blocks)),
                      st.sampled_from(["Key facts", ""]), st.lists(st.one_of(_paragraph, _bullets), min_size=1, max_size=3))
_blocks = st.lists(st.one_of(_heading, _paragraph, _bullets, _numbers, _tables, _callouts, st.just(m.Rule())),
                   min_size=1, max_size=10)
_notes = st.lists(st.integers(1, 4), unique=True, max_size=4).map(
    lambda ns: m.Notes(tuple(m.Note(n, (m.Paragraph((m.Text(f"Source {n}."),)),)) for n in sorted(ns))))


@settings(max_examples=16, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=_blocks, notes=_notes, marking=st.sampled_from(["", "OFFICIAL-SENSITIVE"]))
def test_any_document_is_fully_tagged_in_model_order(blocks, notes, marking):
    """Any mix of blocks (a box before the first heading is a banner: its title is a heading too),
    with or without a protective marking (announced once, first)."""
    document = m.Document(meta(marking=marking), tuple(blocks) + (notes,))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme())))
    assert_well_tagged(document, tagged)
    defined = {n.number for n in notes.items}
    for ref in tagged.elements("Reference"):
        links = [k for k in ref.kids if not isinstance(k, tuple)]
        number = int(ref.text(tagged.pages).strip(", "))
        assert [k.role for k in links] == (["Link"] if number in defined else [])


def test_a_long_paragraph_and_a_row_taller_than_a_page_stay_one_element_each():
    long_text = " ".join(f"word{i} in December" for i in range(900))  # set in pieces, over pages
    tall_cell = " ".join(f"participant{i}" for i in range(1000))  # a row that must split
    document = m.Document(meta(), (
        m.Heading(1, t("Long")), m.Paragraph(t(long_text)),
        m.Table(header=((t("Date"), t("Who")),), rows=((t("2022"), t(tall_cell)), (t("2023"), t("few")))),
    ))
    tagged = TaggedPdf(pdf_writer.write(document, WriterOptions(Theme())))
    assert len(tagged.pages) >= 3
    assert_well_tagged(document, tagged)
    (p,) = [e for e in tagged.elements("P")]
    assert len({k[1] for k in p.kids}) >= 2  # one P over several pages


def _png(path):
    from PIL import Image as PILImage

    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (300, 100), (30, 60, 120)).save(path)


def test_the_logo_is_a_figure_named_after_the_organisation(repo_workspace, run_cli, tmp_path):
    theme = tmp_path / "theme"
    _png(theme / "crest.png")
    (theme / "theme.toml").write_text('logo = "crest.png"\n', encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", "-w", str(repo_workspace), "--template", str(theme), "--format", "pdf",
                                "--out", str(out))
    assert code == 0, err
    tagged = TaggedPdf(stdout.strip().splitlines()[-1])
    (figure,) = tagged.elements("Figure")
    assert str(figure.obj.Alt) == "Central Asia Desk logo"
    assert tagged.root.kids[1] is figure  # read after the marking, before the letterhead
    x0, y0, x1, y1 = (float(v) for v in figure.obj.A.BBox)
    assert figure.obj.A.O == "/Layout" and 0 < x0 < x1 and 0 < y0 < y1 and round(y1 - y0) == round(16 * 72 / 25.4)
    (stack,) = tagged.pages[0].images
    assert [tag for tag, _ in stack] == ["/Figure"] and stack[0][1] == figure.kids[0][2]


def test_without_an_organisation_the_logo_is_an_artifact():
    theme = Theme()
    object.__setattr__(theme, "logo", "x.png")
    import io

    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (30, 10)).save(buf, format="PNG")
    theme._logo = buf.getvalue()
    tagged = TaggedPdf(pdf_writer.write(m.Document(meta(), (m.Paragraph(t("Text.")),)), WriterOptions(theme)))
    assert tagged.elements("Figure") == []
    assert [[tag for tag, _ in stack] for stack in tagged.pages[0].images] == [["/Artifact"]]


@pytest.mark.skipif(__import__("shutil").which("pdfinfo") is None, reason="poppler's pdfinfo is not installed")
def test_pdfinfo_says_tagged(shipped, tmp_path):
    import subprocess

    _, data, _ = shipped
    (tmp_path / "b.pdf").write_bytes(data)
    info = subprocess.run(["pdfinfo", str(tmp_path / "b.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
