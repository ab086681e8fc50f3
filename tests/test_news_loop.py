"""Bringing a state visit's news coverage into the shipped brief: `sources add`, `check`, relative dates.

The reports in tests/news/ are written for these tests in the styles real outlets use (see its
README); they are test data, never facts of the shipped brief.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

NEWS = Path(__file__).resolve().parent / "news"
BRIEF = "data/briefs/pakistan-kazakhstan.yaml"

# what `sources add` must record from each report: title, author, publisher, place, date
EXPECTED = {
    "pti-tokayev-talks": ("Pakistan, Kazakhstan sign 37 agreements as Tokayev holds talks with Sharif", None, "PTI",
                          "Islamabad", "2026-02-04"),
    "app-trade-target": ("PM, Kazakh President agree to take bilateral trade to $1 billion", None, "APP", "Islamabad",
                         "undated"),
    "kazinform-joint-declaration": ("Kazakhstan and Pakistan establish strategic partnership", None, "KAZINFORM",
                                    "Islamabad", "2026-02-04"),
    "wenews-36-accords": ("Pakistan, Kazakhstan ink 36 accords; PM Shahbaz calls Tokayev's visit historic", None,
                          "WE News", "Islamabad", "2026-02-04"),
    "trtworld-tokayev-visit": ("Kazakhstan's Tokayev in Pakistan: 37 deals and a $1bn trade target", "Aidana Serikova",
                               None, "Islamabad", "2026-02-04"),
    "tdi-tokayev-arrives": (None, None, "TDI", "Islamabad", "2026-02-04"),
    "reuters-kazakh-grain-route": ("Kazakhstan eyes Pakistani ports for grain exports after Tokayev visit",
                                   "Olzhas Aubakirov and Asif Mehmood", "Reuters", "Almaty", "2026-02-05"),
    "mofa-joint-declaration": ("Joint Declaration on Strategic Partnership between the Islamic Republic of Pakistan "
                               "and the Republic of Kazakhstan", None, None, None, "undated"),
    "akorda-phone-call": ("Telephone conversation with Prime Minister of Pakistan Shehbaz Sharif", None, None, "Astana",
                          "2026-03-10"),
    "dawn-phone-call": ("PM, Tokayev review progress on agreements", "Nadia Qureshi", None, "Islamabad", "2026-03-12"),
    "brecorder-followup": ("Pakistan, Kazakhstan officials meet on transit trade", None, None, "Islamabad",
                           "2026-02-20"),
}


def sources_of(ws: Path) -> dict[str, dict]:
    data = yaml.safe_load((ws / "data/sources.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["sources"]}


@pytest.fixture
def news_workspace(repo_workspace, run_cli):
    """The shipped workspace with every report of tests/news added by `sources add`, as a user would."""
    outputs = {}
    for name in EXPECTED:
        code, out, err = run_cli("sources", "add", str(NEWS / f"{name}.txt"), "-w", str(repo_workspace))
        assert code == 0, err
        outputs[name] = out
    return News(repo_workspace, outputs, (repo_workspace / BRIEF).read_text(encoding="utf-8"))


@dataclass
class News:
    path: Path
    outputs: dict[str, str]  # what `sources add` printed for each report
    brief_text: str  # the shipped brief as it was


def test_sources_add_reads_each_reports_head(news_workspace):
    sources = sources_of(news_workspace.path)
    for name, (title, author, publisher, place, date) in EXPECTED.items():
        record = sources[name]
        got = (record["title"], record["author"], record["publisher"], record["place"], record["date"])
        assert got == (title, author, publisher, place, date), name


def test_sources_add_says_where_each_value_came_from(news_workspace):
    out = news_workspace.outputs["pti-tokayev-talks"]
    assert "  date: 2026-02-04  (from the dateline on line 5 ('ISLAMABAD, Feb 4 (PTI) –'), the year from line 3 " \
           "('Wed Feb 04 2026'))" in out
    assert "  place: Islamabad  (from the dateline on line 5 ('ISLAMABAD, Feb 4 (PTI) –'))" in out
    assert "  publisher: PTI  (from the agency tag in the dateline on line 5 ('ISLAMABAD, Feb 4 (PTI) –'); PTI is " \
           "Press Trust of India)" in out
    # a weekday is never a place
    assert "place: Wednesday" not in "".join(news_workspace.outputs.values())
    assert "place: Friday" not in "".join(news_workspace.outputs.values())


def test_what_cannot_be_proved_stays_open_with_its_candidates(news_workspace):
    out = news_workspace.outputs["app-trade-target"]
    assert "date: not proved, written as 'undated'; seen: the dateline on line 3 ('ISLAMABAD, Feb 4 (APP):') gives " \
           "February 4 without a year, and the text states no full date of that day to take the year from" in out
    out = news_workspace.outputs["mofa-joint-declaration"]
    assert "seen: line 15: '4 February 2026' (where the text says it was done or signed)" in out


def test_check_warns_about_what_sources_add_left_to_a_person(news_workspace, run_cli):
    code, _out, err = run_cli("check", "-w", str(news_workspace.path))
    assert code == 0, err
    lines = err.splitlines()
    sources_yaml = (news_workspace.path / "data/sources.yaml").read_text(encoding="utf-8").split("\n")

    def line_of(source_id: str, key: str) -> int:
        start = sources_yaml.index(f"  - id: {source_id}")
        return next(i for i in range(start, len(sources_yaml)) if sources_yaml[i].startswith(f"    {key}:")) + 1

    assert (f"warning: data/sources.yaml:{line_of('tdi-tokayev-arrives', 'label')}: source 'tdi-tokayev-arrives': "
            "label 'Text document tdi-tokayev-arrives' is the placeholder `sources add` wrote; describe the document "
            "for the source notes, e.g. 'News report of the state visit'") in lines
    assert (f"warning: data/sources.yaml:{line_of('dawn-phone-call', 'kind')}: source 'dawn-phone-call': kind 'text "
            "document' is the file type `sources add` wrote; say what the document is, e.g. 'news report', 'press "
            "release', 'joint statement'") in lines
    assert (f"warning: data/sources.yaml:{line_of('mofa-joint-declaration', 'date')}: source 'mofa-joint-declaration' "
            "is undated, but its text dates itself: line 15: '4 February 2026'; write that date (YYYY-MM-DD) if it is "
            "when the document was issued") in lines
    assert sum("has no type" in line for line in lines) == len(EXPECTED)
    # the APP report states no full date: nothing to write, nothing to warn about
    assert not any("source 'app-trade-target' is undated" in line for line in lines)


def add_meeting(ws: News, record: str) -> None:
    """The shipped brief with one meeting record (YAML at the list's indentation) first among its meetings."""
    (ws.path / BRIEF).write_text(ws.brief_text.replace("  meetings:\n", "  meetings:\n" + record, 1), encoding="utf-8")


CALL = """    - id: call-2026-03
      date: "{date}"
      text: "{text}"
      sources:
        - source: {source}
          quote: "{quote}"
"""
DAWN_CALL = ("Prime Minister Shehbaz Sharif and Kazakh President Kassym-Jomart Tokayev spoke on the telephone on "
             "Tuesday")


def check_with(ws, run_cli, **fields):
    add_meeting(ws, CALL.format(**({"text": "The Prime Minister and the President spoke by telephone."} | fields)))
    return run_cli("check", "-w", str(ws.path))


def test_on_tuesday_in_a_dated_report_proves_its_day_and_check_says_how(news_workspace, run_cli):
    code, _out, err = check_with(news_workspace, run_cli, date="2026-03-10", source="dawn-phone-call", quote=DAWN_CALL,
                                 text="The Prime Minister and the President spoke by telephone on 10 March 2026.")
    assert code == 0, err
    assert any(line.startswith("note: data/briefs/pakistan-kazakhstan.yaml:") and line.endswith(
        ": date: 2026-03-10 from 'on Tuesday' in a report of Thursday 12 March 2026 ('dawn-phone-call') → "
        "10 March 2026") for line in err.splitlines()), err


def test_a_relative_date_that_means_another_day_is_refused_with_what_it_means(news_workspace, run_cli):
    code, _out, err = check_with(news_workspace, run_cli, date="2026-03-11", source="dawn-phone-call", quote=DAWN_CALL)
    assert code == 1
    assert ("date: 2026-03-11 (11 March 2026) is not in the record's quotes; they state no date; its relative dates "
            "mean: 'on Tuesday' in a report of Thursday 12 March 2026 ('dawn-phone-call') → 10 March 2026") in err


def test_an_undated_source_proves_no_relative_date_and_check_says_how_to_fix_it(news_workspace, run_cli):
    quote = ("Prime Minister Muhammad Shehbaz Sharif and President of Kazakhstan Kassym-Jomart Tokayev on Wednesday "
             "agreed to take the bilateral trade between the two countries to US$1 billion")
    code, _out, err = check_with(news_workspace, run_cli, date="2026-02-04", source="app-trade-target", quote=quote)
    assert code == 1
    assert ("date: 2026-02-04 (4 February 2026) is not in the record's quotes; they state no date; 'on Wednesday' "
            "(source 'app-trade-target') cannot be placed: that source is undated, and an undated report proves no "
            "relative date; give it the day it was published (`date:` in data/sources.yaml) to have them read against "
            "it, or quote a sentence that states the date") in err


def test_a_source_dated_to_the_month_proves_last_month_but_not_a_weekday(news_workspace, run_cli):
    sources = news_workspace.path / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace('date: "2026-03-12"', 'date: "2026-03"'),
                       encoding="utf-8")
    code, _out, err = check_with(news_workspace, run_cli, date="2026-03-10", source="dawn-phone-call", quote=DAWN_CALL)
    assert code == 1
    assert ("'on Tuesday' (source 'dawn-phone-call') needs the day the report was published, and the source is dated "
            "only March 2026: give its full date in data/sources.yaml") in err


