"""How current a brief is: the newest source it cites (computed here only), the title block's
data-currency line and the "Not current" banner, and the warnings when the as-of date, the sources
and the summary disagree.

A reader takes "Information as of" and the summary's "latest contact" at their word. These checks
warn (they do not fail the build) when the as-of date is before the newest source the brief
cites, when the summary cites nothing from the newest dated source or the newest meeting, and when
the newest dated source is older than `stale_after_months` (briefgen.toml) before the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from briefgen.dates import first_day, last_day, months_between, months_earlier, newest
from briefgen.render.cldr import format_partial_date
from briefgen.errors import Location, Problem
from briefgen.facts.schema import iter_records
from briefgen.facts.schema import Brief, Source


def newest_source(sources) -> Source | None:
    """The newest dated source: the one whose date's earliest possible day is latest (`dates.newest`).
    The title block, the source notes, the banner and the warnings all name this one."""
    by_date: dict[str, Source] = {}
    for s in sources:
        if s.date != "undated":
            by_date.setdefault(s.date, s)
    latest = newest(by_date)
    return by_date[latest] if latest is not None else None


def age_phrase(months: int) -> str:
    """14 -> 'more than a year'; 52 -> 'more than 4 years'; 5 -> '5 months'."""
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''}"
    years = months // 12
    return "more than a year" if years == 1 else f"more than {years} years"


@dataclass(frozen=True)
class Freshness:
    """How current the sources are, for the title block and the staleness banner."""

    count: int  # sources the brief cites
    undated: int
    newest: str | None  # ISO (partial) date of the newest dated source
    months_old: int | None  # months from the newest source to the as-of date
    stale_after_months: int

    @property
    def stale(self) -> bool:
        """Past the threshold, or nothing dated at all: the brief cannot show it is current."""
        return self.newest is None or (self.months_old or 0) > self.stale_after_months

    @property
    def age(self) -> str:
        return age_phrase(self.months_old or 0)


def freshness(sources: list[Source], as_of: date, stale_after_months: int = 12) -> Freshness:
    """The `currency` the templates see: how many sources, how many undated, the newest and its age."""
    latest = newest_source(sources)
    undated = sum(1 for s in sources if s.date == "undated")
    return Freshness(len(sources), undated, latest.date if latest else None,
                     months_between(latest.date, as_of) if latest else None, stale_after_months)


def data_currency(sources: list[Source], locale: str) -> str:
    """'Sources current to 30 July 2022 (1 undated source)', for the source notes."""
    latest = newest_source(sources)
    undated = sum(1 for s in sources if s.date == "undated")
    if latest is None:
        return "Sources undated"
    line = f"Sources current to {format_partial_date(latest.date, locale)}"
    if undated:
        line += f" ({undated} undated source{'s' if undated > 1 else ''})"
    return line




def freshness_warnings(brief: Brief, sources: dict[str, Source], as_of: date, stale_after_months: int,
                      at, locale: str = "en_GB") -> list[Problem]:
    """The freshness warnings of one brief; `at(path)` locates a path of the brief's file."""
    def shown(value) -> str:
        return format_partial_date(value, locale)

    cited = [sources[i] for i in dict.fromkeys(c.source for _, r in iter_records(brief) for c in r.sources)
             if i in sources]
    newest = newest_source(cited)
    found: list[Problem] = []
    if newest is not None and as_of < first_day(newest.date):
        found.append(Problem(at(()), f"the as-of date {shown(as_of)} is before the newest source the brief cites, "
                                     f"'{newest.id}' ({shown(newest.date)}): the brief would show information "
                                     "from after its own date; use a later --as-of"))
    if newest is not None and last_day(newest.date) < months_earlier(as_of, stale_after_months):
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
            latest = max(meetings, key=lambda mt: (last_day(mt.date), first_day(mt.date)))
            if not {c.source for c in latest.sources} & in_summary:
                where = f", {latest.place}" if latest.place else ""
                found.append(Problem(at(("summary",)), f"the summary cites none of the sources of the newest meeting "
                                                       f"({shown(latest.date)}{where}, '{latest.id}'): it may still "
                                                       "call an older contact the latest"))
    return found


def brief_freshness_warnings(fb, brief_id: str, as_of: date, stale_after_months: int, locale: str) -> list[Problem]:
    rel = fb.brief_files[brief_id]
    doc = fb.docs.get(rel)
    return freshness_warnings(fb.briefs[brief_id], fb.sources, as_of, stale_after_months,
                             doc.at if doc else (lambda _p: Location(rel)), locale)
