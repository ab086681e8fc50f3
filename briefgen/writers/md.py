"""Write a Document as portable Markdown: CommonMark that GitHub, VS Code, Pandoc and any other
CommonMark viewer show as the brief, with no syntax of briefgen's own dialect left to read.

- YAML front matter carries the title, subtitle, author, date, language, keywords and the
  protective marking (GitHub shows it as a table; Pandoc and VS Code read it as metadata).
- The title is a `#` heading, as in the other formats; the letterhead, subtitle and date lines are
  paragraphs (the subtitle in italics).
- A box (the key-facts box, the "Not current" banner) is a block quote headed by its title, one
  heading level below the heading before it.
- Note markers are superscript numbers (`<sup>1</sup>`, inline HTML that CommonMark keeps); the
  notes are the numbered list the template places.
- Tables are HTML tables: CommonMark has none of its own, and GFM's pipes would show as text in a
  strict CommonMark viewer. Cells are escaped as HTML, so fact text stays text.

Text is data: every character that could start Markdown syntax is backslash-escaped (the
escaping of briefgen's dialect, which CommonMark reads the same way). `--format briefgen-md`
writes the dialect itself.
"""

from __future__ import annotations

import json
import re
from html import escape

from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, Meta, Notes, NoteRef, OrderedList,
    PageBreak, Paragraph, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers import WriterOptions
from briefgen.writers.briefgen_md import _fence, _indent, _inl

_SAFE_SCHEME = re.compile(r"(?i)(https?|mailto):")


def write(document: Document, options: WriterOptions) -> bytes:
    body = _Writer().blocks(document.blocks)
    return (_front_matter(document.meta) + body + "\n").encode("utf-8")


def _front_matter(meta: Meta) -> str:
    """YAML front matter; each value a JSON string, which YAML reads as a double-quoted scalar."""
    fields = [("title", meta.title), ("subtitle", meta.subject), ("author", meta.author),
              ("date", meta.created.date().isoformat() if meta.created else ""), ("lang", meta.language),
              ("keywords", list(meta.keywords)), ("marking", meta.marking)]
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields if value]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _sup(number: int, after_note: bool) -> str:
    return f"<sup>{',' if after_note else ''}{number}</sup>"


def _text(nodes, midline: bool = False) -> str:
    return _joined(_inl(nodes, midline, note=_sup))


def _joined(text: str) -> str:
    """Adjacent markers as one superscript, "1,2" (fact text never holds a raw `<`: it is escaped)."""
    return text.replace("</sup><sup>,", ",")


class _Writer:
    def __init__(self):
        self.level = 0  # the level of the heading before: a box's title is a heading one below

    def blocks(self, blocks) -> str:
        out, prev, alt = [], None, False
        for block in blocks:
            # two adjacent lists of one kind would merge; switching the marker character splits them
            alt = isinstance(block, (BulletList, OrderedList)) and type(block) is type(prev) and not alt
            text = self.block(block, alt)
            if text:
                out.append(text)
                prev = block
        return "\n\n".join(out)

    def block(self, block, alt: bool = False) -> str:
        match block:
            case Heading(level=level, children=children):
                self.level = level
                return ("#" * min(level, 6) + " " + _text(children, midline=True)).rstrip()
            case Paragraph(children=children, style="code") if children and all(isinstance(c, Text) for c in children):
                return _fence("".join(c.text for c in children))
            case Paragraph(children=()):
                return ""
            case Paragraph(children=children, style="subtitle" | "desk-label"):  # who drafted desk text, too
                return _text((Emph(children),))
            case Paragraph(children=children):
                return _text(children)
            case BulletList(items=items):
                return self.list(items, lambda i: "*" if alt else "-")
            case OrderedList(items=items, start=start):
                return self.list(items, lambda i: f"{start + i}{')' if alt else '.'}")
            case Table():
                return _html_table(block)
            case Callout(title=title, blocks=blocks):
                head = f"{'#' * min(self.level + 1, 6)} {_text((Text(title),), midline=True)}" if title else ""
                inner = "\n\n".join(p for p in (head, self.blocks(blocks)) if p)
                return _indent(inner, "> ", "> ") if inner else ""
            case Quote(blocks=blocks):
                return _indent(self.blocks(blocks), "> ", "> ") or ">"
            case Rule():
                return "***"  # not `---`, which under a paragraph makes it a heading
            case PageBreak():
                return ""  # a page is a print notion; a Markdown viewer has none
            case Notes(items=items):
                numbers = [n.number for n in items]
                if numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False:
                    return self.list([_Item(n.blocks) for n in items], lambda i: f"{numbers[0] + i}.")
                # numbers with gaps: a list would renumber them, so each note is a paragraph
                return "\n\n".join(_indent(self.blocks(n.blocks), f"{n.number}\\. ", "    ") for n in items)
        raise TypeError(f"markdown writer: unknown block {type(block).__name__}")

    def list(self, items, marker) -> str:
        tight = all(len(it.blocks) <= 1 and all(isinstance(b, Paragraph) for b in it.blocks) for it in items)
        out = [_indent(self.blocks(item.blocks), marker(i) + " ", " " * (len(marker(i)) + 1))
               for i, item in enumerate(items)]
        return ("\n" if tight else "\n\n").join(out)


class _Item:
    def __init__(self, blocks):
        self.blocks = blocks


def _html_table(t: Table) -> str:
    """An HTML table block: no blank line inside, so CommonMark passes it through whole."""
    ncols = max([len(r) for r in t.header + t.rows] + [0])
    if not ncols:
        return ""
    align = tuple(t.align) + (None,) * (ncols - len(t.align))

    def row(cells, tag: str) -> str:
        cells = tuple(cells) + ((),) * (ncols - len(cells))
        return "<tr>" + "".join(
            f"<{tag}{f' align={chr(34)}{a}{chr(34)}' if a in ('left', 'center', 'right') else ''}>{_joined(_cell(c))}</{tag}>"
            for c, a in zip(cells, align)) + "</tr>"

    out = ["<table>"]
    if t.caption:
        out.append(f"<caption>{escape(_one_line(t.caption))}</caption>")
    if t.header:
        out += ["<thead>", *(row(r, "th") for r in t.header), "</thead>"]
    out += ["<tbody>", *(row(r, "td") for r in t.rows), "</tbody>", "</table>"]
    return "\n".join(out)


def _cell(nodes) -> str:
    """Inline content as HTML (inside an HTML block Markdown is not read)."""
    out, prev = [], None
    for node in nodes:
        match node:
            case Text(text=text):
                out.append(escape(_one_line(text)))
            case Strong(children=children):
                out.append(f"<strong>{_cell(children)}</strong>")
            case Emph(children=children):
                out.append(f"<em>{_cell(children)}</em>")
            case Link(href=href, children=children):
                target = href.strip()
                safe = target.startswith("#") or _SAFE_SCHEME.match(target)
                out.append(f'<a href="{escape(target)}">{_cell(children)}</a>' if safe else _cell(children))
            case NoteRef(number=number):
                out.append(_sup(number, isinstance(prev, NoteRef)))
            case LineBreak():
                out.append("<br>")
        prev = node
    return "".join(out)


def _one_line(text: str) -> str:
    # a blank line would end the HTML block; inside a cell every line break is a space
    return re.sub(r"\s*[\r\n]+\s*", " ", text)
