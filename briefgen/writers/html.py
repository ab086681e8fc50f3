"""Write a Document as one standalone HTML5 file (styles embedded, no external resources).

Text is data: everything from the document goes through `html.escape`, and values placed in the
embedded CSS are CSS-escaped, so no fact can close a tag or a string. Links keep only http(s),
mailto and in-page `#` targets; any other target renders as the link's text alone.
"""

from __future__ import annotations

import re
from html import escape

from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, Notes, NoteRef, OrderedList,
    Paragraph, PageBreak, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers import WriterOptions
from briefgen.writers.theme import Theme

_SAFE_SCHEME = re.compile(r"(?i)(https?|mailto):")
_ALIGNS = ("left", "center", "right")


def write(document: Document, options: WriterOptions) -> bytes:
    meta, theme = document.meta, options.theme
    w = _Writer(document)
    body = w.blocks(document.blocks)
    head = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(meta.title)}</title>", '<meta name="generator" content="briefgen">']
    for name, value in (("author", meta.author), ("description", meta.subject), ("keywords", ", ".join(meta.keywords))):
        if value:
            head.append(f'<meta name="{name}" content="{escape(value)}">')
    if meta.created is not None:  # never "now": keeps reproducible builds byte-identical
        head.append(f'<meta name="dcterms.created" content="{escape(meta.created.isoformat())}">')
    footer = meta.footer  # the build copies the theme footer here, as the PDF writer expects
    marking = f'<p class="marking">{escape(meta.marking)}</p>' if meta.marking else ""
    top = marking + (f'<p class="organisation">{escape(theme.organisation)}</p>' if theme.organisation else "")
    bottom = (f'<p class="footer">{escape(footer)}</p>' if footer else "") + marking
    page = [f'<!DOCTYPE html>\n<html lang="{escape(meta.language)}">', "<head>", *head,
            f"<style>\n{_css(theme, meta.marking, footer)}</style>", "</head>", "<body>"]
    page += [f'<header class="page-header">{top}</header>'] if top else []
    page += [f"<main>\n{body}\n</main>"]
    page += [f'<footer class="page-footer">{bottom}</footer>'] if bottom else []
    page += ["</body>", "</html>", ""]
    return "\n".join(page).encode("utf-8")


class _Writer:
    def __init__(self, document: Document):
        # Note targets are fixed (`note-N`), so reserve them before headings claim their slugs.
        self.ids = {f"note-{n.number}" for b in document.blocks if isinstance(b, Notes) for n in b.items}
        self.refs: dict[int, int] = {}

    def unique(self, anchor: str) -> str:
        candidate, n = anchor, 2
        while candidate in self.ids:
            candidate, n = f"{anchor}-{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def blocks(self, blocks) -> str:
        return "\n".join(self.block(b) for b in blocks)

    def block(self, block) -> str:
        match block:
            case Heading(level=level, children=children, anchor=anchor, style=style):
                ident = f' id="{escape(self.unique(anchor))}"' if anchor else ""
                return f"<h{level}{ident}{_cls(style)}>{self.inl(children)}</h{level}>"
            case Paragraph(children=children, style="code"):
                return f'<pre class="code"><code>{self.inl(children)}</code></pre>'
            case Paragraph(children=children, style=style):
                return f"<p{_cls(style)}>{self.inl(children)}</p>"
            case BulletList(items=items, style=style):
                return f"<ul{_cls(style)}>\n{self.items(items)}\n</ul>"
            case OrderedList(items=items, start=start, style=style):
                first = f' start="{start}"' if start != 1 else ""
                return f"<ol{first}{_cls(style)}>\n{self.items(items)}\n</ol>"
            case Table():
                return self.table(block)
            case Callout(kind=kind, title=title, blocks=blocks):
                head = f'<p class="callout-title">{escape(title)}</p>\n' if title else ""
                return f'<aside class="callout {escape(kind)}">\n{head}{self.blocks(blocks)}\n</aside>'
            case Quote(blocks=blocks):
                return f"<blockquote>\n{self.blocks(blocks)}\n</blockquote>"
            case Rule():
                return "<hr>"
            case PageBreak():
                return '<div class="pagebreak"></div>'
            case Notes(items=items):
                out = []
                for note in items:
                    back = (f' <a class="backref" href="#ref-{note.number}-1" aria-label="back to text">\u21a9</a>'
                            if self.refs.get(note.number) else "")
                    n = note.number
                    out.append(f'<li id="note-{n}" value="{n}">{self.blocks(note.blocks)}{back}</li>')
                return '<ol class="notes">\n' + "\n".join(out) + "\n</ol>"
        raise TypeError(f"html writer: unknown block {type(block).__name__}")

    def inl(self, nodes) -> str:
        out, prev = [], None
        for node in nodes:
            match node:
                case Text(text=text):
                    out.append(escape(text))
                case Strong(children=children):
                    out.append(f"<strong>{self.inl(children)}</strong>")
                case Emph(children=children):
                    out.append(f"<em>{self.inl(children)}</em>")
                case Link(href=href, children=children):
                    target = href.strip()
                    if target.startswith("#") or _SAFE_SCHEME.match(target):
                        out.append(f'<a href="{escape(target)}">{self.inl(children)}</a>')
                    else:  # javascript:, data:, relative paths...: keep the words, drop the target
                        out.append(self.inl(children))
                case NoteRef(number=n):
                    k = self.refs[n] = self.refs.get(n, 0) + 1
                    comma = "," if isinstance(prev, NoteRef) else ""  # as in PDF/DOCX: 1,2 not 12
                    out.append(f'<sup class="noteref">{comma}<a href="#note-{n}" id="ref-{n}-{k}">{n}</a></sup>')
                case LineBreak():
                    out.append("<br>")
                case _:
                    raise TypeError(f"html writer: unknown inline {type(node).__name__}")
            prev = node
        return "".join(out)

    def items(self, items) -> str:
        return "\n".join(f"<li>{self.blocks(item.blocks)}</li>" for item in items)

    def table(self, t: Table) -> str:
        ncols = max([len(r) for r in t.header + t.rows] + [0])
        align = tuple(t.align) + (None,) * (ncols - len(t.align))

        def row(cells, tag: str) -> str:
            cells = tuple(cells) + ((),) * (ncols - len(cells))
            return "<tr>" + "".join(
                f"<{tag}{_align(a)}>{self.inl(c)}</{tag}>" for c, a in zip(cells, align)) + "</tr>"

        out = [f"<table{_cls(t.style)}>"]
        if t.caption:
            out.append(f"<caption>{escape(t.caption)}</caption>")
        total = sum(t.widths or ())
        if t.widths and total > 0:
            cols = "".join(f'<col style="width:{100 * w / total:.4g}%">' for w in t.widths)
            out.append(f"<colgroup>{cols}</colgroup>")
        if t.header:
            out.append("<thead>\n" + "\n".join(row(r, "th") for r in t.header) + "\n</thead>")
        out.append("<tbody>\n" + "\n".join(row(r, "td") for r in t.rows) + "\n</tbody>")
        return "\n".join(out + ["</table>"])


