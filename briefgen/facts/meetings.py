"""Meeting briefs: data/meetings/<id>.yaml, the desk's sections for one meeting on top of a
country brief's fact base (docs/meetings.md).

The file states no facts: its desk text is judgement, and every figure or date in it comes through
a placeholder to a record of the country brief (briefgen/facts/desktext.py). Loading proves that
rule and every placeholder; what only stops a final build (a placeholder to a record the fact base
does not hold yet) is kept as `pending` for the build to weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Union

from pydantic import BeforeValidator, Field, model_validator

from briefgen.errors import Location, Problem
from briefgen.facts import desktext
from briefgen.facts.schema import CountryCode, FullDate, Id, Record, Strict, Text
from briefgen.facts.suggest import did_you_mean
from briefgen.workspace import MEETINGS_DIR



def _not_a_mapping(value: object) -> object:
    # `- {x.count} citizens` is read by YAML as a mapping, before the schema sees it
    if isinstance(value, dict):
        raise ValueError("desk text that starts with a placeholder '{…}' must be in quotes (YAML reads a bare "
                         "'{' as a mapping): write \"{record-id.field} …\"")
    return value


DeskText = Annotated[Text, BeforeValidator(_not_a_mapping)]


class Person(Strict):
    """Someone at the meeting: a person of the people registry (`person:`), or a name, title and
    country as the desk writes them (the name may be left out for our principal)."""

    person: Id | None = Field(None, description="Id in data/people.yaml; name, title, country come from there")
    name: Text | None = None
    title: Text | None = None
    country: CountryCode | None = None

    @model_validator(mode="after")
    def _who(self):
        if self.person is None and (self.title is None or self.country is None):
            raise ValueError("give `person:` (an id in data/people.yaml), or `title:` and `country:` (and `name:`)")
        return self


class Drafted(Strict):
    by: Text
    initials: Text | None = None
    date: FullDate


class Cleared(Strict):
    by: Text
    date: FullDate


class Ask(Strict):
    ask: DeskText
    response: DeskText | None = None


class IfRaised(Strict):
    subject: DeskText
    lines: Annotated[list[DeskText], Field(min_length=1)]


def _items_only(value: object) -> object:
    """A section written as a bare list is its items."""
    return {"items": value} if isinstance(value, list) else value


class _Section(Strict):
    drafted: Drafted | None = Field(None, description="Who drafted this section, when not the file's drafter")
    cleared: Cleared | None = Field(None, description="Who cleared this section; absent until cleared")
    marking: Text | None = Field(None, description="A higher marking for this section (e.g. OFFICIAL-SENSITIVE)")


class TextSection(_Section):
    items: Annotated[list[DeskText], Field(min_length=1)]


class AskSection(_Section):
    items: Annotated[list[Ask], Field(min_length=1)]


class RaisedSection(_Section):
    items: Annotated[list[IfRaised], Field(min_length=1)]


def _section(model):
    return Annotated[Union[model, None], BeforeValidator(_items_only)]


SECTION_HEADINGS = {
    "objectives": "Objectives", "points_to_make": "Points to make", "likely_asks": "Their likely asks",
    "if_raised": "If raised", "sensitivities": "Sensitivities", "press_line": "Press line",
}


class Sections(Strict):
    objectives: _section(TextSection) = None
    points_to_make: _section(TextSection) = None
    likely_asks: _section(AskSection) = None
    if_raised: _section(RaisedSection) = None
    sensitivities: _section(TextSection) = None
    press_line: _section(TextSection) = None


class MeetingInfo(Strict):
    date: FullDate = Field(description="The day of the meeting")
    place: Text | None = None
    format: Text | None = Field(None, description="e.g. 'Bilateral meeting (45 minutes), then lunch'")
    level: Text | None = Field(None, description="e.g. 'Foreign Ministers'")
    principal: Person | None = None
    counterparts: list[Person] = []

    @model_validator(mode="after")
    def _named(self):
        for i, p in enumerate(self.counterparts):
            if p.name is None and p.person is None:
                raise ValueError(f"counterparts[{i}]: give the counterpart's name or `person:` (a pen picture is of "
                                 "a person)")
        return self


class MeetingBrief(Strict):
    """One meeting brief: data/meetings/<id>.yaml."""

    id: Id
    brief: Id = Field(description="The country brief (data/briefs/<id>.yaml) whose facts the annexes use")
    title: Text
    reference: Text | None = None
    marking: Text | None = Field(None, description="The brief's marking; else briefgen.toml's")
    meeting: MeetingInfo
    drafted: Drafted
    cleared: Cleared | None = Field(None, description="Clears every section; absent until the brief is cleared")
    key_figures: list[Id] | None = Field(None, description="Required figures, in order; absent: every figure")
    sections: Sections = Sections()

    def section_items(self):
        """(name, section) for each section present, in the printed order."""
        for name in SECTION_HEADINGS:
            section = getattr(self.sections, name)
            if section is not None:
                yield name, section


# --- placeholders and typed figures, checked against the country brief ------------------------

FIELDS = ("date", "period", "since", "term", "count", "value", "low", "high", "place")
"""What a placeholder may print of a record: its figures, dates and place (never its text)."""
MEETING_FIELDS = ("date", "place")  # {meeting.date}: the file's own values
FIGURE_FIELDS = ("count", "value", "high")  # what makes a record a figure, in that order


def figure_field(record: Record) -> str | None:
    """The field `{id}` prints: the record's figure, else its date or period."""
    for name in FIGURE_FIELDS + ("date", "period"):
        if getattr(record, name, None) is not None:
            return name
    return None


