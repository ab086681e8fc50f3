"""Partial ISO dates (briefgen/dates.py) and the one computation of the newest source."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.dates import first_day, last_day, months_between, months_earlier, newest
from briefgen.editorial.freshness import data_currency, freshness, newest_source
from briefgen.facts.schema import Source


def src(id: str, day: str = "undated") -> Source:
    return Source(id=id, label=id, type="news", kind="report", date=day, file=f"seeds/{id}.txt")


@pytest.mark.parametrize("earlier, later, months", [
    ("2022-07-30", date(2026, 11, 28), 51), ("2022-07-30", date(2023, 7, 30), 12), ("2022-07-30", date(2023, 7, 29), 11),
    ("2022", date(2023, 12, 31), 12), ("2022-07", date(2022, 7, 1), 0), ("2026-02-03/2026-02-04", date(2026, 3, 4), 1),
])
def test_months_between_counts_from_the_end_of_a_partial_date(earlier, later, months):
    assert months_between(earlier, later) == months


@pytest.mark.parametrize("day, months, earlier", [
    (date(2026, 3, 31), 1, date(2026, 2, 28)), (date(2026, 11, 28), 12, date(2025, 11, 28)),
    (date(2024, 2, 29), 12, date(2023, 2, 28)), (date(1, 6, 30), 24, date.min), (date(2026, 1, 1), 24400, date.min),
])
def test_months_earlier_is_the_same_day_that_many_months_before(day, months, earlier):
    assert months_earlier(day, months) == earlier


def test_first_and_last_day_of_partial_dates_and_ranges():
    assert (first_day("2026-02"), last_day("2026-02")) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (first_day("2018/2020"), last_day("2018/2020")) == (date(2018, 1, 1), date(2020, 12, 31))


@pytest.mark.parametrize("dates, expected", [
    (["2025", "2025-03"], "2025-03"),           # '2025' may mean January
    (["2026-02", "2026-02-05"], "2026-02-05"),  # '2026-02' may mean the 1st
    (["2026-02-05", "2026-02"], "2026-02-05"),
    (["2024-12-31", "2025"], "2025"),
    ([], None),
])
def test_newest_is_the_date_whose_earliest_day_is_latest(dates, expected):
    assert newest(dates) == expected


def test_title_block_banner_and_source_notes_name_the_same_newest_source():
    """With sources dated '2025' and '2025-03', the title block once named 2025 (by the end of its
    year) while the source notes said 'current to March 2025'."""
    sources = [src("year", "2025"), src("month", "2025-03"), src("n")]
    assert newest_source(sources).id == "month"
    assert freshness(sources, date(2026, 1, 1)).newest == "2025-03"
    assert data_currency(sources, "en_GB") == "Sources current to March 2025 (1 undated source)"
    assert data_currency([src("n")], "en_GB") == "Sources undated"
