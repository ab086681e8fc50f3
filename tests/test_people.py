"""Who is who: the people registry (data/people.yaml), participants and the names a brief prints,
checked against realistic news texts (tests/news/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.facts.factbase import load_factbase

NEWS = Path(__file__).parent / "news"
CASES = Path(__file__).parent / "cases"

SOURCES = {  # id -> (file, type, date)
    "pti": ("pti-tokayev-talks.txt", "news", "2026-02-04"),
    "wenews": ("wenews-36-accords.txt", "news", "2026-02-04"),
    "mofa": ("mofa-joint-declaration.txt", "official", "2026-02-04"),
    "akorda": ("akorda-phone-call.txt", "official", "2026-03-10"),
    "brecorder": ("brecorder-followup.txt", "news", "2026-02-20"),
}

HEADER = "id: pk-kz\ntitle: Test\nsubject: Test\ncountries: [PK, KZ]\n"

PTI_TALKS = ("Pakistan and Kazakhstan on Wednesday signed 37 agreements and memoranda of understanding covering trade, "
             "transport, mining, agriculture and education, as visiting Kazakh President Kassym-Jomart Tokayev held "
             "talks with Prime Minister Shehbaz Sharif.")
PTI_ZARDARI = "Tokayev is scheduled to call on President Asif Ali Zardari at the Aiwan-e-Sadr later in the day."
MOFA_VISIT = ("At the invitation of the President of the Islamic Republic of Pakistan, Asif Ali Zardari, the President of "
              "the Republic of Kazakhstan, Kassym-Jomart Tokayev, paid a state visit to the Islamic Republic of Pakistan "
              "on 3-4 February 2026.")
WENEWS = ("Prime Minister Shahbaz Sharif described the visit as historic and said the two countries would work together "
          "to increase bilateral trade to one billion dollars.")


@pytest.fixture
def ws(tmp_path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "valid-minimal", ws)
    lines = ["sources:"]
    for sid, (name, kind, day) in SOURCES.items():
        shutil.copy(NEWS / name, ws / "seeds" / name)
        lines += [f"  - id: {sid}", f"    label: \"Report {sid}\"", f"    type: {kind}", "    kind: news report",
                  f"    date: \"{day}\"", f"    file: seeds/{name}"]
    (ws / "data" / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ws


def meeting(participants: str, text: str, *quotes: tuple[str, str], date: str = "2026-02-03/2026-02-04") -> str:
    if date == "2026-02-03/2026-02-04":
        quotes += (("mofa", MOFA_VISIT),)  # states the days
    cites = "".join(f"        - source: {s}\n          quote: \"{q}\"\n" for s, q in quotes)
    return (HEADER + "diplomacy:\n  meetings:\n    - id: visit\n"
            f"      date: \"{date}\"\n      participants:\n{participants}"
            f"      text: \"{text}\"\n      sources:\n{cites}")


def person(name: str, title: str, country: str) -> str:
    return f"        - name: {name}\n          title: {title}\n          country: {country}\n"


def write(ws: Path, brief: str, people: str | None = None) -> None:
    (ws / "data" / "briefs" / "pk-kz.yaml").write_text(brief, encoding="utf-8")
    if people is not None:
        (ws / "data" / "people.yaml").write_text(people, encoding="utf-8")


def errors(run_cli, ws) -> list[str]:
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1 and "Traceback" not in err, (code, out, err)
    return [line for line in err.splitlines() if line.startswith("error: ")]


def passes(run_cli, ws) -> None:
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 0 and out.startswith("ok: "), err


TEXT = "Kazakh President Kassym-Jomart Tokayev held talks in Islamabad."


def test_a_title_said_of_someone_else_is_refused(ws, run_cli):
    # Seen: "Pakistan's Prime Minister, Asif Ali Zardari" passed because the quotes say "Prime Minister" of Sharif
    write(ws, meeting(person("Asif Ali Zardari", "Prime Minister", "PK"), TEXT, ("pti", PTI_TALKS), ("pti", PTI_ZARDARI)))
    assert errors(run_cli, ws) == [
        'error: data/briefs/pk-kz.yaml:11: title: "Prime Minister" is not what the record\'s quotes call Asif Ali '
        'Zardari (next to the name they say "President", "the President of the Islamic Republic of Pakistan"); quote a sentence that gives the title and country next to '
        'the name, or register the person\'s office in data/people.yaml']
    write(ws, meeting(person("Asif Ali Zardari", "President", "PK"), TEXT))
    passes(run_cli, ws)


def test_a_country_said_of_someone_else_is_refused(ws, run_cli):
    # Seen: "Pakistan's President, Kassym-Jomart Tokayev" passed because the quotes name Pakistan
    write(ws, meeting(person("Kassym-Jomart Tokayev", "President", "PK"), TEXT, ("pti", PTI_TALKS)))
    assert errors(run_cli, ws) == [
        "error: data/briefs/pk-kz.yaml:12: country: PK (Pakistan) is not said of Kassym-Jomart Tokayev in the "
        "record's quotes (next to the name they say \"Kazakh President\", \"the President of the Republic of "
        "Kazakhstan\"); quote a sentence that gives the title and "
        "country next to the name, or register the person's office in data/people.yaml"]
    write(ws, meeting(person("Kassym-Jomart Tokayev", "President", "KZ"), TEXT, ("pti", PTI_TALKS)))
    passes(run_cli, ws)


def test_a_name_in_text_that_no_quote_gives_is_refused(ws, run_cli):
    # Seen: "Nawaz Sharif" for Shehbaz Sharif passed in `text`
    write(ws, meeting("", "Prime Minister Nawaz Sharif held talks with Kazakh President Kassym-Jomart Tokayev.",
                      ("pti", PTI_TALKS)).replace("      participants:\n", ""))
    assert errors(run_cli, ws) == [
        'error: data/briefs/pk-kz.yaml:9: text: the name "Nawaz Sharif" is not in the record\'s quotes (nor is it a '
        'spelling data/people.yaml registers for someone they name)']
    write(ws, meeting("", "Prime Minister Shehbaz Sharif held talks with Kazakh President Kassym-Jomart Tokayev.",
                      ("pti", PTI_TALKS)).replace("      participants:\n", ""))
    passes(run_cli, ws)


AKORDA = ("Astana, 10 March 2026: Today, President Kassym-Jomart Tokayev held a telephone conversation with Prime "
          "Minister of the Islamic Republic of Pakistan Shehbaz Sharif.")
MOFA_INVITE = ("The President of the Republic of Kazakhstan invited the Prime Minister of the Islamic Republic of Pakistan, "
               "Muhammad Shehbaz Sharif, to pay an official visit to Kazakhstan.")
SPELLINGS = f"""people:
  - id: shehbaz-sharif
    name: Shehbaz Sharif
    spellings:
      - spelling: Shahbaz Sharif
        sources:
          - source: wenews
            quote: "{WENEWS}"
      - spelling: Muhammad Shehbaz Sharif
        sources:
          - source: mofa
            quote: "{MOFA_INVITE}"
    offices:
      - title: Prime Minister
        country: PK
        sources:
          - source: mofa
            quote: "{MOFA_INVITE}"
          - source: akorda
            quote: "{AKORDA}"
