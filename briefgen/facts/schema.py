"""The fact base schema: pydantic models for countries, sources and bilateral briefs.

Every record that states something carries `text` (the sentence a brief can use) and
`sources` (verbatim quotes that support it). Unknown keys are errors: they are usually typos.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from briefgen.dates import check_date_or_range, check_partial_date, check_period


def _year_as_text(value: object) -> object:
    """`date: 1992` is read by YAML as a number; a year is still a date."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _check_printable(value: str) -> str:
    m = _CONTROL.search(value)
    if m:
        raise ValueError(f"control character U+{ord(m.group()):04X} in text (at character {m.start() + 1})")
    return value


PartialDate = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(check_partial_date)]
"""An ISO date, partial where the source is partial: 1992, 1991-12, 2022-07-30."""

DateOrRange = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(check_date_or_range)]
"""When an event happened: a partial date, or a range for several days: 2026-02-03/2026-02-04."""

Period = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(check_period)]
"""How long a state lasted (a term, a programme): two partial dates joined by '/': 2018/2020."""

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
"""A record or source id: lower-case letters, digits and hyphens (safe in file names)."""

def _check_country_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        if re.fullmatch(r"[A-Za-z]{2}", value):
            raise ValueError(f"'{value}' is not a country code: codes are written in capitals; did you mean "
                             f"'{value.upper()}'?")
        raise ValueError(f"'{value}' is not a country code: use the two-letter code of a country in "
                         "data/countries.yaml, e.g. 'PK'")
    return value


CountryCode = Annotated[str, AfterValidator(_check_country_code)]
"""ISO 3166-1 alpha-2 code of a country in data/countries.yaml."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_printable)]


def _check_full_date(value: str) -> str:
    check_partial_date(value)
    if value.count("-") != 2:
        raise ValueError(f"invalid date '{value}': give the day, YYYY-MM-DD")
    return value


FullDate = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(_check_full_date)]
"""An ISO date with its day: 2026-11-26."""


def _check_url(value: str) -> str:
    """Only web addresses a reader can open: a source note turns the URL into a link in every
    format, so `javascript:` or `file:` addresses, or text with spaces, are refused."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"invalid url '{value}': give the full web address, starting https:// or http://")
    if any(c.isspace() for c in value):
        raise ValueError(f"invalid url '{value}': a web address has no spaces (write %20)")
    return value


Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_check_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- registries -----------------------------------------------------------------------


class Country(Strict):
    code: CountryCode
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    name: Text
    adjective: Text


SourceType = Literal["official", "news", "research", "commentary"]
"""How much weight a source carries (docs/facts.md, "Attribution"): `official` a government's own
statement or a joint declaration; `news` a report of events; `research` a study or statistics with
a stated method; `commentary` opinion or analysis (op-eds, undated web articles of unknown authorship).
What rests only on commentary is attributed in the brief's text, never said in the brief's own voice."""


class Source(Strict):
    """A source document in seeds/ (or elsewhere in the workspace).

    The citation fields (`title`, `author`, `publisher`, `date`, `url`, `accessed`) are what a reader
    needs to find the document; record only what the document itself states and leave the rest
    null. `file` is the copy `check` reads quotes from; it is not printed in source notes.
    """

    id: Id
    label: Text = Field(description="Short description used in source notes")
    type: SourceType | None = Field(None, description="official, news, research or commentary; `check` warns "
                                    "when it is missing")
    title: Text | None = Field(None, description="The document's own headline; null when it has none")
    kind: Text = Field(description="e.g. 'web article', 'news report'")
    author: Text | None = Field(None, description="Who wrote it, as the document names them; null when unnamed")
    publisher: Text | None = None
    place: Text | None = None
    date: PartialDate | Literal["undated"]
    url: Url | None = Field(None, description="Where a reader can open the document: an http(s) address")
    accessed: FullDate | None = Field(None, description="The day the document was read at `url`")
    file: Text = Field(description="Path of the document, relative to the workspace")


# --- records ------------------------------------------------------------------------


class Citation(Strict):
    source: Id
    quote: Text


class Record(Strict):
    """Anything a brief states: an id, the sentence, and the quotes that support it."""

    id: Id
    text: Text
    label: Text | None = Field(None, description="Short form for tables and the chronology; defaults to text")
    sources: Annotated[list[Citation], Field(min_length=1)]
    date: DateOrRange | None = Field(None, description="When it happened; a range START/END for several days")
    period: Period | None = Field(None, description="How long it lasted (a term, a programme); not with date")
    also_reported: list[Citation] = Field([], description="Other sources that give a different figure for the "
                                          "same thing, acknowledged (docs/facts.md, \"Sources that disagree\")")

    @model_validator(mode="after")
    def _date_or_period(self):
        # `date` places an event in time; `period` is the stretch a state lasted. One record is one of
        # the two: with both, the chronology and the templates could not tell which to show.
        if self.date is not None and self.period is not None:
            raise ValueError("give either 'date' (when it happened; a range START/END for several days) or "
                             "'period' (how long it lasted), not both")
        return self


