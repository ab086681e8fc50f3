"""Weighing statements by their sources: what rests only on commentary, and where that matters.

A brief speaks in the voice of the office that issues it. A statement whose only support is
commentary (an opinion piece, an undated web article of unknown authorship) must say whose view it
is, or stay out of the places a minister quotes from: the summary and the key-facts box. The
rules are written for fact-base keepers in docs/facts.md ("Attribution").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from briefgen.errors import Location, Problem
from briefgen.facts.disagree import workspace_disagreements
from briefgen.facts.quotes import fold
from briefgen.facts.statements import STOP_WORDS
from briefgen.facts.schema import Brief, Record, Source, iter_records

COMMENTARY = "commentary"

# Words that show a sentence says whose view it is. A sentence resting on commentary passes when its
# first clause (up to a semicolon) names the commentary this way or by its author, publisher or title:
# "according to statistics" names no one, and "X is so; the commentary adds …" says X in the brief's voice.
_ATTRIBUTION_WORDS = ("commentary", "commentator", "opinion", "op-ed", "in the view of", "in its view")

# The records the key-facts box is made from: (path in the brief, what the box calls it).
KEY_FACT_FIELDS = (
    (("diplomacy", "established"), "relations since"),
    (("diplomacy", "recognition"), "recognition"),
    (("multilateral", "memberships"), "shared memberships"),
    (("economy", "goals"), "trade goal"),
    (("people", "diaspora"), "diaspora"),
    (("diplomacy", "meetings"), "last high-level contact"),
)


def source_types(record: Record, sources: dict[str, Source], echoes=None) -> set[str | None]:
    """The types of the sources a record cites (None for a source with no type); a quote that repeats
    a commentary's text (`echoes(citation)`, see `Echoes`) counts as that commentary."""
    return {COMMENTARY if echoes is not None and echoes(c) else sources[c.source].type
            for c in record.sources if c.source in sources}


def rests_only_on_commentary(record: Record, sources: dict[str, Source], echoes=None) -> bool:
    types = source_types(record, sources, echoes)
    return bool(types) and types == {COMMENTARY}


_CONTENT = re.compile(r"[^\W_]+")
"""A quote repeats a commentary's sentence (a news item's background paragraph retelling it: "two sources
repeating the same boilerplate count as one") when one sentence of the commentary gives every number
and year of the quote and at least 40% of its words, or, for a quote without numbers, 70% of its words
making up half the sentence."""


def _content(text: str) -> set[str]:
    return {w.removesuffix("'s") for w in _CONTENT.findall(fold(text).lower().replace("'s", "")) if
            w not in STOP_WORDS and (len(w) > 2 or w.isdigit())}


def _repeats(words: set[str], sentence: set[str]) -> bool:
    numbers = {w for w in words if w.isdigit()}
    shared = len(words & sentence)
    if numbers:
        return numbers <= sentence and shared >= 0.4 * len(words)
    return len(words) >= 5 and shared >= 0.7 * len(words) and shared >= 0.5 * len(sentence)


class Echoes:
    """`echoes(citation)`: whether a quote from a source that is not commentary repeats a sentence of a
    commentary source in the workspace (same numbers, most of the same words)."""

    def __init__(self, sources: dict[str, Source], documents: dict):
        self.sources = sources
        self.sentences = [(sid, _content(s)) for sid, doc in documents.items()
                          if sid in sources and sources[sid].type == COMMENTARY
                          for s in re.split(r"(?<=[.!?])\s+", doc.text)]
        self._seen: dict[tuple[str, str], str | None] = {}

    def __call__(self, citation) -> bool:
        return self.of(citation) is not None

    def of(self, citation) -> str | None:
        """The id of the commentary whose text the quote repeats, or None."""
        src = self.sources.get(citation.source)
        if src is None or src.type == COMMENTARY or not self.sentences:
            return None
        key = (citation.source, citation.quote)
        if key not in self._seen:
            words = _content(citation.quote)
            self._seen[key] = next((sid for sid, s in self.sentences if _repeats(words, s)), None)
        return self._seen[key]


def names_its_source(record: Record, sources: dict[str, Source], text: str | None = None) -> bool:
    """Whether the record's own text says whose view it is: 'an undated commentary says…',
    'according to …', or the commentary's author, publisher or title."""
    text = (record.text if text is None else text).casefold().split(";")[0]
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


COMPOSED = ("agreements", "support")
"""Lists the built-in templates tell in sentences of their own (`agreements_sentence`,
`support_sentence`), which say whose view they are (`voiced`): the records' texts are not printed."""


