"""Desk text: the placeholder grammar, and the finder of figures typed into desk text, measured on
a corpus of desk lines written in the style of real meeting briefs (points to make, lines to take,
press lines). Each line says what a reader would call a figure or date in it."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from briefgen.facts.desktext import Malformed, Placeholder, parse, typed_figures

# (desk line, the figures a desk officer would say were typed into it)
CORPUS = [
    ("Welcome the Foreign Minister to Islamabad and thank him for the invitation to Astana.", []),
    ("Note that trade reached US$ 250 million last year and should double.", ["US$ 250", "million"]),
    ("We want to see the Inter-Governmental Commission meet before the summer.", []),
    ("Pakistan has trained more than 38 Kazakh officers since 2005.", ["38", "2005"]),
    ("Press the case for the Termez–Peshawar rail link under CAREC.", []),
    ("Recall that relations were established in 1992.", ["1992"]),
    ("Invite the Minister to the 10th round of consultations in March.", ["10th", "March"]),
    ("Three memoranda of understanding are ready for signature.", ["Three"]),
    ("The two sides agreed to meet again; propose a date through embassies.", []),
    ("If pressed on the G20 statement, say Pakistan's position is unchanged.", []),
    ("Thank Kazakhstan for supporting Pakistan's candidature to the Human Rights Council.", []),
    ("Trade is worth Rs 70 billion a year.", ["Rs 70", "billion"]),
    ("Almost half of transit trade goes through Karachi.", ["half"]),
    ("We welcome EXPO-2017's legacy projects in Astana.", []),
    ("May we suggest a joint working group on connectivity.", []),
    ("The visit should take place in May, before the SCO summit.", ["May"]),
    ("Say that a dozen Pakistani firms are already active in Almaty.", ["dozen"]),
    ("Growth of 12% in exports is encouraging.", ["12%"]),
    ("Hundreds of students study in Kazakh universities.", ["Hundreds"]),
    ("Do not comment on reports about the COP29 pledges.", []),
    ("Flights between Lahore and Almaty resumed on 15 March.", ["15", "March"]),
    ("One of our priorities is energy cooperation.", []),
    ("Welcome the first flight of the new air link.", []),
    ("Propose that officials exchange trade statistics by the end of the year.", []),
    ("Some €40m of investment has been promised.", ["€40m"]),
    ("Cooperation in CO2 reduction is an area to explore.", []),
    # forms found missed in the news corpus (tests/news), which the first version let through
    ("Welcome the $1bn investment pledge.", ["$1bn"]),
    ("Note the 1bn target set at the summit.", ["1bn"]),
    ("Refer to the talks on the 15th of this month.", ["15th"]),
    ("Thank them for the A320 and F-16 overflight permissions.", []),
]


def test_typed_figures_on_the_corpus():
    found = {line: [f.text for f in typed_figures(line)] for line, _ in CORPUS}
    false_pos = [(line, f) for line, want in CORPUS for f in found[line] if f not in want]
    false_neg = [(line, w) for line, want in CORPUS for w in want if w not in found[line]]
    # 30 lines, 28 figures: no false positive (names with digits, "one", "the two sides", "first",
    # "May we") and no false negative
    assert false_pos == [] and false_neg == []


@pytest.mark.parametrize("text, pieces", [
    ("Some {dia-x.count} citizens", ["Some ", ("dia-x", "count"), " citizens"]),
    ("{rel-1992}", [("rel-1992", None)]),
    ("literal {{braces}} stay", ["literal {braces} stay"]),
    ("on { meeting.date }", ["on ", ("meeting", "date")]),
])
def test_placeholders_parse(text, pieces):
    parsed, bad = parse(text)
    assert bad == []
    assert [p if isinstance(p, str) else (p.record, p.field) for p in parsed] == pieces


def test_braces_that_are_no_placeholder_are_reported():
    _, bad = parse("see {Trade figures}, a lone { brace and {x.y.z}")
    assert [b.text for b in bad] == ["{Trade figures}", "{", "{x.y.z}"]


def test_a_placeholder_is_not_a_typed_figure():
    assert typed_figures("in {rel-recognition.date} and {trn-2005.count}, {vol-2026}") == []


words = st.text(alphabet=st.sampled_from("abcdefghij klmnop,.;"), max_size=30)


@given(st.lists(st.one_of(words, st.builds(lambda r, f: (r, f), st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
                                           st.sampled_from([None, "date", "count", "value"]))), max_size=6))
def test_parse_gives_back_what_was_written(parts):
    text = "".join(p if isinstance(p, str) else "{" + p[0] + (f".{p[1]}" if p[1] else "") + "}" for p in parts)
    parsed, bad = parse(text)
    assert bad == []
    assert "".join(p if isinstance(p, str) else p.written for p in parsed) == text
    assert [(p.record, p.field) for p in parsed if isinstance(p, Placeholder)] == [p for p in parts if not isinstance(p, str)]
    assert all(isinstance(b, Malformed) for b in bad)


@pytest.mark.parametrize(("text", "figure"), [
    ("Recall the talks on the 15th with warmth.", "15th"), ("Trade of 9bn is the aim.", "9bn"),
    ("A 900km road links the capitals.", "900km"), ("Reserves of 5e9 are cited.", "5"),
    ("Some ½ of the trade goes by road.", "½"), ("Welcome the third round of talks.", "third"),
    ("Trade grew 10x in a decade.", "10x"), ("They met in Dec. last year.", "Dec"),
    ("Figures for Q3 are due.", "Q3"),
])
def test_figures_glued_to_units_ordinals_and_fractions_are_typed_figures(text, figure):
    """Each passed as desk text before: a figure with a unit, scale or ordinal ending glued on, an
    ordinal word, a fraction sign."""
    assert figure in [f.text for f in typed_figures(text)]