def _cls(style: str | None) -> str:
    """The block's style as its class; a meeting brief's desk text (styles `desk…`) is also marked
    `data-text="desk"`, which a reader's tools can select on whatever the stylesheet does."""
    if not style:
        return ""
    return f' class="{escape(style)}"' + (' data-text="desk"' if style.startswith("desk") else "")


def _align(a: str | None) -> str:
    return f' style="text-align:{a}"' if a in _ALIGNS else ""


def _css_str(s: str) -> str:
    """A CSS string literal; hex-escaping all punctuation means no value can end the string or `</style>`."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in s) + '"'


def _css(theme: Theme, marking: str, footer: str) -> str:
    c, m = theme.colours, theme.margins_mm
    boxes = ""
    if marking:  # paged media (print): the marking at the top and bottom of every page
        mark = f"content: {_css_str(marking)}; color: {c.marking}; font-weight: bold;"
        boxes += f"\n  @top-center {{ {mark} }}\n  @bottom-center {{ {mark} }}"
    if footer:
        boxes += f"\n  @bottom-left {{ content: {_css_str(footer)}; font-size: 8pt; }}"
    boxes += '\n  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }'
    return f"""@page {{ size: {theme.page_size}; margin: {m.top}mm {m.right}mm {m.bottom}mm {m.left}mm;{boxes}
}}
body {{ font-family: {_css_str(theme.body_font.name)}, sans-serif; font-size: {theme.body_size}pt;
  color: {c.text}; line-height: 1.4; max-width: 48em; margin: 0 auto; padding: 1em; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {_css_str(theme.heading_font.name)}, sans-serif; color: {c.heading}; }}
a {{ color: {c.accent}; }}
hr {{ border: 0; border-top: 1px solid {c.rule}; }}
.marking {{ text-align: center; font-weight: bold; color: {c.marking}; margin: .5em 0; }}
.organisation, .footer {{ text-align: center; font-size: 85%; }}
table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; padding: .25em 0; }}
th, td {{ border: 1px solid {c.rule}; padding: .25em .5em; vertical-align: top; }}
th {{ background: {c.table_header}; text-align: left; }}
tbody tr:nth-child(even) {{ background: {c.table_stripe}; }}
aside.callout {{ background: {c.callout}; border-left: 4px solid {c.accent}; padding: .5em 1em; margin: 1em 0; }}
.callout-title {{ font-weight: bold; color: {c.heading}; }}
blockquote {{ border-left: 3px solid {c.rule}; margin-left: 0; padding-left: 1em; }}
pre.code {{ white-space: pre-wrap; }}
ol.notes {{ font-size: 90%; }}
.pagebreak {{ break-after: page; }}
.desk {{ background: {c.table_stripe}; border-left: 3px solid {c.rule}; margin: 0 0 .4em; padding: .3em .75em; }}
p.desk-label {{ font-size: 85%; font-style: italic; color: {c.accent}; margin-bottom: 1em; }}
@media print {{ body {{ max-width: none; padding: 0; }} }}
"""
