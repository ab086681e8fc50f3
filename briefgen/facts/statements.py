"""What quotes state: the numbers (with their qualifier, currency and scale), ordinals, and dates a
quote says, read once per set of quotes; and whether a quote carries a claim at all.

Only the obvious forms are normalised, so that a rewritten number cannot slip through:
thousands separators ("1,000"), a space after the currency ("US$ 250"), number words one to
twenty, month names, en dashes in ranges ("3–4 February 2026"), and units ("1,000 million" is
"1 billion"). Text is compared after `quotes.fold` (typography and whitespace).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefgen.facts.quotes import fold


# --- quotes that carry a claim ---------------------------------------------------------------

MIN_QUOTE_WORDS = 4
"""A quote must have at least this many words, and at least one that is not a stop word: a short
or empty-worded quote occurs in almost any document and proves nothing."""

STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have he her his i in is it its of on or our she so
than that the their them there these they this those to was we were which who will with you your not no
""".split())

WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


def quote_problem(quote: str) -> str | None:
    """Why a quote cannot support anything, or None when it can."""
    words = WORD.findall(fold(quote))
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
ORDINAL = re.compile(rf"\b(?P<word>{'|'.join(ORDINALS)})\b|\b(?P<num>\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
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
THE_PAIR = re.compile(r"(?i:two) (?:countries|nations|states|sides|governments)\b")
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
    for m in ORDINAL.finditer(text):
        stated.ordinals.add(ORDINALS[m.group("word").lower()] if m.group("word") else int(m.group("num")))
    words = WORD.findall(text)
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
