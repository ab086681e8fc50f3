"""Parse the Markdown a template renders into the document model.

One pinned markdown-it configuration: CommonMark with tables, raw HTML off (so `<b>` in a fact
is text), footnotes for source notes, `{.style key="value"}` block attributes, and `::: keyfacts`
containers for callouts. Writers never see Markdown; they see `briefgen.document.model`.
"""

from __future__ import annotations

import math
import re
from functools import partial

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

from briefgen.document import model as m

CALLOUT_KINDS = ("keyfacts", "note", "changes")

_md: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _md
    if _md is None:
        # typographer for curly quotes only (smartquotes); "replacements" would rewrite (c), -- etc.
        md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "smartquotes"])
        md.disable("replacements", ignoreInvalid=True)
        md.use(attrs_block_plugin).use(footnote_plugin)
        # A note reference `[^id]` was tried first as a link, which scans for a label and a
        # destination and fails; with a hundred notes that was a third of the parse. Try note
        # references first (only `[^id](...)` of a defined note now reads as a note, not a link).
        md.inline.ruler.before("link", "footnote_ref_first", partial(footnote_ref, always_match=False))
        md.disable("footnote_ref")
        for kind in CALLOUT_KINDS:
            md.use(container_plugin, name=kind)
        _md = md
    return _md


def parse(markdown: str, meta: m.Meta) -> m.Document:
    """Markdown text -> Document. Source lines are kept on blocks for error messages."""
    tree = SyntaxTreeNode(_parser().parse(markdown))
    blocks = _blocks(tree.children)
    return m.Document(meta=meta, blocks=tuple(blocks))


def _line(node: SyntaxTreeNode) -> int | None:
    return node.map[0] + 1 if node.map else None


def _style(node: SyntaxTreeNode) -> str | None:
    cls = node.attrs.get("class")
    return str(cls).split()[0] if cls else None


def _blocks(nodes) -> list[m.Block]:
    out: list[m.Block] = []
    for node in nodes:
        block = _block(node)
        if block is not None:
            out.append(block)
    return out


def _block(node: SyntaxTreeNode) -> m.Block | None:
    t = node.type
    if t == "heading":
        inl = _inlines(node.children[0])
        level = int(node.tag[1])
        return m.Heading(level, inl, anchor=_slug(m.plain_text(inl)), style=_style(node), line=_line(node))
    if t == "paragraph":
        inl = _inlines(node.children[0]) if node.children else ()
        if _style(node) == "pagebreak":
            return m.PageBreak(line=_line(node))
        return m.Paragraph(inl, style=_style(node), line=_line(node))
    if t == "bullet_list":
        return m.BulletList(_items(node), style=_style(node), line=_line(node))
    if t == "ordered_list":
        start = int(node.attrs.get("start", 1))
        return m.OrderedList(_items(node), start=start, style=_style(node), line=_line(node))
    if t == "table":
        return _table(node)
    if t.startswith("container_"):
        kind = t.removeprefix("container_")
        title = node.info.strip().removeprefix(kind).strip()
        return m.Callout(kind, title, tuple(_blocks(node.children)), line=_line(node))
    if t == "blockquote":
        return m.Quote(tuple(_blocks(node.children)), line=_line(node))
    if t == "hr":
        return m.Rule(line=_line(node))
    if t == "footnote_block":
        items = []
        for fn in node.children:
            items.append(m.Note(fn.meta["id"] + 1, tuple(_blocks(fn.children))))
        return m.Notes(tuple(sorted(items, key=lambda n: n.number)), line=_line(node))
    if t in ("code_block", "fence"):
        return m.Paragraph((m.Text(node.content.rstrip("\n")),), style="code", line=_line(node))
    if t in ("html_block",):
        return m.Paragraph((m.Text(node.content.rstrip("\n")),), line=_line(node))
    return None


def _items(node: SyntaxTreeNode) -> tuple[m.ListItem, ...]:
    return tuple(m.ListItem(tuple(_blocks(item.children))) for item in node.children)


_ALIGN = re.compile(r"text-align:(left|center|right)")


def _table(node: SyntaxTreeNode) -> m.Table:
    header: list[tuple[m.Cell, ...]] = []
    rows: list[tuple[m.Cell, ...]] = []
    align: tuple[str | None, ...] = ()
    for section in node.children:
        for tr in section.children:
            cells = tuple(_inlines(cell.children[0]) if cell.children else () for cell in tr.children)
            if section.type == "thead":
                header.append(cells)
                align = tuple(
                    (mm.group(1) if (mm := _ALIGN.search(str(c.attrs.get("style", "")))) else None)
                    for c in tr.children
                )
            else:
                rows.append(cells)
    widths = None
    caption = _attr(node, "caption")
    if "widths" in node.attrs:
        given = _attr(node, "widths")
        ncols = max((len(r) for r in header + rows), default=0)
        try:
            widths = tuple(float(w) for w in given.split(","))
        except ValueError:
            widths = None
        if widths is None or len(widths) != ncols or not all(math.isfinite(w) and w > 0 for w in widths):
            import warnings

            from briefgen.errors import BriefgenWarning

            name = f"table '{caption}'" if caption else "a table" + (f" (line {_line(node)} of the brief's Markdown)"
                                                                      if _line(node) else "")
            warnings.warn(BriefgenWarning(
                f"{name}: widths=\"{given}\" ignored: give {ncols} numbers above 0, one per column, "
                "e.g. widths=\"1,3\"; the columns are set equal"))
            widths = None
    return m.Table(tuple(header), tuple(rows), caption=str(caption) if caption else None, widths=widths,
                   align=align, style=_style(node), line=_line(node))


def _attr(node: SyntaxTreeNode, key: str) -> str | None:
    """An attribute value with its backslash escapes resolved (the attrs plugin keeps them raw)."""
    value = node.attrs.get(key)
    return re.sub(r"\\(.)", r"\1", str(value)) if value is not None else None


def _inlines(inline: SyntaxTreeNode) -> tuple[m.Inline, ...]:
    return tuple(_merge(_inline_nodes(inline.children)))


def _inline_nodes(nodes) -> list[m.Inline]:
    out: list[m.Inline] = []
    for node in nodes:
        t = node.type
        if t == "text" or t == "code_inline":
            out.append(m.Text(node.content))
        elif t == "softbreak":
            out.append(m.Text(" "))
        elif t == "hardbreak":
            out.append(m.LineBreak())
        elif t == "strong":
            out.append(m.Strong(tuple(_merge(_inline_nodes(node.children)))))
        elif t == "em":
            out.append(m.Emph(tuple(_merge(_inline_nodes(node.children)))))
        elif t == "link":
            out.append(m.Link(str(node.attrs.get("href", "")), tuple(_merge(_inline_nodes(node.children)))))
        elif t == "footnote_ref":
            out.append(m.NoteRef(node.meta["id"] + 1))
        elif t == "image":
            out.append(m.Text(node.content or ""))
        elif t == "html_inline":
            out.append(m.Text(node.content))
    return out


def _merge(inlines: list[m.Inline]) -> list[m.Inline]:
    """Join adjacent text runs (markdown-it splits text at every escape and special character)
    and put each cluster of note references in number order ([2][1] reads as 1,2)."""
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text)
        elif isinstance(node, m.NoteRef) and out and isinstance(out[-1], m.NoteRef):
            cluster = [node]
            while out and isinstance(out[-1], m.NoteRef):
                cluster.append(out.pop())
            out.extend(sorted(set(cluster), key=lambda n: n.number))
        elif not (isinstance(node, m.Text) and node.text == ""):
            out.append(node)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