class Participant(Strict):
    """Who took part: a person of the people registry (`person`, data/people.yaml), whose title and
    country then come from the office held on the meeting's date, or name, title and country written
    out. Written fields win over the registry's."""

    person: Id | None = Field(None, description="A person's id in data/people.yaml")
    name: Text | None = None
    title: Text | None = None
    country: CountryCode | None = None

    @model_validator(mode="after")
    def _someone(self):
        if self.person is None and None in (self.name, self.title, self.country):
            missing = ", ".join(k for k in ("name", "title", "country") if getattr(self, k) is None)
            raise ValueError(f"a participant needs `person:` (an id in data/people.yaml) or name, title and country "
                             f"(missing: {missing})")
        return self


class Meeting(Record):
    """A visit or meeting between the two sides."""

    date: DateOrRange = Field(description="The day, or the days as a range START/END: 2026-02-03/2026-02-04")
    place: Text | None = None
    occasion: Text | None = None
    participants: list[Participant] = []
    points: list[Record] = Field([], description="What was said or agreed, one record a point")


class Membership(Record):
    organisation: Text
    acronym: Text | None = None
    members: list[CountryCode] = Field(
        default_factory=list,
        description="Countries the sources state are members; empty when a source speaks only of cooperation "
        "under the organisation",
    )


class Support(Record):
    """One act of mutual support: who backed whom, for what, for which term."""

    supporter: CountryCode | Literal["both"]
    supported: CountryCode | Literal["each other"]
    object: Text = Field(description="What was backed, e.g. 'bid to host EXPO-2017'")
    body: Text | None = Field(None, description="Organisation or forum concerned")
    term: Period | None = None
    outcome: Text | None = None


class Agreement(Record):
    kind: Text = Field(description="e.g. 'memorandum of understanding'")
    area: Text
    status: Literal["signed", "in force", "proposed", "under negotiation"]


AMOUNT = dict(ge=0, le=1e9, allow_inf_nan=False)
"""An amount in its unit (thousand, million, billion): not negative, finite, and at most a billion of
them; beyond that it is a typing mistake (and 1e308 breaks number formatting)."""
COUNT = dict(ge=0, le=10_000_000_000)  # people, trainees: more than the world's population is a mistake


class TradeGoal(Record):
    low: float | None = Field(None, **AMOUNT)
    high: float = Field(**AMOUNT)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    unit: Literal["thousand", "million", "billion"]

    @model_validator(mode="after")
    def _low_not_above_high(self):
        # a range printed backwards ("US$1,000 million to US$250 million") is a typing mistake
        if self.low is not None and self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g}): low is the lower end of the range")
        return self