@pytest.mark.parametrize("source,quote,date,means", [
    ("akorda-phone-call", "Today, President Kassym-Jomart Tokayev held a telephone conversation with Prime Minister "
                          "of the Islamic Republic of Pakistan Shehbaz Sharif", "2026-03-10",
     "'Today' in a report of Tuesday 10 March 2026 ('akorda-phone-call') → 10 March 2026"),
    ("akorda-phone-call", "The parties discussed the implementation of the agreements reached during the state visit "
                          "of the Head of State to Pakistan last month", "2026-02",
     "'last month' in a report of Tuesday 10 March 2026 ('akorda-phone-call') → February 2026"),
    ("tdi-tokayev-arrives", "President of Kazakhstan Kassym-Jomart Tokayev held talks with Prime Minister Shehbaz "
                            "Sharif at the Prime Minister's House this morning", "2026-02-04",
     "'this morning' in a report of Wednesday 4 February 2026 ('tdi-tokayev-arrives') → 4 February 2026"),
    ("kazinform-joint-declaration", "The Head of State arrived in Islamabad yesterday on a state visit",
     "2026-02-03", "'yesterday' in a report of Wednesday 4 February 2026 ('kazinform-joint-declaration') → "
                   "3 February 2026"),
    ("kazinform-joint-declaration", "The Kazakhstan–Pakistan Business Council will hold its first meeting in "
                                    "Karachi on the 15th of this month", "2026-02-15",
     "'the 15th of this month' in a report of Wednesday 4 February 2026 ('kazinform-joint-declaration') → "
     "15 February 2026"),
    ("brecorder-followup", "A Kazakh delegation led by the deputy minister of trade held talks with officials of the "
                           "Ministry of Commerce last week", "2026-02",
     "'last week' in a report of Friday 20 February 2026 ('brecorder-followup') → 9–15 February 2026"),
    ("brecorder-followup", "the transit trade agreement signed earlier this month", "2026-02",
     "'earlier this month' in a report of Friday 20 February 2026 ('brecorder-followup') → February 2026"),
    ("brecorder-followup", "Deputy Prime Minister and Foreign Minister Ishaq Dar will visit Astana next month",
     "2026-03", "'next month' in a report of Friday 20 February 2026 ('brecorder-followup') → March 2026"),
    ("pti-tokayev-talks", "Tokayev, who arrived here on Tuesday on a two-day state visit", "2026-02-03",
     "'on Tuesday' in a report of Wednesday 4 February 2026 ('pti-tokayev-talks') → 3 February 2026"),
    ("reuters-kazakh-grain-route", "President Kassym-Jomart Tokayev said on Wednesday after talks in Islamabad",
     "2026-02-04", "'on Wednesday' in a report of Thursday 5 February 2026 ('reuters-kazakh-grain-route') → "
                   "4 February 2026"),
])
def test_each_relative_date_of_the_corpus(news_workspace, run_cli, source, quote, date, means):
    code, _out, err = check_with(news_workspace, run_cli, date=date, source=source, quote=quote,
                                 text="The two sides met." if "will" not in quote else "The minister will visit Astana.")
    assert code == 0, err
    assert f": date: {date} from {means}" in err


