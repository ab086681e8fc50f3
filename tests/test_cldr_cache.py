"""Babel's answers remembered between runs (`briefgen.render.cldr`): a remembered answer is Babel's
own, a damaged or foreign entry is a miss, and a run whose answers are all remembered never imports
Babel (the ~20 ms of every cold build and check the cache is for)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.render import cldr

from conftest import REPO_ROOT

LOCALES = ["en_GB", "en_US", "fr_FR", "de_DE", "ru_RU", "kk_KZ", "ur_PK"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test's own, and the process's copy of the answers forgotten."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cldr, "_answers", None)
    monkeypatch.setattr(cldr, "_folder", None)
    return tmp_path / "cache"


def forget() -> None:
    """As a new process: the answers are read from the cache again."""
    cldr._answers = None
    cldr._folder = None


def entry(root) -> "Path":
    found = list(root.glob("cldr/*/answers.json"))
    assert len(found) == 1, found
    return found[0]


def babel_says(value: str, locale: str) -> str:
    """The wording straight from Babel, as briefgen wrote it before answers were remembered."""
    import re

    from babel import Locale
    from babel.dates import format_date, format_skeleton, parse_pattern

    if "/" in value:
        start, end = value.split("/")
        a, b = [date(*(int(p) for p in v.split("-") + ["1"] * (3 - len(v.split("-"))))) for v in (start, end)]
        skeleton = {1: "y", 2: "yMMMM", 3: "yMMMd"}[len(start.split("-"))]
        differs = "y" if a.year != b.year else "M" if a.month != b.month else "d"
        formats = Locale.parse(locale).interval_formats.get(skeleton)
        return "".join(parse_pattern(re.sub(r"(?<!M)MMM(?!M)", "MMMM", p)).apply(d, Locale.parse(locale))
                       for p, d in zip(formats[differs], (a, b)))
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 2:
        return format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=locale)
    return format_date(date(*parts), format="long", locale=locale)


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def partial_dates(draw):
    day = draw(days)
    precision = draw(st.sampled_from([2, 3]))
    if draw(st.booleans()):  # a range of the same precision, ending later
        end = day + timedelta(days=draw(st.integers(1, 800)))
        cut = 7 if precision == 2 else 10
        if end.isoformat()[:cut] != day.isoformat()[:cut]:
            return f"{day.isoformat()[:cut]}/{end.isoformat()[:cut]}"
    return day.isoformat()[: 7 if precision == 2 else 10]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(partial_dates(), st.sampled_from(LOCALES)), min_size=1, max_size=6))
def test_a_remembered_answer_is_babels_answer(tmp_path_factory, questions):
    """Asked once (Babel answers and the answer is stored), then asked again in a 'new process'
    (read from the cache): both times what Babel itself says."""
    import os

    root = tmp_path_factory.mktemp("cldr")
    previous = os.environ.get("BRIEFGEN_CACHE_DIR")
    os.environ["BRIEFGEN_CACHE_DIR"] = str(root)
    try:
        forget()
        first = [cldr.format_partial_date(v, loc) for v, loc in questions]
        forget()
        again = [cldr.format_partial_date(v, loc) for v, loc in questions]
        assert first == again == [babel_says(v, loc) for v, loc in questions]
    finally:
        forget()
        if previous is None:
            os.environ.pop("BRIEFGEN_CACHE_DIR", None)
        else:
            os.environ["BRIEFGEN_CACHE_DIR"] = previous


def test_amounts_and_locales_are_remembered_with_their_types(cache):
    assert (cldr.decimal(250, "en_GB"), cldr.decimal(1234.5, "en_GB"), cldr.decimal(1234.5, "fr_FR")) == \
        ("250", "1,234.5", "1\u202f234,5")
    assert cldr.currency_symbol("USD", "en_GB") == "US$"
    assert cldr.known_locale("en_GB") and not cldr.known_locale("xx_YY")
    forget()
    assert cldr.decimal(250.0, "en_GB") == "250"  # another question than 250, answered alike
    stored = json.loads(entry(cache).read_bytes()[32:])
    assert {"decimal(250, 'en_GB')", "decimal(250.0, 'en_GB')", "known_locale('xx_YY',)"} <= stored.keys()
    assert stored["known_locale('xx_YY',)"] is False


def test_a_damaged_or_planted_entry_is_a_miss(cache):
    assert cldr.format_partial_date("2022-07-30") == "30 July 2022"
    path = entry(cache)
    data = path.read_bytes()
    path.write_bytes(data[:32] + data[32:].replace(b"30 July 2022", b"31 July 2022"))  # checksum now wrong
    forget()
    assert cldr.format_partial_date("2022-07-30") == "30 July 2022"
    path.write_bytes(b"not an entry")
    forget()
    assert cldr.format_partial_date("2022-07-30") == "30 July 2022"


def test_another_babel_or_another_briefgen_reads_other_answers(cache, monkeypatch):
    cldr.format_partial_date("1991-12")
    first = entry(cache).parent
    forget()
    monkeypatch.setattr(cldr, "__file__", str(REPO_ROOT / "briefgen" / "dates.py"))  # other code asking
    cldr.format_partial_date("1991-12")
    assert len(list((cache / "cldr").iterdir())) == 2 and first.exists()


def test_a_malformed_date_is_refused_every_time_and_never_remembered(cache):
    for _ in range(2):
        with pytest.raises(ValueError):
            cldr.format_partial_date("2026-02-31")
        forget()
    assert not list(cache.glob("cldr/*/answers.json"))


def test_a_check_whose_answers_are_remembered_does_not_import_babel(tmp_path):
    env = {"BRIEFGEN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    probe = ("import sys; from briefgen.cli import main\n"
             "try:\n    main(['check', '-w', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
             "print('babel' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", probe, str(REPO_ROOT)], capture_output=True, text=True, env=env,
                           timeout=120) for _ in range(2)]
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == ["True", "False"], runs[1].stderr
