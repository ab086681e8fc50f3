"""The built-in templates on fact bases other than the shipped one: a second meeting, optional
fields left out, empty sections, figures of different dates, events over several days.

Each test is a case found by trying the templates as a new user would (issue: any fact base).
"""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.document import model
from briefgen.build.pipeline import BuildRequest, prepare
from factbase_maker import source, write_workspace

AS_OF = date(2026, 3, 1)


def render(tmp_path, brief: dict, **kw):
    ws = write_workspace(tmp_path / "ws", brief, **kw)
    return prepare(BuildRequest(workspace=ws, as_of=AS_OF))


def blocks(document) -> list:
    """Every block of the document, depth first (inside lists, callouts, quotes)."""
    out = []

    def walk(items):
        for b in items:
            out.append(b)
            match b:
                case model.BulletList(items=its) | model.OrderedList(items=its):
                    for it in its:
                        walk(it.blocks)
                case model.Callout(blocks=bs) | model.Quote(blocks=bs):
                    walk(bs)

    walk(document.blocks)
    return out


def texts(document) -> list[str]:
    """The text of every paragraph, heading and table cell."""
    out = []
    for b in blocks(document):
        match b:
            case model.Paragraph(children=c) | model.Heading(children=c):
                out.append(model.plain_text(c))
            case model.Table(header=h, rows=rows):
                out += [model.plain_text(cell) for row in h + rows for cell in row]
    return out


def meeting(id: str, day: str, text: str, points=(), **fields) -> dict:
    return {"id": id, "date": day, "text": text, **fields,
            "points": [{"id": f"{id}-p{i}", "text": t} for i, t in enumerate(points)]}


TWO_MEETINGS = {"diplomacy": {"meetings": [
    meeting("astana-2026", "2026-02-03", "The Prime Minister visited Astana on 3 February 2026.",
            ["The two sides signed a road map.", "They agreed to raise trade to US$1 billion."], place="Astana"),
    meeting("tashkent-2022", "2022-07-30", "The Foreign Ministers met in Tashkent on 30 July 2022.",
            ["The Ministers discussed the region."], place="Tashkent"),
]}}


def test_two_meetings_with_points_stay_separate_blocks(tmp_path):
    doc = render(tmp_path, TWO_MEETINGS).document
    found = texts(doc)
    for t in ("They agreed to raise trade to US$1 billion.", "The Ministers discussed the region."):
        assert t in [x.split("[")[0] for x in found], found  # the point alone in its list item
    assert any(x.startswith("30 July 2022, Tashkent. The Foreign Ministers met") for x in found), found


def test_records_of_one_kind_are_paragraphs_of_their_own(tmp_path):
    doc = render(tmp_path, {"diplomacy": {"relations": [
        {"id": "r1", "text": "Relations between them are friendly."}, {"id": "r2", "text": "Both sides value cooperation."}]}}).document
    found = [x.split("[")[0] for x in texts(doc)]
    assert "Relations between them are friendly." in found and "Both sides value cooperation." in found, found


def test_a_meeting_without_place_or_participants_leaves_no_stray_punctuation(tmp_path):
    prepared = render(tmp_path, {"diplomacy": {"meetings": [
        meeting("m1", "2025-03-11", "Ishaq Dar met the Kazakh Foreign Minister on 11 March 2025.")]}})
    md = prepared.markdown
    assert "Last high-level contact recorded:** 11 March 2025[^report]" in md, md
    assert ", :" not in md and ":[" not in md


def test_a_brief_without_key_facts_has_no_key_facts_box(tmp_path):
    doc = render(tmp_path, {"outlook": [{"id": "o1", "text": "Ties between them will grow."}]}).document
    assert not [b for b in blocks(doc) if isinstance(b, model.Callout)]


def test_support_without_a_term_has_no_placeholder(tmp_path):
    md = render(tmp_path, {"multilateral": {"support": [
        {"id": "s1", "text": "Pakistan backed the bid of Kazakhstan.", "supporter": "PK", "supported": "KZ", "object": "bid"}]}}).markdown
    assert "–" not in md.split("# Multilateral")[1].split("\n#")[0]
    assert "| Term |" not in md


def test_key_facts_diaspora_line_says_only_what_the_record_says(tmp_path):
    md = render(tmp_path, {"people": {"diaspora": [
        {"id": "d1", "count": 2000, "count_qualifier": "about", "origin": "PK", "host": "KZ",
         "text": "About 2,000 Pakistani students study in Kazakhstan."}]}}).markdown
    assert "citizens" not in md
    assert "**Diaspora:** About 2,000 Pakistani students study in Kazakhstan." in md


def test_key_facts_diaspora_line_with_the_records_own_group(tmp_path):
    md = render(tmp_path, {"people": {"diaspora": [
        {"id": "d1", "count": 2000, "count_qualifier": "more than", "group": "Pakistani students", "origin": "PK",
         "host": "KZ", "text": "More than 2,000 Pakistani students study in Kazakhstan."}]}}).markdown
    assert "**Diaspora:** more than 2,000 Pakistani students in Kazakhstan (2026)[^report]" in md  # the year of its source


