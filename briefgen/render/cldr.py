"""Dates and amounts written out for a locale, from Babel's locale data (CLDR), asked in one place
and remembered between runs.

`format_partial_date` and `format_period` word a brief's partial dates ('1991-12' -> 'December 1991').
A brief's dates written out ("30 July 2022", "3–4 February 2026"), its amounts ("US$250"), and
whether its locale exists are all Babel's answers. Babel loads its data on first use: importing it
and reading a locale is about 20 ms of every cold `build` and `check`, for the same few dozen answers
each time. So each answer is kept in the per-user cache (`files/usercache.py`) and Babel is imported
only for a question not asked before.

An answer depends on the question and on Babel alone: the entry lives in a folder named after
Babel's `__init__` (which carries its version) and this module, and is checksummed and read through
the one door like every cache entry; a damaged, foreign or missing entry is a miss, never an error.
Questions whose answer is an error (a malformed date) are not remembered: Babel raises them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import wraps

from briefgen.dates import PARTIAL, date_parts
from briefgen.files.usercache import CacheFolder, generation_folder

MAX_ANSWERS = 4096  # a bound on the entry: past it, the answers start again from empty
_ENTRY = "answers.json"

# The interval skeleton for each precision; months are then widened to full names, since CLDR has
# no interval pattern with full month names ("3–4 Feb 2026" would read unlike the brief's other dates).
_INTERVAL_SKELETONS = {1: "y", 2: "yMMMM", 3: "yMMMd"}

_answers: dict[str, object] | None = None  # this process's copy, read from the cache on first use
_folder: CacheFolder | None = None


# --- wording ---------------------------------------------------------------------------------


def format_partial_date(value: object, locale: str = "en_GB") -> str:
    """'2022-07-30' -> '30 July 2022' (en_GB) / 'July 30, 2022' (en_US); '1991-12' -> 'December 1991';
    a range '2026-02-03/2026-02-04' -> '3–4 February 2026' (see `format_period`)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    if text == "undated":
        return "undated"
    if "/" in text:
        return format_period(text, locale)
    if not PARTIAL.fullmatch(text):
        raise ValueError(f"'{text}' is not a date (the date filter takes YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = date_parts(text)
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return month_year(*parts, locale)
    return long_date(*parts, locale)


def format_period(value: object, locale: str = "en_GB") -> str:
    """A range or period by the locale's interval pattern: '2026-02-03/2026-02-04' -> '3–4 February 2026'
    (en_US 'February 3–4, 2026'), '2018/2020' -> '2018–2020'; the shared month and year are written once.
    Ends of different precision ('2019-03/2020') are written in full: 'March 2019–2020'."""
    start, _, end = str(value).partition("/")
    if not (PARTIAL.fullmatch(start) and PARTIAL.fullmatch(end)):
        raise ValueError(f"'{value}' is not a date range (the filter takes START/END, e.g. 2018/2020)")
    a, b = start.split("-"), end.split("-")
    if len(a) == len(b):
        first = date(*(int(p) for p in a + ["1"] * (3 - len(a))))
        last = date(*(int(p) for p in b + ["1"] * (3 - len(b))))
        if first == last:
            return format_partial_date(start, locale)
        differs = "y" if first.year != last.year else "M" if first.month != last.month else "d"
        formatted = interval(first.isoformat(), last.isoformat(), _INTERVAL_SKELETONS[len(a)], differs, locale)
        if formatted:
            return formatted
    return f"{format_partial_date(start, locale)}–{format_partial_date(end, locale)}"


# --- Babel's answers, remembered ----------------------------------------------------------------


def _remembered(fn: Callable) -> Callable:
    """`fn`'s answers kept by its name and arguments (reprs: 250 and 250.0 are different questions)."""

    @wraps(fn)
    def answer(*args):
        answers = _load()
        key = fn.__name__ + repr(args)
        if key not in answers:
            found = fn(*args)
            if len(answers) >= MAX_ANSWERS:
                answers.clear()
            answers[key] = found
            if _folder is not None:
                _folder.store(_ENTRY, json.dumps(answers, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return answers[key]

    return answer


def _load() -> dict[str, object]:
    global _answers, _folder
    if _answers is None:
        _folder = generation_folder("cldr", "babel", __file__, 1 << 20)
        _answers = {}
        data = _folder.load(_ENTRY) if _folder else None
        if data is not None:
            try:
                read = json.loads(data)
                if isinstance(read, dict):
                    _answers = {k: v for k, v in read.items() if isinstance(v, (str, bool))}
            except ValueError:
                pass
    return _answers


@_remembered
def known_locale(locale: str) -> bool:
    """A locale Babel has data for (en_GB, en_US, fr_FR...)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
        return True
    except (UnknownLocaleError, ValueError, TypeError):
        return False


@_remembered
def month_year(year: int, month: int, locale: str) -> str:
    """'December 1991' (en_GB), by the locale's year-and-full-month pattern."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", date(year, month, 1), locale=locale)


@_remembered
def long_date(year: int, month: int, day: int, locale: str) -> str:
    """'30 July 2022' (en_GB), 'July 30, 2022' (en_US): the locale's long date."""
    from babel.dates import format_date

    return format_date(date(year, month, day), format="long", locale=locale)


@_remembered
def interval(start: str, end: str, skeleton: str, differs: str, locale: str) -> str:
    """Two different days, months or years by the locale's interval pattern for `skeleton` ('y',
    'yMMMM', 'yMMMd'), where they first differ in `differs` ('y', 'M' or 'd'); months are widened
    to full names, since CLDR has no interval pattern with full month names. '' when the locale
    has no such pattern."""
    import re

    from babel import Locale
    from babel.dates import parse_pattern

    parsed = Locale.parse(locale)
    formats = parsed.interval_formats.get(skeleton)
    if not formats or differs not in formats:
        return ""
    days = (date.fromisoformat(start), date.fromisoformat(end))
    return "".join(parse_pattern(re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern)).apply(day, parsed)
                   for pattern, day in zip(formats[differs], days))


@_remembered
def decimal(value: float, locale: str) -> str:
    """250 -> '250', 1234.5 -> '1,234.5' (en_GB)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale)


@_remembered
def currency_symbol(code: str, locale: str) -> str:
    """'USD' -> 'US$' (en_GB)."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(code, locale=locale)
