"""What quotes state, read in the notations news outlets print, and `check` refusing any value a
record's quotes do not state: each break found by the third adversarial round, and a property test
that mutates printed values in every supported notation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.facts.provenance import unstated
from briefgen.facts.statements import read_numbers, readings, state


def refused(text: str, quote: str) -> list[str]:
    return unstated(text, state([quote]))


# --- numbers in every notation ------------------------------------------------------------------


@pytest.mark.parametrize(("written", "values"), [
    ("38", {38}), ("1,000", {1000}), ("1.000", {1, 1000}), ("1 000", {1000}), ("12,50,000", {1_250_000}),
    ("38,5", {38.5}), ("38.5", {38.5}), ("1.000,5", {1000.5}), ("1,000.5", {1000.5}), ("1.250.000", {1_250_000}),
    ("1,234,567.25", {1_234_567.25}), ("1.2.3", set()),
])
def test_a_written_number_has_the_readings_its_notation_allows(written, values):
    assert readings(written) == values


@pytest.mark.parametrize(("text", "value", "scale", "currencies"), [
    ("US$9bn", 9, 1e9, {"USD"}),
    ("Rs900 billion", 900, 1e9, {"PKR", "INR"}),
    ("PKR900", 900, 1, {"PKR"}),
    ("900km", 900, None, set()),
    ("5e9", 5e9, None, set()),
    ("€3.5 million", 3.5, 1e6, {"EUR"}),
    ("2,50,000 rupees", 250_000, 1, {"PKR", "INR"}),
    ("−5", -5, None, set()),
])
def test_numbers_glued_to_letters_marks_and_signs_are_read(text, value, scale, currencies):
    from briefgen.facts.quotes import fold

    [number] = read_numbers(fold(text))
    assert (number.value, number.scale, set(number.currencies)) == (value, scale, currencies)


@pytest.mark.parametrize(("quote", "text"), [
    # glued to letters: "US$9bn", "900km", "5e9", "Rs900 billion", "PKR900" were not read at all
    ("Bilateral trade reached US$9bn in 2023.", "Bilateral trade reached US$8bn in 2023."),
    ("The pipeline will run 900km from Gwadar.", "The pipeline will run 800km from Gwadar."),
    ("Reserves were put at 5e9 units by the bank.", "Reserves were put at 6e9 units by the bank."),
    ("Rs900 billion was allotted to the programme.", "Rs800 billion was allotted to the programme."),
    ("The budget was PKR900 for each trainee.", "The budget was PKR700 for each trainee."),
    # decimal commas, European and Indian grouping, spaced thousands: read as their first group
    ("Exports grew by 38,5 per cent last year.", "Exports grew by 38,9 per cent last year."),
    ("Shipments came to 1.000,5 tonnes in May.", "Shipments came to 1.000,7 tonnes in May."),
    ("The fair drew 12,50,000 visitors this season.", "The fair drew 12,90,000 visitors this season."),
    ("Some 1 000 troops took part in the drill.", "Some 1 200 troops took part in the drill."),
    ("Exports grew by 38,5 per cent last year.", "Exports grew by 38 per cent last year."),
    ("Shipments came to 1.000,5 tonnes in May.", "Shipments came to 1 tonne in May."),
    # a minus sign (also U+2212) was dropped
    ("Trade fell by −5 per cent in the first half.", "Trade fell by 5 per cent in the first half."),
    ("Trade changed by 5 per cent in the first half.", "Trade changed by -5 per cent in the first half."),
    # qualifiers outside the short list read as "exactly"
    ("Fewer than 40 officers were trained in 2019.", "More than 40 officers were trained in 2019."),
    ("Fewer than 40 officers were trained in 2019.", "40 officers were trained in 2019."),
    ("Less than 40 officers were trained in 2019.", "40 officers were trained in 2019."),
    ("Not more than 40 officers were trained in 2019.", "40 officers were trained in 2019."),
    ("Under 40 officers were trained in 2019.", "40 officers were trained in 2019."),
    # dates: dotted, abbreviated and lower-case months, no year, ordinals in words
    ("The ministers met on 30.07.2022 in Tashkent.", "The ministers met on 31.07.2022 in Tashkent."),
    ("The ministers met on 30.07.2022 in Tashkent.", "The ministers met on 30.07.2023 in Tashkent."),
    ("The ministers met on 30 Jun 2022 in Tashkent.", "The ministers met on 30 Jul 2022 in Tashkent."),
    ("The ministers met on 30 june 2022 in Tashkent.", "The ministers met on 30 july 2022 in Tashkent."),
    ("The ministers met on 30 July 2022 in Tashkent.", "The ministers met on 30 Jun 2022 in Tashkent."),
    ("The ministers met in August in Tashkent.", "The ministers met in September in Tashkent."),
    ("The ministers met on 30 August in Tashkent.", "The ministers met on 31 August in Tashkent."),
    ("The ministers met on 30 July 2022 in Tashkent.", "The ministers met on 30 August in Tashkent."),
    ("The ministers met in July 2022 in Tashkent.", "The ministers met in August in Tashkent, in 2022."),
    ("The third round of talks was held in Astana.", "The fourth round of talks was held in Astana."),
    # a zero-width space inside "3\u200b8" prints as 38
    ("There were 3 delegations and 8 officers in Astana.", "There were 3\u200b8 officers in Astana."),
])
def test_a_value_the_quote_does_not_state_is_refused(quote, text):
    assert refused(quote, quote) == []
    assert refused(text, quote), f"{text!r} passed against {quote!r}"


@pytest.mark.parametrize(("quote", "text"), [
    ("Bilateral trade reached US$9bn in 2023.", "Trade reached US$9 billion in 2023."),
    ("Bilateral trade reached US$9,000 million in 2023.", "Trade reached US$9bn in 2023."),
    ("Trade reached US$3.3 billion in 2023.", "Trade reached US$3,300 million in 2023."),
    ("The fair drew 12,50,000 visitors this season.", "The fair drew 1,250,000 visitors this season."),
    ("Shipments came to 1.000,5 tonnes in May.", "Shipments came to 1,000.5 tonnes in May."),
    ("Some 1 000 troops took part in the drill.", "About 1,000 troops took part in the drill."),
    ("The ministers met on 30.07.2022 in Tashkent.", "The ministers met on 30 July 2022 in Tashkent."),
    ("The ministers met on 30 Jul. 2022 in Tashkent.", "The ministers met in Tashkent on 30 July 2022."),
    ("The ministers met on 30 July 2022 in Tashkent.", "The ministers met on 30 July in Tashkent, in July."),
    ("The third round of talks was held in Astana.", "The 3rd round of talks was held in Astana."),
    ("Fewer than 40 officers were trained in 2019.", "Fewer than 40 officers were trained in 2019."),
    ("COVID-19 slowed trade with the G20 in 2020.", "COVID-19 slowed trade in 2020."),
    ("The 2018-2020 programme trained officers.", "The programme ran 2018-2020."),
])
def test_the_same_value_in_another_notation_passes(quote, text):
    assert refused(text, quote) == []


# --- structured fields: tie each value to what it is a value of ---------------------------------

HEADER = """id: pk-kz
title: Test
subject: Test
countries: [PK, KZ]
"""

GOAL = """economy:
  goals:
    - id: goal
{low}      high: {high}
      currency: {currency}
      unit: billion
      text: "Both sides aim to raise trade."
      sources:
        - source: note
          quote: "{quote}"
