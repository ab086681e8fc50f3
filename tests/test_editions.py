"""Editions of the shipped brief: recorded by `build --edition` and `email`, listed by `editions`, compared
by `diff` after a realistic update (tests/updates/state-visit-2026: news texts of an invented 2026 state
visit and the records a desk adds, changes and removes), and the changes box on page 1 of every format.

The oracle for the update reads update.yaml (what was edited), never the templates."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from briefgen.editions.store import list_editions, write_edition

UPDATE = Path(__file__).parent / "updates" / "state-visit-2026"
BEFORE, AFTER = "2026-01-15", "2026-03-15"
EPOCH = {"2026-01-15": "1768435200", "2026-03-15": "1773532800"}  # the day each edition is made


def apply_update(ws: Path) -> dict[str, str]:
    """Lay the update over a copy of the shipped workspace; returns what the diff must say of each record id."""
    update = yaml.safe_load((UPDATE / "update.yaml").read_text(encoding="utf-8"))
    for seed in (UPDATE / "seeds").iterdir():
        shutil.copy(seed, ws / "seeds" / seed.name)
    sources = ws / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").rstrip("\n") + "\n"
                       + (UPDATE / "sources.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    path = ws / "data/briefs/pakistan-kazakhstan.yaml"
    brief = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = {}
    for where, records in update["append"].items():
        node = brief
        *parents, last = where.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node.setdefault(last, []).extend(records)
        expected.update((r["id"], "added") for r in records)
    for rid, change in update["change"].items():
        record = next(r for r in _records(brief) if r["id"] == rid)
        record["text"] = change["text"]
        record["sources"] += change.get("add_sources", [])
        expected[rid] = "changed"
    for rid in update["remove"]:
        for node in _lists(brief):
            node[:] = [r for r in node if not (isinstance(r, dict) and r.get("id") == rid)]
        expected[rid] = "removed"
    path.write_text(yaml.safe_dump(brief, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return expected


def _records(node):
    if isinstance(node, dict):
        if "id" in node and "text" in node:
            yield node
        for v in node.values():
            yield from _records(v)
    elif isinstance(node, list):
        for v in node:
            yield from _records(v)


def _lists(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _lists(v)
    elif isinstance(node, list):
        yield node
        for v in node:
            yield from _lists(v)


@pytest.fixture
def updated(run_cli, repo_workspace, monkeypatch):
    """The shipped workspace with an edition recorded on 15 January 2026, then the update laid over it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH[BEFORE])
    code, out, err = run_cli("build", "--edition", "--as-of", BEFORE, "-w", str(repo_workspace))
    assert code == 0, err
    assert f"edition recorded: editions/pakistan-kazakhstan/{BEFORE}.json" in err
    expected = apply_update(repo_workspace)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH[AFTER])
    return repo_workspace, expected


def test_the_diff_names_what_the_update_changed_and_nothing_else(run_cli, updated):
    ws, expected = updated
    code, out, err = run_cli("diff", "pakistan-kazakhstan", "--format", "json", "-w", str(ws))
    assert code == 0, err
    changes = json.loads(out)
    found = {r["id"]: r["change"] for s in changes["sections"] for r in s["records"]}
    assert found == expected
    sections = [s["name"] for s in changes["sections"]]
    assert sections == ["summary", "diplomacy", "economy"]  # the order the brief reads
    assert {"what": "Trade volume", "old": "not given in the sources", "new": "US$250 million (2025)"} in changes["key_figures"]
    assert changes["not_current"] == {"what": "not current", "old": "shown", "new": "not shown"}
    assert changes["newest"]["new"] == "12 March 2026"
    assert [s["id"] for s in changes["sources_added"]] == [
        "pti-2026-02-04", "mofa-joint-declaration-2026", "akorda-2026-03-10", "dawn-2026-03-12", "kazinform-2026-02-04"]
    assert changes["latest_contact"]["new"] == "10 March 2026: Kassym-Jomart Tokayev and Shehbaz Sharif"
    assert changes["pages"]["old"] != changes["pages"]["new"]
    assert changes["since"] == BEFORE and not changes["wording_only"] and not changes["empty"]