"""


def test_a_registered_spelling_lets_the_brief_print_the_usual_one(ws, run_cli):
    # Seen: one outlet spells the Prime Minister "Shahbaz"; the only way to pass was to print that spelling
    brief = meeting(person("Shehbaz Sharif", "Prime Minister", "PK"),
                    "Prime Minister Shehbaz Sharif described the visit as historic.", ("wenews", WENEWS))
    write(ws, brief)
    found = errors(run_cli, ws)
    assert found[0] == ('error: data/briefs/pk-kz.yaml:10: name: "Shehbaz Sharif" is not in the record\'s quotes (nor a '
                        'spelling data/people.yaml registers for someone they name); the nearest name they have is '
                        '"Shahbaz Sharif"')
    assert 'text: the name "Shehbaz Sharif" is not in the record\'s quotes' in found[-1]
    write(ws, brief, SPELLINGS)
    passes(run_cli, ws)


def test_a_participant_named_by_id_takes_the_office_held_on_the_meeting_date(ws, run_cli):
    brief = meeting("        - person: shehbaz-sharif\n        - person: shehbaz-sharifff\n",
                    "President Tokayev and Prime Minister Shehbaz Sharif spoke by telephone.",
                    ("akorda", AKORDA), date="2026-03-10")
    write(ws, brief, SPELLINGS)
    assert errors(run_cli, ws) == [
        "error: data/briefs/pk-kz.yaml:11: person: 'shehbaz-sharifff' is not in data/people.yaml; did you mean "
        "'shehbaz-sharif'?"]
    brief = brief.replace("        - person: shehbaz-sharifff\n", "")
    write(ws, brief, SPELLINGS)
    passes(run_cli, ws)
    fb = load_factbase(ws)
    (p,) = fb.briefs["pk-kz"].diplomacy.meetings[0].participants
    assert (p.person, p.name, p.title, p.country) == ("shehbaz-sharif", "Shehbaz Sharif", "Prime Minister", "PK")
    # the office is known from its earliest dated quote (4 February 2026) on: a January meeting gets no title
    early = ("Islamabad, 10 January 2026: Kazakh President Kassym-Jomart Tokayev held a telephone conversation with "
             "Shehbaz Sharif.")
    (ws / "seeds" / "early.txt").write_text(early, encoding="utf-8")
    with (ws / "data" / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write("  - id: early\n    label: Early\n    type: news\n    kind: news report\n    date: \"2026-01-10\"\n"
                 "    file: seeds/early.txt\n")
    write(ws, meeting("        - person: shehbaz-sharif\n", "Tokayev and Shehbaz Sharif spoke by telephone.",
                      ("early", early), date="2026-01-10"), SPELLINGS)
    assert errors(run_cli, ws) == [
        "error: data/briefs/pk-kz.yaml:10: person: data/people.yaml has no office of 'shehbaz-sharif' that covers the "
        "meeting's date (2026-01-10): add the office (with `from`/`to` or a dated quote), or write title: and country: "
        "here"]


def test_registry_api(ws):
    people = SPELLINGS.replace("""        country: PK
        sources:""", """        country: PK
        from: "2024-03"
        sources:""", 1).replace(
        "Prime Minister Shehbaz Sharif.", "Prime Minister Shehbaz Sharif.") + """      - title: Chief Minister of Punjab
        country: PK
        to: "2022"
        sources:
          - source: pti
            quote: "{q}"
