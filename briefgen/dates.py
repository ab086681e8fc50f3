"""Partial ISO dates, in one place: reading and checking them, their first and last day, ordering,
months between. Their wording by locale is `briefgen.render.cldr`'s.

A brief's dates are as precise as its sources say: '1992', '1991-12', '2022-07-30'; an event over
several days or a term is a range 'START/END' ('2026-02-03/2026-02-04', '2018/2020').
"""

from __future__ import annotations

import calendar
import re
from datetime import date

PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


# --- reading and checking ------------------------------------------------------------------


def check_partial_date(value: str) -> str:
    """`value` if it is a real partial date, else ValueError saying what is wrong."""
    m = PARTIAL.fullmatch(value)
    if not m:
        raise ValueError(f"invalid date '{value}': use ISO form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"invalid date '{value}': no month {month}")
    why = day_problem(year, month or 1, day or 1)
    if why:  # "there is no year 0 …", "there is no such day; February 2026 has 28 days"
        raise ValueError(f"invalid date '{value}': {why}")
    return value


def check_period(value: str) -> str:
    """A period START/END (a term, a programme): both ends partial dates, not ending before it starts."""
    start, sep, end = value.partition("/")
    if not sep:
        raise ValueError(f"invalid period '{value}': use START/END, e.g. 2018/2020")
    check_partial_date(start)
    check_partial_date(end)
    if end < start:
        raise ValueError(f"invalid period '{value}': ends before it starts")
    return value


def check_date_or_range(value: str) -> str:
    """A date (partial allowed) or, for an event over several days, a range START/END."""
    start, sep, end = value.partition("/")
    if not sep:
        if not PARTIAL.fullmatch(value):
            raise ValueError(f"invalid date '{value}': use ISO form YYYY, YYYY-MM or YYYY-MM-DD, or a range "
                             "START/END for an event over several days, e.g. 2026-02-03/2026-02-04")
        return check_partial_date(value)
    for part in (start, end):
        if not PARTIAL.fullmatch(part):
            raise ValueError(f"invalid date range '{value}': both ends must be ISO dates YYYY, YYYY-MM or "
                             "YYYY-MM-DD, e.g. 2026-02-03/2026-02-04")
        check_partial_date(part)
    if end <= start:
        raise ValueError(f"invalid date range '{value}': it must end after it starts")
    return value


def day_problem(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is no day ('there is no such day; February 2026 has 28 days'), or None."""
    if not 1 <= year <= 9999:
        return f"there is no year {year} in the calendar dates use (years run 1 to 9999)"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run 01 to 12)"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"there is no such day; {calendar.month_name[month]} {year} has {last} days"
    return None


# --- days, order, arithmetic -----------------------------------------------------------------


def date_parts(value: str) -> list[int]:
    return [int(p) for p in value.split("-")]


def first_day(value: object) -> date:
    """The earliest day a partial date can mean: '2026-02' -> 2026-02-01 (a range: its start)."""
    parts = date_parts(str(value).partition("/")[0])
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(value: object) -> date:
    """The latest day a partial date can mean: '2025' -> 2025-12-31 (a range: its end)."""
    parts = date_parts(str(value).rpartition("/")[2])
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    return date(year, month, parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1])


def start_key(value: object) -> str:
    """Oldest first by where a date starts: '1991-12' before '1992', '2019/2020' as 2019."""
    start, _, end = str(value).partition("/")
    return f"{start}/{end or start}"


def end_key(value: object) -> str:
    """Order by where a date or range ends (newest first when reversed)."""
    start, _, end = str(value).partition("/")
    return f"{end or start}/{start}"


def newest(values) -> str | None:
    """The newest of some partial dates: the one whose earliest possible day is latest, the more
    precise one on a tie. '2025-03' is newer than '2025' (which may mean January), and
    '2026-02-05' newer than '2026-02'. None when there are none."""
    return max(values, key=lambda v: (first_day(v), len(str(v))), default=None)


def months_between(earlier: object, later: date) -> int:
    """Whole months from the end of a partial date to `later` (0 when it is not earlier)."""
    end = last_day(earlier)
    months = (later.year - end.year) * 12 + later.month - end.month - (1 if later.day < end.day else 0)
    return max(months, 0)


def months_earlier(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day); the first day
    of the calendar when that would be before year 1."""
    index = day.year * 12 + day.month - 1 - months
    if index < 12:
        return date.min
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- dates news writes relative to a report's own date -----------------------------------------


def year_near(month: int, day: int, near: date, within_days: int = 7) -> int | None:
    """The year in which `month`/`day` falls within `within_days` of `near` ('Feb 4' near
    2026-02-05 is 2026; 'Dec 31' near 2027-01-01 is 2026), or None when no year does."""
    for year in (near.year, near.year - 1, near.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February of a common year
            continue
        if abs((candidate - near).days) <= within_days:
            return year
    return None


RELATIVE_PRECISION = {"day": 3, "weekday": 3, "week": 3, "month": 2, "day_of_month": 2, "year": 1}
"""How precise a report's own date must be for each kind of relative date: 'on Tuesday' needs its
day, 'last month' its month, 'last year' its year."""


def relative_date(kind: str, shift: int, anchor: str, number: int | None = None) -> str | None:
    """As `_relative_date`; None too when the date falls outside the calendar's years 1 to 9999
    ('yesterday' in a report of 1 January 1, 'next month' in one of December 9999)."""
    try:
        value = _relative_date(kind, shift, anchor, number)
    except (ValueError, OverflowError):
        return None
    if value is None or not all(PARTIAL.fullmatch(end) and 1 <= int(end[:4]) for end in value.split("/")):
        return None
    return value


def _relative_date(kind: str, shift: int, anchor: str, number: int | None = None) -> str | None:
    """The date a relative expression means in a report dated `anchor` (a partial date), as a
    partial date or a range START/END; None when `anchor` is not precise enough (see
    RELATIVE_PRECISION) or the day does not exist ('the 31st of next month' in February).

    kind 'day': shift days from the report's day (today 0, yesterday -1, tomorrow 1);
    'weekday': the last `number` weekday (0 Monday) on or before the report's day, `shift` -1 for
    'last Tuesday' (strictly before); 'week': the Monday-to-Sunday week `shift` weeks away (this
    week only up to the report's day); 'month', 'year': the month or year `shift` away;
    'day_of_month': day `number` of the month `shift` away ('on the 15th of this month')."""
    parts = date_parts(anchor) if PARTIAL.fullmatch(anchor) else []
    if len(parts) < RELATIVE_PRECISION[kind]:
        return None
    if kind == "year":
        return str(parts[0] + shift)
    if kind in ("month", "day_of_month"):
        index = parts[0] * 12 + parts[1] - 1 + shift
        year, month = index // 12, index % 12 + 1
        if kind == "month":
            return f"{year:04d}-{month:02d}"
        return date(year, month, number).isoformat() if day_problem(year, month, number) is None else None
    day = date(*parts)
    if kind == "day":
        return date.fromordinal(day.toordinal() + shift).isoformat()
    if kind == "weekday":
        back = (day.weekday() - number) % 7 or (7 if shift < 0 else 0)
        return date.fromordinal(day.toordinal() - back).isoformat()
    monday = date.fromordinal(day.toordinal() - day.weekday() + 7 * shift)
    end = day if shift == 0 else date.fromordinal(monday.toordinal() + 6)
    return monday.isoformat() if end == monday else f"{monday.isoformat()}/{end.isoformat()}"


def stated_by(value: str) -> set[str]:
    """The partial dates a date or range states: a day its month and year too; a range within one
    month that month ('last week' in the middle of February states February 2026), within one year
    that year; a range itself as START/END."""
    start, _, end = value.partition("/")
    out = {value} if end else set()
    ends = [start, end] if end else [start]
    for size in (7, 4):
        cut = {e[:size] for e in ends}
        if len(cut) == 1 and all(len(e) >= size for e in ends):
            out.add(cut.pop())
    if not end:
        out.add(start)
    return out
