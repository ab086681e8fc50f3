"""End-to-end: `briefgen build --format pdf` on the shipped workspace, read back with pypdf."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from briefgen.facts.schema import iter_records
from briefgen.facts.factbase import load_factbase
from briefgen.facts.quotes import fold

from conftest import REPO_ROOT, told_by

AS_OF = "2026-11-26"
STEM = f"pakistan-kazakhstan-brief-{AS_OF}"


def norm(text: str) -> str:
    return fold(text).replace("\u00ad", "")


@pytest.fixture(scope="module")
def shipped_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    from briefgen.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["build", "--format", "pdf", "--as-of", AS_OF, "--marking", "OFFICIAL-SENSITIVE",
              "--out", str(out), "--workspace", str(REPO_ROOT)])
        raise SystemExit(0)
    assert exc.value.code in (0, None)
    return out / f"{STEM}.pdf"


@pytest.fixture(scope="module")
def reader(shipped_pdf):
    return PdfReader(shipped_pdf)


def page_texts(reader):
    return [norm(p.extract_text()) for p in reader.pages]


def test_file_name_carries_brief_and_as_of_date(shipped_pdf):
    assert shipped_pdf.is_file()
    assert shipped_pdf.read_bytes().startswith(b"%PDF-")


def body_text(reader) -> str:
    """The pages' text without the running marking and page numbers, so that a paragraph that
    breaks across a page reads as one."""
    furniture = re.compile(r"OFFICIAL-SENSITIVE|Page \d+ of \d+")
    return " ".join(" ".join(furniture.sub(" ", page) for page in page_texts(reader)).split())


def test_every_record_is_told_in_the_pdf(reader):
    text = body_text(reader)
    fb = load_factbase(REPO_ROOT)
    missing = [r.id for brief in fb.briefs.values() for _, r in iter_records(brief) if norm(told_by(r)) not in text]
    assert missing == []


def test_brief_fits_on_four_a4_sides_with_its_notes(reader):
    # the FCO rule for a brief: at most four sides, summary first
    assert 2 <= len(reader.pages) <= 4
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)


def test_page_one_says_how_current_the_brief_is(reader):
    first = page_texts(reader)[0]
    assert first.index("Based on 2 sources, the latest of 30 July 2022 (1 undated).") < first.index("Summary")
    assert "Not current" in first and "more than 4 years before 26 November 2026" in first


def test_marking_and_page_n_of_m_on_every_page(reader):
    texts = page_texts(reader)
    total = len(texts)
    for n, text in enumerate(texts, 1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, f"page {n}"
        assert f"Page {n} of {total}" in text


def test_metadata(reader):
    meta = reader.metadata
    assert meta.title == "Pakistan–Kazakhstan: bilateral brief"
    assert meta.author == "Central Asia Desk"
    assert "Kazakhstan" in meta.subject
    assert "Pakistan" in meta["/Keywords"] and "OFFICIAL-SENSITIVE" in meta["/Keywords"]


def test_bookmarks_for_sections(reader):
    titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    # the title first: it is the brief's first heading, in the outline as in the structure tree
    assert titles[:4] == ["Pakistan–Kazakhstan: bilateral brief", "Summary", "Diplomatic relations",
                          "Multilateral cooperation and mutual support"]
    assert "Chronology" in titles and "Source notes" in titles


def test_fonts_are_embedded_truetype(reader):
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]))
    assert any("Bold" in f or "bold" in f for f in fonts)


def test_data_currency_line_and_source_notes(reader):
    text = " ".join(page_texts(reader))
    assert "Sources current to 30 July 2022" in text
    assert "Source notes" in text and "TDI, 30 July 2022" in text
    assert "seeds/" not in text  # the workspace file is for check, not for the reader


def test_reproducible_with_source_date_epoch(tmp_path, monkeypatch):
    from briefgen.build.pipeline import BuildRequest, build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    first = build(BuildRequest(workspace=REPO_ROOT, formats=("pdf",), out=tmp_path / "a"))[0].read_bytes()
    second = build(BuildRequest(workspace=REPO_ROOT, formats=("pdf",), out=tmp_path / "b"))[0].read_bytes()
    assert first == second


def rename_in_source(workspace, old: str, new: str) -> None:
    """Rename a person in the seed too, so that the quotes (and so `check`) still support the name."""
    seed = workspace / "seeds/tdi-tashkent-fm-meeting-2022-07-30.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_cyrillic_and_latin_extended_names_are_set(repo_workspace, tmp_path):
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("Mukhtar Tleuberdi", "Мұхтар Тілеуберді (Şçğıžő)"), encoding="utf-8")
    rename_in_source(repo_workspace, "Mukhtar Tleuberdi", "Мұхтар Тілеуберді (Şçğıžő)")  # names are checked against it
    from briefgen.build.pipeline import BuildRequest, build

    pdf = build(BuildRequest(workspace=repo_workspace, formats=("pdf",), out=tmp_path))[0]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())  # may wrap
    assert "Мұхтар Тілеуберді (Şçğıžő)" in text


def test_missing_glyph_is_a_clear_error_and_writes_nothing(repo_workspace, tmp_path, run_cli):
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("Mukhtar Tleuberdi", "Mukhtar 𓀀 Tleuberdi"), encoding="utf-8")
    rename_in_source(repo_workspace, "Mukhtar Tleuberdi", "Mukhtar 𓀀 Tleuberdi")
    code, out, err = run_cli("build", "--workspace", str(repo_workspace), "--out", str(tmp_path / "o"))
    assert code == 1
    line = next(n for n, text in enumerate(brief.read_text(encoding="utf-8").splitlines(), 1) if "𓀀" in text)
    assert f"error: data/briefs/pakistan-kazakhstan.yaml:{line}: the font PT Sans cannot show '𓀀' (U+13000)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_invisible_characters_the_font_lacks_are_left_out_with_a_warning(repo_workspace, tmp_path, run_cli):
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("name: Mukhtar Tleuberdi", 'name: "Mukhtar\\ufeff Tleuberdi"'), encoding="utf-8")
    code, out, err = run_cli("build", "--workspace", str(repo_workspace), "--out", str(tmp_path / "o"))
    assert code == 0
    assert "warning: invisible characters left out of the PDF" in err and "U+FEFF" in err
    assert len(out.splitlines()) == 1


def test_hostile_fact_text_comes_out_literally(repo_workspace, tmp_path):
    hostile = "Markup <b>bold</b> & {{ brief.id }} *stars* _under_ [link](http://x) \\ # not a heading | pipe"
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    marker = 'text: "The Pakistani population in Kazakhstan is small."'
    assert marker in text
    brief.write_text(text.replace(marker, f"text: {hostile!r}".replace("\\\\", "\\")), encoding="utf-8")
    from briefgen.build.pipeline import BuildRequest, build

    pdf = build(BuildRequest(workspace=repo_workspace, formats=("pdf",), out=tmp_path))[0]
    assert norm(hostile) in norm(" ".join(p.extract_text() for p in PdfReader(pdf).pages))


def test_failed_build_keeps_earlier_output_and_leaves_no_temp_files(repo_workspace, tmp_path, run_cli):
    out = tmp_path / "o"
    assert run_cli("build", "--workspace", str(repo_workspace), "--out", str(out), "--as-of", AS_OF)[0] == 0
    good = (out / f"{STEM}.pdf").read_bytes()
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("quote: \"Subsequently, in 1992",
                                                               "quote: \"Subsequently, in 1993"), encoding="utf-8")
    code, _, err = run_cli("build", "--workspace", str(repo_workspace), "--out", str(out), "--as-of", AS_OF)
    assert code == 1 and "quote not found" in err
    assert (out / f"{STEM}.pdf").read_bytes() == good
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.pdf"]


def test_build_prints_each_path(repo_workspace, tmp_path, run_cli):
    code, out, err = run_cli("build", "--workspace", str(repo_workspace), "--out", str(tmp_path), "--as-of", AS_OF)
    assert code == 0, err
    assert out.splitlines() == [str(tmp_path / f"{STEM}.pdf")]


def test_list_shows_the_brief(run_cli):
    code, out, _ = run_cli("list", "--workspace", str(REPO_ROOT))
    assert code == 0 and out.startswith("pakistan-kazakhstan\tPakistan–Kazakhstan: bilateral brief")


def test_unknown_brief_and_bad_as_of_are_refused(run_cli, tmp_path):
    code, _, err = run_cli("build", "nope", "--workspace", str(REPO_ROOT), "--out", str(tmp_path))
    assert code == 2 and "no brief 'nope'" in err  # a usage mistake
    code, _, err = run_cli("build", "--as-of", "26/11/2026", "--workspace", str(REPO_ROOT), "--out", str(tmp_path))
    assert code == 2 and "YYYY-MM-DD" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["--help"], ["check"]])
def test_start_up_does_not_import_writer_libraries(args):
    code = (
        "import sys; from briefgen.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        # check renders the templates (jinja2, babel) but writes nothing; --help needs none of it
        "heavy = [m for m in ('reportlab', 'docx', 'trafilatura', 'lxml', 'pypdf', 'urllib.request')"
        " + (('babel', 'jinja2', 'pydantic') if '--help' in sys.argv else ()) if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO_ROOT, capture_output=True, text=True)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def pdf_of(blocks) -> PdfReader:
    """The PDF writer's output for a document of `blocks`, with the default theme, read back."""
    from briefgen.document import model as m
    from briefgen.writers.theme import Theme
    from briefgen.writers import WriterOptions, get_writer

    return PdfReader(io.BytesIO(get_writer("pdf")(m.Document(m.Meta(title="t"), tuple(blocks)), WriterOptions(Theme()))))


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page():
    """reportlab's keepWithNext cannot hold a heading to a list; wherever the heading falls, it must
    start the next page rather than end this one."""
    from briefgen.document import model as m

    heading = "Heading under test"
    long_text = "A list item long enough to take three lines of the page, " * 4  # it will not split after one line
    items = tuple(m.ListItem((m.Paragraph((m.Text(f"{i}. {long_text}"),)),)) for i in range(3))
    for filler in range(30, 62):
        blocks = tuple(m.Paragraph((m.Text(f"Filler paragraph {i}."),)) for i in range(filler))
        blocks += (m.Heading(2, (m.Text(heading),)), m.BulletList(items))
        reader = pdf_of(blocks)
        for n, page in enumerate(reader.pages, 1):
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            content = [line for line in lines if not line.startswith("Page ")]
            assert content[-1] != heading, f"{filler} fillers: the heading ends page {n}"


