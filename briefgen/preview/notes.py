"""What a note marker stands for: the records whose `cite` put it there, with their quotes from that
source and the file and line of each record.

A marker in the text names only a source (`[^source-id]`), and one source may back dozens of
sentences, so the records come from the `cite` calls the render made (`Prepared.cites`), matched
to the markers in reading order. The match is checked against the document the parser made: when a
template printed a `cite` twice, out of order, or wrote a marker by hand, the sequences differ and
every marker of that note shows all of the brief's records that cite the source instead; the preview
never shows a quote for a marker it does not stand for.
"""

from __future__ import annotations

import dataclasses
import re

from briefgen.facts.schema import iter_records
from briefgen.document.model import NoteRef, Notes

# A note reference in the rendered Markdown; fact text is escaped (`\[`) and a definition ends in ':'.
_REF = re.compile(r"(?<!\\)\[\^([a-z0-9][a-z0-9-]*)\](?!:)")


def note_map(prepared, fb, brief_id: str) -> dict[str, dict]:
    """{"N": the source and every record citing it; "N-K": the records of the Kth marker of note N}."""
    brief = fb.briefs[brief_id]
    rel = fb.brief_files[brief_id]
    doc = fb.docs.get(rel)
    where = {id(record): (record, doc.line_of(loc) if doc else None) for loc, record in iter_records(brief)}
    refs = [(m.group(1), m.start(), m.end()) for m in _REF.finditer(prepared.markdown)]
    numbers = {label: n for n, label in enumerate(dict.fromkeys(label for label, _, _ in refs), start=1)}
    notes = {}
    for label, n in numbers.items():
        cited = [r for r, _ in where.values() if any(c.source == label for c in r.sources)]
        notes[str(n)] = _entry(label, cited, where, rel, fb)
    flat = [(label, call.records) for call in prepared.cites for label in call.sources]
    if [label for label, _ in flat] != [label for label, _, _ in refs]:
        return notes
    placed = _clusters(refs, [records for _, records in flat], numbers)
    if [n for n, _ in placed] != [r.number for r in _note_refs(prepared.document)]:
        return notes
    seen: dict[int, int] = {}
    for n, records in placed:
        k = seen[n] = seen.get(n, 0) + 1
        label = notes[str(n)]["source"]
        notes[f"{n}-{k}"] = _entry(label, records, where, rel, fb)
    return notes


def _clusters(refs, records, numbers) -> list[tuple[int, list]]:
    """The markers as the parser leaves them: touching markers are one cluster, in note order,
    each note once (`markdown._merge`); a marker that merges stands for the records of both."""
    out: list[tuple[int, list]] = []
    cluster: dict[int, list] = {}
    end = -1
    for (label, start, stop), recs in zip(refs, records):
        if start != end and cluster:
            out += sorted(cluster.items())
            cluster = {}
        cluster.setdefault(numbers[label], []).extend(r for r in recs if r not in cluster.get(numbers[label], []))
        end = stop
    return out + sorted(cluster.items())


def _note_refs(node) -> list[NoteRef]:
    """Every note reference of the document in reading order (the order the HTML writer numbers them)."""
    if isinstance(node, NoteRef):
        return [node]
    if isinstance(node, Notes):
        return []
    if isinstance(node, (tuple, list)):
        return [r for child in node for r in _note_refs(child)]
    if dataclasses.is_dataclass(node):
        return [r for f in dataclasses.fields(node) for r in _note_refs(getattr(node, f.name))]
    return []


def _entry(label: str, records, where, rel: str, fb) -> dict:
    source = fb.sources.get(label)
    return {"source": label, "title": getattr(source, "title", None) or label,
            "records": [{"id": getattr(r, "id", ""), "file": rel, "line": where.get(id(r), (None, None))[1],
                         "quotes": [c.quote for c in r.sources if c.source == label]} for r in records]}
