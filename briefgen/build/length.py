"""How long a built brief is: its PDF's pages, and the sections that take the most of them.

A brief is read in minutes; `max_pages` in briefgen.toml (default 4) is the length the office
wants. The PDF is measured as built: its page count, and each top-level section's share from its
bookmark (which opens at the heading) to the next one.
"""

from __future__ import annotations

import io


def section_starts(pdf: bytes) -> tuple[int, list[tuple[str, float]]]:
    """(the page count, each top-level section's heading and where it starts, in pages from the top
    of page 1, in order)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    starts: list[tuple[str, float]] = []
    for item in reader.outline:
        if isinstance(item, list):
            continue  # a section's subsections
        page = reader.get_destination_page_number(item)
        height = float(reader.pages[page].mediabox.height)
        top = float(item.top) if item.get("/Top") is not None else height
        starts.append((str(item.title), page + (height - top) / height))
    return len(reader.pages), starts


def section_lengths(pdf: bytes) -> tuple[int, list[tuple[str, float]]]:
    """(the page count, each top-level section with the pages it takes, longest first)."""
    pages, starts = section_starts(pdf)
    lengths = [(title, (starts[i + 1][1] if i + 1 < len(starts) else pages) - start)
               for i, (title, start) in enumerate(starts)]
    return pages, sorted(lengths, key=lambda t: -t[1])


def length_warning(pdf: bytes, max_pages: int, shown: int = 3) -> str | None:
    """The warning for a PDF longer than `max_pages`, naming its largest sections; None when it fits.
    A PDF that knows its page count (`writers.Paged`) and fits is not parsed (pypdf's import alone
    is a tenth of a cold build)."""
    if isinstance(getattr(pdf, "pages", None), int) and pdf.pages <= max_pages:
        return None
    pages, lengths = section_lengths(pdf)
    if pages <= max_pages:
        return None
    largest = ", ".join(f"{title} ({size:.1f} pages)" for title, size in lengths[:shown])
    return (f"the PDF brief runs to {pages} pages, more than max_pages = {max_pages} (briefgen.toml)"
            + (f"; the largest sections: {largest}" if largest else "")
            + ": shorten them, leave sections out with `sections` in briefgen.toml, or raise max_pages")