def test_a_heading_is_never_left_alone_above_a_table_on_the_next_page():
    """A table starts on a new page when its first rows do not fit; its heading goes with it."""
    from briefgen.document import model as m

    heading = "Heading under test"
    rows = tuple(((m.Text(f"Row {i}"),), (m.Text("A cell of the table under the heading"),)) for i in range(6))
    table = m.Table(header=(((m.Text("Date"),), (m.Text("Event"),)),), rows=rows, align=())
    for filler in range(26, 36):
        blocks = tuple(m.Paragraph((m.Text(f"Filler paragraph {i}."),)) for i in range(filler))
        reader = pdf_of(blocks + (m.Heading(2, (m.Text(heading),)), table))
        for n, page in enumerate(reader.pages, 1):
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            content = [line for line in lines if not line.startswith("Page ")]
            assert content[-1] != heading, f"{filler} fillers: the heading ends page {n}"


def test_headings_that_skip_a_level_still_become_bookmarks():
    """A template may start at `##` or jump from `#` to `###`; reportlab's outline refuses to skip
    a level, so such headings nest one level down instead of failing the build."""
    from briefgen.document import model as m

    levels = (2, 3, 1, 3, 2)
    reader = pdf_of(m.Heading(level, (m.Text(f"Level {level} heading {i}"),)) for i, level in enumerate(levels))

    def titles(outline):
        return [t for item in outline for t in (titles(item) if isinstance(item, list) else [item.title])]

    assert titles(reader.outline) == [f"Level {level} heading {i}" for i, level in enumerate(levels)]


def test_a_list_item_taller_than_a_page_splits_wherever_it_falls():
    """reportlab's list items refuse a split that leaves one line over; at the top of a page that was a
    LayoutError (internal error) for a long summary point. Lengths around one page hit that case."""
    from briefgen.document.markdown import parse
    from briefgen.document.model import Meta
    from briefgen.writers.theme import load_theme
    from briefgen.writers import WriterOptions
    from briefgen.writers.pdf.writer import write

    theme = load_theme(REPO_ROOT / "templates" / "theme.toml")
    for words in range(560, 1000, 8):
        doc = parse("- " + " ".join(f"word{i % 10}" for i in range(words)) + "\n", Meta(title="Long item"))
        assert write(doc, WriterOptions(theme, tagged=False)).startswith(b"%PDF")
