"""Field-level provenance: every value a template can print is stated by the record's own quotes.

`check_brief` walks every record of a validated brief and proves each field from the quotes of
that record (a meeting's points from the point's quotes), the way `schema.PROVENANCE` says: the
numbers and dates in `text` and `label`, amounts in their unit, counts with their qualifier,
dates and periods, ordinals, names, the capitalised words of descriptions, and the countries
behind country codes. A value no quote states is a `Problem` at the value's own line that names
the value and says what the quotes do state.

What a quote states (numbers, amounts, dates) is read in `statements`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from briefgen.errors import Problem
from briefgen.facts import relativedates
from briefgen.facts.quotes import fold
from briefgen.facts.statements import (CURRENCY_MARKS, MONTHS, ORDINAL, ORDINALS, SCALES, THE_PAIR, WORD, Stated,
                                       ordinal, plain_words, read_dates, read_numbers, state)
from briefgen.facts.schema import PROVENANCE, Brief, Country, Source, iter_records
from briefgen.files.yamlfile import YamlDoc

# --- checking one record ---------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _they_say(phrases: list[str], what: str) -> str:
    phrases = list(dict.fromkeys(phrases))
    if not phrases:
        return f"they state no {what}"
    return "they say " + ", ".join(f'"{p}"' for p in phrases[:6])


class _RecordCheck:
    """Proves one record's fields; problems collect at the fields' own lines."""

    def __init__(self, stated: Stated, loc: tuple, doc: YamlDoc, countries: dict[str, Country],
                 problems: list[Problem], notes: list[Problem] | None = None, people=None):
        self.stated, self.loc, self.doc, self.countries, self.problems = stated, loc, doc, countries, problems
        self.notes = [] if notes is None else notes  # how a date was proved, when a relative date proved it
        self.people = people  # who is who (briefgen/facts/people_check.py `PeopleCheck`), or None
        self.names_from = stated.plain  # where names are proved: a meeting's point also by the meeting's quotes

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.doc.at(self.loc + path), message))

    def run(self, model: BaseModel, prefix: tuple = ()) -> None:
        fields = type(model).model_fields
        set_fields = model.model_fields_set
        for name in fields:
            kind = PROVENANCE.get(name)
            value = getattr(model, name)
            if value is None or kind in ("judgement", "structure", None) or value == [] or value == "":
                continue
            path = prefix + (name,)
            if name == "participants" and value and isinstance(value[0], BaseModel):
                if self.people is not None:
                    self.people.participants(model, lambda at, m: self.fail(prefix + at, m))
                continue
            if kind == "sentence":
                self.sentence(path, value)
            elif kind == "date":
                self.date(path, name, value)
            elif kind == "amount" and name in ("low", "high", "value"):
                self.amount(path, name, value, model)
            elif kind == "count" and name == "count":
                self.count(path, model, "count_qualifier" in fields, "count_qualifier" in set_fields)
            elif kind == "ordinal":
                if value not in self.stated.ordinals:
                    self.fail(path, f"{name}: {value} is not in the record's quotes (they would say "
                              f"\"{_ordinal_word(value)}\")")
            elif kind == "name":
                for i, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
                    self.name(path + ((i,) if i is not None else ()), name, item)
            elif kind == "words":
                for i, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
                    self.words(path + ((i,) if i is not None else ()), name, item)
            elif kind == "country":
                for i, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
                    self.country(path + ((i,) if i is not None else ()), name, item)
            elif kind == "amount" and name == "currency":
                self.currency(path, value)

    # sentences: each number, amount, ordinal and date they print
    def sentence(self, path: tuple, text: str) -> None:
        name = path[-1]
        key = text if self.names_from is self.stated.plain else f"{text}\0{self.names_from}"
        if key not in self.stated.said:
            self.stated.said[key] = unstated(text, self.stated)
            if self.people is not None:
                self.stated.said[key] += self.people.names(text, self.names_from)
        for message in self.stated.said[key]:
            self.fail(path, f"{name}: {message}")

    def date(self, path: tuple, name: str, value: str) -> None:
        for part in (str(value),) if str(value) in self.stated.relative else str(value).split("/"):
            pieces = part.split("-")
            if len(pieces) == 3:
                ok, shown = part in self.stated.days, self.stated.date_phrases
            elif len(pieces) == 2:
                ok, shown = part in self.stated.months, self.stated.date_phrases
            else:
                ok, shown = part in self.stated.years, self.stated.date_phrases or sorted(self.stated.years)
            if not ok and part in self.stated.relative:  # 'on Tuesday' in a dated report: say how it was read
                ok = True
                self.notes.append(Problem(self.doc.at(self.loc + path), f"{name}: {value} from "
                                                                        f"{self.stated.relative[part].explain()}"))
            if not ok:
                hint = relativedates.failure_hint(self.stated.resolutions)
                self.fail(path, f"{name}: {value} ({_spell_date(part)}) is not in the record's quotes; "
                          f"{_they_say(shown, 'date' if len(pieces) > 1 else 'year')}" + (f"; {hint}" if hint else ""))
                return

    def amount(self, path: tuple, name: str, value: float, model: BaseModel) -> None:
        unit = getattr(model, "unit", None)
        scale = SCALES.get(unit or "", 1)
        code = getattr(model, "currency", None)
        shown_value = f"{_currency_mark(code or '')}{_fmt(value)}" + (f" {unit}" if unit else "")
        if not self.stated.has_amount(value * scale, code):
            amounts = [n.phrase for n in self.stated.numbers if n.scale is not None]
            elsewhere = code and any(value * scale * (1 + 1e-9) >= a >= value * scale * (1 - 1e-9)
                                     for n in self.stated.numbers for a in n.values | {n.value * (n.scale or 1)})
            self.fail(path, f"{name}: {_fmt(value)} ({shown_value}) is not in the record's quotes"
                      + (f" as an amount in {code} (a figure of that size without '{_currency_mark(code).strip()}' "
                         "next to it is not an amount in it)" if elsewhere else "")
                      + f"; {_they_say(amounts, 'amount')}")

    def currency(self, path: tuple, code: str) -> None:
        if code not in self.stated.currencies():
            marks = CURRENCY_MARKS.get(code, (code,))
            self.fail(path, f"currency: {code} is not in the record's quotes (they would say "
                      f"{' or '.join(repr(m) for m in marks)})")

    def count(self, path: tuple, model: BaseModel, has_qualifier: bool, qualifier_written: bool) -> None:
        value = model.count
        qualifier = getattr(model, "count_qualifier", "exactly")
        counts = [n for n in self.stated.numbers if n.scale is None and not n.year]
        same = [n for n in counts if n.means(value)]
        shown = [n.phrase for n in counts]
        spoken = f"{'' if qualifier == 'exactly' else qualifier + ' '}{_fmt(value)}"
        if not same:
            self.fail(path, f"count: {_fmt(value)}" + (f" ({spoken})" if qualifier != "exactly" else "")
                      + f" is not in the record's quotes; {_they_say(shown, 'count')}")
        elif not any(n.qualifier == qualifier for n in same) and (has_qualifier or qualifier == "exactly"):
            where = path[:-1] + ("count_qualifier",) if qualifier_written else path
            self.fail(where, f"count_qualifier: {qualifier} ({spoken}) is not what the record's quotes say; "
                      f"{_they_say([n.phrase for n in same], 'count')}")

    def name(self, path: tuple, field_name: str, value: str) -> None:
        wanted = plain_words(value)
        if not wanted:  # "—", an emoji: nothing to compare as words; the quotes must hold it as written
            if fold(value) not in self.stated.text:
                self.fail(path, f"{field_name}: \"{value}\" has no letters or digits and is not in the record's quotes")
            return
        if f" {wanted} " not in self.stated.plain and not _spelled_out(value, self.stated.text):
            self.fail(path, f"{field_name}: \"{value}\" is not in the record's quotes"
                      + _nearest_phrase(wanted, self.stated.plain))

    def words(self, path: tuple, field_name: str, value: str) -> None:
        missing = []
        for word in WORD.findall(fold(value)):
            if word[0].isdigit():
                ok = any(n.means(float(re.sub(r"\D.*", "", word) or 0)) for n in self.stated.numbers) \
                    or word.lower() in self.stated.words
            elif word.isupper() and len(word) > 1:
                ok = word.lower() in self.stated.words or word in self.stated.initials
            elif word[0].isupper():  # in the singular or plural: "Foreign Minister" from "Foreign Ministers"
                low = word.lower()
                ok = any(w in self.stated.words for w in (low, low + "s", low + "es", low.removesuffix("s")))
            else:
                continue  # the desk's own words; names and numbers are what must be quoted
            if not ok:
                missing.append(word)
        if missing:
            self.fail(path, f"{field_name}: {', '.join(repr(w) for w in missing)} in \"{value}\" "
                      f"{'is' if len(missing) == 1 else 'are'} not in the record's quotes")

    def country(self, path: tuple, field_name: str, code: str) -> None:
        country = self.countries.get(code)
        if country is None:
            return  # 'both', 'each other', or an unknown code (reported by the id checks)
        names = (country.name, country.adjective)
        text = self.stated.text
        # the name whole, or with a people's ending ("Kazakhstani"); never a longer name ("Niger" in "Nigeria")
        if not any(re.search(rf"\b{re.escape(n)}(?:i|is|s|n|ns|ese)?(?![^\W\d_])", text) for n in names):
            self.fail(path, f"{field_name}: {code} ({country.name}) is not named in the record's quotes")


def unstated(text: str, stated: Stated) -> list[str]:
    """What a sentence says that the quotes (`stated`) do not: each number, amount, ordinal and date."""
    out: list[str] = []
    folded = fold(text)
    mentioned = Stated(folded)
    spans = read_dates(folded, mentioned)
    for phrase in mentioned.date_phrases:
        one = Stated(phrase)
        read_dates(phrase, one)
        relative = stated.relative.keys()  # what 'on Tuesday' in a dated report states
        relative_days = {k[5:] for k in relative if len(k) == 10}
        relative_months = {int(k[5:7]) for k in relative if len(k) in (7, 10)}
        if ((one.days - stated.days - relative) or (one.months - stated.months - relative)
                or (one.month_days - stated.month_days - relative_days)
                or (one.month_names - stated.month_names - relative_months)):
            out.append(f"the date \"{phrase}\" is not in the record's quotes; "
                       f"{_they_say(stated.date_phrases, 'date with a month')}")
    for number in read_numbers(folded):
        if any(s <= number.start and number.end <= e for s, e in spans):
            continue  # read as a date above
        if THE_PAIR.match(folded, number.start):
            continue  # "the two countries": the brief's pair, two by the schema, not a sourced figure
        said = [n for n in stated.numbers if n.values & number.values]
        if number.scale is not None:  # an amount: the same size, in a currency it names
            said = [n for n in stated.numbers if n.scale is not None and n.amounts() & number.amounts()
                    and (not number.currencies or number.currencies & n.currencies)]
        ok = bool(said) and any(n.qualifier == number.qualifier for n in said) if number.qualifier != "exactly" \
            else any(n.qualifier in ("exactly", "about") or n.year for n in said)
        if not ok:  # "more than 38" needs a quote that says "more than"; "38" is not "fewer than 38"
            shown = [n.phrase for n in stated.numbers]
            out.append(f"the number \"{number.phrase}\" is not in the record's quotes; "
                       f"{_they_say(shown, 'number')}")
    for m in ORDINAL.finditer(folded):
        value = ordinal(m)
        if value not in stated.ordinals:
            out.append(f"\"{m.group()}\" is not in the record's quotes")
    return out


def _spelled_out(name: str, text: str) -> bool:
    """True when the quotes give `name` with its acronyms spelled out: "UN Security Council" is
    stated by "United Nation Security Council" (initials U, N)."""
    tokens = re.findall(r"[^\W_]+", fold(name))
    if not any(t.isupper() and len(t) > 1 for t in tokens):
        return False
    parts = []
    for t in tokens:
        if t.isupper() and len(t) > 1:
            spelled = r"[\W_]+".join(rf"{c}[^\W_]*" for c in t)
            parts.append(rf"(?:{re.escape(t)}|{spelled})")
        else:
            parts.append(rf"(?i:{re.escape(t)})")
    return re.search(r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])", text) is not None


def _ordinal_word(value: int) -> str:
    return next((w for w, i in ORDINALS.items() if i == value), f"{value}th")


def _currency_mark(code: str) -> str:
    return {"USD": "US$", "EUR": "€", "GBP": "£"}.get(code, f"{code} " if code else "")


def _spell_date(part: str) -> str:
    pieces = part.split("-")
    if len(pieces) == 1:
        return part
    month = list(MONTHS)[int(pieces[1]) - 1]
    return f"{month} {pieces[0]}" if len(pieces) == 2 else f"{int(pieces[2])} {month} {pieces[0]}"


def _nearest_phrase(wanted: str, plain: str) -> str:
    """'; nearest: "…"' with the quoted words closest to a name, when one is close."""
    import difflib

    size = len(wanted.split())
    words = plain.split()
    grams = {" ".join(words[i:i + n]) for n in (size - 1, size, size + 1) if n > 0 for i in range(len(words) - n + 1)}
    close = difflib.get_close_matches(wanted, grams, n=1, cutoff=0.6)
    return f"; the nearest words they have are \"{close[0]}\"" if close else ""


def check_brief(brief: Brief, doc: YamlDoc, countries: dict[str, Country], skip: set[tuple] = frozenset(),
                people=None, sources: dict[str, Source] | None = None,
                notes: list[Problem] | None = None) -> list[Problem]:
    """Every field of every record of `brief` that its own quotes do not state, located by line.
    Records at the paths in `skip` (a quote of theirs is wrong or unknown) are left out. `people`
    proves participants and people's names (`people_check.PeopleCheck`: `participants(meeting, fail)`
    and `names(text, plain_quotes)`). A quote's relative dates ('on Tuesday') are read against the
    date of its source in `sources`; a date proved that way is said in `notes`."""

    problems: list[Problem] = []
    read_once: dict[tuple[tuple[str, str], ...], Stated] = {}
    meeting_quotes: dict[tuple, tuple[tuple[str, str], ...]] = {}
    notes = [] if notes is None else notes
    for loc, record in iter_records(brief):
        if loc in skip and "participants" not in type(record).model_fields:
            continue
        cited = tuple((c.source, c.quote) for c in record.sources)
        stated = read_once.get(cited)
        if stated is None:  # records often share a quote; read it once
            stated = read_once[cited] = state([quote for _, quote in cited])
            stated.resolutions = relativedates.resolve(record.sources, sources or {})
            stated.relative = relativedates.proved(stated.resolutions)
        if "participants" in type(record).model_fields:
            meeting_quotes[loc] = cited
            if loc in skip:
                continue
        check = _RecordCheck(stated, loc, doc, countries, problems, notes, people)
        if "points" in loc:  # a point may name the meeting's participants ("Mr Bhutto Zardari underlined …")
            meeting = read_once.get(meeting_quotes.get(loc[:loc.index("points")], ()))
            check.names_from = stated.plain + (meeting.plain if meeting else "")
        check.run(record)
    return problems
