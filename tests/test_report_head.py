"""Reading a report's own head (headline, byline, date line, dateline), one shape at a time.

Every text below is written for these tests in the style a real outlet uses (wire services,
national news agencies, newspapers, official readouts); none is a fact of the shipped brief. Each
case names what `read_head` must fill, and a value it must leave None (None) or must not take
(a weekday is never a place; a year is never guessed).
"""

from __future__ import annotations

import pytest

from briefgen.sources.reporthead import date_line, read_head, text_dates

STORY = "Pakistan and Kazakhstan signed agreements on trade and transport during the talks."

# (shape, text, expected: title, author, agency, place, date); "?" = not checked here
SHAPES = [
    ("caps place, colon (Pakistani press)",
     f"Kazakh delegation in Islamabad\n\nISLAMABAD: {STORY}",
     ("Kazakh delegation in Islamabad", None, None, "Islamabad", None)),
    ("caps place, month day, agency tag, en dash (PTI)",
     f"Pakistan, Kazakhstan sign 37 pacts\n\nWed Feb 04 2026\n\nISLAMABAD, Feb 4 (PTI) – {STORY}",
     ("Pakistan, Kazakhstan sign 37 pacts", None, "PTI", "Islamabad", "2026-02-04")),
    ("year-less wire dateline with no full date anywhere (APP)",
     f"Trade target agreed\n\nISLAMABAD, Feb 4 (APP): {STORY}",
     ("Trade target agreed", None, "APP", "Islamabad", None)),
    ("mixed-case place and agency tag (TDI)",
     f"Islamabad (TDI): {STORY}",
     (None, None, "TDI", "Islamabad", None)),
    ("caps place, en dash, no date",
     f"ALMATY – {STORY}",
     (None, None, None, "Almaty", None)),
    ("place with a full date and a colon (official readout)",
     f"Telephone conversation with the Prime Minister of Pakistan\n\nAstana, 1 March 2024: {STORY}",
     ("Telephone conversation with the Prime Minister of Pakistan", None, None, "Astana", "2024-03-01")),
    ("weekday date line, then a caps dateline: the weekday is no place",
     f"Friday, 20 February 2026\n\nISLAMABAD: {STORY}",
     (None, None, None, "Islamabad", "2026-02-20")),
    ("weekday date line alone: no place at all",
     f"Wednesday, 04 February 2026\n\n{STORY}",
     (None, None, None, None, "2026-02-04")),
    ("'Updated' date line and a byline (TRT World style)",
     f"Tokayev in Pakistan: 37 deals\n\nBy Aidana Serikova\n\nUpdated 04 February 2026\n\nISLAMABAD — {STORY}",
     ("Tokayev in Pakistan: 37 deals", "Aidana Serikova", None, "Islamabad", "2026-02-04")),
    ("Reuters: two bylines, a time stamp, a year-less dateline",
     f"Kazakhstan eyes Pakistani ports\n\nBy Olzhas Aubakirov and Asif Mehmood\n\nFebruary 5, 2026 10:14 AM GMT+5\n\n"
     f"ALMATY, Feb 5 (Reuters) - {STORY}",
     ("Kazakhstan eyes Pakistani ports", "Olzhas Aubakirov and Asif Mehmood", "Reuters", "Almaty", "2026-02-05")),
    ("Kazinform: 'PLACE. KAZINFORM –' and a date with a time",
     f"Kazakhstan and Pakistan establish strategic partnership\n\n4 February 2026, 17:40\n\nISLAMABAD. KAZINFORM – {STORY}",
     ("Kazakhstan and Pakistan establish strategic partnership", None, "KAZINFORM", "Islamabad", "2026-02-04")),
    ("TASS: 'MOSCOW, February 4. /TASS/.'",
     f"MOSCOW, February 4. /TASS/. {STORY}\nThe talks were held on 4 February 2026 in the Kremlin.",
     (None, None, "TASS", "Moscow", "2026-02-04")),
    ("Xinhua: 'BEIJING, Feb. 4 (Xinhua) --' with a date line",
     f"2026-02-04\n\nBEIJING, Feb. 4 (Xinhua) -- {STORY}",
     (None, None, "Xinhua", "Beijing", "2026-02-04")),
    ("AP: 'UNITED NATIONS (AP) —', two-word caps place",
     f"UNITED NATIONS (AP) — {STORY}",
     (None, None, "AP", "United Nations", None)),
    ("place and country: 'ALMATY, Kazakhstan (AFP) -'",
     f"ALMATY, Kazakhstan (AFP) - {STORY}",
     (None, None, "AFP", "Almaty", None)),
    ("Anadolu: 'ANKARA (AA) –' with 'Published' date line",
     f"Türkiye welcomes Pakistan-Kazakhstan accord\n\nPublished 05.02.2026\n\nANKARA (AA) – {STORY}",
     ("Türkiye welcomes Pakistan-Kazakhstan accord", None, "AA", "Ankara", "2026-02-05")),
    ("'NEW DELHI, February 4 (IANS)' with an American date line",
     f"Published: February 4, 2026\n\nNEW DELHI, February 4 (IANS) {STORY}",
     (None, None, None, None, "2026-02-04")),  # no separator after the tag: not read as a dateline
    ("'By Staff Reporter' names no person",
     f"Business council to meet in Karachi\n\nBy Staff Reporter\n\nKARACHI: {STORY}",
     ("Business council to meet in Karachi", None, None, "Karachi", None)),
    ("'By AFP' is the agency, not an author",
     f"Central Asia looks south\n\nBy AFP\n\nTASHKENT: {STORY}",
     ("Central Asia looks south", None, "AFP", "Tashkent", None)),
    ("byline with the outlet after a comma",
     f"Rail link studied\n\nBy Nadia Qureshi, Dawn\n\nPublished March 12, 2026\n\nISLAMABAD: {STORY}",
     ("Rail link studied", "Nadia Qureshi", None, "Islamabad", "2026-03-12")),
    ("three authors",
     f"Grain route to Karachi\n\nBy Aigerim Bekova, Danial Khan and Ruslan Omarov\n\n{STORY}",
     ("Grain route to Karachi", "Aigerim Bekova, Danial Khan and Ruslan Omarov", None, None, None)),
    ("'Tashkent, 30 July 2022 (TDI):' (full date and agency)",
     f"Tashkent, 30 July 2022 (TDI): {STORY}",
     (None, None, "TDI", "Tashkent", "2022-07-30")),
    ("American date in the dateline: 'New York, June 12, 2023 —'",
     f"New York, June 12, 2023 — {STORY}",
     (None, None, None, "New York", "2023-06-12")),
    ("a hyphenated caps place: 'NUR-SULTAN:'",
     f"NUR-SULTAN: {STORY}",
     (None, None, None, "Nur-Sultan", None)),
    ("a sentence starting with a name is no dateline",
     f"Prime Minister Shehbaz Sharif – who received the guest – said {STORY}",
     (None, None, None, None, None)),
    ("'Also read:' is no dateline",
     f"Also read: Pakistan and Uzbekistan sign transit trade agreement on the same day\n{STORY}",
     (None, None, None, None, None)),
    ("'BREAKING:' is no dateline",
     f"BREAKING: Pakistan and Kazakhstan agree a strategic partnership in Islamabad talks",
     (None, None, None, None, None)),
    ("a weekday opening a sentence is no place",
     f"Wednesday: {STORY}",
     (None, None, None, None, None)),
    ("a date line whose weekday does not fall on its date proves nothing",
     f"Thursday, 04 February 2026\n\nISLAMABAD: {STORY}",
     (None, None, None, "Islamabad", None)),
    ("a date line deep in the story is not the head's",
     f"{STORY}\n{STORY}\n{STORY}\n{STORY}\n{STORY}\n{STORY}\n{STORY}\n{STORY}\n4 February 2026\n",
     (None, None, None, None, None)),
    ("year-less dateline: the year from a full date of the same day in the body, said so",
     f"ISLAMABAD, Feb 4 (APP): {STORY}\nThe joint declaration was signed on 4 February 2026.",
     (None, None, "APP", "Islamabad", "2026-02-04")),
    ("year-less dateline: a full date of another day proves no year",
     f"ISLAMABAD, Feb 4 (APP): {STORY}\nThe previous agreement was signed on 5 May 2019.",
     (None, None, "APP", "Islamabad", None)),
    ("year-less dateline across the new year takes the year of the nearest date line",
     f"Thu Jan 01 2026\n\nASTANA, Dec 31 (Kazinform) – {STORY}",
     (None, None, "Kazinform", "Astana", "2025-12-31")),
    ("a day-first dateline: 'Islamabad, 4 February:' with a full date line",
     f"04 February 2026\n\nIslamabad, 4 February: {STORY}",
     (None, None, None, "Islamabad", "2026-02-04")),
    ("press release with a reference line and a closing date",
     f"Press Release No. 45/2026\n\n{STORY}\n\nIslamabad\n04 February 2026",
     ("Press Release No. 45/2026", None, None, None, None)),
    ("Reuters without a date line: no year to take",
     f"KARACHI, March 3 (Reuters) - {STORY}", (None, None, "Reuters", "Karachi", None)),
    ("Reuters with a date line of the same day",
     f"Tue 03 Mar 2026\nKARACHI, March 3 (Reuters) - {STORY}", (None, None, "Reuters", "Karachi", "2026-03-03")),
    ("AP: 'ASTANA (AP) —'", f"ASTANA (AP) — {STORY}", (None, None, "AP", "Astana", None)),
    ("a mixed-case place with its country and a dash is left for a person (it could be a name and a title)",
     f"Islamabad, Pakistan — {STORY}", (None, None, None, None, None)),
    ("Xinhua with the country and 'Feb.', the year from a 'Posted on' line below",
     f"DUSHANBE, Tajikistan, Feb. 10 (Xinhua) -- {STORY}\nPosted on 10 February 2026",
     (None, None, "Xinhua", "Dushanbe", "2026-02-10")),
    ("a time before the date", f"Published: 12:05 PM, 4 Feb 2026\nISLAMABAD: {STORY}",
     (None, None, None, "Islamabad", "2026-02-04")),
    ("an American weekday date line", f"Monday, March 2, 2026\nLAHORE: {STORY}",
     (None, None, None, "Lahore", "2026-03-02")),
    ("APP with a full date in the dateline", f"Islamabad, 03 February 2026 (APP): {STORY}",
     (None, None, "APP", "Islamabad", "2026-02-03")),
    ("'/Kazinform/' after place, country and date", f"ALMATY, Kazakhstan, Feb 5 /Kazinform/ - {STORY}\n5 February 2026",
     (None, None, "Kazinform", "Almaty", "2026-02-05")),
    ("a mixed-case place and a colon", f"Peshawar: {STORY}", (None, None, None, "Peshawar", None)),
    ("a date line with a time zone", f"Thursday 5 February 2026 15:40 GMT\nTASHKENT (AFP) - {STORY}",
     (None, None, "AFP", "Tashkent", "2026-02-05")),
    ("'By Web Desk' names no person", f"By Web Desk\nIslamabad: {STORY}", (None, None, None, "Islamabad", None)),
    ("an American date with a time", f"Feb 4, 2026, 7:12 PM\nAstana: {STORY}",
     (None, None, None, "Astana", "2026-02-04")),
    ("a speaker's line is no dateline", f"President Tokayev: {STORY}", (None, None, None, None, None)),
    ("a sentence as the first line is no headline",
     f"{STORY}\nMore on the agreements later.",
     (None, None, None, None, None)),
]