"""


@pytest.fixture
def workspace(tmp_path):
    import shutil

    from conftest import BASE_CASE, CASES

    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    return ws


def check(ws, run_cli, body: str, seed: str) -> list[str]:
    (ws / "seeds" / "note.txt").write_text(seed + "\n", encoding="utf-8")
    (ws / "data" / "briefs" / "pk-kz.yaml").write_text(HEADER + body, encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert "Traceback" not in err and code in (0, 1), (code, err)
    return [line.split(": ", 2)[2] for line in err.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(("currency", "quote", "wrong"), [
    ("PKR", "The ministers agreed to raise trade to 1 billion soon.", {"currency", "high"}),  # "rs" in "ministers"
    ("EUR", "The Eurasian partners aim at trade of 1 billion soon.", {"currency", "high"}),
    ("RUB", "Trade in rubber is to reach 1 billion tonnes soon.", {"currency", "high"}),
    ("USD", "Trade is to reach 1 billion tonnes of grain, worth US$ 3 million.", {"high"}),
    ("USD", "Trade is to reach US$1 billion by the end of 2027.", set()),
    ("USD", "Trade is to reach US$1bn by the end of 2027.", set()),
    ("PKR", "Trade is to reach Rs1 billion by the end of 2027.", set()),
    ("PKR", "Trade is to reach 1 billion rupees by the end of 2027.", set()),
])
def test_a_goals_currency_and_amount_are_proved_together(currency, quote, wrong, workspace, run_cli):
    found = check(workspace, run_cli, GOAL.format(low="", high=1, currency=currency, quote=quote), quote)
    assert {e.split(":")[0] for e in found} == wrong, found


def test_low_above_high_is_refused_at_its_line(workspace, run_cli):
    quote = "Trade is to grow from US$1,000 million to US$250 million."
    found = check(workspace, run_cli, GOAL.format(low="      low: 1000\n", high=250, currency="USD", quote=quote)
                  .replace("unit: billion", "unit: million"), quote)
    assert len(found) == 1 and "low (1000) is above high (250)" in found[0], found


def test_an_amount_of_zero_can_be_proved(workspace, run_cli):
    quote = "Trade is to grow from US$0 million to US$250 million."
    found = check(workspace, run_cli, GOAL.format(low="      low: 0\n", high=250, currency="USD", quote=quote)
                  .replace("unit: billion", "unit: million"), quote)
    assert found == []


TRAINING = """security:
  training:
    - id: trn
      count: {count}
      trainees: officers
      institution: military schools
      host: PK
      text: "Officers have been trained in Pakistan."
      sources:
        - source: note
          quote: "{quote}"
