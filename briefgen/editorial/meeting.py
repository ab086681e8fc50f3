"""What the meeting brief's templates see: the meeting, the desk's sections, and annexes built from
the country brief's fact base — key figures, contacts, pen pictures, background.

Every annex line is a record of the fact base with its notes; what the file states (the meeting's
date, place, people as the desk names them) is printed as the desk's. What would stop a final
build (a section not cleared, a required figure missing, a counterpart's title no recent source
confirms) is gathered here as located problems: a draft prints them on page 1, `--final` refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from briefgen.editorial import desk, views
from briefgen.dates import first_day, last_day, months_between, months_earlier
from briefgen.render.cldr import format_partial_date
from briefgen.editorial.context import BuildInfo, build_context, chronology, newest_first
from briefgen.editorial.freshness import age_phrase
from briefgen.errors import Problem
from briefgen.facts.attribution import rests_only_on_commentary
from briefgen.facts.factbase import FactBase
from briefgen.facts.meetings import LoadedMeeting, Person, is_figure
from briefgen.facts.quotes import fold
from briefgen.facts.schema import Diaspora, Meeting, Record, Training, TradeGoal, TradeVolume, iter_records


MEETING_TEMPLATE = "meeting.md.j2"


def meeting_brief_context(fb: FactBase, loaded: LoadedMeeting, info: BuildInfo, config, codes: str,
                          marking_limit: str | None) -> tuple[dict[str, object], list[Problem], list[Problem]]:
    """The context of a meeting brief built with the workspace's settings (`config`): its reference,
    marking order and pen-picture age; a marking or limit the order does not know, or a limit below
    the brief's own marking, is an error."""
    from briefgen.errors import InvalidInput

    mt = loaded.meeting
    problems = desk.marking_problems(mt, config.markings, info.marking, marking_limit, fb.docs[loaded.file].at,
                                     "--marking-limit")
    if problems:
        raise InvalidInput(problems)
    reference = mt.reference or "/".join(p for p in (config.reference_prefix, codes, "MTG", mt.meeting.date) if p)
    options = MeetingOptions(info.marking, marking_limit, config.markings, config.pen_picture_max_age_months)
    return meeting_context(fb, loaded, replace(info, reference=reference), options)


@dataclass(frozen=True)
class MeetingOptions:
    marking: str  # the brief's own marking (--marking, the file's, else briefgen.toml's)
    marking_limit: str | None
    markings: list[str]  # the workspace's order, lowest first
    pen_picture_max_age_months: int


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    period: str
    stale: str | None  # "more than 4 years": how long before the meeting the figure is from
    record: Record


@dataclass(frozen=True)
class Contact:
    record: Meeting
    where: str
    who: list[str]


@dataclass(frozen=True)
class LastContact:
    date: str
    months: int
    record: Meeting


@dataclass(frozen=True)
class Office:
    title: str
    period: str | None
    records: tuple


@dataclass(frozen=True)
class PenPicture:
    name: str
    title: str | None
    since: str | None
    records: tuple  # what sources the title
    confirmed: bool
    as_of: str | None  # the newest source date that states the title
    previous: tuple[Office, ...] = ()


