"""An edition's manifest, made from a build: what the brief printed, as plain JSON-ready data.

The pipeline logs every `cite` call of the render, in the order the brief prints them, with the
template that made it (`Prepared.cites`); the rest comes from what the templates saw (currency, latest
contact, cited sources) and from the document itself (the key-facts box). Values are kept as the fact
base has them (ISO dates, numbers, codes); `editions.diff` words them in the brief's terms.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date

from briefgen.document import model
from briefgen.editions.wording import COUNTRY_FIELDS
from briefgen.editorial import views
from briefgen.errors import UsageError
from briefgen.facts.schema import iter_records

FORMAT = 1  # the manifest's layout; a reader refuses others
NOT_VALUES = {"id", "text", "label", "sources", "points"}  # structure, or kept apart


def section_of(template: str) -> str:
    """'sections/diplomacy.md.j2' (or 'builtin/sections/…', an override extending it) -> 'diplomacy'."""
    name = template.removeprefix("builtin/").removeprefix("sections/")
    return name.removesuffix(".j2").removesuffix(".md")


def is_country_brief(prepared) -> bool:
    """Editions are kept for country briefs; a meeting brief's annexes are views of its country brief."""
    return "meeting" not in prepared.context


def record_edition(prepared, data: dict[str, bytes], recorded_by: str, day: date | None = None) -> dict:
    """The manifest of the brief `prepared` made; `data` holds the bytes of each format built (the PDF
    gives the page count). The edition is of the build's day, or `day`."""
    if not is_country_brief(prepared):
        raise UsageError("editions are kept for country briefs, not meeting briefs: record and compare "
                         f"'{prepared.brief_id}', the country brief it draws on")
    ctx = prepared.context
    fb, brief = prepared.factbase, ctx["brief"]
    info = ctx["build"]
    home = {r.id: (loc, r) for loc, r in iter_records(brief)}
    cited: dict[str, list[str]] = {}  # record id -> the sections that cite it, in reading order
    for call in prepared.cites:
        for record in call.records:
            sections = cited.setdefault(record.id, [])
            if section_of(call.template) not in sections:
                sections.append(section_of(call.template))
    records = []
    for rid, sections in cited.items():
        if rid not in home:
            continue
        loc, record = home[rid]
        section = loc[0] if loc and loc[0] in sections else sections[0]
        entry = {"id": rid, "section": section, "kind": _kind(loc), "text": record.text}
        if record.label:
            entry["label"] = record.label
        values = record.model_dump(mode="json", exclude=NOT_VALUES, exclude_none=True)
        if values:
            entry["values"] = values
        entry["sources"] = list(dict.fromkeys(c.source for c in record.sources))
        records.append(entry)
    currency = ctx["currency"]
    last = ctx["last_meeting"]
    meetings = brief.diplomacy.meetings
    then = {mt.id: views.held_then(mt, meetings, info.as_of, info.stale_after_months)
            for mt in meetings if mt.participants and mt.id in cited}
    codes = set(brief.countries) | {c for r in records for c in _codes(r.get("values", {}))}
    return {
        "briefgen_edition": FORMAT,
        "brief": prepared.brief_id,
        "title": brief.title,
        "date": (day or info.issued).isoformat(),
        "as_of": info.as_of.isoformat(),
        "marking": info.marking,
        "locale": info.locale,
        "recorded_by": recorded_by,
        "formats": sorted(data),
        "pages": _pages(data.get("pdf")),
        "templates": _templates_fingerprint(prepared.templates),
        "theme": "sha256:" + hashlib.sha256(repr(prepared.theme).encode()).hexdigest(),
        "countries": {c: fb.countries[c].name for c in sorted(codes) if c in fb.countries},
        "sections": [{"name": name, "heading": _heading(prepared, name)} for name in ctx["sections"]],
        "records": records,
        "key_figures": key_figures(prepared.document),
        "latest_contact": {"id": last.id, "date": last.date, "place": last.place,
                           "participants": [p.name for p in last.participants]} if last else None,
        "sources": [{k: v for k, v in (("id", s.id), ("label", s.label), ("title", s.title),
                                       ("publisher", s.publisher), ("date", s.date), ("url", s.url)) if v}
                    for s in ctx["sources"]],
        "currency": {"line": ctx["data_currency"], "newest": currency.newest, "not_current": currency.stale},
        "then": then,
    }


