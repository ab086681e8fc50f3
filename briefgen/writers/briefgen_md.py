"""Write a Document back to the Markdown dialect `briefgen.document.markdown.parse` reads.

Aim: `parse(write(doc)) == doc` (ignoring `line` and derived heading anchors). Text is data, so
every character that could start Markdown syntax is backslash-escaped. What the dialect cannot
express is degraded visibly rather than dropped: line breaks in headings and table cells become
spaces, extra header rows become body rows, an empty paragraph is omitted (a bare `{.style}`
line would attach to the next block). A page break is `{.pagebreak}` on a paragraph of `&nbsp;`.
"""

from __future__ import annotations

import re

from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, Notes, NoteRef, OrderedList,
    Paragraph, PageBreak, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers import WriterOptions

# Inline syntax, `#`/`>` anywhere, and quotes: the parser's smartquotes would curl bare ones.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|#\"'])")
_LINE_START = re.compile(r"^([+\-=:~{])|^(\d+)([.)])(?=\s|$)")  # lists, setext, hr, containers, fences, attrs
_ALIGN = {"left": ":--", "center": ":-:", "right": "--:"}


def write(document: Document, options: WriterOptions) -> bytes:
    text = _blocks(document.blocks)
    return (text + "\n" if text else "").encode("utf-8")


def _blocks(blocks) -> str:
    out: list[str] = []
    prev, alt = None, False
    for block in blocks:
        # Two adjacent lists of one kind would merge; switching the marker character splits them.
        alt = isinstance(block, (BulletList, OrderedList)) and type(block) is type(prev) and not alt
        text = _block(block, alt)
        if text:
            out.append(text)
            prev = block
    return "\n\n".join(out)


def _block(block, alt: bool = False) -> str:
    match block:
        case Heading(level=level, children=children, style=style):
            return (_attrs(style) + "#" * level + " " + _inl(children, midline=True)).rstrip()
        case Paragraph(children=children, style="code") if children and all(isinstance(c, Text) for c in children):
            return _fence("".join(c.text for c in children))
        case Paragraph(children=()):
            return ""
        case Paragraph(children=children, style=style):
            return _attrs(style) + _inl(children)
        case BulletList(items=items, style=style):
            return _attrs(style) + _list(items, lambda i: "*" if alt else "-")
        case OrderedList(items=items, start=start, style=style):
            return _attrs(style) + _list(items, lambda i: f"{start + i}{')' if alt else '.'}")
        case Table():
            return _table(block)
        case Callout(kind=kind, title=title, blocks=blocks):
            body = _blocks(blocks)
            # A container closes at the first bare fence at least as long as its opener, so an
            # outer fence must be longer than any fence nested inside it.
            inner = [len(f) for f in re.findall(r"^[ >]*(:{3,})", body, re.MULTILINE)]
            fence = ":" * max([3] + [n + 1 for n in inner])
            head = f"{fence} {kind} {_oneline(title)}".rstrip()
            return head + "\n\n" + (body + "\n\n" if body else "") + fence
        case Quote(blocks=blocks):
            return _indent(_blocks(blocks), "> ", "> ") or ">"
        case Rule():
            return "___"  # not `---`: `- ---` is a rule, not a list item holding one
        case PageBreak():
            return "{.pagebreak}\n&nbsp;"
        case Notes(items=items):
            # The parser numbers notes by first reference, so labels are the numbers themselves.
            return "\n\n".join(_indent(_blocks(n.blocks), f"[^{n.number}]: ", "    ") for n in items)
    raise TypeError(f"markdown writer: unknown block {type(block).__name__}")


def _footnote(number: int, after_note: bool) -> str:
    return f"[^{number}]"


def _inline(node, br: str, sole_in_strong: bool, note=_footnote, after_note: bool = False) -> str:
    """One inline node as Markdown; `note(number, after_note)` writes a note marker."""
    match node:
        case Text(text=text):
            return _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
        case Strong(children=children):
            return "**" + _raw(children, br, strong=True, note=note) + "**"
        case Emph(children=children):
            # `***x***` reads as Emph(Strong(x)), so Strong(Emph(x)) needs `**_x_**`.
            d = "_" if sole_in_strong else "*"
            return d + _raw(children, br, note=note) + d
        case Link(href=href, children=children):
            dest = re.sub(r"([\\<>&])", r"\\\1", href).replace("\n", "%0A").replace("\r", "%0D")
            return f"[{_raw(children, br, note=note)}](<{dest}>)"
        case NoteRef(number=number):
            return note(number, after_note)
        case LineBreak():
            return br
    raise TypeError(f"markdown writer: unknown inline {type(node).__name__}")