"""


@pytest.mark.parametrize(("count", "quote", "ok"), [
    (2005, "Since 2005, officers have been trained in Pakistan.", False),
    (2019, "In 2019 officers have been trained in Pakistan.", False),
    (38, "Since 2005, 38 officers have been trained in Pakistan.", True),
    (1200, "Since 2005, 1200 officers have been trained in Pakistan.", True),
    (1, "Since 2005, 1 000 officers have been trained in Pakistan.", False),  # read as its first group
    (1000, "Since 2005, 1 000 officers have been trained in Pakistan.", True),
    (12, "Since 2005, 12,50,000 officers have been trained in Pakistan.", False),
    (1_250_000, "Since 2005, 12,50,000 officers have been trained in Pakistan.", True),
    (38, "Since 2005, 38,5 officers have been trained in Pakistan.", False),
])
def test_a_count_is_never_proved_by_a_year(count, quote, ok, workspace, run_cli):
    found = check(workspace, run_cli, TRAINING.format(count=count, quote=quote), quote)
    assert (found == []) == ok, found


def test_a_country_is_not_proved_by_a_longer_name(workspace, run_cli):
    with (workspace / "data" / "countries.yaml").open("a", encoding="utf-8") as fh:
        fh.write("  - code: NE\n    name: Niger\n    adjective: Nigerien\n    iso3: NER\n"
                 "  - code: NG\n    name: Nigeria\n    adjective: Nigerian\n    iso3: NGA\n")
    quote = "Since 2005, 38 officers have been trained in Nigeria."
    found = check(workspace, run_cli, TRAINING.format(count=38, quote=quote).replace("host: PK", "host: NE"), quote)
    assert found == ["host: NE (Niger) is not named in the record's quotes"], found
    quote = "Since 2005, 38 officers have been trained in Kazakhstani schools."
    found = check(workspace, run_cli, TRAINING.format(count=38, quote=quote).replace("host: PK", "host: KZ"), quote)
    assert found == []


def test_a_name_without_letters_is_compared_as_written(workspace, run_cli):
    body = """diplomacy:
  meetings:
    - id: m
      date: "2022-07-30"
      place: Tashkent
      participants:
        - name: "{name}"
          title: Foreign Minister
          country: PK
      text: The Foreign Ministers met in Tashkent on 30 July 2022.
      sources:
        - source: note
          quote: "On 30 July 2022, the Foreign Ministers met in Tashkent; Pakistan's Foreign Minister is A. Minister."
