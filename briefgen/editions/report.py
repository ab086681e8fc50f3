"""`Changes` as a reader gets them: text for the terminal (with record ids, for the desk), Markdown
and HTML for a note (no ids), JSON for scripts, and the short lines of the changes box.

The order is the brief's: what page 1 shows (currency, the "Not current" warning, key facts, the
latest contact), then each section as the brief reads, then the source notes."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from briefgen.editions.diff import NOT_GIVEN, Change, Changes, RecordChange, source_line
from briefgen.editions.wording import date_words, kind_noun
from briefgen.render.markup import escape_markdown

ARROW = "→"
VERBS = {"added": "added", "changed": "changed", "removed": "removed"}


def title(changes: Changes, locale: str) -> str:
    return f"Changes since the edition of {date_words(changes.since, locale)}"


def _page_one(changes: Changes) -> list[Change]:
    """Page-1 lines: currency, warning, key figures, and the latest contact unless a key figure
    already says the same."""
    lines = []
    if changes.not_current:
        lines.append(Change("“Not current” warning", changes.not_current.old, changes.not_current.new))
    if changes.currency:
        lines.append(changes.currency)
    c = changes.latest_contact
    for k in changes.key_figures:  # the key-facts line of the latest contact: said once, with the old contact
        lines.append(Change(k.what, c.old, k.new) if c and k.new == c.new and k.old == NOT_GIVEN else k)
    if c and not any(k.new == c.new for k in changes.key_figures):
        lines.append(Change("Latest contact", c.old, c.new))
    return lines


def _change_line(change: Change) -> str:
    if change.what == "currency":
        return f"{change.old} {ARROW} {change.new}"
    return f"{change.what}: {change.old} {ARROW} {change.new}"


def _source_lines(changes: Changes, locale: str, ids: bool) -> list[tuple[str, str]]:
    """(sign, line) for sources added, retired and changed."""
    def named(word: str, sid: str) -> str:
        return f"{word} {sid}: " if ids else f"{word}: "

    return ([("+", named("added", s["id"]) + source_line(s, locale)) for s in changes.sources_added]
            + [("-", named("retired", s["id"]) + source_line(s, locale)) for s in changes.sources_retired]
            + [("~", named("changed", c.what) + f"{c.old} {ARROW} {c.new}") for c in changes.sources_changed])


def _closing(changes: Changes) -> list[str]:
    out = [f"Titles now read “then”: the contact of {name}" for name in changes.then]
    out += [f"Titles no longer read “then”: the contact of {name}" for name in changes.no_longer_then]
    if changes.pages:
        out.append(f"Pages: {changes.pages.old} {ARROW} {changes.pages.new}")
    if changes.wording_only:
        out.append(_wording_only(changes))
    return out


def _wording_only(changes: Changes) -> str:
    what = " and ".join({"templates": "the templates", "theme": "the theme", "locale": "the locale"}[w]
                        for w in changes.wording)
    return f"Wording only: {what} changed; no record, source or figure did"


# --- text ---------------------------------------------------------------------------------


def _text_words(rec: RecordChange) -> str:
    return " ".join(t if op == "=" else f"[-{t}-]" if op == "-" else f"{{+{t}+}}" for op, t in rec.words)


def as_text(changes: Changes, locale: str) -> str:
    head = f"{changes.brief}: {title(changes, locale).lower()[0]}{title(changes, locale)[1:]}"
    lines = [f"{head} ({changes.since_file})" if changes.since_file else head]
    if changes.empty:
        return "\n".join(lines + ["No changes."]) + "\n"
    page_one = _page_one(changes)
    if page_one:
        lines += ["", "Page 1"] + [f"  {_change_line(c)}" for c in page_one]
    for section in changes.sections:
        lines += ["", section.heading]
        for rec in section.records:
            sign = {"added": "+", "removed": "-", "changed": "~"}[rec.change]
            shown = _text_words(rec) if rec.words else rec.text
            lines.append(f"  {sign} {VERBS[rec.change]} {kind_noun(rec.kind)} [{rec.id}]: {shown}")
            lines += [f"      {k}: {a} {ARROW} {b}" for k, a, b in _details(rec)]
            if rec.sources:
                lines += [f"      sources {word}: {', '.join(ids)}" for word, ids in zip(("dropped", "added"), rec.sources) if ids]
    sources = _source_lines(changes, locale, ids=True)
    if sources:
        lines += ["", "Source notes"] + [f"  {sign} {line}" for sign, line in sources]
    closing = _closing(changes)
    if closing:
        lines += [""] + closing
    return "\n".join(lines) + "\n"


def _details(rec: RecordChange) -> list[tuple[str, str, str]]:
    out = list(rec.values)
    if rec.label:
        out.insert(0, ("short form", rec.label[0] or "none", rec.label[1] or "none"))
    if rec.moved_from:
        out.append(("section", rec.moved_from, rec.section))
    return out


# --- Markdown and HTML: a note to circulate --------------------------------------------------


@dataclass(frozen=True)
class _Markup:
    """How a note marks its parts: Markdown or HTML."""

    escape: Callable[[str], str]
    deleted: str  # a format string for deleted words
    inserted: str
    title: str
    group: Callable[[str, list[str]], str]  # a heading and its items
    details: Callable[[list[str]], str]  # the lines under an item
    paragraph: str
    close: str = ""


MARKDOWN = _Markup(escape_markdown, "~~{}~~", "**{}**", "## {}\n",
                   lambda heading, items: f"**{heading}**\n\n" + "".join(f"- {i}\n" for i in items),
                   lambda lines: "".join(f"\n  - {line}" for line in lines), "{}\n")
HTML = _Markup(html.escape, "<del>{}</del>", "<ins>{}</ins>", "<section class=\"changes\">\n<h2>{}</h2>",
               lambda heading, items: f"<h3>{heading}</h3>\n<ul>\n" + "".join(f"<li>{i}</li>\n" for i in items) + "</ul>",
               lambda lines: "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" if lines else "",
               "<p>{}</p>", "</section>\n")


def as_note(changes: Changes, locale: str, markup: _Markup = MARKDOWN) -> str:
    """A note to circulate: no ids, deleted words struck through, new ones marked."""
    e = markup.escape
    parts = [markup.title.format(e(title(changes, locale)))]
    if changes.empty:
        return "\n".join(parts + [markup.paragraph.format("No changes."), markup.close]).rstrip("\n") + "\n"

    def group(heading: str, items: list[str]) -> None:
        if items:
            parts.append(markup.group(e(heading), items))

    group("Page 1", [e(_change_line(c)) for c in _page_one(changes)])
    for section in changes.sections:
        items = []
        for rec in section.records:
            shown = " ".join(e(t) if op == "=" else (markup.deleted if op == "-" else markup.inserted).format(e(t))
                             for op, t in rec.words) if rec.words else e(rec.text)
            details = markup.details([f"{e(k)}: {e(a)} {ARROW} {e(b)}" for k, a, b in _details(rec)])
            items.append(f"{e(VERBS[rec.change].capitalize())} ({e(kind_noun(rec.kind))}): {shown}{details}")
        group(section.heading, items)
    group("Source notes", [e(line[0].upper() + line[1:]) for _, line in _source_lines(changes, locale, ids=False)])
    parts += [markup.paragraph.format(e(line)) for line in _closing(changes)]
    return "\n".join(parts + [markup.close]).rstrip("\n") + "\n"


def as_json(changes: Changes) -> str:
    data = asdict(changes)
    data.update(wording_only=changes.wording_only, empty=changes.empty)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# --- the changes box ------------------------------------------------------------------------


def box_items(changes: Changes, locale: str) -> tuple[str, ...]:
    """One short plain-text line per change, for the box on page 1 and the cover note. Worded without
    arrows: a theme's fonts need not have them."""
    if changes.empty:
        return ("No changes.",)
    items = []
    if changes.not_current:
        items.append("The “Not current” warning no longer applies" if changes.not_current.new == "not shown"
                     else "The brief is now marked “Not current”")
    if changes.newest:
        items.append(f"Sources now current to {changes.newest.new} (previously {changes.newest.old})")
    elif changes.currency:
        items.append(f"{changes.currency.new} (previously: {changes.currency.old})")
    items += [f"{c.what}: {c.new} (previously {c.old})" for c in _page_one(changes)
              if c.what not in ("currency", "“Not current” warning")]
    for section in changes.sections:
        items.append(f"{section.heading}: {counted(section.records)}")
    sources = [f"{n} {word}" for n, word in ((len(changes.sources_added), "added"),
                                              (len(changes.sources_retired), "retired"),
                                              (len(changes.sources_changed), "changed")) if n]
    if sources:
        items.append(f"Sources: {', '.join(sources)}")
    items += [line for line in _closing(changes) if not line.startswith("Pages")]
    return tuple(items)


def counted(records) -> str:
    """'2 contacts added; 1 agreement added'; one kind changed several ways: '1 point changed, 1 added'."""
    by_kind: dict[str, dict[str, int]] = {}
    for rec in records:
        changes = by_kind.setdefault(rec.kind, {})
        changes[rec.change] = changes.get(rec.change, 0) + 1
    parts = []
    for kind, changes in by_kind.items():
        if len(changes) == 1:
            (change, n), = changes.items()
            parts.append(f"{n} {kind_noun(kind, n)} {VERBS[change]}")
        else:
            (first, n), *rest = changes.items()
            parts.append(f"{n} {kind_noun(kind, n)} {VERBS[first]}, " + ", ".join(f"{m} {VERBS[c]}" for c, m in rest))
    return "; ".join(parts)
