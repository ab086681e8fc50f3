"""Editions of generated fact bases: between two editions, hypothesis adds, removes and edits records
(their text, or a date together with the words that state it); the diff must name exactly those
records, each as added, removed or changed, and nothing else. The oracle knows only the edits it made.

Fact bases come from the template contract's strategies (any list empty, one or many; optional fields
absent or present; partial and range dates). BRIEFGEN_HYPOTHESIS=long explores afresh.
"""

from __future__ import annotations

import copy
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings, strategies as st

from briefgen.build.pipeline import BuildRequest, prepare
from briefgen.editions.diff import compare
from briefgen.editions.record import record_edition
from briefgen.editions.report import box_items
from factbase_maker import source, write_workspace
from test_template_contract import LONG, PROFILE, briefs, dates, records, when_text

AS_OF = date(2026, 6, 1)
# Lists of plain records (text, optional date) where a desk adds a record.
PLAIN_LISTS = [("summary",), ("diplomacy", "relations"), ("diplomacy", "institutions"), ("multilateral", "cooperation"),
               ("economy", "potential"), ("economy", "connectivity"), ("security", "cooperation"), ("people", "other"),
               ("outlook",)]


def edition(brief: dict, template: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp) / "ws", brief, sources=[source("report", "2026-05-01")])
        prepared = prepare(BuildRequest(workspace=ws, as_of=AS_OF, template=template))
        return record_edition(prepared, {}, "test")


def _remove(node, rid: str) -> bool:
    """Take the record `rid` out of the brief (a list item, or a single record such as recognition)."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, dict) and value.get("id") == rid:
                del node[key]
                return True
            if _remove(value, rid):
                return True
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == rid:
                del node[i]
                return True
            if _remove(item, rid):
                return True
    return False


def _text_edit(rec: dict, draw) -> bool:
    """The sentence gains words."""
    if draw:
        rec["text"] = rec["text"].removesuffix(".") + " and " + draw(st.sampled_from(["more talks", "new ties"])) + "."
    return True


def _date_edit(rec: dict, draw) -> bool:
    """Another date, and the words of the sentence that state it."""
    if not (rec.get("date") and "/" not in rec["date"] and when_text(rec["date"]) in rec["text"]):
        return False
    if draw:
        new = draw(dates(ranges=False))
        if new == rec["date"] or when_text(new) in rec["text"]:
            return False
        rec["text"] = rec["text"].replace(when_text(rec["date"]), when_text(new))
        rec["date"] = new
    return True


def _number_edit(rec: dict, draw) -> bool:
    """Another amount or count, and the number in the sentence that states it."""
    field = next((f for f in ("high", "count") if isinstance(rec.get(f), int)), None)
    said = {"high": "US${} million", "count": "with {}"}.get(field, "")
    if field is None or rec["text"].count(said.format(rec[field])) != 1:
        return False
    if draw:
        new = rec[field] + draw(st.integers(1, 99))
        if said.format(new) in rec["text"]:
            return False
        rec["text"] = rec["text"].replace(said.format(rec[field]), said.format(new))
        rec[field] = new
    return True


@st.composite
def edited(draw, brief: dict) -> tuple[dict, dict[str, str]]:
    """A copy of `brief` with records removed, edited and added, and what the diff must say of each id."""
    brief = copy.deepcopy(brief)
    expected: dict[str, str] = {}
    ids = [rec["id"] for _, rec in records(brief)]
    for rid in draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)) if ids else []:
        found = {r["id"]: r for _, r in records(brief)}
        if rid not in found:  # a point of a meeting removed before
            continue
        for _, inner in records(found[rid]):  # a meeting takes its points with it
            expected[inner["id"]] = "removed"
        _remove(brief, rid)
    remaining = [rec for _, rec in records(brief)]
    with_values = [rec for rec in remaining if _date_edit(rec, None) or _number_edit(rec, None)]
    for rec in draw(st.lists(st.sampled_from(remaining), unique_by=lambda r: r["id"], max_size=2)) if remaining else []:
        if _text_edit(rec, draw):
            expected[rec["id"]] = "changed"
    for rec in draw(st.lists(st.sampled_from(with_values), unique_by=lambda r: r["id"], max_size=2)) if with_values else []:
        edit = draw(st.sampled_from([e for e in (_date_edit, _number_edit) if e(rec, None)]))
        if edit(rec, draw):
            expected[rec["id"]] = "changed"
    for n in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(PLAIN_LISTS))
        node = brief
        for part in where[:-1]:
            node = node.setdefault(part, {})
        rid = f"new{n}"
        node.setdefault(where[-1], []).append({"id": rid, "text": f"Item NEW{n}: a record added since the last edition."})
        expected[rid] = "added"
    return brief, expected


@settings(PROFILE, max_examples=200 if LONG else 25)
@given(data=st.data())
def test_the_diff_names_exactly_the_records_edited(data):
    before = data.draw(briefs())
    after, expected = data.draw(edited(before))
    changes = compare(edition(before), edition(after))
    found = {rec.id: rec.change for section in changes.sections for rec in section.records}
    assert found == expected
    assert changes.data_changed or not expected
    items = box_items(changes, "en_GB")
    for rec in (r for section in changes.sections for r in section.records if r.change == "changed"):
        assert rec.words or rec.values  # the sentence word by word, a value in the brief's words
    for section in changes.sections:  # each record where the brief tells it, and the box says so
        assert all(rec.section == section.name for rec in section.records)
        assert any(item.startswith(f"{section.heading}: ") for item in items)


@settings(PROFILE, max_examples=10)
@given(brief=briefs())
def test_an_unchanged_fact_base_has_no_changes_and_a_new_template_only_wording(brief, tmp_path_factory):
    first = edition(brief)
    assert compare(first, edition(brief)).empty
    templates = tmp_path_factory.mktemp("templates")
    (templates / "sections").mkdir(exist_ok=True)
    (templates / "sections" / "outlook.md.j2").write_text(
        '{% extends "builtin/sections/outlook.md.j2" %}{% block heading %}# Prospects{% endblock %}\n', encoding="utf-8")
    changes = compare(first, edition(brief, templates))
    assert changes.wording_only and changes.wording == ("templates",) and not changes.sections
