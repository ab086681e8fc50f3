"""Write a Document as one standalone HTML5 file (styles, fonts and logo embedded, no external resources).

Text is data: everything from the document goes through `html.escape`, and values placed in the
embedded CSS are CSS-escaped, so no fact can close a tag or a string. Links keep only http(s),
mailto and in-page `#` targets; any other target renders as the link's text alone.

The page looks like the PDF: the theme's faces travel inside it as `@font-face` WOFF subsets of
the characters the brief uses (a single file still, as an e-mail attachment or offline), and the
title block is styled from the theme. Box titles are headings and each box an `aside` named by
its title; note markers are `doc-noteref` links and each note links back to every marker.
"""

from __future__ import annotations

import base64
import re
from html import escape

from briefgen.document.model import (
    BulletList, Callout, Document, Emph, Heading, LineBreak, Link, Notes, NoteRef, OrderedList,
    Paragraph, PageBreak, Quote, Rule, Strong, Table, Text,
)
from briefgen.writers import WriterOptions, logo_text
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
            f"<style>\n{_font_faces(document, theme)}{_css(theme, meta.marking, footer)}</style>", "</head>", "<body>"]
    page += [f'<header class="page-header">{top}</header>'] if top else []
    page += [f"<main>\n{_logo(theme, meta)}{body}\n</main>"]
    page += [f'<footer class="page-footer">{bottom}</footer>'] if bottom else []
    page += ["</body>", "</html>", ""]
    return "\n".join(page).encode("utf-8")


def _font_faces(document: Document, theme: Theme) -> str:
    """`@font-face` rules for the theme's families: WOFF subsets of the characters the brief uses,
    as data URLs (see fontsubset.py)."""
    from briefgen.writers.fontsubset import document_chars, faces, subset

    chars = document_chars(document) + "\u21a9"  # the notes' links back
    rules = []
    for family, styles in faces(theme).items():
        for style, data in styles.items():
            weight = "bold" if "bold" in style else "normal"
            slant = "italic" if "italic" in style else "normal"
            url = "data:font/woff;base64," + base64.b64encode(subset(data, chars, "woff")).decode("ascii")
            rules.append(f'@font-face {{ font-family: {_css_str(family)}; font-weight: {weight}; '
                         f'font-style: {slant}; src: url("{url}") format("woff"); }}')
    return "".join(rule + "\n" for rule in rules)


_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def _logo(theme: Theme, meta) -> str:
    """The theme's logo above the title block, as in the PDF; its text from `logo_alt` (empty: decoration)."""
    data = theme.logo_bytes()
    kind = next((k for magic, k in _IMAGE_TYPES.items() if data and data.startswith(magic)), None)
    if kind is None:
        return ""
    url = f"data:{kind};base64," + base64.b64encode(data).decode("ascii")
    return f'<p class="logo"><img src="{url}" alt="{escape(logo_text(theme, meta))}"></p>\n'


