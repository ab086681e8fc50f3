"""What quotes state: the numbers, amounts, counts, dates, ordinals and words a text says.

`state(quotes)` reads a record's quotes once; `read_numbers` and `read_dates` read a brief's own
sentences the same way, so that a value is compared with a value and never with a digit string.

A number is read whole, in the notations news outlets use: thousands grouped by commas, dots,
spaces or the Indian lakh ("1,000", "1.000", "1 000", "12,50,000"), decimal commas ("38,5",
"1.000,5"), a minus sign, an exponent ("5e9"), a scale glued on ("US$9bn") and a currency mark or
code glued in front ("Rs900", "PKR900"). A notation that could be read two ways ("1.000": one, or
a thousand) keeps both readings; a value is stated when the readings meet. Each number carries
what it is a number of: its qualifier ("more than", "fewer than"), its scale, the currencies
written next to it, and whether it reads as a year ("Since 2005"), so that an amount is proved
only by an amount in its currency and a count never by a year.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

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
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
NUMBER_WORDS |= _TENS | {f"{t}{sep}{u}": v + i for t, v in _TENS.items() for u, i in NUMBER_WORDS.items()
                         if 1 <= i <= 9 and u != "a dozen" for sep in ("-", " ")}
"""Number words to ninety-nine, as news writes a count at the start of a sentence ("Thirty-seven
agreements were signed")."""
ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()) if i}
MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6, "mln": 1e6,
          "bln": 1e9, "tn": 1e12, "crore": 1e7, "lakh": 1e5}
QUALIFIERS = {
    "more than": "more than", "over": "more than", "above": "more than", "upwards of": "more than",
    "in excess of": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least", "not less than": "at least",
    "not fewer than": "at least", "a minimum of": "at least",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "nearly": "about", "almost": "about", "an estimated": "about", "up to": "about", "close to": "about",
    "fewer than": "less than", "less than": "less than", "under": "less than", "below": "less than",
    "not more than": "at most", "no more than": "at most", "at most": "at most", "a maximum of": "at most",
}
# the words and marks that say which currency an amount is in; letters match as whole words only
# (a mark inside a word, "rs" in "ministers" or "euro" in "Eurasian", names no currency)
CURRENCY_MARKS = {"USD": ("US$", "USD", "US dollar", "$"), "EUR": ("€", "EUR", "euro"), "GBP": ("£", "GBP", "pound"),
                  "PKR": ("Rs", "PKR", "rupee"), "KZT": ("₸", "KZT", "tenge"), "CNY": ("CN¥", "CNY", "yuan", "RMB"),
                  "INR": ("₹", "INR", "rupee", "Rs"), "JPY": ("¥", "JPY", "yen"),
                  "RUB": ("₽", "RUB", "rouble", "ruble")}
_MARK_CODES: dict[str, set[str]] = {}
for _code, _marks in CURRENCY_MARKS.items():
    for _mark in _marks:
        _MARK_CODES.setdefault(_mark.lower(), set()).add(_code)
_MARKS = "|".join(re.escape(m) for m in sorted(_MARK_CODES, key=len, reverse=True))
# a mark: symbols anywhere, letters not inside a word; a plural or "Rs." after
CURRENCY = re.compile(rf"(?<![^\W\d_])(?:{_MARKS})(?:s|es)?\.?(?![^\W\d_])", re.IGNORECASE)

_NUMWORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_QUAL = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
# digits grouped by commas, dots or single spaces (any folded to " "), with an optional exponent
_DIGITS = r"\d{1,3}(?: \d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*"
NUMBER = re.compile(
    rf"(?P<sign>(?<![\w\-.,])-)?(?<![\d.,])(?:(?P<num>{_DIGITS})(?:e(?P<exp>[-+]?\d{{1,3}}))?(?![\d])(?!(?:st|nd|rd|th)\b)"
    rf"|(?<![\w])(?P<word>{_NUMWORD})(?!\w))(?:\s?(?P<scale>{_SCALE})(?![^\W\d_]))?",
    re.IGNORECASE)
