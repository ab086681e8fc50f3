"""Source notes in a style a reader recognises: Chicago notes (the default) or APA references.

Formatted here rather than through citeproc-py and a CSL file: a source has six citation fields
(author, title, publisher, date, url, accessed), the output must be Markdown with every fact
escaped and the URL a link, and dates must follow the brief's locale like every other date. A CSL
processor would add a dependency, ship style files and produce HTML to convert, for two styles
that fit in forty lines. Only what the source records is printed: a missing field is left out,
never guessed; an undated source says "n.d." as both styles do.
"""

from __future__ import annotations

from urllib.parse import quote

from briefgen.render.cldr import format_partial_date
from briefgen.facts.schema import Source
from briefgen.render.markup import MarkdownText, escape_markdown

STYLES = ("chicago", "apa")


def cite_source(source: Source, style: str = "chicago", locale: str = "en_GB") -> MarkdownText:
    """The note (Chicago) or reference (APA) for `source`, as Markdown with the URL as a link."""
    if style not in STYLES:
        raise ValueError(f"unknown citation style '{style}' (choose from {', '.join(STYLES)})")
    return (_chicago if style == "chicago" else _apa)(source, locale)


def _link(url: str) -> str:
    # angle brackets keep parentheses and underscores of an address out of Markdown's way; what
    # could end them early ('>' in the address: the rest would become markup, a second link) is
    # percent-encoded, as a browser sends it anyway. The shown address is escaped text.
    target = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return f"[{escape_markdown(url)}](<{target}>)"


def _title(source: Source) -> str | None:
    return source.title or None


def _chicago(source: Source, locale: str) -> MarkdownText:
    """Chicago Manual of Style, notes: Author, "Title," *Publisher*, Date, URL."""
    parts: list[str] = []
    if source.author:
        parts.append(escape_markdown(source.author))
    title = _title(source)
    # a document without a headline is described, not quoted (CMOS 14.98: descriptive titles)
    parts.append(f"“{escape_markdown(title)}”" if title else escape_markdown(source.label))
    if source.publisher:
        parts.append(f"*{escape_markdown(source.publisher)}*")
    if source.date != "undated":
        parts.append(escape_markdown(format_partial_date(source.date, locale)))
    elif source.accessed:  # CMOS 14.207: an undated web source gives the day it was consulted
        parts.append(f"accessed {escape_markdown(format_partial_date(source.accessed, locale))}")
    else:
        parts.append("n.d.")
    if source.url:
        parts.append(_link(source.url))
    text = ", ".join(parts).replace("”, ", ",” ")  # Chicago puts the comma inside the quotation marks
    return MarkdownText(text if text.endswith(".") else text + ".")


def _apa(source: Source, locale: str) -> MarkdownText:
    """APA 7 reference: Author. (Date). *Title*. Publisher. URL"""
    parts: list[str] = []
    when = "n.d." if source.date == "undated" else format_partial_date(source.date, locale)
    title = _title(source)
    if source.author:
        parts.append(f"{escape_markdown(source.author)}. ({escape_markdown(when)}).")
        parts.append(f"*{escape_markdown(title)}*." if title else f"\\[{escape_markdown(source.label)}\\].")
    else:  # APA 9.12: without an author the title moves to the author's place
        parts.append((f"*{escape_markdown(title)}*." if title else f"\\[{escape_markdown(source.label)}\\].")
                     + f" ({escape_markdown(when)}).")
    if source.publisher:
        parts.append(f"{escape_markdown(source.publisher)}.")
    if source.url:
        if source.date == "undated" and source.accessed:
            parts.append(f"Retrieved {escape_markdown(format_partial_date(source.accessed, locale))}, from {_link(source.url)}")
        else:
            parts.append(_link(source.url))
    return MarkdownText(" ".join(parts))
