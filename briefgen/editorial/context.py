"""What templates see: the brief, its countries and sources, derived views, and filters.

Everything a template can use is defined here (and listed in the template author's guide), so
templates stay declarative: they choose order and wording, this module computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from markupsafe import Markup

from briefgen.dates import end_key, start_key
from briefgen.render import cldr
from briefgen.render.cldr import format_partial_date, format_period
from briefgen.editorial.citation import cite_source
from briefgen.editorial.freshness import data_currency, freshness
from briefgen.facts.factbase import FactBase
from briefgen.facts.schema import iter_records
from briefgen.facts.schema import Brief, Diaspora, Record, Source, TradeGoal, TradeVolume
from briefgen.render.markup import MarkdownText

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
    stale_after_months: int = 12


def full_stop(value: object) -> object:
    """End a phrase with a full stop unless it already ends with . ! ? or …: 'Tashkent' -> 'Tashkent.',
    'Washington, D.C.' stays as it is. Markdown stays Markdown."""
    text = value if isinstance(value, Markup) else str(value)
    if re.search(r"[.!?…][\"'”’)\]]*\s*$", str(text)):
        return text
    return text + "."


def join_and(items, conjunction: str = "and") -> str:
    items = [str(i) for i in items]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def format_amount(value: float, currency: str, unit: str = "", locale: str = "en_GB") -> str:
    """250, 'USD', 'million' -> 'US$250 million'."""
    return f"{cldr.currency_symbol(currency, locale)}{cldr.decimal(value, locale)}" + (f" {unit}" if unit else "")


def cite(*records: Record) -> MarkdownText:
    """Note references to every source the records cite, once each: `[^source-id]`."""
    ids = dict.fromkeys(c.source for r in records for c in r.sources)
    return MarkdownText("".join(f"[^{i}]" for i in ids))


@dataclass(frozen=True)
class Cited:
    """One `cite` call of a render: the template that made it, the records, their sources' ids."""

    template: str
    records: tuple[Record, ...]
    sources: tuple[str, ...]


def citing(log: list[Cited]):
    """`cite` that also logs each call, in the order the brief prints them. A record on the page is
    cited there, so the log is what the brief printed and where (editions; the preview's map from a
    note marker to its records)."""
    from jinja2 import pass_context

    @pass_context
    def cite_and_log(ctx, *records: Record) -> MarkdownText:
        marks = cite(*records)
        log.append(Cited(ctx.name or "", records, tuple(dict.fromkeys(c.source for r in records for c in r.sources))))
        return marks

    return cite_and_log


def reported_once():
    """`also_reported(record)` for the templates: after a record's text, what the other reports it
    acknowledges give, with their notes (" One report gives 36.[^wenews]"); said once per brief, where
    the text is first printed, and nothing for a record without `also_reported`."""
    from briefgen.facts.disagree import reported

    said: set[str] = set()

    def also_reported(record: Record) -> MarkdownText:
        if not record.also_reported or record.id in said:
            return MarkdownText("")
        said.add(record.id)
        return MarkdownText(reported_sentence(reported(record)))

    return also_reported


def reported_sentence(figures: list[tuple[str, str]]) -> str:
    """' One report gives 36.[^wenews]', ' Two reports give 36.[^a][^b]', or ' Other reports give 36[^a]
    and more than 30.[^b]' for (source id, figure) pairs."""
    if not figures:
        return ""
    by_figure: dict[str, list[str]] = {}
    for source, figure in figures:
        by_figure.setdefault(figure, []).append(source)
    notes = {f: "".join(f"[^{s}]" for s in dict.fromkeys(ids)) for f, ids in by_figure.items()}
    if len(by_figure) == 1:
        (figure, ids), = by_figure.items()
        n = len(set(ids))
        count = "One report gives" if n == 1 else f"{number_words(n).capitalize()} reports give"
        return f" {count} {MarkdownText.escape(figure)}.{notes[figure]}"
    parts = [f"{MarkdownText.escape(f)}{notes[f]}" for f in by_figure]
    last = parts[-1].replace("[^", ".[^", 1)
    return " Other reports give " + ", ".join(parts[:-1]) + " and " + last


def number_words(n: int) -> str:
    return ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][n] if n < 10 else str(n)


def note(source: Source) -> MarkdownText:
    """The start of a source's note definition: `[^source-id]:`."""
    return MarkdownText(f"[^{source.id}]:")


def when(record: Record) -> str | None:
    """When a record happened or held: its date (or range), period, or 'since' date, as written."""
    return record.date or record.period or getattr(record, "since", None)


@dataclass(frozen=True)
class ChronologyEntry:
    date: str
    record: Record


def commentary_echoes(fb: FactBase):
    """The workspace's `attribution.Echoes` (quotes that repeat a commentary), made once per fact base."""
    from briefgen.facts.attribution import Echoes

    if fb.echoes is None:
        fb.echoes = Echoes(fb.sources, fb.documents)
    return fb.echoes


def in_office_voice(fb: FactBase):
    """Whether a record may stand where the brief speaks in its own voice (a chronology row): not resting
    only on commentary, or saying whose view it is."""
    from briefgen.facts.attribution import names_its_source, rests_only_on_commentary

    echoes = commentary_echoes(fb)
    return lambda r: not rests_only_on_commentary(r, fb.sources, echoes) or names_its_source(r, fb.sources,
                                                                                             r.label or r.text)