@pytest.mark.parametrize("shape,text,expected", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape(shape, text, expected):
    head = read_head(text)
    got = tuple(None if f is None else f.value for f in (head.title, head.author, head.agency, head.place, head.date))
    assert got == expected, shape


def test_there_are_at_least_25_shapes():
    assert len(SHAPES) >= 25


def test_each_value_says_where_it_came_from():
    head = read_head("Pakistan, Kazakhstan sign 37 pacts\n\nWed Feb 04 2026\n\nISLAMABAD, Feb 4 (PTI) – " + STORY)
    assert head.title.how == "line 1, read as the headline"
    assert head.place.how == "the dateline on line 5 ('ISLAMABAD, Feb 4 (PTI) –')"
    assert head.date.how == "the dateline on line 5 ('ISLAMABAD, Feb 4 (PTI) –'), the year from line 3 ('Wed Feb 04 2026')"


def test_year_from_the_body_is_said():
    head = read_head(f"ISLAMABAD, Feb 4 (APP): {STORY}\nThe joint declaration was signed on 4 February 2026.")
    assert head.date.how.endswith("the year from line 2 ('4 February 2026')")


def test_unproved_values_show_their_candidates():
    head = read_head(f"ISLAMABAD, Feb 4 (APP): {STORY}\nThe previous agreement was signed on 5 May 2019.")
    assert head.candidates["date"] == [
        "the dateline on line 1 ('ISLAMABAD, Feb 4 (APP):') gives February 4 without a year, and the text states "
        "no full date of that day to take the year from (it has line 2: 5 May 2019)"]
    head = read_head(f"Thursday, 04 February 2026\n\nISLAMABAD: {STORY}")
    assert head.candidates["date"] == ["line 1: 'Thursday, 04 February 2026' (4 February 2026 is a Wednesday, not a "
                                       "Thursday)"]
    head = read_head(f"Business council to meet\n\nBy Staff Reporter\n\nKARACHI: {STORY}")
    assert head.candidates["author"] == ["line 3: 'By Staff Reporter' names no person"]


def test_an_official_text_dated_only_at_its_end_offers_that_date():
    text = ("Joint Declaration on Strategic Partnership\n\n1. The Sides decided to elevate their relations.\n\n"
            "Done in Islamabad on 4 February 2026, in two original copies.\n")
    head = read_head(text)
    assert head.date is None
    assert head.candidates["date"] == ["line 5: '4 February 2026' (where the text says it was done or signed)"]
    release = read_head(f"Press Release No. 45/2026\n\n{STORY}\n\nIslamabad\n04 February 2026")
    assert release.candidates["date"] == ["line 6: '04 February 2026' (a date the text closes with)"]


@pytest.mark.parametrize("line,iso", [
    ("Wednesday, 04 February 2026", "2026-02-04"), ("Wed Feb 04 2026", "2026-02-04"),
    ("Updated 04 February 2026", "2026-02-04"), ("February 5, 2026 10:14 AM GMT+5", "2026-02-05"),
    ("4 February 2026, 17:40", "2026-02-04"), ("Published: 04 Feb 2026 | 10:14 PM PKT", "2026-02-04"),
    ("Last updated: Feb 4, 2026 at 5:40 pm", "2026-02-04"), ("04.02.2026", "2026-02-04"),
    ("Published 4 February 2026 | Updated 5 February 2026", "2026-02-04"),
])
def test_date_lines(line, iso):
    assert date_line(line)[1].isoformat() == iso


@pytest.mark.parametrize("line", ["The talks were held on 4 February 2026.", "Done in Islamabad on 4 February 2026",
                                  "Islamabad, 4 February 2026: the talks"])
def test_sentences_with_dates_are_not_date_lines(line):
    assert date_line(line) is None


def test_text_dates():
    found = text_dates("Islamabad, 12 June 2023\nOn March 3rd, 2024 and 2024-05-06.\n31 February 2024 is no date.")
    assert [(d.line, d.written, d.iso) for d in found] == [
        (1, "12 June 2023", "2023-06-12"), (2, "March 3rd, 2024", "2024-03-03"), (2, "2024-05-06", "2024-05-06")]


def test_datelines_kept_from_before():
    assert read_head("Joint statement\n\n12 June 2023\nText.").date.value == "2023-06-12"
    assert read_head("The ministers met on 12 June 2023 in Islamabad.").date is None  # an event, not a dateline
    far = "\n".join(f"Line {i} of a story that goes on." for i in range(9)) + f"\nIslamabad, 12 June 2023: {STORY}"
    assert read_head(far).place is None  # too far down to be one