def test_text_markdown_and_html_say_it_word_by_word(run_cli, updated):
    ws, _ = updated
    code, text, _ = run_cli("diff", "-w", str(ws))
    assert code == 0
    assert text.startswith(f"pakistan-kazakhstan: changes since the edition of 15 January 2026 "
                           f"(editions/pakistan-kazakhstan/{BEFORE}.json)\n")
    assert "diplomatic relations in [-1992 and-] {+1992,+} have friendly [-ties.-] {+ties and in February 2026 " \
           "raised them to a strategic partnership.+}" in text
    assert "  + added contact [mtg-islamabad-2026-02]: Kazakhstan's President" in text
    assert "  - removed point [sum-tashkent-2022]:" in text
    assert "  Trade volume: not given in the sources → US$250 million (2025)" in text
    code, md, _ = run_cli("diff", "--since", "2026-02-01", "--format", "md", "-w", str(ws))
    assert md.startswith("## Changes since the edition of 15 January 2026\n")
    assert "in ~~1992 and~~ **1992,** have" in md and "[" not in md.split("**Source notes**")[0].replace("\\[", "")
    code, page, _ = run_cli("diff", "--format", "html", "-w", str(ws))
    assert "<del>1992 and</del> <ins>1992,</ins>" in page and page.count("<h3>") == 5


def test_the_changes_box_is_on_page_one_of_every_format(run_cli, updated, tmp_path):
    ws, _ = updated
    code, out, err = run_cli("build", "--format", "all", "--changes-since", "last", "-o", str(tmp_path), "-w", str(ws))
    assert code == 0, err
    html = (tmp_path / f"pakistan-kazakhstan-brief-{AFTER}.html").read_text(encoding="utf-8")
    box = re.search(r'<aside class="callout changes".*?</aside>', html, re.S).group(0)
    assert "Changes since the edition of 15 January 2026" in box and html.index(box) < html.index(">Summary<")
    items = [re.sub(r"<[^>]+>", "", i).replace("&#x27;", "'").replace("&quot;", '"')
             for i in re.findall(r"<li>(.*?)</li>", box, re.S)]
    assert items[:3] == ["The “Not current” warning no longer applies",
                         "Sources now current to 12 March 2026 (previously 30 July 2022)",
                         "Trade volume: US$250 million (2025) (previously not given in the sources)"]
    assert "Diplomatic relations: 2 contacts added; 1 agreement added" in items
    assert "Summary: 1 point changed, 1 added, 1 removed" in items
    md = (tmp_path / f"pakistan-kazakhstan-brief-{AFTER}.md").read_text(encoding="utf-8")
    assert md.index("Changes since the edition of 15 January 2026") < md.index("Summary\n")
    assert "The “Not current” warning no longer applies" in md
    from docx import Document

    paragraphs = [p.text for p in Document(tmp_path / f"pakistan-kazakhstan-brief-{AFTER}.docx").paragraphs]
    start = paragraphs.index("Changes since the edition of 15 January 2026")
    assert paragraphs[start + 1].endswith("The “Not current” warning no longer applies")
    assert paragraphs.index("Summary") > start

    from pdf_structure import TaggedPdf

    tagged = TaggedPdf((tmp_path / f"pakistan-kazakhstan-brief-{AFTER}.pdf").read_bytes())
    aside = next(a for a in tagged.elements("Aside") if "Changes since" in a.text(tagged.pages))
    title, *rest = aside.kids
    assert re.fullmatch(r"H\d|P", title.role)  # tagged as the title block's other box is (test_pdf_tags)
    assert title.text(tagged.pages).strip() == "Changes since the edition of 15 January 2026"
    assert [k.role for k in rest] == ["L"] and len(rest[0].kids) == len(items)
    first_page = re.sub(r"\s+", " ", tagged.pages[0].text_by_mcid and " ".join(tagged.pages[0].text_by_mcid.values()))
    assert "Changes since the edition" in first_page and "Sources: 5 added" in first_page