def meeting_context(fb: FactBase, loaded: LoadedMeeting, info: BuildInfo, options: MeetingOptions
                    ) -> tuple[dict[str, object], list[Problem], list[Problem]]:
    """The template context, what stops a final build, and advice (each located in the meeting file)."""
    mt = loaded.meeting
    doc = fb.docs[loaded.file]
    brief = fb.briefs[mt.brief]
    records = fb.records_of(mt.brief)
    day = date.fromisoformat(mt.meeting.date)
    locale = info.locale

    sections = desk.desk_sections(mt, records, options.marking, locale)
    kept, omitted, copy_marking, full_marking = desk.apply_limit(sections, options.marking, options.marking_limit,
                                                                 options.markings)
    pictures = [pen_picture(p, brief, fb, day, options.pen_picture_max_age_months) for p in mt.meeting.counterparts]
    pending = list(loaded.pending) + desk.uncleared(kept, doc.at)
    pending += [Problem(doc.at(("meeting", "counterparts", i)),
                        f"Pen picture of {pic.name}: title not confirmed by a source dated within "
                        f"{options.pen_picture_max_age_months} months before the meeting — confirm with post"
                        + (f" (last confirmed {format_partial_date(pic.as_of, locale)})" if pic.as_of else ""))
                for i, pic in enumerate(pictures) if not pic.confirmed]

    context = build_context(fb, brief, replace(info, marking=copy_marking), ())
    contacts = [c for c in newest_first(brief.diplomacy.meetings) if last_day(c.date) < day]
    last = contacts[0] if contacts else None
    context.update({
        "meeting": _header(mt, fb, locale),
        "desk_sections": kept,
        "omitted": omitted,
        "full_marking": full_marking,
        "uncleared": _reasons(pending, [s.heading for s in kept if not s.cleared]),
        "key_figures": key_figures(mt.key_figures, brief, fb, records, day, info.stale_after_months, locale),
        "missing_figures": [rid for rid in (mt.key_figures or ()) if rid not in records],
        "contacts": [Contact(c, ", ".join(x for x in (c.place, c.occasion) if x),
                             [views.participant(p, fb.countries, then=True) for p in c.participants]) for c in contacts],
        "last_contact": LastContact(last.date, months_between(last.date, day), last) if last else None,
        "pen_pictures": pictures,
        "since_last": [e for e in chronology(brief)
                       if last is not None and last_day(last.date) < _first(e.date) and last_day(e.date) < day],
    })
    return context, pending, on_commentary(loaded, records, fb)


def on_commentary(loaded: LoadedMeeting, records: dict[str, Record], fb: FactBase) -> list[Problem]:
    """A placeholder to a figure that rests only on commentary: the minister would say it as fact."""
    from briefgen.facts import desktext
    from briefgen.facts.meetings import desk_texts

    doc = fb.docs[loaded.file]
    found = []
    for loc, text in desk_texts(doc.value.get("sections"), ("sections",)):
        for p in desktext.parse(text)[0]:
            record = records.get(p.record) if isinstance(p, desktext.Placeholder) else None
            if record is not None and rests_only_on_commentary(record, fb.sources):
                found.append(Problem(doc.at(loc), f"{p.written} rests only on commentary: desk text states it as "
                                                  "fact; attribute it in the sentence or cite a firmer source"))
    return found


def _reasons(pending: list[Problem], headings: list[str]) -> list[str]:
    """What is not cleared, for page 1: the sections in one line, then each other reason."""
    others = [p.message for p in pending if not p.message.endswith(desk.UNCLEARED)]
    return ([f"Not cleared: {', '.join(headings)}."] if headings else []) + others


def _first(value: str) -> date:
    return first_day(value)


@dataclass(frozen=True)
class Header:
    title: str
    date: str
    place: str | None
    format: str | None
    level: str | None
    principal: str | None
    counterparts: list[str]
    drafted: str
    cleared: str | None
    subject: str  # the document property: what, when, where


def _header(mt, fb: FactBase, locale: str) -> Header:
    info = mt.meeting

    def person(p: Person) -> str:
        office = " ".join(x for x in (views.possessive(fb.countries[p.country].name) if p.country in fb.countries
                                      else p.country, p.title) if x)
        return ", ".join(x for x in (office, p.name) if x)

    def signed(s) -> str:
        return f"{s.by}, {format_partial_date(s.date, locale)}"

    return Header(mt.title, info.date, info.place, info.format, info.level,
                  person(info.principal) if info.principal else None, [person(p) for p in info.counterparts],
                  signed(mt.drafted), signed(mt.cleared) if mt.cleared else None,
                  ", ".join(x for x in ("Meeting brief", info.level, format_partial_date(info.date, locale), info.place) if x))