_BEFORE = re.compile(rf"(?:\b(?P<qual>{_QUAL})\s+)?(?P<cur>{CURRENCY.pattern}\s?)?$", re.IGNORECASE)
_AFTER = re.compile(rf"\s?(?P<cur>{CURRENCY.pattern})", re.IGNORECASE)
_HAS_DIGIT_OR_WORD = re.compile(rf"\d|\b(?:{_NUMWORD})\b", re.IGNORECASE)
ORDINAL = re.compile(rf"\b(?P<word>{'|'.join(ORDINALS)})\b|\b(?P<num>\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def ordinal(m: re.Match) -> int | str:
    """The value of an ordinal `ORDINAL` found; one of thousands of digits stays its digits (int()
    refuses more than 4,300, and no such ordinal is stated anywhere but where it is written)."""
    if m.group("word"):
        return ORDINALS[m.group("word").lower()]
    return int(m.group("num")) if len(m.group("num")) <= 18 else m.group("num")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|from|until|till|by|of|during|after|before|to|between|and|year|fy)\s$",
                          re.IGNORECASE)


def readings(digits: str) -> frozenset[float]:
    """Every value a written number can mean: "1,000" one thousand; "38,5" thirty-eight and a half;
    "1.000" one or a thousand (both kept); "12,50,000" one and a quarter million (lakh grouping)."""
    plain = digits.replace(" ", "")
    if re.fullmatch(r"\d+", plain):
        return frozenset({float(plain)})
    seps = re.sub(r"\d", "", plain)
    groups = re.split(r"[.,]", plain)
    whole, last = groups[:-1], groups[-1]
    out: set[float] = set()
    if len(set(seps)) == 1:
        sep = seps[0]
        grouped = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        indian = sep == "," and len(groups[0]) <= 2 and all(len(g) == 2 for g in groups[1:-1]) and len(last) == 3
        if grouped or indian:
            out.add(float("".join(groups)))  # thousands grouped (English, European, Indian)
        if len(groups) == 2 and not (sep == "," and len(last) == 3):
            out.add(float(f"{groups[0]}.{last}"))  # a decimal point or comma ("1,000" stays a thousand)
    elif seps[-1] != seps[0] and seps.count(seps[-1]) == 1:  # "1,000.5" or "1.000,5"
        if len(whole[0]) <= 3 and all(len(g) == 3 for g in whole[1:]):
            out.add(float("".join(whole) + "." + last))
    return frozenset(out)


@dataclass(frozen=True)
class Number:
    value: float  # the first reading (for messages)
    absolute: float | None  # value times its scale, when a scale word or a currency mark goes with it
    qualifier: str
    currency: bool  # a currency mark is next to it
    phrase: str
    start: int
    end: int
    values: frozenset[float] = frozenset()  # every reading ("1.000": 1 and 1000)
    currencies: frozenset[str] = frozenset()  # the codes its marks can mean ("Rs": PKR, INR)
    year: bool = False  # reads as a year ("in 2019", "Since 2005,"), not a count
    scale: float | None = None  # 1e6 for "million", 1 for "US$250"; None: not an amount

    def means(self, value: float) -> bool:
        return value in self.values

    def amounts(self) -> set[float]:
        # to 12 significant digits: 3.3 billion is 3,300 million although 3.3 * 1e9 is not 3300 * 1e6 in floats
        return set() if self.scale is None else {float(f"{v * self.scale:.12g}") for v in self.values}


@dataclass
class Stated:
    """What a record's quotes state. `state` hands out the sets frozen (they are shared by every
    record with the same quotes, from build to build); `said`, `resolutions` and `relative` are each
    check's own."""

    text: str  # folded quotes, joined
    numbers: tuple[Number, ...] = ()
    days: AbstractSet[str] = field(default_factory=set)  # YYYY-MM-DD
    months: AbstractSet[str] = field(default_factory=set)  # YYYY-MM (also from every day)
    years: AbstractSet[str] = field(default_factory=set)
    month_days: AbstractSet[str] = field(default_factory=set)  # MM-DD, also from every day: "on 30 August"
    month_names: AbstractSet[int] = field(default_factory=set)  # every month named, with or without a year
    date_phrases: Sequence[str] = field(default_factory=list)
    ordinals: AbstractSet[int] = field(default_factory=set)
    words: AbstractSet[str] = field(default_factory=set)  # lower-case
    initials: AbstractSet[str] = field(default_factory=set)  # "UN" from "United Nation(s)"
    plain: str = ""  # lower-case words joined by single spaces, padded: for whole-name search
    said: dict[str, list[str]] = field(default_factory=dict)  # sentence -> its problems, once per sentence
    resolutions: list = field(default_factory=list)  # relative dates placed against their sources' dates
    relative: dict = field(default_factory=dict)  # partial date -> the relative expression that states it

    def has_number(self, value: float) -> bool:
        return any(n.means(value) for n in self.numbers)

    def has_amount(self, absolute: float, currency: str | None = None) -> bool:
        """An amount of that size, in `currency` when one is named (never "1 billion tonnes")."""
        return any(abs(a - absolute) <= 1e-9 * abs(absolute)
                   for n in self.numbers if currency is None or currency in n.currencies for a in n.amounts())

    def currencies(self) -> set[str]:
        return {code for m in CURRENCY.finditer(self.text) for code in _codes(m.group())}