def _raw(nodes, br: str, strong: bool = False, note=_footnote) -> str:
    out = [_inline(node, br, strong and len(nodes) == 1, note, i > 0 and isinstance(nodes[i - 1], NoteRef))
           for i, node in enumerate(nodes)]
    for i in range(1, len(out)):
        if isinstance(nodes[i - 1], NoteRef) and out[i][:1] in ("(", ":"):
            out[i] = "\\" + out[i]  # `[^1](x)` would be a link, `[^1]:` a note definition
        if out[i][:1] == "[" and out[i - 1][-1:] in ("!", "^"):
            out[i - 1] = out[i - 1][:-1] + "\\" + out[i - 1][-1]  # `![` starts an image, `^[` an inline note
    for i, piece in enumerate(out):
        # `**_x_**` cannot touch a letter or digit; `***x***` (Emph(Strong(x))) looks the same.
        before, after = out[i - 1][-1:] if i else "", out[i + 1][:1] if i + 1 < len(out) else ""
        if piece.startswith("**_") and (before.isalnum() or after.isalnum()):
            out[i] = "***" + piece[3:-3] + "***"
    return "".join(out)


def _inl(nodes, midline: bool = False, note=_footnote) -> str:
    """Inline content as source lines: block syntax escaped at each line start, and whitespace at
    line edges (which Markdown trims) kept as character references. `midline` content (a heading,
    a table cell) is one line with no block syntax to fear, so a line break there becomes a space."""
    nodes = tuple(nodes)
    while nodes and isinstance(nodes[-1], LineBreak):
        nodes = nodes[:-1]  # a hard break cannot end a block
    lines = []
    for line in _raw(nodes, " " if midline else "\\\n", note=note).split("\n"):
        if not midline:
            line = _LINE_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], line)
        core = line.strip()
        lead = line[: len(line) - len(line.lstrip())]
        lines.append(_ents(lead) + core + (_ents(line[len(lead) + len(core):]) if core else ""))
    return "\n".join(lines)


def _ents(s: str) -> str:
    return "".join(f"&#{ord(c)};" for c in s)


def _oneline(s: str) -> str:
    return s.replace("\r", " ").replace("\n", " ")


def _attrs(style: str | None, *extra: str) -> str:
    parts = ([("." + style) if re.fullmatch(r"[\w-]+", style) else f'class="{_quote(style)}"'] if style else [])
    parts += [e for e in extra if e]
    return "{" + " ".join(parts) + "}\n" if parts else ""


def _quote(s: str) -> str:
    # The attrs plugin rejects a bare `{` or `}` in a quoted value and keeps escapes raw, so
    # this keeps the line valid; the parser must unescape `\\x` for such values to round-trip.
    return re.sub(r'([\\"{}])', r"\\\1", _oneline(s))


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    out = [(first + lines[0]).rstrip()]
    out += [(rest + line) if line else rest.rstrip() for line in lines[1:]]
    return "\n".join(out)


def _list(items, marker) -> str:
    # Tight when every item is a single paragraph; otherwise blank lines between items.
    tight = all(len(it.blocks) <= 1 and all(isinstance(b, Paragraph) for b in it.blocks) for it in items)
    out = []
    for i, item in enumerate(items):
        m = marker(i)
        out.append(_indent(_blocks(item.blocks), m + " ", " " * (len(m) + 1)))
    return ("\n" if tight else "\n\n").join(out)


def _fence(code: str) -> str:
    longest = max((len(r) for r in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _num(w: float) -> str:
    return str(w).removesuffix(".0")


def _table(t: Table) -> str:
    rows = list(t.header[1:]) + list(t.rows)  # GFM has exactly one header row
    header = t.header[0] if t.header else ()
    ncols = max([len(header)] + [len(r) for r in rows] + [1])
    caption = f'caption="{_quote(t.caption)}"' if t.caption else ""
    widths = 'widths="' + ",".join(_num(w) for w in t.widths) + '"' if t.widths else ""

    def line(cells) -> str:
        cells = tuple(cells) + ((),) * (ncols - len(cells))
        return "| " + " | ".join(_inl(c, midline=True) for c in cells) + " |"

    align = tuple(t.align) + (None,) * (ncols - len(t.align))
    delim = "|" + "|".join(_ALIGN.get(a or "", "---") for a in align[:ncols]) + "|"
    return _attrs(t.style, caption, widths) + "\n".join([line(header), delim] + [line(r) for r in rows])