def test_key_facts_membership_without_acronym_uses_the_name(tmp_path):
    md = render(tmp_path, {"multilateral": {"memberships": [
        {"id": "m1", "organisation": "Asia Forum", "members": ["PK", "KZ"], "text": "Pakistan and Kazakhstan are both in the Asia Forum."}]}}).markdown
    assert "**Shared memberships:** Asia Forum (2026)[^report]" in md


def test_a_meeting_is_one_chronology_entry_whatever_its_points_carry(tmp_path):
    brief = {"diplomacy": {"meetings": [{
        "id": "visit", "date": "2026-02-03", "place": "Islamabad", "text": "The President visited Islamabad on 3 February 2026.",
        "points": [{"id": f"p{i}", "date": "2026-02-03", "text": f"Agreement {i} was signed on 3 February 2026."}
                   for i in range(3)]}]}}
    doc = render(tmp_path, brief).document
    chronology = [b for b in doc.blocks if isinstance(b, model.Table) and model.plain_text(b.header[0][0]) == "Date"]
    assert len(chronology) == 1 and len(chronology[0].rows) == 1, chronology


def test_a_policy_name_ending_with_a_full_stop_is_not_doubled(tmp_path):
    md = render(tmp_path, {"policies": [{"id": "p1", "name": "Vision Central Asia Inc.", "text": "Vision Central Asia Inc. is a policy."}]}).markdown
    assert "Inc.." not in md and "**Vision Central Asia Inc.**" in md


def test_a_visit_over_two_days_is_dated_as_a_range_everywhere(tmp_path):
    brief = {"diplomacy": {"meetings": [meeting(
        "astana-2026", "2026-02-03/2026-02-04", "The President made a state visit to Astana on 3–4 February 2026.",
        place="Astana")]}}
    md = render(tmp_path, brief).markdown
    assert "**3–4 February 2026, Astana.** The President" in md  # the meeting heading
    assert "Last high-level contact recorded:** 3–4 February 2026, Astana" in md  # key facts
    assert "| 3–4 February 2026 | The President made" in md  # the chronology


@pytest.mark.parametrize("value, expected", [
    ("2026-02-03/2026-02-04", {"en_GB": "3–4 February 2026", "en_US": "February 3 – 4, 2026"}),
    ("2026-01-30/2026-02-04", {"en_GB": "30 January – 4 February 2026"}),
    ("2025-12-30/2026-01-02", {"en_GB": "30 December 2025 – 2 January 2026"}),
    ("2018/2020", {"en_GB": "2018–2020"}),
    ("2019-03/2020", {"en_GB": "March 2019–2020"}),
])
def test_ranges_are_written_by_the_locale(value, expected):
    from briefgen.editorial.context import format_partial_date

    for locale, text in expected.items():
        assert format_partial_date(value, locale).replace("\u2009", " ") == text


@pytest.mark.parametrize("value, message", [
    ("2026-02-04/2026-02-03", "must end after it starts"),
    ("2026-02-03/2026-02-31", "no such day"),
    ("3 February 2026", "or a range START/END"),
])
def test_a_bad_date_range_is_refused_with_a_message_about_ranges(tmp_path, run_cli, value, message):
    ws = write_workspace(tmp_path / "ws", {"diplomacy": {"meetings": [meeting("m1", value, "They met.")]}})
    code, _, err = run_cli("check", "-w", str(ws))
    assert code == 1 and message in err and "data/briefs/pk-kz.yaml:" in err, err


def test_a_record_with_both_date_and_period_is_refused(tmp_path, run_cli):
    ws = write_workspace(tmp_path / "ws", {"diplomacy": {"meetings": [
        {**meeting("m1", "2026-02-03", "They met."), "period": "2026-02-03/2026-02-04"}]}})
    code, _, err = run_cli("check", "-w", str(ws))
    assert code == 1 and "not both" in err, err


def goal(id: str, high: float, text: str, **fields) -> dict:
    return {"id": id, "high": high, "currency": "USD", "unit": "billion", "text": text, **fields}


def test_key_facts_show_the_latest_dated_trade_goal_and_the_section_dates_them(tmp_path):
    md = render(tmp_path, {"economy": {"goals": [
        goal("g-old", 1, "The two countries aim for US$1 billion of trade."),
        goal("g-new", 3, "On 4 February 2026 the leaders set a goal of US$3 billion.", date="2026-02-04")]}}).markdown
    keyfacts = md.split("::: keyfacts")[1].split(":::")[0]
    assert keyfacts.count("Trade goal") == 1
    assert "**Trade goal (4 February 2026):** US$3 billion" in keyfacts
    economy = md.split("# Trade and economy")[1]
    assert economy.index("**4 February 2026.** On 4 February 2026") < economy.index("The two countries aim for")


