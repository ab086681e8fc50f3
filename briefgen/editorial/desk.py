"""The desk's part of a meeting brief: its sections with placeholders resolved, who drafted and
cleared each, which sections a copy of a lower marking leaves out.

Desk text is data like fact text (Markdown specials print literally); a placeholder becomes the
sourced value followed by its record's note references, so the figure a minister reads in a point
to make carries the same note as the annex that sources it.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.render.cldr import format_partial_date, format_period
from briefgen.editorial.context import cite, format_amount
from briefgen.errors import Problem
from briefgen.facts import desktext
from briefgen.facts.meetings import SECTION_HEADINGS, MeetingBrief, figure_field
from briefgen.facts.schema import Record
from briefgen.render.markup import MarkdownText


def figure_text(record: Record, field: str | None, locale: str) -> str:
    """A record's value as the brief prints it: 'more than 38', 'US$250 million', '30 July 2022'."""
    whole = field is None  # `{goal}` prints a goal's whole range; `{goal.high}` its upper end
    field = field or figure_field(record)
    value = getattr(record, field)
    if field == "count":
        qualifier = getattr(record, "count_qualifier", "exactly")
        return ("" if qualifier == "exactly" else f"{qualifier} ") + f"{value:,}"
    if field in ("value", "low", "high"):
        amount = format_amount(value, record.currency, record.unit, locale)
        low = getattr(record, "low", None)
        if whole and low is not None:
            return f"{format_amount(low, record.currency, record.unit, locale)} to {amount}"
        return amount
    if field in ("date", "since"):
        return format_partial_date(value, locale)
    if field in ("period", "term"):
        return format_period(value, locale)
    return str(value)


def resolve(text: str, records: dict[str, Record], meeting: MeetingBrief, locale: str) -> MarkdownText:
    """Desk text with each placeholder replaced by its sourced value and note references; a
    placeholder to a record the fact base lacks prints as a visible gap (a draft may have one)."""
    pieces, _ = desktext.parse(text)
    out = MarkdownText("")
    for piece in pieces:
        if isinstance(piece, str):
            out += MarkdownText.escape(piece)
        elif piece.record == "meeting":
            value = getattr(meeting.meeting, piece.field)
            out += MarkdownText.escape(format_partial_date(value, locale) if piece.field == "date" else value or "")
        elif piece.record in records:
            record = records[piece.record]
            out += MarkdownText.escape(figure_text(record, piece.field, locale)) + cite(record)
        else:
            out += MarkdownText.escape(f"[missing figure: {piece.written}]")
    return out


@dataclass(frozen=True)
class DeskItem:
    text: MarkdownText
    lead: MarkdownText | None = None  # an ask, or the subject an if-raised line answers
    lines: tuple[MarkdownText, ...] = ()


@dataclass(frozen=True)
class DeskSection:
    name: str
    heading: str
    label: str  # "Desk — EX, 1 December 2026; cleared by …, 2 December 2026"
    cleared: bool
    marking: str
    items: tuple[DeskItem, ...]
    raised: bool = False  # marked above the rest of the brief (its heading says so)


def desk_sections(meeting: MeetingBrief, records: dict[str, Record], marking: str, locale: str) -> list[DeskSection]:
    """Every section the file has, in order, resolved; `marking` is the brief's own."""
    def text(value: str) -> MarkdownText:
        return resolve(value, records, meeting, locale)

    out = []
    for name, section in meeting.section_items():
        drafted = section.drafted or meeting.drafted
        cleared = section.cleared or meeting.cleared
        label = f"Desk — {drafted.initials or drafted.by}, {format_partial_date(drafted.date, locale)}; " + (
            f"cleared by {cleared.by}, {format_partial_date(cleared.date, locale)}" if cleared else "not cleared")
        items = []
        for item in section.items:
            if isinstance(item, str):
                items.append(DeskItem(text(item)))
            elif hasattr(item, "ask"):
                items.append(DeskItem(text(item.response) if item.response else MarkdownText(""), lead=text(item.ask)))
            else:
                first, *more = item.lines
                items.append(DeskItem(text(first), lead=text(item.subject), lines=tuple(text(x) for x in more)))
        out.append(DeskSection(name, SECTION_HEADINGS[name], label, cleared is not None, section.marking or marking,
                               tuple(items), raised=bool(section.marking) and section.marking.casefold() != marking.casefold()))
    return out


# --- markings: the copy's marking and what a lower copy leaves out ----------------------------


def marking_problems(meeting: MeetingBrief, order: list[str], base: str, limit: str | None, at, where_limit: str
                     ) -> list[Problem]:
    """A marking the workspace's order does not know (at its line), and a limit below the brief's own."""
    known = {m.casefold() for m in order}
    problems = []
    for name, section in meeting.section_items():
        if section.marking and section.marking.casefold() not in known:
            problems.append(Problem(at(("sections", name, "marking")), _unknown(section.marking, order)))
    for value, loc in ((base, at(("marking",)) if meeting.marking else None), (limit, None)):
        if value is not None and value.casefold() not in known:  # '' too: `--marking-limit ""` ranks nowhere
            problems.append(Problem(loc, (f"{where_limit}: " if value is limit else "") + _unknown(value, order)))
    if not problems and limit is not None and rank(base, order) > rank(limit, order):
        problems.append(Problem(None, f"{where_limit} {limit} is below the brief's own marking {base}: "
                                      "no copy of it can be marked that low"))
    return problems


def _unknown(value: str, order: list[str]) -> str:
    return f"unknown marking '{value}' (markings in briefgen.toml, lowest first: {', '.join(order)})"


def rank(marking: str, order: list[str]) -> int:
    folded = [m.casefold() for m in order]
    return folded.index(marking.casefold())


def apply_limit(sections: list[DeskSection], base: str, limit: str | None, order: list[str]
                ) -> tuple[list[DeskSection], list[DeskSection], str, str]:
    """(kept, left out, the copy's marking, the full brief's marking): the copy is marked as the
    highest of what it holds."""
    full = max([base] + [s.marking for s in sections], key=lambda m: rank(m, order))
    if limit is None:
        return sections, [], full, full
    kept = [s for s in sections if rank(s.marking, order) <= rank(limit, order)]
    left = [s for s in sections if s not in kept]
    copy = max([base] + [s.marking for s in kept], key=lambda m: rank(m, order))
    return kept, left, copy, full


UNCLEARED = "not cleared (add cleared: {by: NAME, date: YYYY-MM-DD} to the section or to the whole file)"


def uncleared(sections: list[DeskSection], at) -> list[Problem]:
    return [Problem(at(("sections", s.name)), f"{s.heading}: {UNCLEARED}") for s in sections if not s.cleared]



def as_warnings(pending: list[Problem]) -> list[Problem]:
    """What stops a final build, as a draft's warnings: the uncleared sections in one line."""
    sections = [p for p in pending if p.message.endswith(UNCLEARED)]
    if len(sections) < 2:
        return pending
    where = ", ".join(f"{p.message.removesuffix(': ' + UNCLEARED)} (line {p.location.line})" for p in sections)
    merged = Problem(sections[0].location, f"not cleared: {where}; a draft until each section (or the whole file) "
                                           "has cleared: {by: NAME, date: YYYY-MM-DD}")
    return [merged] + [p for p in pending if p not in sections]