class _Writer:
    def __init__(self, document: Document):
        # Note targets are fixed (`note-N`), so reserve them before headings claim their slugs.
        self.ids = {f"note-{n.number}" for b in document.blocks if isinstance(b, Notes) for n in b.items}
        self.refs: dict[int, int] = {}
        self.level = 0  # the level of the heading before: a box's title is a heading one below
        self.boxes = 0

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
                self.level = level
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
                if not title:
                    return f'<aside class="callout {escape(kind)}">\n{self.blocks(blocks)}\n</aside>'
                self.boxes += 1
                ident, level = self.unique(f"box-{self.boxes}"), min(self.level + 1, 6)
                head = f'<h{level} class="callout-title" id="{ident}">{escape(title)}</h{level}>\n'
                return (f'<aside class="callout {escape(kind)}" aria-labelledby="{ident}">\n{head}'
                        f'{self.blocks(blocks)}\n</aside>')
            case Quote(blocks=blocks):
                return f"<blockquote>\n{self.blocks(blocks)}\n</blockquote>"
            case Rule():
                return "<hr>"
            case PageBreak():
                return '<div class="pagebreak"></div>'
            case Notes(items=items):
                out = []
                for note in items:
                    n, count = note.number, self.refs.get(note.number, 0)
                    back = "".join(  # back to every place the note is cited, not only the first
                        f' <a class="backref" role="doc-backlink" href="#ref-{n}-{k}" aria-label="Back to citation '
                        f'{k} of note {n}">\u21a9{"" if count == 1 else f"<sup>{k}</sup>"}</a>' for k in range(1, count + 1))
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
                    out.append(f'<sup class="noteref">{comma}<a href="#note-{n}" id="ref-{n}-{k}" role="doc-noteref" '
                               f'aria-label="Source note {n}">{n}</a></sup>')
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
    head = f"{_css_str(theme.heading_font.name)}, sans-serif"
    # sizes and colours as the PDF's styles (writers/pdf/styles.py), relative to the body size
    return f"""@page {{ size: {theme.page_size}; margin: {m.top}mm {m.right}mm {m.bottom}mm {m.left}mm;{boxes}
}}
body {{ font-family: {_css_str(theme.body_font.name)}, sans-serif; font-size: {theme.body_size}pt;
  color: {c.text}; line-height: 1.38; max-width: 48em; margin: 0 auto; padding: 1em; }}
p, li {{ margin: 0 0 .6em; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {head}; color: {c.heading}; font-weight: bold; line-height: 1.25; }}
h1 {{ font-size: 1.35em; margin: 1.3em 0 .5em; }}
h2 {{ font-size: 1.1em; margin: .9em 0 .35em; }}
h3, h4, h5, h6 {{ font-size: 1em; margin: .7em 0 .25em; color: {c.text}; }}
.letterhead {{ font-family: {head}; font-weight: bold; font-size: .95em; color: {c.accent}; margin: 0 0 1.2em; }}
h1.title {{ font-size: 2em; line-height: 1.2; margin: 0 0 .3em; }}
.subtitle {{ font-style: italic; font-size: 1.1em; color: {c.accent}; margin: 0 0 .8em; }}
.meta {{ font-size: .85em; color: #555555; margin: 0 0 .4em; }}
.small {{ font-size: .85em; }}
.logo img {{ height: 16mm; width: auto; }}
a {{ color: {c.accent}; text-decoration: underline; }}
sup {{ line-height: 0; }}
sup.noteref a {{ color: inherit; text-decoration: none; }}
hr {{ border: 0; border-top: 1px solid {c.rule}; }}
.marking {{ text-align: center; font-weight: bold; color: {c.marking}; margin: .5em 0; }}
.organisation, .footer {{ text-align: center; font-size: 85%; }}
table {{ border-collapse: collapse; width: 100%; margin: .2em 0 .9em; font-size: .88em; line-height: 1.18; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; color: {c.heading}; padding: .4em 0 .3em; }}
th, td {{ border-bottom: .4pt solid {c.rule}; padding: 3.5pt 5pt 4pt; vertical-align: top; }}
th {{ background: {c.table_header}; color: {c.heading}; text-align: left; border-bottom: .9pt solid {c.heading}; }}
th p, td p {{ margin: 0; }}
tbody tr:nth-child(even) {{ background: {c.table_stripe}; }}
aside.callout {{ background: {c.callout}; border-left: 3pt solid {c.accent}; padding: 8pt 10pt 4pt; margin: 4pt 0 1em; }}
aside.callout ul {{ padding-left: 1.4em; margin: 0; }}
aside.callout li {{ margin: 0 0 .3em; }}
li > p {{ margin: 0 0 .3em; }}
.callout-title {{ font-family: {head}; font-size: 1.05em; color: {c.heading}; margin: 0 0 .3em; }}
li::marker {{ color: {c.accent}; }}
blockquote {{ border-left: 3px solid {c.rule}; margin-left: 0; padding-left: 1em; font-style: italic; }}
pre.code {{ white-space: pre-wrap; }}
ol.notes {{ font-size: .85em; }}
a.backref {{ text-decoration: none; }}
.pagebreak {{ break-after: page; }}
.desk {{ background: {c.table_stripe}; border-left: 3px solid {c.rule}; margin: 0 0 .4em; padding: .3em .75em; }}
p.desk-label {{ font-size: 85%; font-style: italic; color: {c.accent}; margin-bottom: 1em; }}
@media print {{ body {{ max-width: none; padding: 0; }} }}
"""