def is_figure(record: Record) -> bool:
    return any(getattr(record, name, None) is not None for name in FIGURE_FIELDS)


@dataclass
class LoadedMeeting:
    meeting: MeetingBrief
    file: str
    pending: list[Problem] = field(default_factory=list)  # what stops a final build (missing figures)


def desk_texts(value: object, loc: tuple = ()):
    """Every desk text string of a meeting file's raw `sections`, with its path."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("drafted", "cleared", "marking"):
                continue
            yield from desk_texts(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from desk_texts(item, loc + (i,))


def check_desk_text(doc, raw_lines: list[str], records: dict[str, Record]) -> tuple[list[Problem], list[Problem]]:
    """(errors, pending) for every desk text of a meeting file. Errors: a figure typed directly,
    braces that are not a placeholder, a field the record does not have. Pending: a record the
    fact base does not hold (a required figure missing), which only a final build refuses."""
    errors: list[Problem] = []
    pending: list[Problem] = []
    sections = doc.value.get("sections") if isinstance(doc.value, dict) else None
    for loc, text in desk_texts(sections, ("sections",)):
        def where(offset: int, word: str) -> Location:
            return Location(doc.path, _line_of_word(raw_lines, doc.line_of(loc), word, text, offset))

        for typed in desktext.typed_figures(text):
            errors.append(Problem(where(typed.start, typed.text),
                                  f"'{typed.text}' typed in desk text: {'an' if typed.kind[0] in 'aeiou' else 'a'} {typed.kind} comes only through a placeholder "
                                  "to a sourced record, e.g. {record-id} or {record-id.date} (docs/meetings.md)"))
        pieces, malformed = desktext.parse(text)
        for bad in malformed:
            errors.append(Problem(where(bad.start, bad.text),
                                  f"'{bad.text}' is not a placeholder: write {{record-id}} or {{record-id.field}}, "
                                  "or {{ and }} for a brace"))
        for p in pieces:
            if isinstance(p, desktext.Placeholder):
                problem, missing = _placeholder_problem(p, records)
                if problem:
                    (pending if missing else errors).append(Problem(where(p.start, p.written), problem))
    return errors, pending


def _placeholder_problem(p: desktext.Placeholder, records: dict[str, Record]) -> tuple[str | None, bool]:
    if p.record == "meeting":
        if p.field not in MEETING_FIELDS:
            return f"{p.written}: the meeting file gives {' and '.join('{meeting.' + f + '}' for f in MEETING_FIELDS)}", False
        return None, False
    record = records.get(p.record)
    if record is None:
        hint = did_you_mean(p.record, records)
        return (f"{p.written}: no record '{p.record}' in the country brief: a required figure is missing"
                + (f"; {hint}" if hint else "")), True
    if p.field is None:
        return (None if figure_field(record) else
                f"{p.written}: record '{p.record}' has no figure or date; name a field, e.g. {{{p.record}.place}}"), False
    if p.field not in FIELDS:
        return f"{p.written}: a placeholder prints one of {', '.join(FIELDS)}, not '{p.field}'", False
    if getattr(record, p.field, None) is None:
        has = [f for f in FIELDS if getattr(record, f, None) is not None]
        return (f"{p.written}: record '{p.record}' has no {p.field}"
                + (f" (it has {', '.join(has)})" if has else " (nor any other field a placeholder prints)")), False
    return None, False


def _line_of_word(raw_lines: list[str], first: int | None, word: str, text: str, offset: int) -> int | None:
    """The file line where `word` stands: searched from the item's own line, as far as the item can
    reach (YAML folds a quoted or block string, so the text's own line breaks are not the file's)."""
    if first is None:
        return None
    span = text.count("\n") + 3 + len(text) // 40
    nth = text[:offset].count(word)  # the same word earlier in the text
    for i in range(first - 1, min(len(raw_lines), first - 1 + span)):
        hits = raw_lines[i].count(word)
        if nth < hits:
            return i + 1
        nth -= hits
    return first


def meeting_files(workspace: Path) -> list[str]:
    folder = workspace / MEETINGS_DIR
    if not folder.is_dir():
        return []
    return [f"{MEETINGS_DIR}/{p.name}" for p in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))]


def load_meetings(workspace: Path, fb, load, problems: list[Problem]) -> None:
    """Read every data/meetings file into `fb.meetings`, each checked against the country brief it
    names; `load(rel, model)` is the fact base's reader (door, YAML, schema). Problems are appended."""
    from briefgen.files.root import FileRefused, Root

    for rel in meeting_files(workspace):
        doc, meeting = load(rel, MeetingBrief)
        if meeting is None:
            continue
        where = doc.at(("id",))
        if meeting.id in fb.briefs or meeting.id in fb.meetings:
            other = fb.brief_files.get(meeting.id) or fb.meetings[meeting.id].file
            problems.append(Problem(where, f"duplicate id '{meeting.id}' (also in {other}): briefs and meeting "
                                           "briefs are built by id, so each needs its own"))
            continue
        brief = fb.briefs.get(meeting.brief)
        if brief is None and any(p.location and p.location.path.startswith("data/briefs") for p in problems):
            continue  # a country brief that failed to load is reported already
        if brief is None:
            hint = did_you_mean(meeting.brief, fb.briefs)
            problems.append(Problem(doc.at(("brief",)), f"no country brief '{meeting.brief}' in data/briefs"
                                                        + (f"; {hint}" if hint else "")))
            continue
        try:
            raw_lines = Root(workspace, workspace).read_text(rel, "facts", Location(rel)).splitlines()
        except FileRefused:
            raw_lines = []  # read a moment ago; lines then fall back to the item's own
        records = fb.records_of(meeting.brief)
        errors, pending = check_desk_text(doc, raw_lines, records)
        problems += errors + _figure_problems(meeting, doc, records, pending)
        problems += [Problem(doc.at(("meeting", "counterparts", i, "country")), f"unknown country code '{p.country}'")
                     for i, p in enumerate(meeting.meeting.counterparts)
                     if fb.countries and p.country and p.country not in fb.countries]
        meeting, found = _with_registry(meeting, getattr(fb, "people", None), doc)
        problems += found
        fb.meetings[meeting.id] = LoadedMeeting(meeting, rel, pending)


