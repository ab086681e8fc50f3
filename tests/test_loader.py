"""Unit tests of the fact base loader: YAML with lines, quote folding, schema rules, load_factbase."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from briefgen.errors import InvalidInput, Location
from briefgen.facts.schema import iter_records
from briefgen.facts.factbase import load_factbase
from briefgen.facts.quotes import SourceText, fold
from briefgen.facts.schema import Brief, PartialDate, Period, Record, Source, Text
from briefgen.facts.validate import validate
from briefgen.files.yamlfile import load_yaml, parse_yaml
from conftest import BASE_CASE, CASES, REPO_ROOT

# --- parse_yaml -------------------------------------------------------------------------

SAMPLE = """\
id: x
countries: [PK, KZ]
summary:
  - id: a
    sources:
      - source: s
        quote: "q"

  - id: b
"""


def test_parse_yaml_maps_every_key_and_item_to_its_line():
    doc, problems = parse_yaml(SAMPLE, "f.yaml")
    assert problems == []
    assert doc.value == {
        "id": "x",
        "countries": ["PK", "KZ"],
        "summary": [{"id": "a", "sources": [{"source": "s", "quote": "q"}]}, {"id": "b"}],
    }
    assert doc.lines == {
        (): 1,
        ("id",): 1,
        ("countries",): 2, ("countries", 0): 2, ("countries", 1): 2,
        ("summary",): 3,
        ("summary", 0): 4, ("summary", 0, "id"): 4,
        ("summary", 0, "sources"): 5,
        ("summary", 0, "sources", 0): 6, ("summary", 0, "sources", 0, "source"): 6,
        ("summary", 0, "sources", 0, "quote"): 7,
        ("summary", 1): 9, ("summary", 1, "id"): 9,
    }


def test_line_of_falls_back_to_the_nearest_ancestor():
    doc, _ = parse_yaml(SAMPLE, "f.yaml")
    assert doc.line_of(("summary", 1, "text")) == 9  # a missing key: where its record starts
    assert doc.line_of(("summary", 0, "sources", 0, "quote", "deeper")) == 7
    assert doc.line_of(("nowhere",)) == 1
    assert doc.at(("summary", 0, "sources", 0)) == Location("f.yaml", 6)


def test_parse_yaml_reports_every_duplicate_key():
    text = """\
id: x
title: one
title: two
summary:
  - id: a
    text: t
    text: u