def _codes(mark: str) -> set[str]:
    mark = mark.strip().rstrip(".").lower()
    return _MARK_CODES.get(mark) or _MARK_CODES.get(mark.removesuffix("es")) or _MARK_CODES.get(mark.removesuffix("s"), set())


@lru_cache(maxsize=8192)
def read_numbers(text: str) -> tuple[Number, ...]:
    """Every number `text` states, in order. Remembered per text (the result is immutable): a long-running
    preview reads the same quotes on every save, and one check reads a quote for several records."""
    out: list[Number] = []
    if not _HAS_DIGIT_OR_WORD.search(text):
        return ()
    for m in NUMBER.finditer(text):
        if m.group("num"):
            values = readings(m.group("num"))
            if not values:  # "1.2.3": a version or a code, compared as written
                continue
            if m.group("exp"):
                values = frozenset(v * 10 ** int(m.group("exp")) for v in values)
        else:
            values = frozenset({float(NUMBER_WORDS[m.group("word").lower()])})
        if m.group("sign"):
            values = frozenset(-v for v in values)
        value = min(values, key=abs)
        scale_word = m.group("scale")
        before = _BEFORE.search(text, max(0, m.start() - 30), m.start())
        after = _AFTER.match(text, m.end())
        codes = set(_codes(before.group("cur"))) if before.group("cur") else set()
        if after:
            codes |= _codes(after.group("cur"))
        scale = SCALES[scale_word.lower()] if scale_word else (1.0 if codes else None)  # "US$250": in units
        absolute = None if scale is None else value * scale
        qualifier = QUALIFIERS[before.group("qual").lower()] if before.group("qual") else "exactly"
        phrase = text[before.start():m.end()].strip()
        year = (m.group("num") is not None and re.fullmatch(r"[12]\d{3}", m.group("num")) is not None
                and scale is None
                and (_YEAR_BEFORE.search(text, max(0, m.start() - 12), m.start()) is not None
                     or re.match(r"[,.;:)]|$", text[m.end():m.end() + 1]) is not None))
        out.append(Number(value, absolute, qualifier, bool(codes), phrase, m.start(), m.end(),
                          values, frozenset(codes), year, scale))
    return tuple(out)


# --- dates --------------------------------------------------------------------------------------

_MONTH_NAMES = {name.lower(): i for name, i in MONTHS.items()} | {
    name[:3].lower(): i for name, i in MONTHS.items()} | {"sept": 9}
_MONTH = rf"(?i:{'|'.join(sorted(_MONTH_NAMES, key=len, reverse=True))})\.?"
_MONTH_CAP = rf"(?:{'|'.join(sorted([*MONTHS, *(m[:3] for m in MONTHS), 'Sept'], key=len, reverse=True))})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DASH = r"\s?(?:-|to|and)\s?"
_Y = r"(\d{4})(?!\d)"
DATE_PATTERNS = (  # (regex, kind); the en dash is folded to "-"
    (re.compile(rf"\b{_DAY}{_DASH}{_DAY} ({_MONTH}),? {_Y}"), "days-range"),
    (re.compile(rf"\b{_DAY} ({_MONTH}){_DASH}{_DAY} ({_MONTH}),? {_Y}"), "cross-month-range"),
    (re.compile(rf"\b({_MONTH}) {_DAY}{_DASH}{_DAY},? {_Y}"), "us-days-range"),
    (re.compile(rf"\b{_DAY} (?:of )?({_MONTH}),? {_Y}"), "day-month-year"),
    (re.compile(rf"\b({_MONTH}) {_DAY},? {_Y}"), "month-day-year"),
    (re.compile(rf"\b({_MONTH}){_DASH}({_MONTH}),? {_Y}"), "months-range"),
    (re.compile(rf"\b({_MONTH}),? {_Y}"), "month-year"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])"), "dotted"),  # 30.07.2022
    # no year: "on 30 August", "August 30", "in August" (a bare month only after a preposition and
    # capitalised: "may" is a verb)
    (re.compile(rf"\b{_DAY} (?:of )?({_MONTH_CAP})(?![^\W\d_])"), "day-month"),
    (re.compile(rf"\b({_MONTH_CAP}) {_DAY}(?![\d,.]?\d)"), "month-day"),
    (re.compile(rf"(?i:\b(?:in|since|from|until|till|by|during|early|late|mid|of|last|next|this)[ -])"
                rf"({'|'.join(MONTHS)})\b"), "month"),
)
_ANY_DATE = re.compile(rf"\b{_MONTH}(?![^\W\d_])|\d{{4}}-\d{{2}}-\d{{2}}|\d\.\d{{1,2}}\.\d{{4}}")
THE_PAIR = re.compile(r"(?i:two) (?:countries|nations|states|sides|governments)\b")
_YEAR = re.compile(r"(?<![\d.,])(1\d{3}|2\d{3})(?![\d])")


