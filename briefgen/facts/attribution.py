"""Weighing statements by their sources: what rests only on commentary, and where that matters.

A brief speaks in the voice of the office that issues it. A statement whose only support is
commentary (an opinion piece, an undated web article of unknown authorship) must say whose view it
is, or stay out of the places a minister quotes from: the summary and the key-facts box. The
rules are written for fact-base keepers in docs/facts.md ("Attribution").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from briefgen.errors import Location, Problem
from briefgen.facts.schema import Brief, Record, Source

COMMENTARY = "commentary"

# Words that show a sentence says whose view it is. A sentence resting on commentary passes when it
# names the commentary this way or by its author, publisher or title.
_ATTRIBUTION_WORDS = ("commentary", "opinion", "op-ed", "according to")

# The records the key-facts box is made from: (path in the brief, what the box calls it).
KEY_FACT_FIELDS = (
    (("diplomacy", "established"), "relations since"),
    (("diplomacy", "recognition"), "recognition"),
    (("multilateral", "memberships"), "shared memberships"),
    (("economy", "goals"), "trade goal"),
    (("people", "diaspora"), "diaspora"),
    (("diplomacy", "meetings"), "last high-level contact"),
)


def source_types(record: Record, sources: dict[str, Source]) -> set[str | None]:
    """The types of the sources a record cites (None for a source with no type)."""
    return {sources[c.source].type for c in record.sources if c.source in sources}


def rests_only_on_commentary(record: Record, sources: dict[str, Source]) -> bool:
    types = source_types(record, sources)
    return bool(types) and types == {COMMENTARY}


def names_its_source(record: Record, sources: dict[str, Source]) -> bool:
    """Whether the record's own text says whose view it is: 'an undated commentary says…',
    'according to …', or the commentary's author, publisher or title."""
    text = record.text.casefold()
    names = list(_ATTRIBUTION_WORDS)
    for c in record.sources:
        src = sources.get(c.source)
        if src is not None:
            names += [n for n in (getattr(src, "author", None), src.publisher, src.title) if n]
    return any(n.casefold() in text for n in names)


def key_fact_records(brief: Brief) -> Iterator[tuple[tuple, str, Record]]:
    """(path, key-fact name, record) for every record the key-facts box can be made from (of the
    meetings, only the latest: the box shows no other)."""
    for path, name in KEY_FACT_FIELDS:
        value = brief
        for part in path:
            value = getattr(value, part)
        if isinstance(value, Record):
            yield path, name, value
        elif path == ("diplomacy", "meetings") and value:
            i = max(range(len(value)), key=lambda k: value[k].date)
            yield path + (i,), name, value[i]
        elif isinstance(value, list):
            for i, record in enumerate(value):
                yield path + (i,), name, record


def attribution_warnings(brief: Brief, sources: dict[str, Source], at) -> list[Problem]:
    """Summary points and key-fact records that rest only on commentary. `at(path)` locates a
    record path in the brief file."""
    found: list[Problem] = []
    for i, point in enumerate(brief.summary):
        if rests_only_on_commentary(point, sources) and not names_its_source(point, sources):
            found.append(Problem(at(("summary", i, "id")),
                                 f"summary point '{point.id}' rests only on commentary ({_ids(point, sources)}) and reads "
                                 "as the brief's own statement: say whose view it is in the text (\"An undated "
                                 "commentary says …\"), cite an official or news source, or move it out of the summary"))
    for path, name, record in key_fact_records(brief):
        if rests_only_on_commentary(record, sources):
            found.append(Problem(at(path + ("id",)),
                                 f"'{record.id}' rests only on commentary ({_ids(record, sources)}): the key-facts box "
                                 f"({name}) leaves it out; cite an official or news source to show it there"))
    return found


def factbase_warnings(fb) -> list[Problem]:
    """Every attribution warning of a loaded fact base: untyped sources, then each brief's."""
    from briefgen.workspace import SOURCES_FILE

    sources_doc = fb.docs.get(SOURCES_FILE)
    found = untyped_sources(fb.sources.values(), sources_doc.at if sources_doc else lambda _p: Location(SOURCES_FILE))
    for brief_id in sorted(fb.briefs):
        rel = fb.brief_files[brief_id]
        doc = fb.docs.get(rel)
        found += attribution_warnings(fb.briefs[brief_id], fb.sources, doc.at if doc else lambda _p, r=rel: Location(r))
    return found


def untyped_sources(sources: Iterable[Source], at) -> list[Problem]:
    """Sources without a `type`: the brief cannot tell its readers what weight they carry."""
    return [Problem(at(("sources", i, "id")),
                    f"source '{s.id}' has no type: add `type: official`, `news`, `research` or `commentary` so that "
                    "statements resting only on commentary can be attributed")
            for i, s in enumerate(sources) if s.type is None]


def _ids(record: Record, sources: dict[str, Source]) -> str:
    ids = dict.fromkeys(c.source for c in record.sources if c.source in sources)
    return ", ".join(f"source '{i}'" for i in ids)