title: three
"""
    doc, problems = parse_yaml(text, "f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml:3: duplicate key 'title' (first defined on line 2)",
        "f.yaml:7: duplicate key 'text' (first defined on line 6)",
        "f.yaml:8: duplicate key 'title' (first defined on line 2)",
    ]
    assert doc.value["title"] == "one"  # the first definition is the one kept
    assert doc.value["summary"][0]["text"] == "t"


def test_unquoted_year_stays_an_int_and_still_validates_as_a_date():
    doc, problems = parse_yaml("id: a\ntext: t\ndate: 1992\nsources: [{source: s, quote: q}]\n", "f.yaml")
    assert problems == []
    assert doc.value["date"] == 1992 and isinstance(doc.value["date"], int)
    record, problems = validate(Record, doc)
    assert problems == []
    assert record.date == "1992"


@pytest.mark.parametrize("text, expected", [
    ('v: "1992"', "1992"),
    ("v: '2022-07-30'", "2022-07-30"),
    ('v: "yes"', "yes"),
    ('v: "null"', "null"),
    ('v: "0x10"', "0x10"),
    ('v: "3.5"', "3.5"),
    ("v: |\n  1992\n", "1992\n"),
])
def test_quoted_scalars_stay_strings(text, expected):
    doc, problems = parse_yaml(text, "f.yaml")
    assert problems == []
    assert doc.value["v"] == expected and isinstance(doc.value["v"], str)


@pytest.mark.parametrize("text, expected", [
    ("v: 2022-07-30", "2022-07-30"),  # a YAML timestamp stays the text written: the schema checks dates
    ("v: 1991-12", "1991-12"),
    ("v: 1992", 1992),
    ("v: 0x10", 16),
    ("v: 3.5", 3.5),
    ("v: yes", True),
    ("v: ~", None),
    ("v:", None),
])
def test_plain_scalars(text, expected):
    doc, problems = parse_yaml(text, "f.yaml")
    assert problems == []
    assert doc.value["v"] == expected and type(doc.value["v"]) is type(expected)


def test_empty_document_is_no_value_and_no_problem():
    doc, problems = parse_yaml("", "f.yaml")
    assert problems == [] and doc.value is None


def test_yaml_syntax_error_is_located():
    doc, problems = parse_yaml("id: x\ntitle: Note: broken\n", "f.yaml")
    assert doc is None
    assert [str(p) for p in problems] == [
        "f.yaml:2: YAML syntax error: mapping values are not allowed in this context"]


def test_tab_indentation_is_explained():
    doc, problems = parse_yaml("summary:\n  - id: a\n\ttext: t\n", "f.yaml")
    assert doc is None
    assert [str(p) for p in problems] == ["f.yaml:3: YAML syntax error: tab character: YAML indentation must use spaces"]


def test_tab_indenting_a_key_under_an_empty_key_is_explained():
    doc, problems = parse_yaml("diplomacy:\n\trelations: []\n", "f.yaml")
    assert [str(p) for p in problems] == ["f.yaml:2: YAML syntax error: tab character: YAML indentation must use spaces"]


def test_load_yaml_reports_non_utf8_with_its_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\nb: caf\u00e9\n".encode("latin-1"))
    doc, problems = load_yaml(path, "data/f.yaml")
    assert doc is None
    assert [str(p) for p in problems] == ["data/f.yaml:2: file is not valid UTF-8 text"]


def test_load_yaml_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    doc, problems = load_yaml(path, "f.yaml")
    assert problems == [] and doc.value == {"a": 1}


# --- fold and SourceText.contains ------------------------------------------------------------


@pytest.mark.parametrize("typed, plain", [
    ("Pakistan\u2019s", "Pakistan's"),
    ("\u2018a\u2019", "'a'"),
    ("\u201cDostarym-2019\u201d", '"Dostarym-2019"'),
    ("2018\u20132020", "2018-2020"),                   # en dash
    ("friends \u2014 partners", "friends - partners"),  # em dash
    ("\u22125", "-5"),                                  # minus sign
    ("a\u00a0b", "a b"),                                # no-break space
    ("a\u202fb", "a b"),                                # narrow no-break space
    ("a \t\n  b", "a b"),                               # whitespace runs, line breaks
    ("  a  ", "a"),
    ("cafe\u0301", "caf\u00e9"),                        # NFC
])
def test_fold_normalises_what_copy_paste_changes(typed, plain):
    assert fold(typed) == fold(plain) == plain


def test_fold_keeps_case_and_words():
    assert fold("Foreign Minister") != fold("Foreign minister")


def test_document_contains_across_typography():
    doc = SourceText("Pakistan\u2019s \u201cVision Central Asia\u201d\u00a0policy \u2013 launched\nin 2021.")
    assert doc.contains("Pakistan's \"Vision Central Asia\" policy - launched in 2021.")
    assert doc.contains("Pakistan\u2019s  \u201cVision   Central\nAsia\u201d")
    assert not doc.contains("Pakistan's \"Vision South Asia\" policy")
    assert not doc.contains("")
    assert not doc.contains(" \n ")


def test_document_contains_across_line_breaks_of_the_source():
    doc = SourceText("The two Ministers acknowledged\ntheir appreciation.")
    assert doc.contains("The two Ministers acknowledged their appreciation.")


def test_a_quote_must_not_cut_a_word():
    doc = SourceText("Since 2005, more than 38 members of the Armed Forces have been trained.")
    assert doc.contains("more than 38 members")
    assert not doc.contains("more than 3")
    assert not doc.contains("ce 2005, more than 38")


# --- schema: dates, periods, text ------------------------------------------------------------

partial_date = TypeAdapter(PartialDate)
period = TypeAdapter(Period)
text = TypeAdapter(Text)


@pytest.mark.parametrize("value, expected", [
    ("1991-12", "1991-12"),
    ("1992", "1992"),
    (1992, "1992"),
    ("2022-07-30", "2022-07-30"),
    ("2024-02-29", "2024-02-29"),
])
def test_partial_dates_accepted(value, expected):
    assert partial_date.validate_python(value) == expected


@pytest.mark.parametrize("value, phrase", [
    ("2022-13", "invalid date '2022-13'"),
    ("2022-13-01", "invalid date '2022-13-01'"),
    ("2022-02-30", "no such day"),
    ("2023-02-29", "no such day"),
    ("92", "use ISO form"),
    (92, "invalid date '92'"),
    ("2022-7-30", "use ISO form"),
    ("30/07/2022", "use ISO form"),
    ("2022-07-30T10:00", "use ISO form"),
    ("", "use ISO form"),
    (True, "valid string"),
])
def test_partial_dates_rejected(value, phrase):
    with pytest.raises(ValidationError) as info:
        partial_date.validate_python(value)
    assert phrase in str(info.value)


@pytest.mark.parametrize("value", ["2018/2020", "2018/2018", "2018-05/2020-01", "2019-12-31/2020-01-01"])
def test_periods_accepted(value):
    assert period.validate_python(value) == value


@pytest.mark.parametrize("value, phrase", [
    ("2020/2018", "ends before it starts"),
    ("2018", "use START/END"),
    (2018, "use START/END"),
    ("2018-2020", "use START/END"),
    ("2018/2020-13", "invalid date '2020-13'"),
])
def test_periods_rejected(value, phrase):
    with pytest.raises(ValidationError) as info:
        period.validate_python(value)
    assert phrase in str(info.value)


def test_source_may_be_undated():
    source = Source(id="s", label="l", kind="k", date="undated", file="seeds/s.txt")
    assert source.date == "undated"
    with pytest.raises(ValidationError):
        Source(id="s", label="l", kind="k", date="someday", file="seeds/s.txt")


def test_source_citation_fields():
    source = Source(id="s", label="l", kind="k", date="2022-07-30", file="seeds/s.txt", author="A. Writer",
                    url="https://example.org/a?b=1", accessed="2026-11-20")
    assert (source.author, source.url, source.accessed) == ("A. Writer", "https://example.org/a?b=1", "2026-11-20")


@pytest.mark.parametrize(("field", "value", "phrase"), [
    ("url", "javascript:alert(1)", "starting https://"),
    ("url", "example.org/a", "starting https://"),
    ("url", "https://example.org/a b", "no spaces"),
    ("accessed", "2026-11", "give the day"),
    ("accessed", "2026-02-30", "no such day"),
])
def test_source_citation_fields_rejected(field, value, phrase):
    with pytest.raises(ValidationError) as info:
        Source(id="s", label="l", kind="k", date="undated", file="seeds/s.txt", **{field: value})
    assert phrase in str(info.value)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\ufffe"])
def test_control_characters_in_text_rejected(char):
    with pytest.raises(ValidationError) as info:
        text.validate_python(f"ab{char}c")
    assert f"control character U+{ord(char):04X} in text (at character 3)" in str(info.value)


@pytest.mark.parametrize("value", ["line one\nline two", "a\tb", "Pakistan\u2019s \u201cVision\u201d \u2013 2022"])
def test_ordinary_text_accepted(value):
    assert text.validate_python(value) == value


def test_control_character_escaped_in_yaml_is_a_located_problem():
    source = 'id: a\ntext: "bell\\x07 rings"\nsources: [{source: s, quote: q}]\n'
    doc, problems = parse_yaml(source, "f.yaml")
    assert problems == []
    record, problems = validate(Record, doc)
    assert record is None
    assert [str(p) for p in problems] == ["f.yaml:2: text: control character U+0007 in text (at character 5)"]


def test_unknown_keys_are_errors():
    with pytest.raises(ValidationError) as info:
        Record.model_validate({"id": "a", "txt": "t", "text": "t", "sources": [{"source": "s", "quote": "q"}]})
    assert "txt" in str(info.value)


# --- load_factbase ------------------------------------------------------------------------------

SHIPPED_RECORDS = 56
SHIPPED_QUOTES = 72


def test_load_factbase_on_the_shipped_workspace():
    fb = load_factbase(REPO_ROOT)
    assert list(fb.briefs) == ["pakistan-kazakhstan"]
    assert fb.brief_files == {"pakistan-kazakhstan": "data/briefs/pakistan-kazakhstan.yaml"}
    assert sorted(fb.countries) == ["KZ", "PK"]
    assert sorted(fb.sources) == ["pk-kz-relations-article", "tdi-tashkent-2022-07-30"]
    assert fb.record_count == SHIPPED_RECORDS
    assert fb.quotes_verified == SHIPPED_QUOTES
    brief = fb.briefs["pakistan-kazakhstan"]
    records = [record for _, record in iter_records(brief)]
    assert len(records) == SHIPPED_RECORDS
    assert len({record.id for record in records}) == SHIPPED_RECORDS
    # every citation of every record was checked against its source, none skipped
    assert sum(len(record.sources) for record in records) == SHIPPED_QUOTES


def test_shipped_record_count_matches_the_ids_in_the_file():
    """A record silently dropped by the schema (e.g. an ignored section) would make these differ."""
    import yaml

    raw = yaml.safe_load((REPO_ROOT / "data/briefs/pakistan-kazakhstan.yaml").read_text(encoding="utf-8"))

    def ids(value):
        if isinstance(value, dict):
            return (1 if "sources" in value and "id" in value else 0) + sum(ids(v) for v in value.values())
        if isinstance(value, list):
            return sum(ids(v) for v in value)
        return 0

    assert ids(raw) == SHIPPED_RECORDS


def test_load_factbase_on_valid_minimal():
    fb = load_factbase(CASES / BASE_CASE)
    brief = fb.briefs["pk-kz"]
    assert isinstance(brief, Brief)
    assert [record.id for _, record in iter_records(brief)] == ["relations", "ties", "tashkent-2022"]
    assert brief.summary[0].date == "1992"
    assert (fb.record_count, fb.quotes_verified) == (3, 3)


def test_load_factbase_raises_every_problem_sorted(case_workspace):
    with pytest.raises(InvalidInput) as info:
        load_factbase(case_workspace("several-problems"))
    assert [str(p.location) for p in info.value.problems] == [
        "data/briefs/pk-kz.yaml:4", "data/briefs/pk-kz.yaml:17", "data/countries.yaml:10"]
    assert info.value.message == "3 problems found"