def _figure_problems(meeting: MeetingBrief, doc, records: dict[str, Record], pending: list[Problem]) -> list[Problem]:
    """`key_figures` names records that are figures; one the fact base lacks is a missing required
    figure (pending: only a final build refuses it)."""
    errors = []
    for i, rid in enumerate(meeting.key_figures or ()):
        record = records.get(rid)
        where = doc.at(("key_figures", i))
        if record is None:
            hint = did_you_mean(rid, records)
            pending.append(Problem(where, f"required figure '{rid}' is not in the country brief"
                                          + (f"; {hint}" if hint else "")))
        elif not is_figure(record):
            errors.append(Problem(where, f"'{rid}' is not a figure (a record with a count, value or amount)"))
    return errors


def _with_registry(meeting: MeetingBrief, registry, doc) -> tuple[MeetingBrief, list[Problem]]:
    """People named by `person:` filled from the people registry: name, and the title and country of
    the office held on the meeting's day (what the desk wrote itself wins)."""
    info = meeting.meeting
    problems: list[Problem] = []

    def filled(p: Person | None, loc: tuple) -> Person | None:
        if p is None or p.person is None:
            return p
        person = registry.get(p.person) if registry else None
        if person is None:
            hint = did_you_mean(p.person, {x.id: x for x in registry} if registry else {})
            problems.append(Problem(doc.at(loc + ("person",)), f"no person '{p.person}' in data/people.yaml"
                                    + (f"; {hint}" if hint else "")))
            return p
        office = registry.office_on(person, info.date) or registry.current_office(person)
        return p.model_copy(update={"name": p.name or person.name,
                                    "title": p.title or (office.title if office else None),
                                    "country": p.country or (office.country if office else None)})

    principal = filled(info.principal, ("meeting", "principal"))
    counterparts = [filled(p, ("meeting", "counterparts", i)) for i, p in enumerate(info.counterparts)]
    if principal is info.principal and all(a is b for a, b in zip(counterparts, info.counterparts)):
        return meeting, problems
    return meeting.model_copy(update={"meeting": info.model_copy(update={"principal": principal,
                                                                         "counterparts": counterparts})}), problems