"""
    seed = "On 30 July 2022, the Foreign Ministers met in Tashkent; Pakistan's Foreign Minister is A. Minister."
    for name in ("—", "\U0001F600"):
        found = check(workspace, run_cli, body.format(name=name), seed)
        assert len(found) == 1 and f'"{name}"' in found[0] and "is not in the record's quotes" in found[0], found


# --- the property: every mutation of a printed value is refused ---------------------------------

_DIGIT = st.integers(1, 9)


def _group(n: int, sep: str) -> str:
    s = str(n)
    head, rest = s[: len(s) % 3 or 3], s[len(s) % 3 or 3:]
    return sep.join([head] + [rest[i:i + 3] for i in range(0, len(rest), 3)])


def _indian(n: int) -> str:
    s = str(n)
    if len(s) <= 3:
        return s
    head, last = s[:-3], s[-3:]
    pairs = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
    return ",".join(pairs + [last])


NOTATIONS = {  # value -> how an outlet prints it
    "plain": lambda n, f: str(n),
    "english": lambda n, f: _group(n, ","),
    "european": lambda n, f: _group(n, "."),
    "spaced": lambda n, f: _group(n, " "),
    "indian": lambda n, f: _indian(n),
    "decimal-point": lambda n, f: f"{n}.{f}",
    "decimal-comma": lambda n, f: f"{n},{f}",
    "european-decimal": lambda n, f: f"{_group(n, '.')},{f}",
    "english-decimal": lambda n, f: f"{_group(n, ',')}.{f}",
}
FRAMES = [  # the sentence around the number; {n} is the printed number
    "Trade reached US${n}bn in 2023, officials said.",
    "Trade reached Rs{n} billion in 2023, officials said.",
    "The ministry put the figure at {n} tonnes last year.",
    "More than {n} officers have been trained in Pakistan.",
    "Exports fell by −{n} per cent, the bureau said.",
    "The fleet covered {n}km on the new corridor.",
    "PKR{n} was set aside for each of the trainees.",
]


def _mutations(printed: str) -> list[str]:
    out = []
    for i, ch in enumerate(printed):
        if ch.isdigit():
            out.append(printed[:i] + str((int(ch) + 1) % 10 if i else int(ch) % 9 + 1) + printed[i + 1:])
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 99_999_999), fraction=st.integers(1, 99).map(lambda f: f"{f:02d}".rstrip("0") or "5"),
       notation=st.sampled_from(sorted(NOTATIONS)), frame=st.sampled_from(FRAMES), data=st.data())
def test_check_refuses_every_mutation_of_a_printed_value(n, fraction, notation, frame, data):
    printed = NOTATIONS[notation](n, fraction)
    quote = frame.format(n=printed)
    assert refused(quote, quote) == [], quote
    mutated = data.draw(st.sampled_from(_mutations(printed)), label="mutated")
    text = frame.format(n=mutated)
    assert refused(text, quote), f"{text!r} passed against {quote!r}"


SCALE_AND_SIGN = [  # (quote, mutated text): the scale, the currency, the sign, the qualifier
    ("Trade reached US$9bn in 2023.", "Trade reached US$9mn in 2023."),
    ("Trade reached US$9bn in 2023.", "Trade reached €9bn in 2023."),
    ("Trade reached US$9bn in 2023.", "Trade reached Rs9bn in 2023."),
    ("Trade reached Rs9 billion in 2023.", "Trade reached Rs9 million in 2023."),
    ("Exports fell by −4 per cent in 2023.", "Exports fell by 4 per cent in 2023."),
    ("More than 38 officers were trained.", "Fewer than 38 officers were trained."),
    ("More than 38 officers were trained.", "38 officers were trained."),
    ("At least 38 officers were trained.", "At most 38 officers were trained."),
]


@pytest.mark.parametrize(("quote", "text"), SCALE_AND_SIGN)
def test_check_refuses_a_changed_scale_currency_sign_or_qualifier(quote, text):
    assert refused(quote, quote) == []
    assert refused(text, quote)


# --- remembered readings --------------------------------------------------------------------------
_NEWS_WORDS = st.sampled_from(["37", "thirty-seven", "agreements", "US$250 million", "Rs1.5bn", "more than",
                               "about", "2019", "3-4 February 2026", "officers", "1,000", "1.000", "No.", "two-day",
                               "%", "(", ")", ".", ",", "signed", "Dostarym-2019", "at least 500", "Pakistani"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NEWS_WORDS, min_size=1, max_size=12).map(" ".join))
def test_a_remembered_reading_is_the_fresh_reading_and_cannot_be_changed(text):
    """read_numbers and figures remember their answer per text (the preview reads every quote on each
    save); the answer is the one a fresh reading gives, and is immutable, so no caller can alter what
    the next one is told."""
    from dataclasses import FrozenInstanceError

    from briefgen.facts.disagree import figures

    for read in (read_numbers, figures):
        first, again, fresh = read(text), read(text), read.__wrapped__(text)
        assert first == fresh and again is first
        assert isinstance(first, tuple)
        for item in first:
            with pytest.raises(FrozenInstanceError):
                item.value = 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_NEWS_WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=3))
def test_a_remembered_statement_is_the_fresh_one_and_each_check_gets_its_own(quotes):
    """state() reads each text once (a preview rebuild reads the same quotes again): what it hands out
    equals a fresh reading, its readings cannot be changed, and what a check fills in is its own."""
    from dataclasses import fields

    from briefgen.facts.statements import _read_text

    first, again = state(quotes), state(quotes)
    from briefgen.facts.quotes import _fold

    fresh = _read_text.__wrapped__(" … ".join(_fold(q) for q in quotes))
    own = ("said", "resolutions", "relative")
    for f in fields(first):
        if f.name not in own:
            assert getattr(first, f.name) == getattr(fresh, f.name), f.name
            assert isinstance(getattr(first, f.name), (str, tuple, frozenset)), f.name
    for name in own:
        assert getattr(first, name) is not getattr(again, name)
    first.said["x"] = ["a problem"]
    assert state(quotes).said == {}
