"""The people registry (data/people.yaml): who is who, with every spelling and office sourced.

A person has an id, the name the brief prints, other spellings the sources use (each proved by a
quote) and the offices they held (title, country, from, to), each with the quotes that state it.
Meetings may name a participant by id; their title and country then come from the office whose
period covers the meeting's date. The meeting brief's pen pictures read the same registry
(`current_office`, `previous_offices`, `confirmed`).

An office's period is what its sources prove: `from`/`to` when written (and quoted), else the
office is known to be held from its earliest dated quote on; `to: null` means still held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field

from briefgen.dates import first_day, last_day
from briefgen.errors import Location, Problem
from briefgen.facts.schema import Citation, CountryCode, Id, PartialDate, Source, Strict, Text

PEOPLE_FILE = "data/people.yaml"


class Spelling(Strict):
    """Another way the sources write the person's name ("Shahbaz Sharif" for Shehbaz Sharif)."""

    spelling: Text
    sources: Annotated[list[Citation], Field(min_length=1)]


class Office(Strict):
    title: Text
    country: CountryCode
    from_: PartialDate | None = Field(None, alias="from", description="When the office began, as quoted; null: unknown")
    to: PartialDate | None = Field(None, description="When it ended, as quoted; null: still held")
    sources: Annotated[list[Citation], Field(min_length=1)]

    model_config = Strict.model_config | {"populate_by_name": True}

    @property
    def since(self) -> str | None:
        return self.from_


class Person(Strict):
    id: Id
    name: Text = Field(description="The spelling the brief prints")
    spellings: list[Spelling] = []
    offices: list[Office] = []

    @property
    def names(self) -> tuple[str, ...]:
        """The printed name first, then every registered spelling."""
        return (self.name, *(s.spelling for s in self.spellings))


class PeopleFile(Strict):
    people: list[Person] = []


def _plain(text: str) -> str:
    from briefgen.facts.statements import plain_words

    return plain_words(text)


@dataclass
class People:
    """The registry as the rest of briefgen reads it. Dates are partial ISO strings."""

    persons: dict[str, Person] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)  # for the dates of offices' quotes
    lines: dict[str, Location] = field(default_factory=dict)  # person id -> where the id is written
    _by_name: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for person in self.persons.values():
            for name in person.names:
                self._by_name.setdefault(_plain(name), person)

    def __bool__(self) -> bool:
        return bool(self.persons)

    def __iter__(self):
        return iter(self.persons.values())

    def get(self, person_id: str) -> Person | None:
        return self.persons.get(person_id)

    def find(self, name: str) -> Person | None:
        """The person whose name or registered spelling is `name` (case and punctuation aside)."""
        return self._by_name.get(_plain(name))

    def where(self, person: Person | str) -> Location:
        pid = person if isinstance(person, str) else person.id
        return self.lines.get(pid, Location(PEOPLE_FILE))

    def _person(self, person: Person | str) -> Person | None:
        return self.persons.get(person) if isinstance(person, str) else person

    def period(self, office: Office) -> tuple[str | None, str | None]:
        """(start, end) an office is known to cover: `from` or its earliest dated quote; `to` or open."""
        start = office.from_
        if start is None:
            dated = [self.sources[c.source].date for c in office.sources
                     if c.source in self.sources and self.sources[c.source].date != "undated"]
            start = min(dated, key=first_day, default=None)
        return start, office.to

    def covers(self, office: Office, when: str) -> bool:
        """Whether the office is known to be held on `when` (a partial date or range, which must
        overlap the office's known period)."""
        start, end = self.period(office)
        if start is None:
            return False
        return first_day(start) <= last_day(when) and (end is None or first_day(when) <= last_day(end))

    def office_on(self, person: Person | str, when: str) -> Office | None:
        """The office the person held on `when`; when several are known to cover it, the one that began
        last (a promotion the same month)."""
        p = self._person(person)
        if p is None:
            return None
        held = [o for o in p.offices if self.covers(o, when)]
        return max(held, key=lambda o: first_day(self.period(o)[0]), default=None)

    def current_office(self, person: Person | str) -> Office | None:
        """The office still held (`to: null`); of several, the one that began last."""
        p = self._person(person)
        if p is None:
            return None
        open_ = [o for o in p.offices if o.to is None]
        return max(open_, key=lambda o: first_day(self.period(o)[0] or "1"), default=None)

    def previous_offices(self, person: Person | str) -> list[Office]:
        """Offices that ended, newest first."""
        p = self._person(person)
        if p is None:
            return []
        return sorted((o for o in p.offices if o.to is not None), key=lambda o: last_day(o.to), reverse=True)

    def confirmed(self, office: Office) -> str | None:
        """The newest dated source among the office's quotes: how recently a source said it."""
        dated = [self.sources[c.source].date for c in office.sources
                 if c.source in self.sources and self.sources[c.source].date != "undated"]
        return max(dated, key=first_day, default=None)


def index(people_file: PeopleFile | None, sources: dict[str, Source], at, problems: list[Problem]) -> People:
    """The registry from a validated people file; duplicate ids and names are problems."""
    persons: dict[str, Person] = {}
    lines: dict[str, Location] = {}
    named: dict[str, str] = {}
    for i, person in enumerate(people_file.people if people_file else ()):
        if person.id in persons:
            problems.append(Problem(at(("people", i, "id")), f"duplicate person id '{person.id}'"))
            continue
        persons[person.id] = person
        lines[person.id] = at(("people", i, "id"))
        for name in person.names:
            other = named.setdefault(_plain(name), person.id)
            if other != person.id:
                problems.append(Problem(at(("people", i, "name")), f"the name \"{name}\" is also registered for "
                                        f"'{other}': a spelling must lead to one person"))
    return People(persons, sources, lines)
