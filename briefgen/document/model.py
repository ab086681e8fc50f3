"""The document model: what every writer consumes. Plain frozen dataclasses, no third-party imports.

A template renders Markdown; `briefgen.document.markdown.parse` turns it into a `Document`; each writer
is one `match` over these node classes. `style` carries a template-chosen style name
(`{.letterhead}` in Markdown) that writers map onto their own styles; `line` is the line of the
rendered Markdown the node came from, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Union

# --- inlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class NoteRef:
    """A reference to a numbered note (a source note), shown as a superscript number."""

    number: int


@dataclass(frozen=True)
class LineBreak:
    pass


Inline = Union[Text, Strong, Emph, Link, NoteRef, LineBreak]

# --- blocks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    children: tuple[Inline, ...]
    anchor: str = ""
    style: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]
    style: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    style: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1
    style: str | None = None
    line: int | None = None


Cell = tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    widths: tuple[float, ...] | None = None  # relative column widths, from {widths="1,3"}
    align: tuple[str | None, ...] = ()  # per column: "left", "center", "right" or None
    style: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Callout:
    """A boxed panel such as the key-facts box (`::: keyfacts Title` in Markdown)."""

    kind: str
    title: str
    blocks: tuple[Block, ...]
    line: int | None = None


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    line: int | None = None


@dataclass(frozen=True)
class PageBreak:
    line: int | None = None


@dataclass(frozen=True)
class Note:
    number: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Notes:
    """The numbered notes (source notes), in number order, where the template places them."""

    items: tuple[Note, ...]
    line: int | None = None


Block = Union[Heading, Paragraph, BulletList, OrderedList, Table, Callout, Quote, Rule, PageBreak, Notes]

# --- the document --------------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    """Document properties and page furniture, set by the build from the brief and options."""

    title: str
    subject: str = ""
    author: str = ""
    organisation: str = ""  # the office issuing the brief (letterhead; the logo's alternative text)
    keywords: tuple[str, ...] = ()
    language: str = "en-GB"
    marking: str = ""
    footer: str = ""
    created: datetime | None = None  # None: now; set from SOURCE_DATE_EPOCH for reproducible builds
    reproducible: bool = False


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inline content, as a reader sees it (note numbers included)."""
    out = []
    for node in inlines:
        match node:
            case Text(text=t):
                out.append(t)
            case Strong(children=c) | Emph(children=c) | Link(children=c):
                out.append(plain_text(c))
            case NoteRef(number=n):
                out.append(f"[{n}]")
            case LineBreak():
                out.append("\n")
    return "".join(out)
