"""Is the brief current? Warnings when the as-of date, the sources and the summary disagree.

A reader takes "Information as of" and the summary's "latest contact" at their word. These checks
warn (they do not fail the build) when the as-of date is before the newest source the brief
cites, when the summary cites nothing from the newest dated source or the newest meeting, and when
the newest dated source is older than `stale_after_months` (briefgen.toml) before the as-of date.
"""

from __future__ import annotations

import calendar
from datetime import date

from briefgen.errors import Location, Problem
from briefgen.facts.factbase import iter_records
from briefgen.facts.schema import Brief, Source


def first_day(partial: str) -> date:
    """The earliest day a partial date can mean: '2026-02' -> 2026-02-01 (a range: its start)."""
    parts = [int(p) for p in partial.partition("/")[0].split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(partial: str) -> date:
    """The latest day a partial date can mean: '2025' -> 2025-12-31 (a range: its end)."""
    text = partial.rpartition("/")[2] if "/" in partial else partial
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    return date(year, month, parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1])


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def currency_warnings(brief: Brief, sources: dict[str, Source], as_of: date, stale_after_months: int,
                      at, locale: str = "en_GB") -> list[Problem]:
    """The currency warnings of one brief; `at(path)` locates a path of the brief's file."""
    from briefgen.editorial.context import format_partial_date

    def shown(value) -> str:
        return format_partial_date(value, locale)

    cited = [sources[i] for i in dict.fromkeys(c.source for _, r in iter_records(brief) for c in r.sources)
             if i in sources]
    dated = [s for s in cited if s.date != "undated"]
    newest = max(dated, key=lambda s: (last_day(s.date), s.date), default=None)
    found: list[Problem] = []
    if newest is not None and as_of < first_day(newest.date):
        found.append(Problem(at(()), f"the as-of date {shown(as_of)} is before the newest source the brief cites, "
                                     f"'{newest.id}' ({shown(newest.date)}): the brief would show information "
                                     "from after its own date; use a later --as-of"))
    if newest is not None and last_day(newest.date) < months_before(as_of, stale_after_months):
        found.append(Problem(at(()), f"the newest source the brief cites, '{newest.id}' ({shown(newest.date)}), is "
                                     f"more than {stale_after_months} months older than the as-of date "
                                     f"{shown(as_of)}: the brief may be out of date (stale_after_months in "
                                     "briefgen.toml sets the limit)"))
    if brief.summary:
        in_summary = {c.source for r in brief.summary for c in r.sources}
        if newest is not None and newest.id not in in_summary:
            found.append(Problem(at(("summary",)), f"the summary cites nothing from the newest source, '{newest.id}' "
                                                   f"({shown(newest.date)}): it may not say what is latest"))
        meetings = brief.diplomacy.meetings
        if meetings:
            latest = max(meetings, key=lambda mt: (last_day(mt.date), mt.date))
            if not {c.source for c in latest.sources} & in_summary:
                where = f", {latest.place}" if latest.place else ""
                found.append(Problem(at(("summary",)), f"the summary cites none of the sources of the newest meeting "
                                                       f"({shown(latest.date)}{where}, '{latest.id}'): it may still "
                                                       "call an older contact the latest"))
    return found


def brief_currency_warnings(fb, brief_id: str, as_of: date, stale_after_months: int, locale: str) -> list[Problem]:
    rel = fb.brief_files[brief_id]
    doc = fb.docs.get(rel)
    return currency_warnings(fb.briefs[brief_id], fb.sources, as_of, stale_after_months,
                             doc.at if doc else (lambda _p: Location(rel)), locale)
