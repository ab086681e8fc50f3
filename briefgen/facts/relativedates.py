"""Dates as news writes them: 'on Tuesday', 'yesterday', 'last month', read against the report's own date.

A quote that says a call took place "on Tuesday" states a date only together with the date of the
report it comes from: in a report of Thursday 12 March 2026 it is 10 March 2026. `resolve` finds
such expressions in a record's quotes and places each against its source's `date` in
data/sources.yaml (the publication date, or the dateline's), through `briefgen.dates`. The rule is
strict: an undated source proves no relative date, and a source dated only to the month proves
'last month' but not 'on Tuesday'. What could not be placed says how to make it provable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen import dates
from briefgen.render import cldr
from briefgen.facts.quotes import fold
from briefgen.facts.schema import Citation, Source

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = "|".join(_WEEKDAYS)
_ORDINAL_DAY = r"(?P<n>\d{1,2})(?:st|nd|rd|th)"
_SHIFT = {"last": -1, "previous": -1, "this": 0, "next": 1}

# (pattern, kind, shift): the shift comes from the pattern's `which` group when it has one
_PHRASES = [
    (re.compile(rf"\bthe {_ORDINAL_DAY} of (?P<which>this|last|next|previous) month\b", re.I), "day_of_month", None),
    (re.compile(r"\b(?:today|tonight|(?:earlier|later) today|this (?:morning|afternoon|evening)|(?:earlier|later) "
                r"in the day)\b", re.I), "day", 0),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), "day", -1),
    (re.compile(r"\btomorrow\b", re.I), "day", 1),
    (re.compile(rf"\blast (?P<wd>{_WEEKDAY})\b", re.I), "weekday", -1),
    # 'on Wednesday', 'said Wednesday': the last such day on or before the report's date; not a
    # weekday that heads a full date ('Wednesday, 4 February 2026') or follows 'next'/'this'/'every'
    (re.compile(rf"(?<!next )(?<!this )(?<!every )(?<!last )\b(?:on )?(?P<wd>{_WEEKDAY})\b(?!,? (?:the )?\d)",
                re.I), "weekday", 0),
    (re.compile(r"\b(?:earlier |later )?(?P<which>last|this|next|previous) week\b", re.I), "week", None),
    (re.compile(r"\b(?:earlier |later )?(?P<which>last|this|next|previous) month\b", re.I), "month", None),
    (re.compile(r"\b(?:earlier |later )?(?P<which>last|this|next|previous) year\b", re.I), "year", None),
]

_PRECISION_WORD = {1: "year", 2: "month", 3: "day"}


@dataclass(frozen=True)
class Resolved:
    """One relative expression of a quote and the date it means in its report (None: not placed)."""

    phrase: str
    source: str
    anchor: str | None  # the source's date; None when undated
    kind: str
    value: str | None

    def explain(self) -> str:
        """"'on Tuesday' in a report of Thursday 12 March 2026 → 10 March 2026" (source 'dawn-…')."""
        return f"'{self.phrase}' in {_report_of(self.anchor)} ('{self.source}') → {_spell(self.value)}"


def resolve(citations: list[Citation], sources: dict[str, Source]) -> list[Resolved]:
    """Every relative date expression in the citations' quotes, placed against its source's date."""
    out: list[Resolved] = []
    for cite in citations:
        source = sources.get(cite.source)
        anchor = source.date if source is not None and source.date != "undated" else None
        for phrase, kind, shift, number in read(cite.quote):
            value = dates.relative_date(kind, shift, anchor, number) if anchor else None
            out.append(Resolved(phrase, cite.source, anchor, kind, value))
    return out


def read(quote: str) -> list[tuple[str, str, int, int | None]]:
    """(phrase, kind, shift, number) for each relative date expression in `quote`, in order."""
    text = fold(quote)
    found: list[tuple[int, int, tuple]] = []
    for pattern, kind, shift in _PHRASES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue  # part of a longer expression read already
            groups = m.groupdict()
            step = _SHIFT[groups["which"].lower()] if groups.get("which") else shift
            number = int(groups["n"]) if groups.get("n") else \
                _WEEKDAYS.index(groups["wd"].lower()) if groups.get("wd") else None
            found.append((m.start(), m.end(), (m.group(), kind, step, number)))
    return [item for _, _, item in sorted(found)]


def proved(resolutions: list[Resolved]) -> dict[str, Resolved]:
    """Each partial date (and range) the placed expressions state, with the expression that states it."""
    out: dict[str, Resolved] = {}
    for r in resolutions:
        if r.value is not None:
            for value in dates.stated_by(r.value):
                out.setdefault(value, r)
    return out


def failure_hint(resolutions: list[Resolved]) -> str:
    """What the relative expressions of a record's quotes mean, or why they could not be placed and
    how to make them provable, for a message about a date they do not prove; '' when there are none."""
    placed = [r.explain() for r in resolutions if r.value is not None]
    parts = [f"its relative dates mean: {'; '.join(placed)}"] if placed else []
    unplaced: dict[tuple[str, str | None], list[Resolved]] = {}
    for r in resolutions:
        if r.value is None:
            unplaced.setdefault((r.source, r.anchor), []).append(r)
    for (source, anchor), found in unplaced.items():
        phrases = " and ".join(dict.fromkeys(f"'{r.phrase}'" for r in found))
        precision = max(dates.RELATIVE_PRECISION[r.kind] for r in found)
        need = _PRECISION_WORD[precision]
        if anchor is None:
            parts.append(f"{phrases} (source '{source}') cannot be placed: that source is undated, and an undated "
                         f"report proves no relative date; give it the {need} it was published (`date:` in "
                         "data/sources.yaml) to have them read against it, or quote a sentence that states the date")
        elif len(anchor.split("-")) < precision:
            parts.append(f"{phrases} (source '{source}') needs the {need} the report was published, and the source "
                         f"is dated only {_spell(anchor)}: give its full date in data/sources.yaml if the report "
                         "states it, or quote a sentence that states the date")
        else:
            parts.append(f"{phrases} in {_report_of(anchor)} ('{source}') is no day of the calendar")
    return "; ".join(parts)


def _spell(value: str | None) -> str:
    if value is None:
        return "no date"
    return cldr.format_partial_date(value)


def _report_of(anchor: str | None) -> str:
    """'a report of Thursday 12 March 2026', 'a report of March 2026'."""
    if anchor is None:
        return "an undated report"
    text = cldr.format_partial_date(anchor)
    if anchor.count("-") == 2:
        text = f"{_WEEKDAYS[dates.first_day(anchor).weekday()].capitalize()} {text}"
    return f"a report of {text}"