def test_email_puts_the_list_in_the_cover_note_and_records_what_went_out(run_cli, updated, tmp_path):
    ws, _ = updated
    code, out, err = run_cli("email", "--to", "desk@example.org", "--outbox", str(tmp_path), "--changes-since", "last",
                             "-w", str(ws))
    assert code == 0, err
    message = email.message_from_bytes(Path(out.strip()).read_bytes(), policy=email.policy.default)
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content().replace("\r\n", "\n")
    assert "Changes since the edition of 15 January 2026:\n\n- The “Not current” warning no longer applies\n" in text
    assert "- Trade and economy: 1 trade figure added; 1 trade goal added\n" in text
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    assert "<li>Sources: 5 added</li>" in html
    editions = list_editions(ws, "pakistan-kazakhstan")
    assert [e.date for e in editions] == [BEFORE, AFTER] and editions[-1].manifest["recorded_by"] == "email"
    code, out, _ = run_cli("diff", "-w", str(ws))  # compared with what went out: nothing new
    assert out.endswith("No changes.\n")
    code, out, err = run_cli("email", "--to", "desk@example.org", "--outbox", str(tmp_path), "--no-edition", "-w", str(ws))
    assert code == 0 and "edition recorded" not in err and len(list_editions(ws, "pakistan-kazakhstan")) == 2


def test_editions_lists_every_edition(run_cli, updated):
    ws, _ = updated
    run_cli("build", "--edition", "-w", str(ws))
    code, out, _ = run_cli("editions", "-w", str(ws))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "pakistan-kazakhstan"
    assert lines[1].startswith(f"  editions/pakistan-kazakhstan/{BEFORE}.json: as of 15 January 2026; OFFICIAL; pdf; ")
    assert lines[1].endswith("records; recorded by build") and len(lines) == 3
    code, out, _ = run_cli("editions", "--help")
    assert "record" in out


def test_a_rebuild_with_nothing_changed_says_so_and_a_new_template_says_wording_only(run_cli, repo_workspace, tmp_path):
    ws = repo_workspace
    assert run_cli("build", "--edition", "-w", str(ws))[0] == 0
    code, out, _ = run_cli("diff", "-w", str(ws))
    assert code == 0 and out.endswith("No changes.\n")
    templates = tmp_path / "my"
    (templates / "sections").mkdir(parents=True)
    (templates / "sections" / "outlook.md.j2").write_text(
        '{% extends "builtin/sections/outlook.md.j2" %}{% block heading %}# Prospects{% endblock %}\n', encoding="utf-8")
    code, out, _ = run_cli("diff", "--template", str(templates), "-w", str(ws))
    assert out.endswith("Wording only: the templates changed; no record, source or figure did\n")
    code, out, _ = run_cli("build", "--changes-since", "last", "--format", "md", "-o", str(tmp_path), "-w", str(ws))
    md = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "Changes since the edition of" in md and "No changes." in md


def test_editions_are_never_overwritten_even_when_written_at_once(repo_workspace):
    manifest = {"briefgen_edition": 1, "brief": "pakistan-kazakhstan", "date": "2026-01-15", "records": []}
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(write_edition(repo_workspace, manifest))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(p.name for p in paths) == sorted(["2026-01-15.json"] + [f"2026-01-15-{n}.json" for n in range(2, 9)])
    assert [e.number for e in list_editions(repo_workspace, "pakistan-kazakhstan")] == list(range(1, 9))
    assert not [p for p in (repo_workspace / "editions/pakistan-kazakhstan").iterdir() if p.name.startswith(".")]


def test_a_broken_edition_or_none_is_a_clear_error(run_cli, repo_workspace):
    code, _, err = run_cli("diff", "-w", str(repo_workspace))
    assert code == 1 and "no edition of 'pakistan-kazakhstan' is recorded yet" in err and "Traceback" not in err
    folder = repo_workspace / "editions/pakistan-kazakhstan"
    folder.mkdir(parents=True)
    (folder / "2026-01-15.json").write_text('{"briefgen_edition": 1,\n "brief": "pakistan-kazakhstan",\n "date": }\n')
    code, _, err = run_cli("diff", "-w", str(repo_workspace))
    assert code == 1 and "error: editions/pakistan-kazakhstan/2026-01-15.json:3: not a readable edition" in err
    (folder / "2026-01-15.json").write_text('{"records": []}')
    code, _, err = run_cli("diff", "--since", "2020-01-01", "-w", str(repo_workspace))
    assert code == 1 and "not an edition briefgen 1 reads" in err
    (folder / "2026-01-15.json").unlink()
    run_cli("build", "--edition", "-w", str(repo_workspace))
    code, _, err = run_cli("diff", "--since", "2020-01-01", "-w", str(repo_workspace))
    assert code == 1 and "no edition of 'pakistan-kazakhstan' on or before 2020-01-01" in err
    code, _, err = run_cli("diff", "--since", "yesterday", "-w", str(repo_workspace))
    assert code == 2 and "'yesterday' is neither 'last' nor a date YYYY-MM-DD" in err


