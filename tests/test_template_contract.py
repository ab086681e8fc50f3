"""The template contract: any valid fact base, through the built-in templates, makes a brief with
every record once and whole, no empty heading, box or table, no stray punctuation, and one
chronology row per dated event.

Hypothesis writes the fact bases (lists empty, one or many; optional fields absent or present;
full, partial and range dates; short and long texts; several meetings with and without points,
place and participants), each quote taken from a generated source that really contains it. The
oracle below knows the fact base and the document model only; it never reads the templates.

The default profile is derandomized and small; BRIEFGEN_HYPOTHESIS=long explores afresh.
To check your own templates: BRIEFGEN_CONTRACT_TEMPLATES=my uv run pytest tests/test_template_contract.py
(see docs/templates.md, "The template contract").
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st, given

from briefgen.document import model
from briefgen.build.pipeline import BuildRequest, prepare, produce
from factbase_maker import COUNTRIES, source, write_workspace

LONG = os.environ.get("BRIEFGEN_HYPOTHESIS") == "long"
TEMPLATES = os.environ.get("BRIEFGEN_CONTRACT_TEMPLATES")  # a folder of ejected templates to hold to the contract
settings.register_profile("contract-short", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("contract-long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("contract-long" if LONG else "contract-short")
AS_OF = date(2026, 6, 1)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WORDS = ["trade", "energy", "transit", "ports", "ministers", "agreed", "cooperation", "railway", "students",
         "exchange", "culture", "defence", "training", "officers", "summit", "road", "corridor", "investment",
         "wheat", "textiles", "talks", "visit", "commission", "scholarships", "flights"]
NAMES = ["Aliya Nurlanovna", "Bilal Ahmed", "Dana Sarsenova", "Farid Khan", "Erlan Karin", "Sana Malik"]
PLACES = ["Astana", "Islamabad", "Almaty", "Karachi", "Tashkent", "Lahore", "Washington, D.C."]


# --- generated fact bases ---------------------------------------------------------------------


def spelled(iso: str) -> str:
    """How the generated text states a date, so that the quote supports the record's values."""
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"


@st.composite
def dates(draw, ranges: bool = True) -> str:
    year = draw(st.integers(1991, 2026))
    precision = draw(st.sampled_from(["day", "day", "month", "year"]))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 27))
    start = {"year": f"{year}", "month": f"{year}-{month:02}", "day": f"{year}-{month:02}-{day:02}"}[precision]
    if not ranges or not draw(st.booleans()):
        return start
    if precision == "day":
        end = draw(st.sampled_from([f"{year}-{month:02}-{day + 1:02}", f"{year}-{month % 12 + 1:02}-01"
                                    if month < 12 else f"{year + 1}-01-01"]))
    elif precision == "month":
        end = f"{year}-{month + 1:02}" if month < 12 else f"{year + 1}-01"
    else:
        end = f"{year + draw(st.integers(1, 3))}"
    return f"{start}/{end}"


def when_text(value: str) -> str:
    start, _, end = value.partition("/")
    return f"{spelled(start)} to {spelled(end)}" if end else spelled(start)


@st.composite
def sentence(draw) -> str:
    n = draw(st.sampled_from([2, 5, 12, 60]))  # short and long texts
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n)))


class Ids:
    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"r{self.n}"


@st.composite
def record(draw, ids: Ids, dated: str = "maybe", **extra) -> dict:
    """A record whose text names every value it carries (the quote is the text)."""
    rid = ids()
    rec = {"id": rid, **extra}
    facts = [f"Item {rid.upper()}:", draw(sentence())]
    if dated == "always" or (dated == "maybe" and draw(st.booleans())):
        key = "period" if dated == "maybe" and draw(st.integers(0, 4)) == 0 else "date"
        if key == "period":  # how long a state lasted: always START/END
            start = draw(dates(ranges=False))
            rec[key] = f"{start}/{int(start[:4]) + draw(st.integers(1, 3))}"
        else:
            rec[key] = draw(dates())
        facts.append(f"from {when_text(rec[key])}" if "/" in rec[key] else f"in {when_text(rec[key])}")
    if draw(st.integers(0, 3)) == 0:
        rec["label"] = f"Event {rid.upper()}"
    names = {c["code"]: c["name"] for c in COUNTRIES}
    for value in extra.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if isinstance(item, str) and re.fullmatch(r"\d{4}(-\d\d){0,2}(/\d{4}(-\d\d){0,2})?", item):
                    facts.append(f"from {when_text(item)}")
                else:
                    facts.append(f"with {names.get(item, item)}")
    text = " ".join(facts)
    rec["text"] = text if text.endswith(".") else text + "."
    return rec