# --- key figures ------------------------------------------------------------------------------


def key_figures(wanted, brief, fb: FactBase, records: dict[str, Record], day: date, stale_after: int, locale: str
                ) -> list[KeyFigure]:
    """The required figures in their order (else every figure of the brief, in its order), each with
    its period and how stale it is; never one that rests only on commentary."""
    chosen = [records[r] for r in wanted if r in records] if wanted is not None else \
        [r for loc, r in iter_records(brief) if loc[0] != "summary" and is_figure(r)]
    out = []
    for record in chosen:
        if not is_figure(record) or rests_only_on_commentary(record, fb.sources):
            continue
        own = record.date or record.period or getattr(record, "since", None)
        reported = _reported(record, fb)
        if own:
            period = ("since " if own == getattr(record, "since", None) else "") + format_partial_date(own, locale)
        else:
            period = f"as reported {format_partial_date(reported, locale)}" if reported else "undated"
        at = own or reported
        months = months_between(at, day) if at else None
        stale = age_phrase(months) if months is not None and months > stale_after else None
        if at is None:
            stale = "undated"
        out.append(KeyFigure(_figure_label(record, fb), desk.figure_text(record, None, locale), period, stale, record))
    return out


def _reported(record: Record, fb: FactBase) -> str | None:
    dated = [fb.sources[c.source].date for c in record.sources
             if c.source in fb.sources and fb.sources[c.source].date != "undated"]
    return max(dated, key=lambda d: last_day(d)) if dated else None


def _figure_label(record: Record, fb: FactBase) -> str:
    def name(code) -> str:
        return fb.countries[code].name if code in fb.countries else code

    if isinstance(record, Diaspora) and record.group:
        return f"{record.group} in {name(record.host)}"
    if isinstance(record, Training):
        return f"{record.trainees} trained at {record.institution}"
    if isinstance(record, TradeVolume):
        if record.exporter and record.importer:
            return f"Exports, {name(record.exporter)} to {name(record.importer)}"
        return "Trade volume"
    if isinstance(record, TradeGoal):
        return "Trade goal"
    return record.label or record.text


# --- pen pictures -------------------------------------------------------------------------------


def pen_picture(p: Person, brief, fb: FactBase, day: date, max_age: int) -> PenPicture:
    """A counterpart's title, since when and previous offices from the people registry when it knows
    the person, else from the brief's meetings that name them. Confirmed when a source dated within
    `max_age` months before the meeting states it."""
    registry = getattr(fb, "people", None)
    person = None
    if registry:
        person = registry.get(p.person) if p.person else registry.find(p.name or "")
    if person is not None:
        return _from_registry(person, registry, day, max_age)
    seen = [(mt, q) for mt in brief.diplomacy.meetings for q in mt.participants if fold(q.name) == fold(p.name or "")]
    if not seen:
        return PenPicture(p.name or "", p.title, None, (), False, None)
    mt, q = max(seen, key=lambda s: last_day(s[0].date))
    stated = _reported(mt, fb) or mt.date
    return PenPicture(p.name, q.title, None, (mt,), _recent(stated, day, max_age), stated)


def _from_registry(person, registry, day: date, max_age: int) -> PenPicture:
    office = registry.office_on(person, day.isoformat()) or registry.current_office(person)
    previous = []
    for o in registry.previous_offices(person):
        if o is office:
            continue
        start, end = registry.period(o)
        previous.append(Office(o.title, f"{start}/{end}" if start and end and start < end else None, (o,)))
    if office is None:
        return PenPicture(person.name, None, None, (), False, None, tuple(previous))
    stated = registry.confirmed(office)
    return PenPicture(person.name, office.title, office.from_, (office,),
                      bool(stated) and _recent(stated, day, max_age), stated, tuple(previous))


def _recent(stated: str, day: date, max_age: int) -> bool:
    return last_day(stated) >= months_earlier(day, max_age)
