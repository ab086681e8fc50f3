"""Page breaks in the PDF: short tables stay whole, paragraphs leave no widow or orphan line.

Each test sweeps the length of the text above, so that some build puts the break exactly where the
rule matters, whatever the fonts."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from briefgen.document import model as m
from briefgen.writers.theme import load_theme
from briefgen.writers import WriterOptions
from briefgen.writers.pdf.writer import write


def cell(text: str) -> tuple[m.Inline, ...]:
    return (m.Text(text),)


def pages_of(blocks) -> list[str]:
    pdf = write(m.Document(meta=m.Meta(title="Pagination"), blocks=tuple(blocks)), WriterOptions(load_theme(None)))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_short_table_is_never_split_across_pages():
    rows = tuple((cell(f"Row{i} " + "word " * 60), cell("x")) for i in (1, 2))
    for filler in range(600, 726, 25):
        pages = pages_of([m.Heading(1, cell("Section")), m.Paragraph(cell("filler " * filler)),
                          m.Table(header=((cell("A"), cell("B")),), rows=rows, caption="Two rows")])
        where = [next(i for i, text in enumerate(pages) if f"Row{r}" in text) for r in (1, 2)]
        assert where[0] == where[1], f"with {filler} words above, the two rows are on pages {where}"


def test_a_paragraph_split_by_a_page_leaves_two_lines_or_more_on_each_page():
    words = " ".join(f"w{i:03}" for i in range(220))  # about 15 lines
    for filler in range(640, 760, 8):
        pages = pages_of([m.Paragraph(cell("filler " * filler)), m.Paragraph(cell(words))])
        lines = [[line for line in text.splitlines() if re.search(r"\bw\d{3}\b", line)] for text in pages]
        split = [len(found) for found in lines if found]
        assert all(n >= 2 for n in split), f"with {filler} words above, lines per page: {split}"


def test_a_heading_takes_only_the_first_lines_of_a_long_paragraph_with_it():
    """A heading keeps a few lines of what follows, not the whole paragraph: with room for several
    lines at the foot of a page, the heading and the paragraph's start stay there."""
    long = " ".join(f"p{i:03}" for i in range(400))  # about 25 lines
    moved = 0
    for filler in range(600, 1000, 13):  # about one line a step, across a whole page foot
        pages = pages_of([m.Paragraph(cell("filler " * filler)), m.Heading(1, cell("Heading")), m.Paragraph(cell(long))])
        filler_ends = max(i for i, text in enumerate(pages) if "filler" in text)
        heading_on = next(i for i, text in enumerate(pages) if "Heading" in text)
        assert "p000" in pages[heading_on], f"with {filler} words above, the heading is alone at the foot of a page"
        moved += heading_on > filler_ends
    # A new page only when fewer than about eight lines are left (old: whenever the whole paragraph did not fit)
    assert moved <= 10, f"the heading went to a new page in {moved} of 31 builds: it takes its whole paragraph along"