def many(draw, make, most: int = 3) -> list:
    return [draw(make) for _ in range(draw(st.sampled_from([0, 1, most])))]


@st.composite
def meeting(draw, ids: Ids) -> dict:
    extra = {}
    if draw(st.booleans()):
        extra["place"] = draw(st.sampled_from(PLACES))
    if draw(st.booleans()):
        extra["occasion"] = "the regional summit"
    rec = draw(record(ids, dated="always", **extra))
    people = draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
    if people:
        rec["participants"] = [{"name": p, "title": "Minister", "country": "PK"} for p in people]
        rec["text"] = rec["text"].removesuffix(".") + " with " + " and ".join(f"Minister {p} of Pakistan" for p in people) + "."
    same_day = draw(st.booleans())
    rec["points"] = many(draw, record(ids, dated="never"), 3)
    if same_day:  # points may carry the meeting's own date: they are still not events of their own
        for p in rec["points"]:
            p["date"] = rec["date"]
            p["text"] = p["text"].removesuffix(".") + f" in {when_text(rec['date'])}."
    return rec


@st.composite
def briefs(draw) -> dict:
    ids = Ids()
    r = lambda **kw: record(ids, **kw)  # noqa: E731
    opt = lambda make: draw(make) if draw(st.booleans()) else None  # noqa: E731
    brief = {
        "summary": many(draw, r()),
        "diplomacy": {
            "recognition": opt(r()), "established": opt(r()),
            "relations": many(draw, r()),
            "meetings": many(draw, meeting(ids), 3),
            "institutions": many(draw, r(dated="never")),
            "agreements": many(draw, r(kind="memorandum", area="trade", status="signed")),
        },
        "multilateral": {
            "memberships": [draw(r(dated="never", organisation=f"Forum {i}",
                                   **({"acronym": f"F{i}"} if draw(st.booleans()) else {}),
                                   members=draw(st.sampled_from([[], ["PK", "KZ"], ["PK"]]))))
                            for i in range(draw(st.sampled_from([0, 1, 3])))],
            "cooperation": many(draw, r(dated="never")),
            "support": [draw(r(dated="never", supporter="PK", supported="KZ", object="the bid",
                               **({"term": draw(dates(ranges=False)) + "/2030"} if draw(st.booleans()) else {})))
                        for _ in range(draw(st.sampled_from([0, 1, 3])))],
        },
        "economy": {
            "goals": [draw(r(high=draw(st.integers(1, 900)), currency="USD", unit="million",
                             **({"low": 1} if draw(st.booleans()) else {})))
                      for _ in range(draw(st.sampled_from([0, 1, 3])))],
            "flows": many(draw, r(dated="never", exporter="PK", importer="KZ", items=["textiles"],
                                  status=draw(st.sampled_from(["actual", "potential"])))),
            "potential": many(draw, r(dated="never")),
            "connectivity": many(draw, r(dated="never")),
        },
        "security": {
            "cooperation": many(draw, r(dated="never")),
            "exhibitions": many(draw, r(dated="never", name="IDEAS", **({"place": "Karachi"} if draw(st.booleans()) else {}))),
            "training": many(draw, r(dated="never", count=draw(st.integers(0, 500)), trainees="officers",
                                     institution="academies", host="PK")),
            "exercises": many(draw, r(dated="always", name="Dostarym", kind="exercise")),
        },
        "people": {
            "diaspora": many(draw, r(dated="never", count=draw(st.integers(0, 5000)), origin="PK", host="KZ",
                                     **({"group": "Pakistani students"} if draw(st.booleans()) else {}),
                                     **({"main_city": "Almaty"} if draw(st.booleans()) else {}))),
            "other": many(draw, r()),
        },
        "policies": many(draw, r(dated="never", name=draw(st.sampled_from(["Vision Central Asia", "Look East Inc."])))),
        "outlook": many(draw, r(dated="never")),
    }
    for g in brief["economy"]["goals"]:  # an amount is stated as the source states money
        amount = (f"US${g['low']} million to " if "low" in g else "") + f"US${g['high']} million"
        g["text"] = f"Item {g['id'].upper()}: a trade goal of {amount}" + (
            f" in {when_text(g['date'])}." if "date" in g else f" from {when_text(g['period'])}." if "period" in g else ".")
    for part in ("diplomacy",):
        brief[part] = {k: v for k, v in brief[part].items() if v is not None}
    return brief


