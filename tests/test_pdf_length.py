"""Length: no PDF page is left holding a few lines, and `build` warns past `max_pages`.

The runt rule is swept over document lengths, so that some build leaves a few lines for a last
page whatever the fonts; the oracle counts the text lines pypdf reads on each page, not the writer's
own measure."""

from __future__ import annotations

import io

from pypdf import PdfReader

from briefgen.document import model as m
from briefgen.writers import WriterOptions
from briefgen.writers.pdf import writer as pdf
from briefgen.writers.theme import load_theme


def lines_per_page(blocks) -> list[int]:
    data = pdf.write(m.Document(meta=m.Meta(title="Length"), blocks=tuple(blocks)), WriterOptions(load_theme(None)))
    return [sum(line.startswith("item") for line in page.extract_text().splitlines())
            for page in PdfReader(io.BytesIO(data)).pages]


def items(n: int, words: int) -> list:
    return [m.Heading(1, (m.Text("Notes"),))] + \
        [m.Paragraph((m.Text(f"item{i:03} " + " ".join(["item"] * words)),)) for i in range(n)]


def test_no_last_page_holds_only_a_few_lines():
    runts = []
    for words in (8, 30):  # paragraphs of one line, of about three (every line starts 'item')
        for n in range(20, 120 if words == 8 else 45, 3):
            found = lines_per_page(items(n, words))
            if len(found) > 1 and found[-1] < pdf.RUNT_LINES - 1:
                runts.append((words, n, found))
    assert runts == []


def test_without_the_rule_the_sweep_has_runts():
    """The sweep above does reach the case: typeset plainly, some builds end on a page of a few lines."""
    theme = load_theme(None)
    plain = [pdf.typeset(m.Document(meta=m.Meta(title="Length"), blocks=tuple(items(n, 8))), WriterOptions(theme))[1]
             for n in range(20, 120, 3)]
    assert sum(len(f) > 1 and f[-1] < pdf.RUNT_LINES * theme.body_size * 1.38 for f in plain) >= 2


def test_a_brief_that_fits_is_typeset_as_before():
    theme = load_theme(None)
    document = m.Document(meta=m.Meta(title="Length", reproducible=True), blocks=tuple(items(30, 8)))
    assert pdf.write(document, WriterOptions(theme)) == pdf.typeset(document, WriterOptions(theme))[0]


def test_build_warns_past_max_pages_with_the_largest_sections(repo_workspace, run_cli, tmp_path):
    code, _out, err = run_cli("build", "--format", "pdf", "-w", str(repo_workspace), "-o", str(tmp_path / "a"))
    assert code == 0 and "max_pages" not in err  # the shipped brief fits its 4 pages
    settings = repo_workspace / "briefgen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("max_pages = 4", "max_pages = 2"), encoding="utf-8")
    code, _out, err = run_cli("build", "--format", "pdf", "-w", str(repo_workspace), "-o", str(tmp_path / "b"))
    assert code == 0
    warning = next(line for line in err.splitlines() if "max_pages" in line)
    assert warning.startswith("warning: the PDF brief runs to 4 pages, more than max_pages = 2 (briefgen.toml); "
                              "the largest sections: Diplomatic relations (")
    assert warning.endswith(": shorten them, leave sections out with `sections` in briefgen.toml, or raise max_pages")


def test_max_pages_must_be_a_page_count(repo_workspace, run_cli):
    settings = repo_workspace / "briefgen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("max_pages = 4", "max_pages = 0"), encoding="utf-8")
    code, _out, err = run_cli("check", "-w", str(repo_workspace))
    assert code == 1 and "briefgen.toml:" in err and "max_pages" in err


def test_the_pdf_knows_its_page_count_as_a_reader_counts_it():
    """The count the writer hands on (so the length check need not parse the file) is the page
    count pypdf reads, over lengths that end on full, runt and balanced last pages."""
    for words in (8, 30):
        for n in range(1, 90 if words == 8 else 40, 7):
            data = pdf.write(m.Document(meta=m.Meta(title="Length"), blocks=tuple(items(n, words))),
                             WriterOptions(load_theme(None)))
            assert data.pages == len(PdfReader(io.BytesIO(data)).pages), (words, n)


def test_a_pdf_that_fits_is_not_parsed_and_one_that_does_not_is(monkeypatch):
    from briefgen.build import length
    from briefgen.writers import Paged

    data = pdf.write(m.Document(meta=m.Meta(title="Length"), blocks=tuple(items(60, 30))), WriterOptions(load_theme(None)))
    assert data.pages >= 2
    parsed = []
    real = length.section_lengths
    monkeypatch.setattr(length, "section_lengths", lambda b: (parsed.append(1), real(b))[1])
    assert length.length_warning(data, data.pages) is None and parsed == []
    assert length.length_warning(data, data.pages - 1).startswith(f"the PDF brief runs to {data.pages} pages")
    assert length.length_warning(bytes(data), data.pages) is None and len(parsed) == 2  # plain bytes: parsed
    assert Paged(data, 1) == bytes(data)
