"""A brief a minister's office would circulate: currency up front, titles held then, the year of a
figure, commentary kept out of the key facts, nothing told twice, records of one shape told together.
Built from fact bases the tests write (tests/factbase_maker.py), through the built-in templates."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from briefgen.build.pipeline import BuildRequest, prepare
from factbase_maker import source, write_workspace

AS_OF = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def issued_on_as_of(monkeypatch):
    """The day of issue is AS_OF, whatever day the tests run (the title block compares the two)."""
    noon = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))


def md(tmp_path, brief: dict, as_of: date = AS_OF, **kw) -> str:
    ws = write_workspace(tmp_path / "ws", brief, **kw)
    return prepare(BuildRequest(workspace=ws, as_of=as_of)).markdown


def keyfacts(markdown: str) -> str:
    return markdown.split("::: keyfacts", 1)[1].split("\n:::", 1)[0] if "::: keyfacts" in markdown else ""


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"# {heading}\n", 1)[1].split("\n# ", 1)[0]


OUTLOOK = {"outlook": [{"id": "o1", "text": "Ties will grow this year."}]}


# --- currency ------------------------------------------------------------------------------


def test_title_block_says_how_current_and_a_banner_marks_a_stale_brief(tmp_path):
    brief = {"outlook": [{"id": "o1", "text": "Ties will grow this year."},
                         {"id": "o2", "text": "A web article says ties will grow fast.",
                          "sources": [{"source": "web", "quote": "ties will grow fast"}]}]}
    out = md(tmp_path, brief, sources=[source("news", "2022-07-30"), source("web", "undated")])
    meta = out.split("{.meta}\n", 1)[1]
    assert meta.startswith("**Based on 2 sources, the latest of 30 July 2022 (1 undated).**")
    assert "Information as of" not in meta  # the as-of date is the day of issue: said once, as the date
    banner = out.split("::: note Not current", 1)[1].split(":::", 1)[0]
    assert "The newest source dates from 30 July 2022, more than 4 years before 28 November 2026." in banner
    assert out.index("Not current") < out.index("# Outlook")


def test_a_current_brief_has_no_banner_and_the_threshold_is_a_setting(tmp_path):
    assert "Not current" not in md(tmp_path / "a", OUTLOOK, as_of=date(2026, 3, 1))  # source of 4 February 2026
    stale = md(tmp_path / "b", OUTLOOK, as_of=date(2026, 4, 15), settings="stale_after_months = 1\n")
    assert "::: note Not current" in stale and "2 months before 15 April 2026" in stale


def test_a_brief_with_only_undated_sources_says_it_cannot_show_its_currency(tmp_path):
    out = md(tmp_path, OUTLOOK, sources=[source("web", "undated")])
    assert "**Based on 1 undated source.**" in out
    assert "No source is dated" in out


# --- people: titles they held then -----------------------------------------------------------


def meeting(id, day, *people, **fields):
    """A meeting in Tashkent whose text states every printed value (date, place, people, titles, countries)."""
    from briefgen.editorial.context import format_partial_date

    who = " and ".join(f"{t} {n} of {'Pakistan' if c == 'PK' else 'Kazakhstan'}" for n, t, c in people)
    text = f"On {format_partial_date(day)} in Tashkent, {who or 'the Foreign Ministers'} met."
    return {"id": id, "date": day, "place": "Tashkent", "text": text, **fields,
            "participants": [{"name": n, "title": t, "country": c} for n, t, c in people]}


def test_past_meetings_give_the_title_then(tmp_path):
    out = md(tmp_path, {"diplomacy": {"meetings": [
        meeting("m1", "2022-07-30", ("A. Zardari", "Foreign Minister", "PK"), ("M. Tleuberdi", "Foreign Minister", "KZ"))]}})
    assert ("*Participants:* Pakistan’s then Foreign Minister, A. Zardari; Kazakhstan’s then Foreign Minister, "
            "M. Tleuberdi.") in out


def test_a_recent_meeting_gives_the_title_but_a_later_holder_makes_it_then(tmp_path):
    recent = md(tmp_path / "a", {"diplomacy": {"meetings": [
        meeting("m1", "2026-10-01", ("I. Dar", "Foreign Minister", "PK"))]}})
    assert "Pakistan’s Foreign Minister, I. Dar" in recent and "then" not in recent.split("# Diplomatic")[1]
    both = md(tmp_path / "b", {"diplomacy": {"meetings": [
        meeting("m1", "2026-06-01", ("A. Zardari", "Foreign Minister", "PK")),
        meeting("m2", "2026-10-01", ("I. Dar", "Foreign Minister", "PK"))]}})
    assert "Pakistan’s then Foreign Minister, A. Zardari" in both and "Pakistan’s Foreign Minister, I. Dar" in both


# --- key facts -------------------------------------------------------------------------------


DIASPORA = {"id": "d1", "count": 559, "origin": "PK", "host": "KZ", "group": "Pakistani citizens",
            "text": "There are 559 Pakistani citizens in Kazakhstan."}


def test_a_key_fact_from_a_dated_source_shows_its_year(tmp_path):
    out = md(tmp_path, {"people": {"diaspora": [DIASPORA]}}, sources=[source("news", "2022-07-30")])
    assert "**Diaspora:** 559 Pakistani citizens in Kazakhstan (2022)[^news]" in keyfacts(out)


def test_key_facts_keep_the_latest_contact_whatever_the_summary_tells(tmp_path):
    quote = "The Foreign Ministers met in Tashkent on 30 July 2022."
    out = md(tmp_path, {
        "summary": [{"id": "s1", "text": "The Foreign Ministers met in Tashkent in 2022.",
                     "sources": [{"source": "report", "quote": quote}]}],
        "diplomacy": {"meetings": [{**meeting("m1", "2022-07-30"), "text": quote}]},
        "people": {"diaspora": [DIASPORA]}})
    # the summary tells the meeting, but the latest contact is what a reader looks for first in the box
    assert "**Last high-level contact recorded:** 30 July 2022, Tashkent" in keyfacts(out)
    assert "**Diaspora:**" in keyfacts(out)


def test_key_facts_leave_out_what_rests_only_on_commentary_and_say_there_is_no_trade_volume(tmp_path):
    goal = {"id": "g1", "low": 250, "high": 1000, "currency": "USD", "unit": "million",
            "text": "An undated commentary speaks of trade goals of US$250 million to US$1,000 million.",
            "sources": [{"source": "opinion", "quote": "trade goals of US$250 million to US$1,000 million"}]}
    out = md(tmp_path, {"economy": {"goals": [goal]}, "people": {"diaspora": [DIASPORA]}},
             sources=[source("report"), source("opinion", "undated", type="commentary")])
    box = keyfacts(out)
    assert "Trade goal" not in box
    assert "- **Trade volume:** not given in the sources" in box
    economy = section(out, "Trade and economy")
    assert economy.startswith("\nThe sources give no trade volume.\n") and "An undated commentary speaks" in economy


def test_a_recorded_trade_volume_is_a_key_fact_with_its_year(tmp_path):
    volume = {"id": "v1", "value": 138, "currency": "USD", "unit": "million", "date": "2023",
              "text": "Bilateral trade reached US$138 million in 2023."}
    out = md(tmp_path, {"economy": {"volumes": [volume]}})
    assert "**Trade volume (2023):** US$138 million[^report]" in keyfacts(out)
    assert "no trade volume" not in out


# --- chronology ------------------------------------------------------------------------------


def test_a_running_total_is_not_a_chronology_event(tmp_path):
    out = md(tmp_path, {"security": {"training": [
        {"id": "t1", "count": 38, "count_qualifier": "more than", "trainees": "officers", "institution": "schools",
         "host": "PK", "since": "2005", "text": "Since 2005, more than 38 officers have trained in Pakistan."},
        {"id": "t2", "count": 4, "trainees": "officers", "institution": "a centre", "host": "PK", "period": "2019/2020",
         "text": "Four officers trained at a centre in Pakistan in 2019–2020."}]}})
    chronology = section(out, "Chronology")
    assert "2019–2020" in chronology and "2005" not in chronology
    assert "Since 2005, more than 38 officers" in section(out, "Defence and security")


# --- records of one shape, told together --------------------------------------------------------


def test_memberships_agreements_and_support_are_grouped(tmp_path):
    orgs = [("Organisation of Islamic Cooperation", "OIC"), ("Economic Cooperation Organization", "ECO"),
            ("Shanghai Cooperation Organisation", "SCO")]
    out = md(tmp_path, {
        "diplomacy": {"agreements": [
            {"id": f"a{i}", "kind": "memorandum of understanding", "area": area, "status": "signed",
             "text": f"A memorandum of understanding on {area} has been signed."}
            for i, area in enumerate(["trade and investment", "defence", "training"])]},
        "multilateral": {
            "memberships": [{"id": f"m{i}", "organisation": name, "acronym": acr, "members": ["PK", "KZ"],
                             "text": f"Pakistan and Kazakhstan are in the {name} ({acr})."} for i, (name, acr) in enumerate(orgs)],
            "support": [
                {"id": "s1", "supporter": "PK", "supported": "KZ", "object": "bid for EXPO-2017", "outcome": "successful",
                 "text": "Pakistan backed the successful EXPO-2017 bid of Kazakhstan."},
                {"id": "s2", "supporter": "KZ", "supported": "PK", "object": "candidature to the Human Rights Council",
                 "term": "2018/2020", "text": "Kazakhstan backed the Human Rights Council candidature of Pakistan for 2018–2020."},
                {"id": "s3", "supporter": "PK", "supported": "KZ", "object": "candidature to the Statistical Commission",
                 "term": "2017/2020", "text": "Pakistan backed the Statistical Commission candidature of Kazakhstan for 2017–2020."}]}})
    assert ("Pakistan and Kazakhstan are both members of the Organisation of Islamic Cooperation (OIC), the Economic "
            "Cooperation Organization (ECO) and the Shanghai Cooperation Organisation (SCO).[^report]") in out
    assert "are in the" not in out and "| Organisation |" not in out
    assert "Three memoranda of understanding have been signed, on trade and investment, defence, and training.[^report]" in out
    multilateral = section(out, "Multilateral cooperation and mutual support")
    assert ("Pakistan supported Kazakhstan’s successful bid for EXPO-2017 and candidature to the Statistical Commission "
            "(2017–2020).[^report]") in multilateral
    assert "Kazakhstan supported Pakistan’s candidature to the Human Rights Council (2018–2020).[^report]" in multilateral
    assert "–" not in multilateral.replace("2017–2020", "").replace("2018–2020", "")  # no placeholder column


def test_trade_rows_of_one_direction_are_one_row(tmp_path):
    flows = [{"id": f"f{i}", "exporter": "PK", "importer": "KZ", "items": ["goods"], "text": f"Pakistan sells goods {i} to Kazakhstan."}
             for i in range(2)] + [{"id": "f9", "exporter": "KZ", "importer": "PK", "items": ["oil"],
                                    "text": "Kazakhstan sells oil to Pakistan."}]
    table = [line for line in md(tmp_path, {"economy": {"flows": flows}}).splitlines() if line.startswith("| ")]
    assert table[1:] == ["| Pakistan to Kazakhstan | Pakistan sells goods 0 to Kazakhstan.[^report] Pakistan sells goods 1 to Kazakhstan.[^report] |",
                         "| Kazakhstan to Pakistan | Kazakhstan sells oil to Pakistan.[^report] |"]


def test_a_policy_another_section_tells_is_folded_there(tmp_path):
    quote = "Under the Vision Central Asia policy, Pakistan seeks engagement with Central Asia."
    told = {"economy": {"connectivity": [{"id": "c1", "text": quote}]},
            "policies": [{"id": "p1", "name": "Vision Central Asia", "owner": "PK", "text": "Pakistan has a policy.",
                          "sources": [{"source": "report", "quote": quote}]}]}
    assert "Policy frames" not in md(tmp_path / "a", told)
    untold = {"policies": [{"id": "p1", "name": "Vision Central Asia", "owner": "PK", "text": quote}]}
    assert "# Policy frames" in md(tmp_path / "b", untold)


def test_a_commentary_source_note_says_what_it_is(tmp_path):
    out = md(tmp_path, OUTLOOK, sources=[source("report", "2026-02-04", type="commentary")])
    assert "Commentary, author not named: the brief attributes what only this source supports.\n" in out
    assert "Commentary" not in md(tmp_path / "b", OUTLOOK).split("# Source notes", 1)[1]