def test_a_record_dated_after_every_source_it_cites_is_warned_about(news_workspace, run_cli):
    code, _out, err = check_with(news_workspace, run_cli, date="2026-04", source="dawn-phone-call",
                                 quote="the two leaders agreed that the Joint Ministerial Commission would meet in "
                                       "Astana next month",
                                 text="The Joint Ministerial Commission met in Astana.")
    assert code == 0, err
    assert ("'call-2026-03' is dated April 2026, later than every source it cites (the newest, 'dawn-phone-call', is "
            "of 12 March 2026): check the date, or cite a report of the event") in err
    # said as a plan, it is no warning
    code, _out, err = check_with(news_workspace, run_cli, date="2026-04", source="dawn-phone-call",
                                 quote="the two leaders agreed that the Joint Ministerial Commission would meet in "
                                       "Astana next month",
                                 text="The Joint Ministerial Commission is to meet in Astana.")
    assert "later than every source" not in err


def test_the_built_brief_cites_the_reports_by_their_dates_and_is_current(news_workspace, run_cli, tmp_path):
    """Seen before: every report cited 'n.d.' and a 'Not current … newest source 30 July 2022' banner
    stood above the summary of the 2026 visit."""
    record = CALL.format(date="2026-03-10", source="dawn-phone-call", quote=DAWN_CALL,
                         text="The Prime Minister and the President spoke by telephone on 10 March 2026.")
    add_meeting(news_workspace, record)
    brief = news_workspace.path / BRIEF
    summary_point = ("  - id: call-in-summary\n    date: \"2026-03-10\"\n"
                     "    text: The Prime Minister and the President spoke by telephone on 10 March 2026.\n"
                     f"    sources:\n      - source: dawn-phone-call\n        quote: \"{DAWN_CALL}\"\n")
    brief.write_text(brief.read_text(encoding="utf-8").replace("summary:\n", "summary:\n" + summary_point, 1),
                     encoding="utf-8")
    code, out, err = run_cli("build", "--format", "md", "--as-of", "2026-03-13", "-w", str(news_workspace.path),
                             "-o", str(tmp_path))
    assert code == 0, err
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert "Not current" not in text
    note = next(line for line in text.splitlines() if "PM, Tokayev review progress on agreements" in line)
    assert "n.d." not in note and "12 March 2026" in note, note