def attribution_warnings(brief: Brief, sources: dict[str, Source], at, echoes=None) -> list[Problem]:
    """Records that rest only on commentary and read as the brief's own statement, wherever they are
    printed (summary, key facts, body, tables, chronology). `at(path)` locates a record path."""
    found: list[Problem] = []
    boxed = {path: name for path, name, _ in key_fact_records(brief)}
    for loc, record in iter_records(brief):
        if not rests_only_on_commentary(record, sources, echoes):
            continue
        ids = _support(record, sources, echoes)
        if loc in boxed:
            found.append(Problem(at(loc + ("id",)),
                                 f"'{record.id}' rests only on commentary ({ids}): the key-facts box "
                                 f"({boxed[loc]}) leaves it out; cite an official or news source to show it there"))
        if names_its_source(record, sources) or (len(loc) > 1 and loc[1] in COMPOSED):
            continue
        if loc[0] == "summary":
            found.append(Problem(at(loc + ("id",)),
                                 f"summary point '{record.id}' rests only on commentary ({ids}) and reads "
                                 "as the brief's own statement: say whose view it is in the text (\"An undated "
                                 "commentary says …\"), cite an official or news source, or move it out of the summary"))
        elif loc not in boxed:
            found.append(Problem(at(loc + ("id",)),
                                 f"'{record.id}' rests only on commentary ({ids}) and its text reads as the brief's own "
                                 "statement: say whose view it is in the text (\"An undated commentary says …\"), or "
                                 "cite an official or news source; the chronology leaves it out until then"))
    return found


def voiced(records, sentence: str, sources: dict[str, Source], echoes=None) -> str:
    """A sentence the templates compose from records, with whose view it is when every record rests only
    on commentary: "According to an undated commentary, three memoranda …"."""
    records = list(records)
    if not records or not all(rests_only_on_commentary(r, sources, echoes) for r in records):
        return sentence
    first, _, rest = sentence.partition(" ")
    if first.lower() in STOP_WORDS or first.lower() in _SENTENCE_STARTS:
        first = first.lower()
    undated = all(sources[c.source].date == "undated" for r in records for c in r.sources if c.source in sources)
    return f"According to {'an undated' if undated else 'a'} commentary, {first} {rest}".rstrip()


_SENTENCE_STARTS = frozenset("""one two three four five six seven eight nine ten several many some both each
since""".split())


def factbase_warnings(fb) -> list[Problem]:
    """Every attribution warning of a loaded fact base: untyped sources, then each brief's."""
    from briefgen.workspace import SOURCES_FILE

    sources_doc = fb.docs.get(SOURCES_FILE)
    found = untyped_sources(fb.sources.values(), sources_doc.at if sources_doc else lambda _p: Location(SOURCES_FILE))
    for brief_id in sorted(fb.briefs):
        rel = fb.brief_files[brief_id]
        doc = fb.docs.get(rel)
        if fb.echoes is None:
            fb.echoes = Echoes(fb.sources, fb.documents)
        found += attribution_warnings(fb.briefs[brief_id], fb.sources, doc.at if doc else lambda _p, r=rel: Location(r),
                                      fb.echoes)
    return found + workspace_disagreements(fb)


def untyped_sources(sources: Iterable[Source], at) -> list[Problem]:
    """Sources without a `type`: the brief cannot tell its readers what weight they carry."""
    return [Problem(at(("sources", i, "id")),
                    f"source '{s.id}' has no type: add `type: official`, `news`, `research` or `commentary` so that "
                    "statements resting only on commentary can be attributed")
            for i, s in enumerate(sources) if s.type is None]


def _ids(record: Record, sources: dict[str, Source]) -> str:
    ids = dict.fromkeys(c.source for c in record.sources if c.source in sources)
    return ", ".join(f"source '{i}'" for i in ids)


def _support(record: Record, sources: dict[str, Source], echoes) -> str:
    """"source 'a'" or "source 'a'; 'b' only repeats its text" for a record resting only on commentary."""
    own = dict.fromkeys(c.source for c in record.sources if c.source in sources and sources[c.source].type == COMMENTARY)
    said = [f"source '{i}'" for i in own]
    for c in record.sources:
        of = echoes.of(c) if echoes is not None and c.source not in own else None
        if of is not None:
            said.append(f"'{c.source}' only repeats the text of " + ("the commentary" if of in own else f"commentary '{of}'"))
    return "; ".join(dict.fromkeys(said))