def test_several_undated_trade_goals_leave_key_facts_silent_on_the_goal(tmp_path):
    md = render(tmp_path, {"economy": {"goals": [goal("g1", 1, "One goal is US$1 billion."),
                                                  goal("g2", 2, "Another goal is US$2 billion.")]}}).markdown
    assert "Trade goal" not in md


# --- currency warnings ----------------------------------------------------------------------

CURRENT = {
    "summary": [{"id": "s1", "text": "The Foreign Ministers met in Tashkent on 30 July 2022.",
                 "sources": [{"source": "old", "quote": "The Foreign Ministers met in Tashkent on 30 July 2022."}]}],
    "diplomacy": {"meetings": [
        {**meeting("tashkent", "2022-07-30", "The Foreign Ministers met in Tashkent on 30 July 2022.", place="Tashkent"),
         "sources": [{"source": "old", "quote": "The Foreign Ministers met in Tashkent on 30 July 2022."}]},
        {**meeting("astana", "2026-02-03/2026-02-04", "The President visited Astana on 3–4 February 2026.", place="Astana"),
         "sources": [{"source": "new", "quote": "The President visited Astana on 3–4 February 2026."}]}]},
}
TWO_SOURCES = [source("old", "2022-07-30"), source("new", "2026-02-04")]


def warnings_of(run_cli, ws, *args):
    code, out, err = run_cli("build", "-w", str(ws), "--format", "md", "--out", str(ws / "out"), *args)
    assert code == 0, err
    return [line for line in err.splitlines() if line.startswith("warning: ")]


@pytest.mark.currency
def test_an_as_of_date_before_the_newest_source_is_warned(tmp_path, run_cli):
    ws = write_workspace(tmp_path / "ws", CURRENT, sources=TWO_SOURCES)
    found = warnings_of(run_cli, ws, "--as-of", "2025-01-01")
    assert any("as-of date 1 January 2025 is before the newest source the brief cites, 'new' (4 February 2026)" in w
               for w in found), found


@pytest.mark.currency
def test_a_summary_that_misses_the_newest_source_and_meeting_is_warned(tmp_path, run_cli):
    ws = write_workspace(tmp_path / "ws", CURRENT, sources=TWO_SOURCES)
    found = warnings_of(run_cli, ws, "--as-of", "2026-03-01")
    assert any("summary cites nothing from the newest source, 'new'" in w for w in found), found
    assert any("newest meeting (3–4 February 2026, Astana, 'astana')" in w for w in found), found
    assert all("data/briefs/pk-kz.yaml:" in w for w in found)
    code, _, err = run_cli("check", "-w", str(ws))  # check reports them too
    assert code == 0 and "summary cites nothing from the newest source" in err


@pytest.mark.currency
def test_a_summary_citing_the_newest_meeting_is_not_warned(tmp_path, run_cli):
    brief = {**CURRENT, "summary": CURRENT["summary"] + [{"id": "s2", "text": "The President visited Astana.",
                                                            "sources": [{"source": "new", "quote": "The President visited Astana"}]}]}
    ws = write_workspace(tmp_path / "ws", brief, sources=TWO_SOURCES)
    assert warnings_of(run_cli, ws, "--as-of", "2026-03-01") == []


@pytest.mark.currency
@pytest.mark.parametrize("setting, as_of, warned", [
    ("", "2027-02-04", False), ("", "2027-02-05", True), ("stale_after_months = 6\n", "2026-08-05", True),
    ("stale_after_months = 6\n", "2026-08-04", False)])
def test_an_old_newest_source_is_warned_after_stale_after_months(tmp_path, run_cli, setting, as_of, warned):
    brief = {**CURRENT, "summary": CURRENT["summary"] + [{"id": "s2", "text": "The President visited Astana.",
                                                            "sources": [{"source": "new", "quote": "The President visited Astana"}]}]}
    ws = write_workspace(tmp_path / "ws", brief, sources=TWO_SOURCES, settings=setting)
    found = warnings_of(run_cli, ws, "--as-of", as_of)
    assert any("more than" in w and "months older than the as-of date" in w for w in found) == warned, found


def test_stale_after_months_must_be_a_positive_whole_number(tmp_path, run_cli):
    ws = write_workspace(tmp_path / "ws", CURRENT, sources=TWO_SOURCES, settings="stale_after_months = 0\n")
    code, _, err = run_cli("check", "-w", str(ws))
    assert code == 1 and "briefgen.toml:1: stale_after_months" in err, err


def test_meetings_without_points_or_participants_stay_separate_paragraphs(tmp_path):
    doc = render(tmp_path, {"diplomacy": {"meetings": [
        meeting("m1", "2025-03-11", "The ministers met on 11 March 2025."),
        meeting("m2", "2024-05-02", "The ministers met on 2 May 2024.")]}}).document
    found = texts(doc)
    assert any(x.startswith("11 March 2025. The ministers met on 11 March 2025.") and "2 May" not in x for x in found), found
