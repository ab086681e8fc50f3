"""`check` for people: the registry's names, spellings and offices, the participants of meetings, and
every person's name a record prints.

- A registered name or spelling is in the quotes of that person; an office's title and country are
  said of the person in one sentence of its quotes (`who.what_is_said`), its `from`/`to` quoted.
- A participant's written title and country are said of that person in one sentence of the
  meeting's quotes, or are those of the registry's office that covers the meeting's date; a
  participant named by `person:` takes them from that office.
- A name in `text` or `label` (after a title, or sharing a word with a registered name) is in the
  record's quotes, or is a registered spelling of a person the quotes name.
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.facts import who
from briefgen.facts.people import People, Person
from briefgen.facts.quotes import fold
from briefgen.facts.schema import Brief, Country, Meeting, Participant


def _plain(text: str) -> str:
    from briefgen.facts.statements import plain_words

    return f" {plain_words(text)} "


def _names_of(people: People, extra: dict[str, tuple[str, ...]] = None) -> dict[str, who.Who]:
    names = {p.id: p.names for p in people}
    names.update(extra or {})
    return who.people_of(names)


def _quoted(forms, plain_quotes: str) -> bool:
    return any(_plain(f) in plain_quotes for f in forms)


# --- the registry ----------------------------------------------------------------------------------


def check_registry(people: People, at, countries: dict[str, Country], skip: set[tuple] = frozenset()) -> list[Problem]:
    """Every name, spelling and office of data/people.yaml against its own quotes; `at(path)` locates."""
    from briefgen.facts.provenance import _RecordCheck
    from briefgen.facts.statements import state

    problems: list[Problem] = []
    everyone = _names_of(people)
    for i, person in enumerate(people):
        loc = ("people", i)
        quotes = [c.quote for s in person.spellings for c in s.sources] + [c.quote for o in person.offices for c in o.sources]
        plain_all = _plain(" … ".join(quotes))
        if quotes and _plain(person.name) not in plain_all:
            problems.append(Problem(at(loc + ("name",)), f"name: \"{person.name}\" is not in the quotes of '{person.id}' "
                                    "(its spellings' and offices' quotes): quote a sentence that gives the name as written"))
        for j, spelling in enumerate(person.spellings):
            if loc + ("spellings", j) in skip:
                continue
            if _plain(spelling.spelling) not in _plain(" … ".join(c.quote for c in spelling.sources)):
                problems.append(Problem(at(loc + ("spellings", j, "spelling")),
                                        f"spelling: \"{spelling.spelling}\" is not in its quotes"))
        me = everyone[person.id]
        others = [w for k, w in everyone.items() if k != person.id]
        for j, office in enumerate(person.offices):
            here = loc + ("offices", j)
            if here in skip:
                continue
            text = " \n".join(c.quote for c in office.sources)
            runs = who.what_is_said(me, others, text)
            if not runs:
                problems.append(Problem(at(here + ("sources",)), f"the quotes of this office do not name {person.name} "
                                        f"(or a registered spelling)"))
                continue
            if not any(who.title_in(office.title, r) for r in runs):
                problems.append(Problem(at(here + ("title",)), f"title: \"{office.title}\" is not what its quotes call "
                                        f"{person.name}; {_they_give(runs)}{_name_hint(runs, person.name)}"))
            country = countries.get(office.country)
            if country is not None and not any(who.country_in(country, r) for r in runs):
                problems.append(Problem(at(here + ("country",)), f"country: {office.country} ({country.name}) is not "
                                        f"said of {person.name} in its quotes; {_they_give(runs)}"
                                        f"{_name_hint(runs, person.name)}"))
            stated = state([c.quote for c in office.sources])
            dates = _RecordCheck(stated, here, _Doc(at), countries, problems)
            for key, value in (("from", office.from_), ("to", office.to)):
                if value is not None:
                    dates.date((key,), key, value)
    return problems


class _Doc:
    """What `_RecordCheck` needs of a YAML document: `at(path)`."""

    def __init__(self, at):
        self.at = at


def _name_hint(runs: list[str], name: str) -> str:
    """A hint when the words next to a name look like more of the name ("Muhammad" before "Shehbaz Sharif")."""
    for run in runs:
        words = run.split()
        if 0 < len(words) <= 2 and all(w[0].isupper() and w.lower() not in who.TITLE_WORDS for w in words):
            return f"; if \"{run}\" is part of the name, register \"{run} {name}\" as a spelling in data/people.yaml"
    return ""


def _they_give(runs: list[str]) -> str:
    shown = list(dict.fromkeys(r for r in runs if r))
    if not shown:
        return "they give no title next to the name"
    return "next to the name they say " + ", ".join(f"\"{r}\"" for r in shown[:4])


# --- participants ------------------------------------------------------------------------------


def participant_person(p: Participant, people: People) -> Person | None:
    return people.get(p.person) if p.person else people.find(p.name or "")


def check_participants(meeting: Meeting, people: People, countries: dict[str, Country], fail) -> None:
    """Each participant's written name, title and country; `fail(path, message)` records a problem
    at the path under the meeting (("participants", i, field))."""
    quotes = " \n".join(c.quote for c in meeting.sources)
    plain_quotes = _plain(quotes)
    extra = {f"#{i}": (p.name,) for i, p in enumerate(meeting.participants) if p.person is None and p.name
             and people.find(p.name) is None}
    everyone = _names_of(people, extra)
    for i, p in enumerate(meeting.participants):
        path = ("participants", i)
        person = participant_person(p, people)
        if p.person and person is None:
            near = ""
            from briefgen.facts.suggest import did_you_mean

            hint = did_you_mean(p.person, people.persons)
            fail(path + ("person",), f"person: '{p.person}' is not in data/people.yaml" + (f"; {hint}" if hint else ""))
            continue
        key = person.id if person else f"#{i}"
        me = everyone.get(key)
        name = p.name or (person.name if person else "")
        forms = me.names if me else (name,)
        if not _quoted(forms, plain_quotes):
            where = path + (("name",) if p.name else ("person",))
            hint = _nearest_name(name, quotes)
            fail(where, f"name: \"{name}\" is not in the record's quotes" + ("" if person else
                 " (nor a spelling data/people.yaml registers for someone they name)") + hint)
            continue
        office = people.office_on(person, meeting.date) if person else None
        runs = who.what_is_said(me, [w for k, w in everyone.items() if k != key], quotes) if me else []
        if p.title is not None and not any(who.title_in(p.title, r) for r in runs) \
                and not (office and office.title.casefold() == p.title.casefold()):
            fail(path + ("title",), f"title: \"{p.title}\" is not what the record's quotes call {name} "
                 f"({_they_give(runs)}){_registry_says(person, office, people)}{_name_hint(runs, name)}")
        country = countries.get(p.country) if p.country else None
        if country is not None and not any(who.country_in(country, r) for r in runs) \
                and not (office and office.country == p.country):
            named = who.country_in(country, quotes)
            fail(path + ("country",), f"country: {p.country} ({country.name}) is not "
                 + (f"said of {name} in the record's quotes ({_they_give(runs)})" if named else "named in the record's quotes")
                 + _registry_says(person, office, people))


def _registry_says(person: Person | None, office, people: People) -> str:
    if person is None:
        return ("; quote a sentence that gives the title and country next to the name, or register the person's "
                "office in data/people.yaml")
    if office is None:
        return f"; data/people.yaml has no office of '{person.id}' that covers the meeting's date"
    return f"; data/people.yaml gives {office.title} ({office.country}) on that date"


def _nearest_name(name: str, quotes: str) -> str:
    import difflib

    runs = [who.strip_title(fold(quotes)[s:e]) for s, e in who.capitalised_runs(fold(quotes))]
    close = difflib.get_close_matches(name, runs, n=1, cutoff=0.6)
    return f"; the nearest name they have is \"{close[0]}\"" if close else ""


def resolve_participants(brief: Brief, people: People, at) -> tuple[Brief, list[Problem]]:
    """The brief with every participant's name, title and country filled: written fields stay, the rest
    come from the registry's office on the meeting's date. A participant the registry cannot complete
    is a problem at its line."""
    meetings = brief.diplomacy.meetings
    if not any(p.person for mt in meetings for p in mt.participants):
        return brief, []
    problems: list[Problem] = []
    new_meetings = []
    for i, mt in enumerate(meetings):
        filled = []
        for j, p in enumerate(mt.participants):
            person = people.get(p.person) if p.person else None
            if person is None:
                filled.append(p)  # written out, or an unknown id (reported by the participant check)
                continue
            office = people.office_on(person, mt.date)
            title = p.title or (office.title if office else None)
            country = p.country or (office.country if office else None)
            if title is None or country is None:
                problems.append(Problem(at(("diplomacy", "meetings", i, "participants", j, "person")),
                                        f"person: data/people.yaml has no office of '{person.id}' that covers the meeting's "
                                        f"date ({mt.date}): add the office (with `from`/`to` or a dated quote), or write "
                                        "title: and country: here"))
                filled.append(p)
                continue
            filled.append(p.model_copy(update={"name": p.name or person.name, "title": title, "country": country}))
        new_meetings.append(mt.model_copy(update={"participants": filled}))
    diplomacy = brief.diplomacy.model_copy(update={"meetings": new_meetings})
    return brief.model_copy(update={"diplomacy": diplomacy}), problems


# --- names in sentences -------------------------------------------------------------------------


class PeopleCheck:
    """What provenance asks about people: a meeting's participants, and the names a sentence prints
    (against a record's quotes and the registry)."""

    def __init__(self, people: People, countries: dict[str, Country]):
        self.people, self.country_codes = people, countries
        self.known = {w.lower() for p in people for n in p.names for w in fold(n).split() if len(w) > 2}
        self.countries = {w.lower() for c in countries.values() for n in (c.name, c.adjective) for w in n.split()}
        self.known -= self.countries | who.TITLE_WORDS

    def participants(self, meeting: Meeting, fail) -> None:
        check_participants(meeting, self.people, self.country_codes, fail)

    def names(self, text: str, plain_quotes: str) -> list[str]:
        out = []
        for name in who.printed_names(text, self.known, self.countries):
            if _plain(name) in plain_quotes:
                continue
            person = self.people.find(name) or self._part_of(name)
            if person is not None and _quoted(person.names, plain_quotes):
                continue  # a registered spelling of someone the quotes name
            quoted = [n for p in self.people for n in p.names if _plain(n) in plain_quotes]
            out.append(f"the name \"{name}\" is not in the record's quotes" +
                       (f"; they name {', '.join(dict.fromkeys(quoted))}" if quoted else
                        "" if person else " (nor is it a spelling data/people.yaml registers for someone they name)"))
        return out

    def _part_of(self, name: str) -> Person | None:
        """The one person a part of a name belongs to ("Shehbaz" of Shehbaz Sharif)."""
        wanted = _plain(name)
        found = {p.id: p for p in self.people for n in p.names if wanted in _plain(n)}
        return next(iter(found.values())) if len(found) == 1 else None