def _kind(loc: tuple) -> str:
    """The record's place in the fact base without positions: ('diplomacy', 'meetings', 3) -> 'meetings'."""
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else ""


def _codes(values: dict) -> list[str]:
    """Country codes among a record's values (they are worded as country names)."""
    found = []
    for name, value in values.items():
        if name in COUNTRY_FIELDS:
            found += value if isinstance(value, list) else [value]
        elif name == "participants":
            found += [p.get("country") for p in value if isinstance(p, dict)]
    return [c for c in found if isinstance(c, str)]


def _pages(pdf: bytes | None) -> int | None:
    if not pdf:
        return None
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _templates_fingerprint(tset) -> str:
    """Every template the set resolves to (name and bytes): changes when any wording can."""
    from briefgen.render.templateset import resolve_all

    digest = hashlib.sha256()
    for name, folder in resolve_all(tset):
        if name.endswith(".j2"):
            digest.update(name.encode() + b"\0" + tset.root_of(folder).read_bytes(folder / name, "template") + b"\0")
    return "sha256:" + digest.hexdigest()


def _heading(prepared, name: str) -> str:
    """A section's title: its template's `heading` block rendered alone ('# Trade and economy' ->
    'Trade and economy'), else the first heading or box title the section renders ('Key facts'),
    else the section's name."""
    import re

    from briefgen.build.pipeline import environment_of
    from briefgen.editorial.context import cite
    from briefgen.render.environment import RENDER_SECONDS
    from briefgen.runtime import time_limit

    fallback = name.replace("_", " ").capitalize()
    try:
        with time_limit(RENDER_SECONDS):
            template = environment_of(prepared).get_template(f"sections/{name}.md.j2")
            block = template.blocks.get("heading")
            context = {**prepared.context, "cite": cite}  # rendered alone: not logged as printed again
            text = "".join(block(template.new_context(context))) if block else template.render(context)
    except Exception:  # the brief itself rendered: a section that does not render alone keeps its name
        return fallback
    m = re.search(r"^\s*(?:#+|:::+\s*\w+)[ \t]+(\S.*)$", text, re.M)
    return re.sub(r"\\(.)", r"\1", m.group(1)).strip() if m else fallback


def key_figures(document: model.Document) -> list[dict]:
    """The key-facts box as label -> value, note numbers left out: '**Trade volume (2023):** US$250
    million[^n]' -> ('Trade volume', 'US$250 million (2023)'). Lines with one label are joined."""
    import re

    found: dict[str, list[str]] = {}
    for block in document.blocks:
        if not (isinstance(block, model.Callout) and block.kind == "keyfacts"):
            continue
        for inner in block.blocks:
            if not isinstance(inner, (model.BulletList, model.OrderedList)):
                continue
            for item in inner.items:
                first = item.blocks[0] if item.blocks else None
                if not isinstance(first, model.Paragraph):
                    continue
                children = [c for c in first.children if not isinstance(c, model.NoteRef)]
                label = ""
                if children and isinstance(children[0], model.Strong):
                    label = model.plain_text(children[0].children).strip().removesuffix(":").strip()
                    children = children[1:]
                value = " ".join(model.plain_text(tuple(children)).split())
                m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", label)
                if m and m.group(1):
                    label, value = m.group(1), f"{value} ({m.group(2)})"
                found.setdefault(label, []).append(value)
    return [{"label": label, "value": "; ".join(values)} for label, values in found.items()]