def month_number(name: str) -> int:
    return _MONTH_NAMES[name.rstrip(".").lower()]


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
            g = m.groups()
            if kind in ("days-range", "cross-month-range", "us-days-range", "day-month-year", "month-day-year",
                        "iso", "dotted"):
                days = {"days-range": lambda: [(g[3], g[2], g[0]), (g[3], g[2], g[1])],
                        "cross-month-range": lambda: [(g[4], g[1], g[0]), (g[4], g[3], g[2])],
                        "us-days-range": lambda: [(g[3], g[0], g[1]), (g[3], g[0], g[2])],
                        "day-month-year": lambda: [(g[2], g[1], g[0])],
                        "month-day-year": lambda: [(g[2], g[0], g[1])],
                        "iso": lambda: [(g[0], int(g[1]), g[2])],
                        "dotted": lambda: [(g[2], int(g[1]), g[0])]}[kind]()
                days = [(y, mo if isinstance(mo, int) else month_number(mo), int(d)) for y, mo, d in days]
                if not all(1 <= mo <= 12 and 1 <= d <= 31 for _, mo, d in days):
                    continue  # "45.13.2022" is no date
                for year, month, day in days:
                    stated.days.add(f"{year}-{month:02d}-{day:02d}")
                    stated.months.add(f"{year}-{month:02d}")
                    stated.month_days.add(f"{month:02d}-{day:02d}")
                    stated.month_names.add(month)
            elif kind in ("months-range", "month-year"):
                months = [(g[2], g[0]), (g[2], g[1])] if kind == "months-range" else [(g[1], g[0])]
                for year, name in months:
                    stated.months.add(f"{year}-{month_number(name):02d}")
                    stated.month_names.add(month_number(name))
            elif kind in ("day-month", "month-day"):
                name, day = (g[1], g[0]) if kind == "day-month" else g
                if not 1 <= int(day) <= 31:
                    continue
                stated.month_days.add(f"{month_number(name):02d}-{int(day):02d}")
                stated.month_names.add(month_number(name))
            else:
                stated.month_names.add(month_number(g[0]))
            taken.append(m.span())
            stated.date_phrases.append(m.group().strip())
    return taken


def state(quotes: list[str]) -> Stated:
    """What the quotes state. A new `Stated` each time: its `said`, `resolutions` and `relative` are
    the caller's to fill; what the text states is read once per text (and cannot be changed)."""
    return replace(_read_text(" … ".join(fold(q) for q in quotes)), said={}, resolutions=[], relative={})


@lru_cache(maxsize=1024)  # a rebuild reads the same records' quotes again
def _read_text(text: str) -> Stated:
    stated = Stated(text)
    stated.numbers = read_numbers(text)
    read_dates(text, stated)
    for m in ORDINAL.finditer(text):
        stated.ordinals.add(ordinal(m))
    words = WORD.findall(text)
    stated.words = {w.lower() for w in words} | {p.lower() for w in words for p in re.split(r"['\-]", w)}
    run: list[str] = []
    for w in words + [""]:
        if w[:1].isupper():
            run.append(w[0])
            continue
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + 12) + 1):  # initials of up to 12 words, not every run
                stated.initials.add("".join(run[i:j]))
        run = []
    stated.plain = f" {plain_words(text)} "
    return replace(stated, days=frozenset(stated.days), months=frozenset(stated.months),
                   years=frozenset(stated.years), month_days=frozenset(stated.month_days),
                   month_names=frozenset(stated.month_names), date_phrases=tuple(stated.date_phrases),
                   ordinals=frozenset(stated.ordinals), words=frozenset(stated.words),
                   initials=frozenset(stated.initials))


def plain_words(text: str) -> str:
    """Lower-case words and numbers only, one space apart: names compare without case or punctuation."""
    return " ".join(re.findall(r"[^\W_]+", fold(text).lower()))
