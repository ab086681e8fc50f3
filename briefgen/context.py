"""What templates see: the brief, its countries and sources, derived views, and filters.

Everything a template can use is defined here (and listed in the template author's guide), so
templates stay declarative: they choose order and wording, this module computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from briefgen.factbase import FactBase, iter_records
from briefgen.schema import Brief, Record, Source
from briefgen.templates import MarkdownText

DEFAULT_SECTIONS = (
    "summary", "keyfacts", "diplomacy", "multilateral", "economy", "security", "people", "policies", "outlook",
    "chronology", "sources",
)


@dataclass(frozen=True)
class BuildInfo:
    """The per-build values a template may print."""

    issued: date
    as_of: date
    marking: str
    organisation: str
    reference: str
    locale: str


def format_partial_date(value: object, locale: str = "en_GB") -> str:
    """'2022-07-30' -> '30 July 2022' (en_GB) / 'July 30, 2022' (en_US); '1991-12' -> 'December 1991'."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    if text == "undated":
        return "undated"
    if "/" in text:
        return format_period(text, locale)
    from babel.dates import format_date, format_skeleton

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError(f"'{text}' is not a date (the date filter takes YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=locale)
    return format_date(date(*parts), format="long", locale=locale)


def format_period(value: object, locale: str = "en_GB") -> str:
    """'2018/2020' -> '2018–2020'; months and days are spelled out like dates."""
    start, _, end = str(value).partition("/")
    return f"{format_partial_date(start, locale)}–{format_partial_date(end, locale)}"


def join_and(items, conjunction: str = "and") -> str:
    items = [str(i) for i in items]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def format_amount(value: float, currency: str, unit: str = "", locale: str = "en_GB") -> str:
    """250, 'USD', 'million' -> 'US$250 million'."""
    from babel.numbers import format_decimal, get_currency_symbol

    number = format_decimal(value, locale=locale)
    return f"{get_currency_symbol(currency, locale=locale)}{number}" + (f" {unit}" if unit else "")


def cite(*records: Record) -> MarkdownText:
    """Note references to every source the records cite, once each: `[^source-id]`."""
    ids = dict.fromkeys(c.source for r in records for c in r.sources)
    return MarkdownText("".join(f"[^{i}]" for i in ids))


def note(source: Source) -> MarkdownText:
    """The start of a source's note definition: `[^source-id]:`."""
    return MarkdownText(f"[^{source.id}]:")


def sort_key(value: str) -> str:
    """Partial dates sort by their start: '1991-12' before '1992', '2019/2020' as 2019."""
    start, _, end = str(value).partition("/")
    return f"{start}/{end or start}"


@dataclass(frozen=True)
class ChronologyEntry:
    date: str
    record: Record


def chronology(brief: Brief) -> list[ChronologyEntry]:
    """Every dated record (date, period or 'since'), oldest first; summary points are left out."""
    entries = []
    for loc, record in iter_records(brief):
        if loc and loc[0] in ("summary",):
            continue
        when = record.date or record.period or getattr(record, "since", None)
        if when and not (loc and "points" in loc):
            entries.append(ChronologyEntry(str(when), record))
    return sorted(entries, key=lambda e: sort_key(e.date))


def data_currency(sources: list[Source], locale: str) -> str:
    dated = sorted(s.date for s in sources if s.date != "undated")
    undated = len(sources) - len(dated)
    if not dated:
        return "Sources undated"
    line = f"Sources current to {format_partial_date(dated[-1], locale)}"
    if undated:
        line += f" ({undated} undated source{'s' if undated > 1 else ''})"
    return line


def build_context(fb: FactBase, brief: Brief, info: BuildInfo, sections: tuple[str, ...]) -> dict[str, object]:
    used = {c.source for _, r in iter_records(brief) for c in r.sources}
    sources = [s for s in fb.sources.values() if s.id in used]
    pair = [fb.countries[code] for code in brief.countries]
    last_meeting = max(brief.diplomacy.meetings, key=lambda mt: sort_key(mt.date), default=None)
    shared = [mm for mm in brief.multilateral.memberships if set(brief.countries) <= set(mm.members)]
    return {
        "brief": brief,
        "countries": fb.countries,
        "pair": pair,
        "sources": sources,
        "build": info,
        "sections": list(sections),
        "chronology": chronology(brief),
        "data_currency": data_currency(sources, info.locale),
        "last_meeting": last_meeting,
        "shared_memberships": shared,
        "cite": cite,
        "note": note,
    }


def filters(locale: str) -> dict[str, object]:
    return {
        "date": partial(format_partial_date, locale=locale),
        "period": partial(format_period, locale=locale),
        "amount": partial(format_amount, locale=locale),
        "join_and": join_and,
    }