""".format(q=PTI_TALKS)
    (ws / "data" / "people.yaml").write_text(people, encoding="utf-8")
    write(ws, HEADER)
    with pytest.raises(Exception) as exc:
        load_factbase(ws)
    found = str(exc.value)
    # the quotes state neither the start of his term nor his earlier office
    assert "from: 2024-03 (March 2024) is not in the record's quotes" in found
    assert "title: \"Chief Minister of Punjab\" is not what its quotes call Shehbaz Sharif" in found


def test_registry_queries():
    from briefgen.facts.people import Office, People, Person
    from briefgen.facts.schema import Citation, Source

    cite = [Citation(source="s", quote="Deputy Prime Minister Ishaq Dar said so today.")]
    src = {"s": Source(id="s", label="L", kind="k", date="2026-02-20", file="f")}
    dar = Person(id="dar", name="Ishaq Dar", offices=[
        Office(title="Finance Minister", country="PK", **{"from": "2022-09"}, to="2024-03", sources=cite),
        Office(title="Foreign Minister", country="PK", **{"from": "2024-03"}, sources=cite),
        Office(title="Deputy Prime Minister", country="PK", sources=cite)])
    reg = People({"dar": dar}, src)
    assert reg.office_on("dar", "2023-05").title == "Finance Minister"
    assert reg.office_on("dar", "2025").title == "Foreign Minister"
    assert reg.office_on("dar", "2026-03-01").title == "Deputy Prime Minister"  # known from its quote's date
    assert reg.office_on("dar", "2021") is None
    assert reg.current_office(dar).title == "Deputy Prime Minister"
    assert [o.title for o in reg.previous_offices(dar)] == ["Finance Minister"]
    assert reg.confirmed(dar.offices[1]) == "2026-02-20"
    assert reg.find("ishaq  DAR").id == "dar" and reg.find("Nawaz Sharif") is None


def test_the_shipped_brief_still_passes(run_cli):
    code, out, _ = run_cli("check")
    assert code == 0 and out.startswith("ok: ")


def test_then_titles_come_from_office_periods():
    from datetime import date

    from briefgen.editorial.views import held_then
    from briefgen.facts.people import Office, People, Person
    from briefgen.facts.schema import Citation, Meeting, Participant, Source

    cite = [Citation(source="s", quote="Foreign Minister Ishaq Dar said so on 1 March 2024.")]
    src = {"s": Source(id="s", label="L", kind="k", date="2024-03-01", file="f")}
    dar = Person(id="dar", name="Ishaq Dar", offices=[
        Office(title="Foreign Minister", country="PK", **{"from": "2024-03"}, to="2026-06", sources=cite)])
    mt = Meeting(id="m", date="2026-02-04", text="Talks.", sources=cite,
                 participants=[Participant(person="dar", name="Ishaq Dar", title="Foreign Minister", country="PK")])
    reg = People({"dar": dar}, src)
    # recent (within the staleness threshold), but the office has ended by the as-of date
    assert held_then(mt, [mt], date(2026, 9, 1), 12, reg) is True
    assert held_then(mt, [mt], date(2026, 5, 1), 12, reg) is False
    assert held_then(mt, [mt], date(2026, 9, 1), 12) is False  # without the registry nothing says so


def test_a_number_in_an_office_title_must_be_quoted_too(ws, run_cli):
    """An office "23rd Prime Minister" passed on a quote that says "Prime Minister" only."""
    brief = meeting("        - person: shehbaz-sharif\n",
                    "President Tokayev and Prime Minister Shehbaz Sharif spoke by telephone.",
                    ("akorda", AKORDA), date="2026-03-10")
    write(ws, brief, SPELLINGS.replace("      - title: Prime Minister", "      - title: 23rd Prime Minister"))
    found = errors(run_cli, ws)
    assert found and "23rd Prime Minister" in found[0], found


def test_names_on_every_sentence_of_the_news_corpus():
    """Each sentence of the news texts, checked as a record's text against itself as its quote, passes;
    with a registered person's first name changed ("Nawaz" for Shehbaz) it is refused."""
    from briefgen.facts import who
    from briefgen.facts.people import People, Person
    from briefgen.facts.people_check import PeopleCheck
    from briefgen.facts.schema import Country
    from briefgen.facts.statements import plain_words

    names = {"sharif": ("Shehbaz Sharif", "Shahbaz Sharif", "Muhammad Shehbaz Sharif"),
             "tokayev": ("Kassym-Jomart Tokayev",), "zardari": ("Asif Ali Zardari",), "dar": ("Ishaq Dar",)}
    cite = [{"source": "s", "quote": "a quote of four words"}]
    registry = People({k: Person(id=k, name=v[0], spellings=[{"spelling": s, "sources": cite} for s in v[1:]])
                       for k, v in names.items()})
    check = PeopleCheck(registry, {"PK": Country(code="PK", iso3="PAK", name="Pakistan", adjective="Pakistani"),
                                   "KZ": Country(code="KZ", iso3="KAZ", name="Kazakhstan", adjective="Kazakh")})
    swaps = {"Shehbaz": "Nawaz", "Shahbaz": "Nawaz", "Asif Ali": "Bilawal Bhutto", "Kassym-Jomart": "Nursultan",
             "Ishaq": "Muhammad"}
    sentences = [s for path in sorted(NEWS.glob("*.txt")) for s in who.sentences(path.read_text(encoding="utf-8"))]
    refused = [s for s in sentences if check.names(s, f" {plain_words(s)} ")]
    mutated = [(s.replace(a, b), s) for s in sentences for a, b in swaps.items() if a in s]
    passed = [m for m, s in mutated if not check.names(m, f" {plain_words(s)} ")]
    assert len(sentences) > 70 and len(mutated) > 25
    assert refused == [] and passed == []
