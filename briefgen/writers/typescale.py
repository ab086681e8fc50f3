"""The brief's type scale and spacing, in points, from the theme: the size, leading and space
above and below each kind of paragraph, the padding of table cells and boxes, and where the page
furniture stands. The PDF and the DOCX writer both read it, so that the two break their pages in
the same places; no third-party imports (the DOCX writer must not load reportlab)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from briefgen.writers.theme import Theme


@dataclass(frozen=True)
class TextStyle:
    """One kind of paragraph, in points. `leading` is baseline to baseline; `first` is the first
    line's indent relative to `left` (negative: hanging)."""

    size: float
    leading: float
    before: float = 0.0
    after: float = 0.0
    left: float = 0.0
    right: float = 0.0
    first: float = 0.0
    font: str = "body"  # the theme's "body" or "heading" family
    bold: bool = False
    italic: bool = False
    colour: str = "text"  # a theme colour by name, or #RRGGBB


class Padding(NamedTuple):
    top: float
    right: float
    bottom: float
    left: float


MUTED = "#555555"  # the meta line and the footer's small text
CELL_PADDING = Padding(top=3.5, right=5, bottom=4, left=5)
TABLE_BEFORE = 2.0  # points above a table
TABLE_RULE = 0.4  # the rule below each row
HEADER_RULE = 0.9  # the rule below the header row
BOX_PADDING = Padding(top=8, right=10, bottom=4, left=10)  # inside a box, around its text
BOX_BAR = 3.0  # the accent bar at a box's left edge, centred on that edge
BOX_BEFORE = 4.0  # points above a box
MARKING_SIZE = 10.0  # the protective marking in the header and footer (bold)
FOOTER_SIZE = 8.0  # the footer text and "Page N of M"
FOOTER_RULE = 10.0  # the rule above the footer line: this far above its baseline


def text_styles(theme: Theme) -> dict[str, TextStyle]:
    """Every paragraph style, sized from the theme's body size."""
    size = theme.body_size
    body = TextStyle(size, size * 1.38, after=size * 0.6)

    def like(base: TextStyle = body, **kw) -> TextStyle:
        return TextStyle(**{**base.__dict__, **kw})

    head = dict(font="heading", bold=True, colour="heading")
    small = like(size=size * 0.85, leading=size * 1.2)
    cell = like(size=size * 0.88, leading=size * 1.18, after=0)
    return {
        "body": body,
        "h1": like(**head, size=size * 1.35, leading=size * 1.7, before=size * 1.3, after=size * 0.5),
        "h2": like(**head, size=size * 1.1, leading=size * 1.45, before=size * 0.9, after=size * 0.35),
        "h3": like(**{**head, "colour": "text"}, size=size, leading=size * 1.35, before=size * 0.7, after=size * 0.25),
        "title": like(**head, size=size * 2.0, leading=size * 2.4, after=size * 0.3),
        "subtitle": like(italic=True, size=size * 1.1, leading=size * 1.45, after=size * 0.8, colour="accent"),
        "letterhead": like(**{**head, "colour": "accent"}, size=size * 0.95, after=size * 1.2),
        "meta": like(small, colour=MUTED, after=size * 0.4),
        "small": small,
        # a meeting brief's desk text: a tinted ground keeps it apart from sourced text
        "desk": like(left=size * 0.5, right=size * 0.5, before=size * 0.3, after=size * 0.9),
        "desk-label": like(small, italic=True, colour="accent", left=size * 0.5, after=size * 1.0),
        "code": small,
        "caption": like(cell, bold=True, leading=size * 1.2, colour="heading", before=size * 0.4, after=size * 0.3),
        "cell": cell,
        "cell_head": like(cell, bold=True, colour="heading"),
        "callout_title": like(**head, size=size * 1.05, after=size * 0.3),
        "note": like(small, left=size * 1.6, first=-size * 1.6, after=size * 0.25),
        "quote": like(left=size * 1.5, italic=True),
    }


def list_indent(theme: Theme) -> float:
    """Where a list item's text starts, from the left edge of the list (its bullet's place)."""
    return theme.body_size * 1.4


def list_after(theme: Theme) -> float:
    """The space below a list (between its items: the items' own space below)."""
    return theme.body_size * 0.3


def table_after(theme: Theme) -> float:
    return theme.body_size * 0.9


def box_after(theme: Theme) -> float:
    return theme.body_size


def desk_padding(theme: Theme) -> tuple[float, float]:
    """The tinted ground around desk text, beyond its indents: (above and below, left and right)."""
    return theme.body_size * 0.3, theme.body_size * 0.5


def marking_baseline(theme: Theme) -> float:
    """The header marking's baseline, in points below the page's top edge: half the top margin."""
    return theme.margins_mm.top * 72 / 25.4 / 2


def footer_baseline(theme: Theme) -> float:
    """The footer line's baseline, in points above the page's bottom edge."""
    return theme.margins_mm.bottom * 72 / 25.4 / 2 - 3
