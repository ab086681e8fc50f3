"""Editorial views the built-in templates use to keep a brief current, attributed and short.

What a ministry's office expects of a circulated brief, computed here so that every fact base gets
it (templates choose wording and order): how current the sources are, titles people held *then*,
the year a figure is from, which records the summary already tells, and records of one shape told
together (memberships in one sentence, agreements of one kind in one sentence, support by who
backed whom, trade by direction).
"""

from __future__ import annotations

import re
from datetime import date

from briefgen.dates import last_day, months_between
from briefgen.render.cldr import format_period
from briefgen.facts.quotes import fold
from briefgen.facts.schema import Agreement, Meeting, Participant, Record, Source, Support

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def number_word(n: int) -> str:
    """3 -> 'three' (up to twelve, as style guides write them), else the digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def join_list(items, conjunction: str = "and") -> str:
    """'a, b and c'; with a serial comma when an item holds the conjunction itself, so that
    'trade and investment, defence and strategic studies, and training' reads as three items."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    serial = "," if any(f" {conjunction} " in i for i in items) else ""
    return ", ".join(items[:-1]) + f"{serial} {conjunction} " + items[-1]


def possessive(name: str) -> str:
    """'Kazakhstan' -> 'Kazakhstan’s' (typographic apostrophe, as the brief's other text)."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def year_of(record: Record, sources: dict[str, Source]) -> str | None:
    """The year a figure is from: the record's own date or period (its end), else the newest dated
    source it cites; None when nothing dates it."""
    own = record.date or record.period
    if own:
        return str(last_day(own).year)
    dated = [sources[c.source].date for c in record.sources if c.source in sources and sources[c.source].date != "undated"]
    return str(max(last_day(d) for d in dated).year) if dated else None


# --- people: the title they held then ------------------------------------------------------


def held_then(meeting: Meeting, meetings: list[Meeting], as_of: date, stale_after_months: int, people=None) -> bool:
    """Whether the participants' titles should read 'then': the people registry (`facts.people.People`)
    says a participant's office of that date has ended or is not the one held on the as-of date; else
    the meeting is older than the staleness threshold, or a later meeting gives one of its titles
    (same country) to someone else."""
    if people is not None:
        for p in meeting.participants:
            person = people.get(p.person) if p.person else people.find(p.name or "")
            office = people.office_on(person, meeting.date) if person else None
            if office is not None and (office.title.casefold() != (p.title or "").casefold()):
                office = None  # the brief gives a title of its own: the registry does not speak for it
            if office is not None:
                if office.to is not None and last_day(office.to) < as_of:
                    return True
                if people.office_on(person, as_of.isoformat()) not in (None, office):
                    return True
    if months_between(meeting.date, as_of) > stale_after_months:
        return True
    held = {(p.country, p.title.casefold()): p.name for p in meeting.participants}
    for later in meetings:
        if last_day(later.date) <= last_day(meeting.date):
            continue
        for p in later.participants:
            name = held.get((p.country, p.title.casefold()))
            if name is not None and name != p.name:
                return True
    return False


def participant(p: Participant, countries: dict, then: bool) -> str:
    """'Pakistan’s then Foreign Minister, Bilawal Bhutto Zardari' (or without 'then')."""
    country = countries[p.country].name if p.country in countries else p.country
    return f"{possessive(country)} {'then ' if then else ''}{p.title}, {p.name}"


# --- what the summary already tells --------------------------------------------------------


def _quotes(records) -> dict[str, list[str]]:
    by_source: dict[str, list[str]] = {}
    for r in records:
        for c in r.sources:
            by_source.setdefault(c.source, []).append(fold(c.quote))
    return by_source


def told_in(record: Record, records, fully: bool = False) -> bool:
    """Whether `records` already tell `record`: one of its quotes (all of them, with `fully`) occurs
    within a quote they cite from the same source. The key-facts box leaves out what the summary
    tells; a policy told by another section is not told again."""
    others = _quotes(r for r in records if r is not record)
    found = [any(fold(c.quote) in q for q in others.get(c.source, ())) for c in record.sources]
    return all(found) if fully else any(found)


# --- records of one shape, told together ---------------------------------------------------


def organisations(memberships) -> list[str]:
    """'the Economic Cooperation Organization (ECO)' for each membership, as a sentence names them."""
    return [f"the {m.organisation} ({m.acronym})" if m.acronym else f"the {m.organisation}" for m in memberships]


def events(records) -> list:
    """Records in time order: running totals and undated records first (as written), then dated
    ones by when they start."""
    def start(r) -> str | None:
        when = r.date or r.period
        return str(when).partition("/")[0] if when else None

    undated = [r for r in records if start(r) is None]
    return undated + sorted((r for r in records if start(r) is not None), key=lambda r: last_day(start(r)))


def groups(records, *attrs: str) -> list[tuple[tuple, list]]:
    """Records grouped by the values of `attrs`, groups in the order of their first record."""
    out: dict[tuple, list] = {}
    for r in records:
        out.setdefault(tuple(getattr(r, a) for a in attrs), []).append(r)
    return list(out.items())


_IRREGULAR = {"memorandum": "memoranda", "agreement": "agreements", "treaty": "treaties", "protocol": "protocols"}


def plural(kind: str) -> str:
    """'memorandum of understanding' -> 'memoranda of understanding'; the head noun is the first word."""
    head, sep, rest = kind.partition(" ")
    low = head.lower()
    if low in _IRREGULAR:
        many = _IRREGULAR[low]
    elif re.search(r"[^aeiou]y$", low):
        many = head[:-1] + "ies"
    elif re.search(r"(s|x|ch|sh)$", low):
        many = head + "es"
    else:
        many = head + "s"
    many = many[0].upper() + many[1:] if head[:1].isupper() else many
    return many + sep + rest


_STATUS_PHRASE = {"signed": "have been signed", "in force": "are in force", "proposed": "have been proposed",
                  "under negotiation": "are under negotiation"}


def agreements_sentence(group: list[Agreement]) -> str:
    """'Three memoranda of understanding have been signed, on trade and investment, …' for a group
    of agreements of one kind and status."""
    first = group[0]
    count = number_word(len(group))
    return (f"{count[0].upper()}{count[1:]} {plural(first.kind)} {_STATUS_PHRASE[first.status]}, on "
            f"{join_list(a.area for a in group)}.")


def support_sentence(group: list[Support], countries: dict, locale: str = "en_GB") -> str:
    """Who backed whom for what, one sentence a direction: 'Pakistan supported Kazakhstan’s
    successful bid for … and candidature to … (2017–2020).'"""

    first = group[0]

    def name(code: str) -> str:
        return countries[code].name if code in countries else code

    if first.supporter == "both" or first.supported == "each other":
        who, whose = "Each country", "the other’s"
    else:
        who, whose = name(first.supporter), possessive(name(first.supported))
    items = []
    for s in group:
        item = f"{s.outcome} {s.object}" if s.outcome else s.object
        items.append(f"{item} ({format_period(s.term, locale)})" if s.term else item)
    return f"{who} supported {whose} {join_list(items)}."
