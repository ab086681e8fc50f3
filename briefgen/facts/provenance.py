"""Field-level provenance: every value a template can print is stated by the record's own quotes.

`check_brief` walks every record of a validated brief and proves each field from the quotes of
that record (a meeting's points from the point's quotes), the way `schema.PROVENANCE` says: the
numbers and dates in `text` and `label`, amounts in their unit, counts with their qualifier,
dates and periods, ordinals, names, the capitalised words of descriptions, and the countries
behind country codes. A value no quote states is a `Problem` at the value's own line that names
the value and says what the quotes do state.

Only the obvious forms are normalised, so that a rewritten number cannot slip through:
thousands separators ("1,000"), a space after the currency ("US$ 250"), number words one to
twenty, month names, en dashes in ranges ("3–4 February 2026"), and units ("1,000 million" is
"1 billion"). Text is compared after `quotes.fold` (typography and whitespace).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from briefgen.errors import Problem
from briefgen.facts.quotes import fold
from briefgen.facts.schema import PROVENANCE, Brief, Country, iter_records
from briefgen.files.yamlfile import YamlDoc

# --- quotes that carry a claim ---------------------------------------------------------------

MIN_QUOTE_WORDS = 4
"""A quote must have at least this many words, and at least one that is not a stop word: a short
or empty-worded quote occurs in almost any document and proves nothing."""

STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have he her his i in is it its of on or our she so
than that the their them there these they this those to was we were which who will with you your not no
""".split())

_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


def quote_problem(quote: str) -> str | None:
    """Why a quote cannot support anything, or None when it can."""
    words = _WORD.findall(fold(quote))
    if len(words) < MIN_QUOTE_WORDS:
        return (f"quote \"{quote.strip()}\" is too short to support a fact: quote at least {MIN_QUOTE_WORDS} "
                "words, the whole phrase that states it")
    if all(w.lower() in STOP_WORDS for w in words):
        return f"quote \"{quote.strip()}\" is only common words (like 'the', 'and'): quote the words that state the fact"
    return None


# --- what quotes state: numbers, amounts, counts, dates ----------------------------------------

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"a dozen": 12}
del NUMBER_WORDS["zero"]
ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()) if i}
MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
QUALIFIERS = {
    "more than": "more than", "over": "more than", "above": "more than", "upwards of": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least", "not less than": "at least",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "nearly": "about", "almost": "about", "an estimated": "about", "up to": "about",
}
CURRENCY_MARKS = {"USD": ("US$", "USD", "US dollar", "$"), "EUR": ("€", "EUR", "euro"), "GBP": ("£", "GBP", "pound"),
                  "PKR": ("Rs", "PKR", "rupee"), "KZT": ("₸", "KZT", "tenge"), "CNY": ("CN¥", "CNY", "yuan", "RMB"),
                  "INR": ("₹", "INR", "rupee"), "JPY": ("¥", "JPY", "yen"), "RUB": ("₽", "RUB", "rouble", "ruble")}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMWORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_MONTH = "|".join(MONTHS)
_QUAL = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_CUR = r"(?:US\$|USD|EUR|GBP|PKR|KZT|Rs\.?|[$€£¥₹₽₸])"
_SCALE = "|".join(SCALES)
# a number (digits or a word) and the scale after it; the qualifier and currency before it are
# read from the few characters in front (one pattern anchored on numbers is several times faster)
NUMBER = re.compile(rf"(?<![\w.,])(?:(?P<num>{_NUM})|(?P<word>{_NUMWORD}))(?!\w)(?:\s?(?P<scale>{_SCALE})\b)?",
                    re.IGNORECASE)
