"""docs/facts.md, the fact-base keeper's guide, must say what briefgen does: its reference tables
are compared with the schema, and its worked examples pass `briefgen check` as printed."""

from __future__ import annotations

import re
import shutil

import yaml
from conftest import REPO_ROOT
from test_docs import names, sections, table_rows

from briefgen.facts import schema
from briefgen.facts.statements import MIN_QUOTE_WORDS

DOC = REPO_ROOT / "docs" / "facts.md"


def text() -> str:
    return DOC.read_text(encoding="utf-8")


def reference(heading: str) -> str:
    found = sections(text(), 3)
    assert heading in found, f"{DOC.name} has no '### {heading}' section"
    return found[heading]


def examples() -> dict[str, tuple[str, str]]:
    """id -> (path, code) of every `<!-- example: ID PATH -->` block."""
    pattern = re.compile(r"<!-- example: (\w+) (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)
    return {ex_id: (path, code) for ex_id, path, code in pattern.findall(text())}


def test_what_check_proves_lists_every_field_and_how():
    body = reference("What check proves")
    fields = names(body)
    kinds = [row[1].split(":", 1)[0] for row in table_rows(body)]
    assert dict(zip(fields, kinds)) == schema.PROVENANCE


def test_source_fields_table_lists_every_field():
    assert names(reference("Source fields")) == list(schema.Source.model_fields)


def test_the_minimum_quote_is_the_one_enforced():
    flat = " ".join(text().split())
    words = ["zero", "one", "two", "three", "four", "five", "six"]
    assert f"at least {MIN_QUOTE_WORDS} words" in flat and f"at least {words[MIN_QUOTE_WORDS]} words" in flat
    assert f"fewer than {words[MIN_QUOTE_WORDS]} words" in flat


def test_internal_links_point_at_headings():
    anchors = set()
    for line in re.sub(r"```.*?```", "", text(), flags=re.DOTALL).splitlines():
        if line.startswith("#"):
            anchors.add(re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-"))
    assert set(re.findall(r"\]\(#([^)]+)\)", text())) - anchors == set()


def test_every_example_is_marked():
    assert set(examples()) == {"source", "record", "meeting", "brief"}


def test_source_example_is_a_valid_source():
    _, code = examples()["source"]
    entry = yaml.safe_load(code)[0]
    schema.Source.model_validate(entry)


def _workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    for name in ("data", "seeds"):
        shutil.copytree(REPO_ROOT / name, ws / name)
    return ws


def _check_ok(run_cli, ws) -> None:
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 0 and "error:" not in err, err  # warnings (e.g. commentary-only records) are allowed


def test_record_and_meeting_examples_pass_check(tmp_path, run_cli):
    ws = _workspace(tmp_path)
    record = examples()["record"][1]
    meeting = examples()["meeting"][1]
    brief = ("id: example\ntitle: Example\nsubject: Example\ncountries: [PK, KZ]\n"
             "outlook:\n" + record.replace("ppl-small-population", "example-record")
             + "diplomacy:\n" + meeting.replace("mtg-", "example-mtg-"))
    (ws / "data" / "briefs" / "example.yaml").write_text(brief, encoding="utf-8")
    _check_ok(run_cli, ws)


def test_second_brief_example_passes_check_once_the_country_is_added(tmp_path, run_cli):
    ws = _workspace(tmp_path)
    path, code = examples()["brief"]
    (ws / path).write_text(code, encoding="utf-8")
    with (ws / "data" / "countries.yaml").open("a", encoding="utf-8") as f:
        f.write("  - code: UZ\n    iso3: UZB\n    name: Uzbekistan\n    adjective: Uzbek\n")
    _check_ok(run_cli, ws)
    (ws / "data" / "countries.yaml").write_text((REPO_ROOT / "data" / "countries.yaml").read_text())
    code_, _, err = run_cli("check", "--workspace", str(ws))
    assert code_ == 1 and "unknown country code 'UZ'" in err  # step 1 of the guide is needed