# --- the oracle -------------------------------------------------------------------------------


def records(brief: dict):
    """(path, record) for every record of the generated brief."""
    def walk(value, path):
        if isinstance(value, dict):
            if "text" in value and "id" in value:
                yield path, value
            for k, v in value.items():
                yield from walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, path + (i,))
    yield from walk(brief, ())


def dated_events(brief: dict) -> list[dict]:
    """The events a chronology lists: dated records, leaving out the summary (which restates), a
    meeting's points (said at the meeting, not events of their own) and figures (trade volumes and
    goals, diasporas: the year of a figure is not an event)."""
    figures = (("economy", "volumes"), ("economy", "goals"), ("people", "diaspora"))
    return [rec for path, rec in records(brief)
            if path[0] != "summary" and "points" not in path and path[:2] not in figures
            and (rec.get("date") or rec.get("period") or rec.get("since"))]


def inline_text(inlines) -> str:
    """The words of inline content (note numbers left out: they are not text)."""
    out = []
    for node in inlines:
        match node:
            case model.Text(text=t):
                out.append(t)
            case model.Strong(children=c) | model.Emph(children=c) | model.Link(children=c):
                out.append(inline_text(c))
            case model.LineBreak():
                out.append(" ")
    return "".join(out).strip()


def units(blocks, skip_derived: bool = True) -> list[str]:
    """The texts a reader sees as separate blocks: paragraphs, list items, table cells, and a
    paragraph's text after a bold lead-in. The chronology table and callouts (key facts) repeat
    records by design and are left out when `skip_derived`."""
    out: list[str] = []
    heading = ""
    for b in blocks:
        match b:
            case model.Heading(children=c):
                heading = inline_text(c)
            case model.Paragraph(children=c):
                out.append(inline_text(c))
                if c and isinstance(c[0], model.Strong):
                    out.append(inline_text(c[1:]))
            case model.BulletList(items=items) | model.OrderedList(items=items):
                for item in items:
                    out += units(item.blocks, skip_derived)
            case model.Table(rows=rows) if not (skip_derived and heading == "Chronology"):
                out += [inline_text(cell) for row in rows for cell in row]
            case model.Callout(blocks=inner) if not skip_derived:
                out += units(inner, skip_derived)
    return out


FORBIDDEN = [(re.compile(r"\bNone\b"), "None"), (re.compile(r"\bnull\b"), "null"), (re.compile(r",\s*:"), ", :"),
             (re.compile(r"\(\s*\)"), "()"), (re.compile(r"\[\s*\]"), "[]"),
             (re.compile(r"([.,;:])\s*(?!\1)[.,;:]|\.\.|,,|;;|::"), "doubled punctuation"),
             (re.compile(r"\s[,.;:]"), "space before punctuation")]


def stray_punctuation(text: str) -> list[str]:
    text = text.replace("D.C.", "DC")  # the one place name with full stops of its own
    return [f"{name}: …{text[max(0, m.start() - 30):m.end() + 30]}…" for pattern, name in FORBIDDEN
            for m in [pattern.search(text)] if m]


def check_document(brief: dict, doc: model.Document) -> None:
    seen = units(doc.blocks)
    cells = shared_cells(doc.blocks)
    for path, rec in records(brief):
        if path[:2] in COMPOSED:
            continue
        text = rec["text"]
        # A table cell may hold several records of one row whole, one after another (the trade
        # table gives one row a direction): each must still be there whole, once.
        # A paragraph may add words of the template's own after a record (a meeting's participants),
        # never another record: every generated record's text starts "Item R".
        found = seen.count(text) + sum(1 for u in seen if u.startswith(text + " ") and "Item R" not in u[len(text):]) + sum(1 for c in cells if c != text and (
            c.startswith(text + " ") or c.endswith(" " + text) or f" {text} " in c))
        assert found == 1, f"{'.'.join(map(str, path))}: its text is {found} times a block of its own, not once:\n{rec['text']}"
    check_structure(doc.blocks)
    everything = " ".join(units(doc.blocks, skip_derived=False) + headings(doc.blocks))
    problems = stray_punctuation(everything)
    assert not problems, problems
    chronology = tables_under(doc.blocks, "Chronology")
    events = dated_events(brief)
    assert len(chronology) == (1 if events else 0), "a chronology without events, or events without one"
    if events:
        assert len(chronology[0].rows) == len(events), f"{len(chronology[0].rows)} rows for {len(events)} events"


