"""Editorial views: currency, 'then' titles, the year of a figure, what the summary tells, grouping."""

from __future__ import annotations

from datetime import date


from briefgen.facts.schema import Agreement, Citation, Country, Meeting, Participant, Record, Source, Support
from briefgen.editorial.freshness import freshness
from briefgen.editorial.views import (agreements_sentence, held_then, join_list, participant, plural, support_sentence,
                                      told_in, year_of)

COUNTRIES = {"PK": Country(code="PK", iso3="PAK", name="Pakistan", adjective="Pakistani"),
             "KZ": Country(code="KZ", iso3="KAZ", name="Kazakhstan", adjective="Kazakh")}


def src(id: str, day: str = "undated", type: str | None = "news") -> Source:
    return Source(id=id, label=id, type=type, kind="report", date=day, file=f"seeds/{id}.txt")


def rec(id: str, *quotes: tuple[str, str], **fields) -> Record:
    return Record(id=id, text=f"{id}.", sources=[Citation(source=s, quote=q) for s, q in quotes], **fields)


def meeting(id: str, day: str, *people: tuple[str, str, str]) -> Meeting:
    return Meeting(id=id, date=day, text="They met.", sources=[Citation(source="s", quote="They met on the day.")],
                   participants=[Participant(name=n, title=t, country=c) for n, t, c in people])


def test_currency_of_the_shipped_sources():
    c = freshness([src("a"), src("b", "2022-07-30")], date(2026, 11, 28), 12)
    assert (c.count, c.undated, c.newest, c.stale, c.age) == (2, 1, "2022-07-30", True, "more than 4 years")
    fresh = freshness([src("b", "2026-10-01")], date(2026, 11, 28), 12)
    assert not fresh.stale and fresh.age == "1 month"
    assert freshness([src("a")], date(2026, 11, 28)).stale  # nothing dated: cannot show it is current


def test_titles_read_then_past_the_threshold_or_when_a_later_meeting_gives_the_office_to_another():
    old = meeting("m1", "2022-07-30", ("Bilawal Bhutto Zardari", "Foreign Minister", "PK"))
    assert held_then(old, [old], date(2026, 11, 28), 12)
    assert not held_then(old, [old], date(2022, 12, 1), 12)
    later = meeting("m2", "2022-10-01", ("Ishaq Dar", "Foreign Minister", "PK"))
    assert held_then(old, [old, later], date(2022, 12, 1), 12)
    assert not held_then(later, [old, later], date(2022, 12, 1), 12)
    p = old.participants[0]
    assert participant(p, COUNTRIES, then=True) == "Pakistan’s then Foreign Minister, Bilawal Bhutto Zardari"
    assert participant(p, COUNTRIES, then=False) == "Pakistan’s Foreign Minister, Bilawal Bhutto Zardari"


def test_year_of_a_figure_is_its_own_date_else_its_newest_dated_source():
    sources = {"a": src("a"), "b": src("b", "2022-07-30"), "c": src("c", "2021")}
    assert year_of(rec("d", ("b", "x"), ("c", "y")), sources) == "2022"
    assert year_of(rec("d", ("a", "x")), sources) is None
    assert year_of(rec("d", ("b", "x"), period="2018/2020"), sources) == "2020"


def test_told_in_compares_quotes_of_the_same_source_after_folding():
    summary = [rec("s", ("b", "In 1992, the two nations “formally” commenced relations, and more."))]
    assert told_in(rec("r", ("b", 'the two nations "formally" commenced relations')), summary)
    assert not told_in(rec("r", ("a", "the two nations “formally” commenced relations")), summary)  # other source
    both = rec("r", ("b", "the two nations “formally” commenced relations"), ("a", "another thing"))
    assert told_in(both, summary) and not told_in(both, summary, fully=True)


def test_grouped_sentences():
    mous = [Agreement(id=f"a{i}", kind="memorandum of understanding", area=area, status="signed", text="t.",
                      sources=[Citation(source="s", quote="q q q q")])
            for i, area in enumerate(["trade and investment", "defence and strategic studies", "training in foreign services"])]
    assert agreements_sentence(mous) == ("Three memoranda of understanding have been signed, on trade and investment, "
                                         "defence and strategic studies, and training in foreign services.")
    assert plural("treaty on friendship") == "treaties on friendship" and plural("Accord") == "Accords"
    assert join_list(["OIC", "ECO", "SCO"]) == "OIC, ECO and SCO"

    def sup(id, supporter, supported, obj, **kw):
        return Support(id=id, supporter=supporter, supported=supported, object=obj, text="t.",
                       sources=[Citation(source="s", quote="q q q q")], **kw)

    assert support_sentence([sup("s1", "PK", "KZ", "bid for EXPO-2017", outcome="successful"),
                             sup("s2", "PK", "KZ", "candidature to the Statistical Commission", term="2017/2020")],
                            COUNTRIES) == ("Pakistan supported Kazakhstan’s successful bid for EXPO-2017 and candidature "
                                           "to the Statistical Commission (2017–2020).")
    assert support_sentence([sup("s3", "both", "each other", "bid for a seat")], COUNTRIES) == \
        "Each country supported the other’s bid for a seat."