def test_manifest_is_readable_and_holds_what_the_brief_printed(repo_workspace, run_cli):
    run_cli("build", "--edition", "--as-of", BEFORE, "-w", str(repo_workspace))
    (edition,) = list_editions(repo_workspace, "pakistan-kazakhstan")
    raw = (repo_workspace / edition.path).read_text(encoding="utf-8")
    assert raw.startswith('{\n "briefgen_edition": 1,\n "brief": "pakistan-kazakhstan",')  # one key a line
    m = edition.manifest
    assert m["pages"] >= 3 and m["formats"] == ["pdf"] and m["marking"] == "OFFICIAL"
    ids = [r["id"] for r in m["records"]]
    assert len(ids) == len(set(ids))
    assert [s["name"] for s in m["sections"]][:3] == ["summary", "keyfacts", "diplomacy"]
    assert {s["heading"] for s in m["sections"]} >= {"Summary", "Key facts", "Trade and economy", "Source notes"}
    meeting = next(r for r in m["records"] if r["id"] == "mtg-tashkent-2022-07-30")
    assert meeting["section"] == "diplomacy" and meeting["values"]["date"] == "2022-07-30"
    assert meeting["values"]["participants"][0] == {"name": "Bilawal Bhutto Zardari", "title": "Foreign Minister",
                                                    "country": "PK"}
    assert m["then"] == {"mtg-tashkent-2022-07-30": True}  # more than 12 months before the as-of date
    assert m["currency"] == {"line": "Sources current to 30 July 2022 (1 undated source)", "newest": "2022-07-30",
                             "not_current": True}


def test_time_alone_turns_titles_to_then_and_the_brief_not_current(run_cli, repo_workspace, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1673740800")  # 15 January 2023: the Tashkent meeting was recent
    assert run_cli("build", "--edition", "--format", "md", "--as-of", "2023-01-15", "-w", str(repo_workspace))[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH[AFTER])
    code, out, _ = run_cli("diff", "--format", "json", "-w", str(repo_workspace))
    changes = json.loads(out)
    assert changes["then"] == ["30 July 2022, Tashkent"] and changes["sections"] == []
    assert changes["not_current"] == {"what": "not current", "old": "not shown", "new": "shown"}
    code, out, _ = run_cli("diff", "-w", str(repo_workspace))
    assert "Titles now read “then”: the contact of 30 July 2022, Tashkent" in out
    assert "“Not current” warning: not shown → shown" in out


def test_an_edition_that_went_out_before_can_be_recorded_from_the_data(run_cli, repo_workspace):
    code, out, err = run_cli("editions", "record", "--date", "2025-11-28", "-w", str(repo_workspace))
    assert code == 0, err
    assert out == "edition recorded: editions/pakistan-kazakhstan/2025-11-28.json\n"
    assert not (repo_workspace / "out").exists()  # no brief written
    (edition,) = list_editions(repo_workspace, "pakistan-kazakhstan")
    m = edition.manifest
    assert (m["date"], m["as_of"], m["recorded_by"]) == ("2025-11-28", "2025-11-28", "editions record") and m["pages"] >= 3
    code, out, _ = run_cli("diff", "--as-of", "2025-11-28", "-w", str(repo_workspace))
    assert out.endswith("No changes.\n")


def test_a_meeting_brief_is_not_an_edition_of_its_own(run_cli, repo_workspace, tmp_path):
    meeting = next((repo_workspace / "data" / "meetings").glob("*.yaml")).stem
    code, out, err = run_cli("build", meeting, "--edition", "-o", str(tmp_path / "out"), "-w", str(repo_workspace))
    assert code == 2 and "editions are kept for country briefs, not meeting briefs: record and compare " \
        "'pakistan-kazakhstan', the country brief it draws on" in err
    assert not (tmp_path / "out").exists() and not (repo_workspace / "editions").exists()
