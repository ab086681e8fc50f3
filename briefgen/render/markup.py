"""Markdown as the brief templates' output language: fact text is data, never markup.

Every `{{ value }}` of a brief goes through `finalize` (Markdown escaping) unless it is
`MarkdownText` (made by briefgen's helpers, or `super()`, macro and `caller()` output); joins escape
plain text for Markdown, not HTML; filters whose Markup result could hold HTML-escaped data are
demoted to plain text (`plain_result`) so that it is escaped too.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup


class MarkdownText(Markup):
    """A string that already is Markdown (made by briefgen's helpers): not escaped again.

    It is a markupsafe `Markup`, so Jinja passes it (and `super()`, macro and `caller()` output)
    through as it is. Whatever plain text is joined to it (`+`, `%`, `.join`, `~`) is escaped for
    Markdown, not for HTML."""

    @classmethod
    def escape(cls, s):
        return cls(s) if hasattr(s, "__html__") else cls(escape_markdown(s))


def markdown_join(parts) -> str:
    """`a ~ b` in a brief template: Markdown joins Markdown, plain text is escaped."""
    parts = list(parts)
    if any(hasattr(p, "__html__") for p in parts):
        return MarkdownText("").join(parts)
    return "".join(str(p) for p in parts)


def markdown_join_filter(value, d: str = "", attribute=None):
    if attribute is not None:
        value = [getattr(v, attribute) if not isinstance(v, dict) else v[attribute] for v in value]
    return markdown_join(_interleave(list(value), d))


def _interleave(items: list, separator) -> list:
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(separator)
        out.append(item)
    return out


def plain_result(f):
    """A filter whose Markup result may hold HTML-escaped (not Markdown-escaped) data: demote it to
    plain text so that finalize escapes all of it."""

    def wrapped(*args, **kwargs):
        result = f(*args, **kwargs)
        return str(result) if isinstance(result, Markup) and not isinstance(result, MarkdownText) else result

    return functools.update_wrapper(wrapped, f)  # keeps Jinja's pass_eval_context marker


_ALWAYS = re.compile(r"([\\`*_\[\]<>&|~{}])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>:]|\d+[.)])")
_SPACE = re.compile(r"\s+")


def escape_markdown(value: object) -> str:
    """Make text literal in Markdown: escape what would otherwise be syntax, fold line breaks."""
    text = _SPACE.sub(" ", str(value))
    text = _ALWAYS.sub(r"\\\1", text)
    return _LINE_START.sub(lambda mm: mm.group(1) + "\\" + mm.group(2), text)


def finalize(value: object) -> object:
    """Every `{{ value }}` of the brief: data is escaped for Markdown; Markup (already Markdown) is not."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(escape_markdown(value))