class TradeVolume(Record):
    """A measured trade figure (the total, or one direction) for a year or period: what a minister
    asks first. With none recorded, the brief says plainly that the sources give no trade volume."""

    value: float = Field(ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    unit: Literal["thousand", "million", "billion"]
    exporter: CountryCode | None = Field(None, description="With importer, one direction; both absent: the total")
    importer: CountryCode | None = None

    @model_validator(mode="after")
    def _dated(self):
        # a volume without its year cannot be told from a goal or an old figure
        if self.date is None and self.period is None:
            raise ValueError("a trade volume needs 'date' (e.g. 2023) or 'period' (e.g. 2022/2023): the year it measures")
        return self


class TradeFlow(Record):
    """What goes from one country to the other, category by category."""

    exporter: CountryCode
    importer: CountryCode
    status: Literal["actual", "potential"] = "actual"
    items: Annotated[list[Text], Field(min_length=1)]


class Exhibition(Record):
    name: Text
    edition: Text | None = None
    place: Text | None = None
    participants: list[Text] = []


class Training(Record):
    count: int = Field(**COUNT)
    count_qualifier: Literal["exactly", "more than", "at least", "about"] = "exactly"
    trainees: Text
    institution: Text
    host: CountryCode
    since: PartialDate | None = None


class Exercise(Record):
    name: Text
    kind: Text
    date: DateOrRange
    place: Text | None = None
    sequence: int | None = Field(None, ge=1, le=10_000, description="1 for the first of a series")


class Diaspora(Record):
    count: int = Field(**COUNT)
    count_qualifier: Literal["exactly", "more than", "at least", "about"] = "exactly"
    group: Text | None = Field(None, description="Who they are, in the source's words, e.g. 'Pakistani citizens', "
                               "'Pakistani students'; without it key facts quote the record's label or text")
    origin: CountryCode
    host: CountryCode
    main_city: Text | None = None


class Policy(Record):
    name: Text
    owner: CountryCode | None = None


# --- the brief ---------------------------------------------------------------------


class Diplomacy(Strict):
    recognition: Record | None = Field(None, description="When and how each recognised the other")
    established: Record | None = Field(None, description="When diplomatic relations were established")
    relations: list[Record] = []
    meetings: list[Meeting] = []
    institutions: list[Record] = []
    agreements: list[Agreement] = []


class Multilateral(Strict):
    memberships: list[Membership] = []
    cooperation: list[Record] = []
    support: list[Support] = []


class Economy(Strict):
    volumes: list[TradeVolume] = []
    goals: list[TradeGoal] = []
    flows: list[TradeFlow] = []
    potential: list[Record] = []
    connectivity: list[Record] = []


class Security(Strict):
    cooperation: list[Record] = []
    exhibitions: list[Exhibition] = []
    training: list[Training] = []
    exercises: list[Exercise] = []


class People(Strict):
    diaspora: list[Diaspora] = []
    other: list[Record] = []


class Brief(Strict):
    """One bilateral fact base: data/briefs/<id>.yaml."""

    id: Id
    title: Text
    subject: Text = Field(description="One line saying what the brief is about")
    countries: Annotated[list[CountryCode], Field(min_length=2, max_length=2)]
    summary: Annotated[list[Record], Field(description="The bottom line, 3-5 points")] = []
    diplomacy: Diplomacy = Diplomacy()
    multilateral: Multilateral = Multilateral()
    economy: Economy = Economy()
    security: Security = Security()
    people: People = People()
    policies: list[Policy] = []
    outlook: list[Record] = []


class CountriesFile(Strict):
    countries: list[Country]


class SourcesFile(Strict):
    sources: list[Source]


# --- provenance: how `check` proves each printed field from the record's own quotes ---------

PROVENANCE: dict[str, str] = {
    # the brief-ready sentence and its short form: every number and date in them must be quoted
    "text": "sentence", "label": "sentence",
    # dates and periods (a range `a/b` is checked end by end)
    "date": "date", "period": "date", "since": "date", "term": "date",
    # amounts: the value in its unit and currency must be stated ("US$1 billion" = 1000 million)
    "low": "amount", "high": "amount", "value": "amount", "unit": "amount", "currency": "amount",
    # counts with their qualifier ("more than 38" is 38, `more than`)
    "count": "count", "count_qualifier": "count",
    "sequence": "ordinal",  # 1 is "first"
    # names of places, people, organisations, events and policies: the whole name is quoted
    "place": "name", "occasion": "name", "name": "name", "organisation": "name", "acronym": "name",
    "body": "name", "edition": "name", "main_city": "name", "participants": "name",
    "group": "name",  # who a diaspora figure counts, in the source's words
    # descriptions in the desk's words: their capitalised words, acronyms and numbers are quoted
    "title": "words", "object": "words", "outcome": "words", "kind": "words", "area": "words",
    "items": "words", "trainees": "words", "institution": "words",
    # country codes: the country (its name or adjective) is named in the quotes
    "country": "country", "supporter": "country", "supported": "country", "exporter": "country",
    "importer": "country", "host": "country", "origin": "country", "owner": "country", "members": "country",
    # Exempt. `status` is the desk's judgement of what the quotes mean (e.g. `signed` from "are
    # signed", `potential` from "can export"): a closed list of words, not a fact to quote. `id`,
    # `sources` and `points` are structure, not statements.
    "status": "judgement", "id": "structure", "sources": "structure", "points": "structure",
    # a registry id (its name, title and country are proved in data/people.yaml); other sources'
    # differing figures, each quote checked against its source like `sources`
    "person": "structure", "also_reported": "structure",
}
"""Field name -> how `check` proves it (briefgen/facts/provenance.py). Every field of every record kind
must be listed (a test keeps this true): a new field is checked, or exempt on purpose."""


def iter_records(model: BaseModel, loc: tuple = ()) -> Iterator[tuple[tuple, Record]]:
    """Every record in a model, depth first, with its path (for line lookup)."""
    if isinstance(model, Record):
        yield loc, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from iter_records(value, loc + (name,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from iter_records(item, loc + (name, i))
