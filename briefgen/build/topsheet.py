"""How many sides a meeting brief's top sheet takes in its PDF. The top sheet ends at the first page
break, so the first heading after it starts the annexes; its bookmark (briefgen/build/length.py)
says on which page. A minister's top sheet fits two sides (docs/meetings.md)."""

from __future__ import annotations

import math

from briefgen.build.length import section_starts
from briefgen.document import model as m

MAX_SIDES = 2


def annex_heading(document: m.Document) -> str | None:
    """The text of the first heading after the first page break (None: no page break, no heading)."""
    seen_break = False
    for block in document.blocks:
        if isinstance(block, m.PageBreak):
            seen_break = True
        elif seen_break and isinstance(block, m.Heading):
            return m.plain_text(block.children)
    return None


def top_sheet_sides(document: m.Document, pdf: bytes) -> int | None:
    """The number of pages before the one the annexes start on; None when that cannot be told."""
    title = annex_heading(document)
    if title is None:
        return None
    _, starts = section_starts(pdf)
    found = [start for heading, start in starts if " ".join(heading.split()) == " ".join(title.split())]
    return math.floor(found[0]) if found else None


def longest_sections(document: m.Document, n: int = 2) -> list[str]:
    """The top sheet's largest desk sections by words (what to shorten first)."""
    sizes: dict[str, int] = {}
    heading = None
    for block in document.blocks:
        if isinstance(block, m.PageBreak):
            break
        if isinstance(block, m.Heading):
            heading = m.plain_text(block.children)
        elif isinstance(block, m.Paragraph) and heading and block.style == "desk":
            sizes[heading] = sizes.get(heading, 0) + len(m.plain_text(block.children).split())
    return [f"{h} ({w} words)" for h, w in sorted(sizes.items(), key=lambda kv: -kv[1])[:n]]


def top_sheet_warning(document: m.Document, pdf: bytes) -> str | None:
    sides = top_sheet_sides(document, pdf)
    if sides is None or sides <= MAX_SIDES:
        return None
    return (f"the top sheet runs to {sides} sides of the PDF; a minister's top sheet fits {MAX_SIDES}: shorten the "
            f"desk sections (longest: {', '.join(longest_sections(document))})")