# Records the built-in templates state through their fields rather than their text (one sentence for
# all memberships both countries hold, one a direction of support, one for agreements of a kind and
# status): their text is not printed.
COMPOSED = {("multilateral", "support"), ("multilateral", "memberships"), ("diplomacy", "agreements")}


def shared_cells(blocks) -> list[str]:
    heading, out = "", []
    for b in blocks:
        if isinstance(b, model.Heading):
            heading = inline_text(b.children)
        elif isinstance(b, model.Table) and heading != "Chronology":
            out += [inline_text(cell) for row in b.rows for cell in row]
    return out


def headings(blocks) -> list[str]:
    return [inline_text(b.children) for b in blocks if isinstance(b, model.Heading)]


def tables_under(blocks, title: str) -> list[model.Table]:
    out, heading = [], ""
    for b in blocks:
        if isinstance(b, model.Heading):
            heading = inline_text(b.children)
        elif isinstance(b, model.Table) and heading == title:
            out.append(b)
    return out


def check_structure(blocks, inside: str = "document") -> None:
    """No heading without content before the next heading of its level or above; no empty box,
    list, list item or table; no caption without a table."""
    for i, b in enumerate(blocks):
        match b:
            case model.Heading(level=level, children=c):
                rest = blocks[i + 1:]
                nxt = next((x for x in rest if not (isinstance(x, model.Heading) and x.level > level)), None)
                has_content = bool(rest) and not (isinstance(rest[0], model.Heading) and rest[0].level <= level)
                assert inline_text(c), f"an empty heading in {inside}"
                assert has_content and nxt is not None or has_content, f"heading '{inline_text(c)}' has nothing under it"
            case model.Callout(title=t, blocks=inner):
                assert inner, f"the box '{t}' is empty"
                check_structure(inner, t)
            case model.BulletList(items=items) | model.OrderedList(items=items):
                assert items, f"an empty list in {inside}"
                for item in items:
                    assert item.blocks and any(units(item.blocks, False)), f"an empty bullet in {inside}"
            case model.Table(rows=rows, caption=cap):
                assert rows, f"table '{cap}' has no rows"
                assert any(inline_text(cell) for row in rows for cell in row), f"table '{cap}' is empty"
            case model.Paragraph(children=c, style=style):
                assert inline_text(c) or style, f"an empty paragraph in {inside}"


def build(brief: dict, formats: tuple[str, ...] = ()):
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp) / "ws", brief, sources=[source("report", "2026-05-01")])
        template = Path(TEMPLATES).resolve() if TEMPLATES else None
        prepared = prepare(BuildRequest(workspace=ws, as_of=AS_OF, template=template))
        return prepared, produce(prepared, formats) if formats else {}


@settings(PROFILE)
@given(brief=briefs())
def test_any_fact_base_keeps_the_template_contract(brief):
    prepared, _ = build(brief)
    assert "None" not in prepared.markdown.replace("D.C.", "") or not re.search(r"\bNone\b", prepared.markdown)
    check_document(brief, prepared.document)


@settings(PROFILE, max_examples=3 if not LONG else 40)
@given(brief=briefs())
def test_pdf_and_docx_of_generated_fact_bases_keep_it_too(brief):
    from docx import Document as read_docx
    from pypdf import PdfReader

    prepared, data = build(brief, ("pdf", "docx"))
    docx = read_docx(io.BytesIO(data["docx"]))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    paragraphs = [p.text for p in docx.paragraphs] + cells
    stripped = [re.sub(r"(?<=[.])[\d ,]+$", "", p).strip() for p in paragraphs]  # note numbers after the text
    pdf = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data["pdf"])).pages))
    pdf = re.sub(r"-\s", "", pdf)
    for path, rec in records(brief):
        if path[:2] in COMPOSED:
            continue
        assert any(p == rec["text"] or p.endswith(" " + rec["text"]) or (
            (p.startswith(rec["text"] + " ") or f" {rec['text']} " in p) and "Item R" not in p.split(rec["text"], 1)[1])
            for p in stripped), \
            f"{path}: not a paragraph or cell of its own in the DOCX: {rec['text']}"
        assert rec["text"].split(":")[0] in pdf, f"{path}: not in the PDF"
    problems = stray_punctuation(" ".join(stripped))
    assert not problems, problems