def chronology(brief: Brief, keep=None) -> list[ChronologyEntry]:
    """Every dated event, oldest first: one entry a record, a meeting with its points being one event.
    Summary points restate other records and are left out, and so are figures (a trade volume or goal,
    a diaspora): the year of a figure is not an event. `keep(record)` may leave out more."""
    entries = []
    for loc, record in iter_records(brief):
        if loc and loc[0] == "summary" or "points" in loc or is_figure(record) or keep and not keep(record):
            continue
        at = record.date or record.period  # a 'since' date starts a running total, which is not an event
        if at:
            entries.append(ChronologyEntry(str(at), record))
    return sorted(entries, key=lambda e: start_key(e.date))


def is_figure(record: Record) -> bool:
    """A record that measures rather than tells what happened: a trade volume or goal, a diaspora."""
    return isinstance(record, (TradeVolume, TradeGoal, Diaspora))


def newest_first(records) -> list:
    """Dated records newest first (by where they end), then the undated ones in their written order."""
    dated = sorted((r for r in records if when(r)), key=lambda r: end_key(when(r)), reverse=True)
    return dated + [r for r in records if not when(r)]


def current(records) -> Record | None:
    """The record that holds now: the newest dated one; a lone undated one if none is dated; else None
    (several undated figures: the sources do not say which is current)."""
    dated = [r for r in records if when(r)]
    if dated:
        return newest_first(dated)[0]
    return records[0] if len(records) == 1 else None


@dataclass(frozen=True)
class ChangesBox:
    """What changed since an edition (briefgen/editions), as the `changes` box prints it: the
    edition's date and one plain-text line per change."""

    since: str  # ISO date of the edition compared with
    items: tuple[str, ...]


def build_context(fb: FactBase, brief: Brief, info: BuildInfo, sections: tuple[str, ...],
                  cites: list[Cited] | None = None, changes: ChangesBox | None = None) -> dict[str, object]:
    used = {c.source for _, r in iter_records(brief) for c in (*r.sources, *r.also_reported)}
    sources = [s for s in fb.sources.values() if s.id in used]
    pair = [fb.countries[code] for code in brief.countries]
    meetings = newest_first(brief.diplomacy.meetings)
    shared = [mm for mm in brief.multilateral.memberships if set(brief.countries) <= set(mm.members)]
    return {
        "brief": brief,
        "countries": fb.countries,
        "pair": pair,
        "sources": sources,
        "build": info,
        "sections": list(sections),
        "chronology": chronology(brief, in_office_voice(fb)),
        "data_currency": data_currency(sources, info.locale),
        "meetings": meetings,
        "last_meeting": meetings[0] if meetings else None,
        "goals": newest_first(brief.economy.goals),
        "current_goal": current(brief.economy.goals),
        "shared_memberships": shared,
        "cite": cite if cites is None else citing(cites),
        "also_reported": reported_once(),
        "note": note,
        "changes": changes,
        "citation": partial(cite_source, locale=info.locale),
        **editorial_context(fb, brief, info, sources),
    }


def editorial_context(fb: FactBase, brief: Brief, info: BuildInfo, sources: list[Source]) -> dict[str, object]:
    """What keeps a brief current, attributed and short (briefgen/editorial/views.py): the currency line and
    banner, 'then' titles, the year of a figure, what the summary already tells, what rests only on
    commentary, and sentences for records of one shape."""
    from briefgen.editorial import views
    from briefgen.facts.attribution import rests_only_on_commentary, voiced

    echoes = commentary_echoes(fb)

    def key_fact(value, summary: bool = True):
        """A record (or the records of a list) the key-facts box may show: not told by the summary (with
        `summary=False`, whatever the summary says: the latest contact and trade volume are always
        shown), not resting only on commentary. A list stays a list; a record is returned, or None."""
        def ok(r) -> bool:
            return (r is not None and not (summary and views.told_in(r, brief.summary))
                    and not rests_only_on_commentary(r, fb.sources, echoes))

        if isinstance(value, (list, tuple)):
            return [r for r in value if ok(r)]
        return value if ok(value) else None

    body = [r for loc, r in iter_records(brief) if loc[0] not in ("summary", "policies")]
    meetings = brief.diplomacy.meetings
    then = {mt.id: views.held_then(mt, meetings, info.as_of, info.stale_after_months, fb.people) for mt in meetings}
    return {
        "currency": freshness(sources, info.as_of, info.stale_after_months),
        "participants": lambda mt: [views.participant(p, fb.countries, then.get(mt.id, False)) for p in mt.participants],
        "year_of": lambda *records: max((y for r in records if (y := views.year_of(r, fb.sources))), default=None),
        "told_in": views.told_in,
        "in_summary": lambda record: views.told_in(record, brief.summary),
        "on_commentary": lambda record: rests_only_on_commentary(record, fb.sources, echoes),
        "key_fact": key_fact,
        "volume": current(brief.economy.volumes),
        "untold_policies": [p for p in brief.policies if not views.told_in(p, body, fully=True)],
        "groups": views.groups,
        "events": views.events,
        "agreements_sentence": lambda group: voiced(group, views.agreements_sentence(group), fb.sources, echoes),
        "support_sentence": lambda group: voiced(group, views.support_sentence(group, countries=fb.countries,
                                                                               locale=info.locale), fb.sources, echoes),
        "join_list": views.join_list,
        "organisations": views.organisations,
        "possessive": views.possessive,
        "number_word": views.number_word,
    }


def filters(locale: str) -> dict[str, object]:
    return {
        "date": partial(format_partial_date, locale=locale),
        "period": partial(format_period, locale=locale),
        "amount": partial(format_amount, locale=locale),
        "join_and": join_and,
        "stop": full_stop,
    }