_BEFORE = re.compile(rf"(?:\b(?P<qual>{_QUAL})\s+)?(?P<cur>(?<![A-Za-z]){_CUR}\s?)?$", re.IGNORECASE)
_HAS_DIGIT_OR_WORD = re.compile(rf"\d|\b(?:{_NUMWORD})\b", re.IGNORECASE)
_ORD = re.compile(rf"\b(?P<word>{'|'.join(ORDINALS)})\b|\b(?P<num>\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DASH = r"\s?(?:-|to|and)\s?"
DATE_PATTERNS = (  # (regex, kind); the en dash is folded to "-"
    (re.compile(rf"\b{_DAY}{_DASH}{_DAY} ({_MONTH}),? (\d{{4}})\b"), "days-range"),
    (re.compile(rf"\b{_DAY} ({_MONTH}){_DASH}{_DAY} ({_MONTH}),? (\d{{4}})\b"), "cross-month-range"),
    (re.compile(rf"\b({_MONTH}) {_DAY}{_DASH}{_DAY},? (\d{{4}})\b"), "us-days-range"),
    (re.compile(rf"\b{_DAY} ({_MONTH}),? (\d{{4}})\b"), "day-month-year"),
    (re.compile(rf"\b({_MONTH}) {_DAY},? (\d{{4}})\b"), "month-day-year"),
    (re.compile(rf"\b({_MONTH}){_DASH}({_MONTH}),? (\d{{4}})\b"), "months-range"),
    (re.compile(rf"\b({_MONTH}),? (\d{{4}})\b"), "month-year"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
)
_ANY_DATE = re.compile(rf"\b(?:{_MONTH})\b|\d{{4}}-\d{{2}}-\d{{2}}")
_THE_PAIR = re.compile(r"(?i:two) (?:countries|nations|states|sides|governments)\b")
_YEAR = re.compile(r"(?<![\d.,])(1\d{3}|2\d{3})(?![\d])")


@dataclass(frozen=True)
class Number:
    value: float
    absolute: float | None  # value times its scale, when a scale word follows
    qualifier: str
    currency: bool
    phrase: str
    start: int
    end: int


@dataclass
class Stated:
    """What a record's quotes state, read once per record."""

    text: str  # folded quotes, joined
    numbers: list[Number] = field(default_factory=list)
    days: set[str] = field(default_factory=set)  # YYYY-MM-DD
    months: set[str] = field(default_factory=set)  # YYYY-MM (also from every day)
    years: set[str] = field(default_factory=set)
    date_phrases: list[str] = field(default_factory=list)
    ordinals: set[int] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # lower-case
    initials: set[str] = field(default_factory=set)  # "UN" from "United Nation(s)"
    plain: str = ""  # lower-case words joined by single spaces, padded: for whole-name search
    said: dict[str, list[str]] = field(default_factory=dict)  # sentence -> its problems, once per sentence

    def has_number(self, value: float) -> bool:
        return any(n.value == value for n in self.numbers)

    def has_amount(self, absolute: float) -> bool:
        return any(n.absolute is not None and abs(n.absolute - absolute) < 1e-6 * absolute for n in self.numbers)


def read_numbers(text: str) -> list[Number]:
    out: list[Number] = []
    if not _HAS_DIGIT_OR_WORD.search(text):
        return out
    for m in NUMBER.finditer(text):
        if m.group("num"):
            value = float(m.group("num").replace(",", ""))
        else:
            value = float(NUMBER_WORDS[m.group("word").lower()])
        scale = m.group("scale")
        absolute = value * SCALES[scale.lower()] if scale else None
        before = _BEFORE.search(text, max(0, m.start() - 24), m.start())
        qualifier = QUALIFIERS[before.group("qual").lower()] if before.group("qual") else "exactly"
        phrase = text[before.start():m.end()].strip()
        out.append(Number(value, absolute, qualifier, bool(before.group("cur")), phrase, m.start(), m.end()))
    return out


def read_dates(text: str, stated: Stated) -> list[tuple[int, int]]:
    """Add the dates `text` states to `stated`; return where they are in `text`."""
    taken: list[tuple[int, int]] = []
    stated.years.update(_YEAR.findall(text))
    if not _ANY_DATE.search(text):
        return taken
    for pattern, kind in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # part of a longer date already read
            taken.append(m.span())
            stated.date_phrases.append(m.group())
            g = m.groups()
            if kind == "days-range":
                days = [(g[3], MONTHS[g[2]], g[0]), (g[3], MONTHS[g[2]], g[1])]
            elif kind == "cross-month-range":
                days = [(g[4], MONTHS[g[1]], g[0]), (g[4], MONTHS[g[3]], g[2])]
            elif kind == "us-days-range":
                days = [(g[3], MONTHS[g[0]], g[1]), (g[3], MONTHS[g[0]], g[2])]
            elif kind == "day-month-year":
                days = [(g[2], MONTHS[g[1]], g[0])]
            elif kind == "month-day-year":
                days = [(g[2], MONTHS[g[0]], g[1])]
            elif kind == "iso":
                days = [(g[0], int(g[1]), g[2])]
            else:
                months = [(g[2], MONTHS[g[0]]), (g[2], MONTHS[g[1]])] if kind == "months-range" else [(g[1], MONTHS[g[0]])]
                for year, month in months:
                    stated.months.add(f"{year}-{month:02d}")
                continue
            for year, month, day in days:
                stated.days.add(f"{year}-{int(month):02d}-{int(day):02d}")
                stated.months.add(f"{year}-{int(month):02d}")
    return taken


def state(quotes: list[str]) -> Stated:
    text = " … ".join(fold(q) for q in quotes)
    stated = Stated(text)
    stated.numbers = read_numbers(text)
    read_dates(text, stated)
    for m in _ORD.finditer(text):
        stated.ordinals.add(ORDINALS[m.group("word").lower()] if m.group("word") else int(m.group("num")))
    words = _WORD.findall(text)
    stated.words = {w.lower() for w in words} | {p.lower() for w in words for p in re.split(r"['\-]", w)}
    run: list[str] = []
    for w in words + [""]:
        if w[:1].isupper():
            run.append(w[0])
            continue
        for i in range(len(run)):
            for j in range(i + 2, len(run) + 1):
                stated.initials.add("".join(run[i:j]))
        run = []
    stated.plain = f" {plain_words(text)} "
    return stated


def plain_words(text: str) -> str:
    """Lower-case words and numbers only, one space apart: names compare without case or punctuation."""
    return " ".join(re.findall(r"[^\W_]+", fold(text).lower()))


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
                 problems: list[Problem]):
        self.stated, self.loc, self.doc, self.countries, self.problems = stated, loc, doc, countries, problems

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
                for i, person in enumerate(value):
                    self.run(person, path + (i,))
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
        if text not in self.stated.said:
            self.stated.said[text] = self._sentence(text)
        for message in self.stated.said[text]:
            self.fail(path, f"{name}: {message}")

    def _sentence(self, text: str) -> list[str]:
        out: list[str] = []
        folded = fold(text)
        stated = self.stated
        mentioned = Stated(folded)
        spans = read_dates(folded, mentioned)
        for phrase in mentioned.date_phrases:
            one = Stated(phrase)
            read_dates(phrase, one)
            if (one.days - stated.days) or (one.months - stated.months):
                out.append(f"the date \"{phrase}\" is not in the record's quotes; "
                          f"{_they_say(stated.date_phrases, 'date with a month')}")
        for number in read_numbers(folded):
            if any(s <= number.start and number.end <= e for s, e in spans):
                continue  # read as a date above
            if _THE_PAIR.match(folded, number.start):
                continue  # "the two countries": the brief's pair, two by the schema, not a sourced figure
            if number.absolute is not None:
                ok = stated.has_amount(number.absolute)
            else:
                ok = stated.has_number(number.value)
            if ok and number.qualifier != "exactly":  # "more than 38" needs a quote that says "more than"
                ok = any(n.value == number.value and n.qualifier == number.qualifier for n in stated.numbers)
            if not ok:
                shown = [n.phrase for n in stated.numbers]
                out.append(f"the number \"{number.phrase}\" is not in the record's quotes; "
                          f"{_they_say(shown, 'number')}")
        for m in _ORD.finditer(folded):
            if m.group("num") and int(m.group("num")) not in stated.ordinals:
                out.append(f"\"{m.group()}\" is not in the record's quotes")
        return out

    def date(self, path: tuple, name: str, value: str) -> None:
        for part in str(value).split("/"):
            pieces = part.split("-")
            if len(pieces) == 3:
                ok, shown = part in self.stated.days, self.stated.date_phrases
            elif len(pieces) == 2:
                ok, shown = part in self.stated.months, self.stated.date_phrases
            else:
                ok, shown = part in self.stated.years, self.stated.date_phrases or sorted(self.stated.years)
            if not ok:
                self.fail(path, f"{name}: {value} ({_spell_date(part)}) is not in the record's quotes; "
                          f"{_they_say(shown, 'date' if len(pieces) > 1 else 'year')}")
                return

    def amount(self, path: tuple, name: str, value: float, model: BaseModel) -> None:
        unit = getattr(model, "unit", None)
        scale = SCALES.get(unit or "", 1)
        shown_value = f"{_currency_mark(getattr(model, 'currency', ''))}{_fmt(value)}" + (f" {unit}" if unit else "")
        if not self.stated.has_amount(value * scale):
            amounts = [n.phrase for n in self.stated.numbers if n.absolute is not None or n.currency]
            self.fail(path, f"{name}: {_fmt(value)} ({shown_value}) is not in the record's quotes; "
                      f"{_they_say(amounts, 'amount')}")

    def currency(self, path: tuple, code: str) -> None:
        marks = CURRENCY_MARKS.get(code, (code,))
        if not any(mark.lower() in self.stated.text.lower() for mark in marks):
            self.fail(path, f"currency: {code} is not in the record's quotes (they would say "
                      f"{' or '.join(repr(m) for m in marks)})")

    def count(self, path: tuple, model: BaseModel, has_qualifier: bool, qualifier_written: bool) -> None:
        value = model.count
        qualifier = getattr(model, "count_qualifier", "exactly")
        same = [n for n in self.stated.numbers if n.value == value and n.absolute is None and not n.currency]
        shown = [n.phrase for n in self.stated.numbers if not n.currency and n.absolute is None
                 and str(int(n.value)) not in self.stated.years]
        spoken = f"{'' if qualifier == 'exactly' else qualifier + ' '}{_fmt(value)}"
        if not same:
            self.fail(path, f"count: {_fmt(value)}" + (f" ({spoken})" if qualifier != "exactly" else "")
                      + f" is not in the record's quotes; {_they_say(shown, 'count')}")
        elif has_qualifier and not any(n.qualifier == qualifier for n in same):
            where = path[:-1] + ("count_qualifier",) if qualifier_written else path
            self.fail(where, f"count_qualifier: {qualifier} ({spoken}) is not what the record's quotes say; "
                      f"{_they_say([n.phrase for n in same], 'count')}")

    def name(self, path: tuple, field_name: str, value: str) -> None:
        wanted = plain_words(value)
        if wanted and f" {wanted} " not in self.stated.plain and not _spelled_out(value, self.stated.text):
            self.fail(path, f"{field_name}: \"{value}\" is not in the record's quotes"
                      + _nearest_phrase(wanted, self.stated.plain))

    def words(self, path: tuple, field_name: str, value: str) -> None:
        missing = []
        for word in _WORD.findall(fold(value)):
            if word[0].isdigit():
                ok = any(n.value == float(re.sub(r"\D.*", "", word) or 0) for n in self.stated.numbers) \
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
        if not any(re.search(rf"\b{re.escape(n)}", text) for n in names):
            self.fail(path, f"{field_name}: {code} ({country.name}) is not named in the record's quotes")


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


def check_brief(brief: Brief, doc: YamlDoc, countries: dict[str, Country], skip: set[tuple] = frozenset()) -> list[Problem]:
    """Every field of every record of `brief` that its own quotes do not state, located by line.
    Records at the paths in `skip` (a quote of theirs is wrong or unknown) are left out."""

    problems: list[Problem] = []
    read_once: dict[tuple[str, ...], Stated] = {}
    for loc, record in iter_records(brief):
        if loc in skip:
            continue
        quotes = tuple(c.quote for c in record.sources)
        stated = read_once.get(quotes)
        if stated is None:  # records often share a quote; read it once
            stated = read_once[quotes] = state(list(quotes))
        _RecordCheck(stated, loc, doc, countries, problems).run(record)
    return problems
