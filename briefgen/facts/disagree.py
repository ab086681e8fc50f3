"""Sources that disagree: another source in the workspace gives a different figure for the same thing
a record prints, and who said what when a record names outlets.

A figure is a number and what it counts, read sentence by sentence: "37 agreements", "thirty-seven
agreements and memoranda", "36 accords" and "37 documents" all count agreements (`COUNTED`). Two
figures are about the same thing when they count the same noun and the other source's sentence is
tied to the record's event: it names the record's place, or its source is dated within the event's
days and the two days after (news of a visit is published the day it happens or the next). A
qualified figure that the printed one satisfies ("more than 30" beside 37) does not disagree.

A record acknowledges a disagreement with `also_reported:` (the other source and its quote); `check`
then stays quiet about that source and the built-in templates say it once ("One report gives 36.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from briefgen.dates import first_day, last_day
from briefgen.errors import Location, Problem
from briefgen.facts.quotes import SourceText, fold
from briefgen.facts.schema import Brief, Record, Source, iter_records
from briefgen.facts.statements import STOP_WORDS, THE_PAIR, Stated, read_dates, read_numbers

COUNTED = {
    "agreement": "agreements", "accord": "agreements", "deal": "agreements", "document": "agreements",
    "memorandum": "agreements", "memoranda": "agreements", "mou": "agreements", "pact": "agreements",
    "instrument": "agreements", "treaty": "agreements", "treaties": "agreements",
}
"""Nouns that count the same thing, by their singular: news calls a signed text an agreement, an
accord, a deal or a document."""

_SKIP = frozenset("""new more other bilateral intergovernmental interagency inter-governmental key major important
separate different several additional further signed and interagency inter-agency""".split())
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])|\s*\n\s*")
SETTLE_DAYS = 2  # news of an event is dated the day it happens or up to two days later


@dataclass(frozen=True)
class Figure:
    value: float
    qualifier: str  # exactly, more than, at least, about
    noun: str  # what it counts, e.g. "agreements"
    phrase: str  # as written: "thirty-seven agreements"
    sentence: str
    line: int  # in the source file (1-based); 0 for a record's own text


def _singular(word: str) -> str:
    word = word.lower()
    if word in COUNTED:
        return word
    for end, repl in (("ies", "y"), ("s", "")):
        if word.endswith(end) and len(word) > 3:
            return word[: -len(end)] + repl
    return word


@lru_cache(maxsize=8192)
def figures(sentence: str, line: int = 0) -> tuple[Figure, ...]:
    """The counts a sentence gives, each with the noun it counts (amounts and years are not counts).
    Remembered per sentence (the result is immutable): the preview reads every quote on each save."""
    text = fold(sentence)
    out = []
    dates = read_dates(text, Stated(text))
    for n in read_numbers(text):
        if any(s <= n.start < e for s, e in dates):
            continue  # "3-4 February 2026"
        if n.currency or n.absolute is not None or THE_PAIR.match(text, n.start) or re.fullmatch(r"[12]\d{3}", text[n.start:n.end]):
            continue
        if text[n.end:n.end + 1] in (".", ")", ":", "-", "%"):
            continue  # a list number ("3."), a compound ("two-day"), a percentage
        words = _WORD.findall(text[n.end:n.end + 60])[:4]
        at = next((i for i, w in enumerate(words) if w.lower() not in _SKIP), None)
        if at is None or words[at][0].isdigit() or words[at].lower() in STOP_WORDS:
            continue
        noun = COUNTED.get(_singular(words[at]), _singular(words[at]))
        out.append(Figure(n.value, n.qualifier, noun, f"{n.phrase} {' '.join(words[:at + 1])}", text, line))
    return tuple(out)


def agrees(printed: Figure, other: Figure) -> bool:
    """Whether `other` is consistent with the printed figure: the same number, or a qualified one
    the printed number satisfies ("more than 30" beside 37)."""
    if other.value == printed.value and other.qualifier == printed.qualifier:
        return True
    if printed.qualifier != "exactly":  # "more than 30" is what another report's 37 says too
        return other.value == printed.value or other.qualifier == "exactly" and agrees(other, printed)
    if other.qualifier in ("more than",):
        return printed.value > other.value
    if other.qualifier == "at least":
        return printed.value >= other.value
    if other.qualifier == "about":
        return abs(printed.value - other.value) <= 0.1 * max(other.value, 1)
    return other.value == printed.value


@dataclass(frozen=True)
class SourceFigures:
    source: Source
    figures: tuple[Figure, ...]


def read_sources(sources: dict[str, Source], documents: dict[str, SourceText]) -> list[SourceFigures]:
    """Every figure of every source text, with its line: read once per check."""
    out = []
    for sid, doc in documents.items():
        found: list[Figure] = []
        for number, line in enumerate(doc.text.splitlines(), 1):
            for sentence in _SENTENCE.split(line):
                if sentence.strip():
                    found += figures(sentence, number)
        if found and sid in sources:  # a sentence of the body before a headline: it is the one to quote
            found.sort(key=lambda f: (not f.sentence.rstrip().endswith((".", '"')), f.line))
            out.append(SourceFigures(sources[sid], tuple(found)))
    return out


def _event(record: Record, meeting, sources: dict[str, Source]) -> tuple[str | None, str | None]:
    """(when, where) the record's event is: its date, else its meeting's, else its sources' dates."""
    when = record.date or (meeting.date if meeting is not None else None)
    where = getattr(record, "place", None) or (getattr(meeting, "place", None) if meeting is not None else None)
    if when is None:
        dated = sorted({sources[c.source].date for c in record.sources
                        if c.source in sources and sources[c.source].date != "undated"})
        if dated:
            when = f"{dated[0]}/{dated[-1]}" if len(dated) > 1 else dated[0]
    return when, where


_SAME = {f: "sign" for f in """sign signs signed signing ink inks inked inking exchange exchanges exchanged exchanging
conclude concludes concluded concluding seal seals sealed sealing""".split()}
"""Verbs news uses for the same act: agreements are signed, inked, exchanged, concluded or sealed."""


def _stem(word: str) -> str:
    if word in _SAME:
        return _SAME[word]
    for end in ("ing", "ed", "es", "s"):
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def _words(text: str) -> set[str]:
    """Lower-case words of a text that say what happened ("signed", "visit"), by their stem: not names,
    numbers or common words."""
    return {_stem(w) for w in _WORD.findall(text) if w.islower() and len(w) > 2 and w not in STOP_WORDS}


def _clause(figure: Figure) -> str:
    """The part of a sentence a figure stands in: "38 trained …; four educated …" are two things."""
    at = figure.sentence.find(figure.phrase)
    start = figure.sentence.rfind(";", 0, max(at, 0)) + 1
    end = figure.sentence.find(";", at + len(figure.phrase)) if at >= 0 else -1
    return figure.sentence[start:end if end != -1 else None]


def about_the_same(mine: Figure, other: Figure) -> bool:
    """The same counted noun, and the two clauses share a word that says what happened."""
    if mine.noun != other.noun:
        return False
    noun = _words(mine.phrase.lower()) | _words(other.phrase.lower())
    return bool((_words(_clause(mine)) & _words(_clause(other))) - noun)


def _tied(other: Figure, source: Source, when: str | None, where: str | None) -> bool:
    if where and re.search(rf"(?<![^\W_]){re.escape(where)}(?![^\W_])", other.sentence):
        return True
    if when is None or source.date == "undated" or source.date.count("-") != 2:
        return False
    day = first_day(source.date)
    return first_day(when) <= day <= last_day(when) + timedelta(days=SETTLE_DAYS)


def _line_of(quote: str, doc: SourceText | None) -> int | None:
    if doc is None:
        return None
    needle = fold(quote)[:40]
    for number, line in enumerate(doc.text.splitlines(), 1):
        if needle and needle in fold(line):
            return number
    return None


def disagreements(brief: Brief, sources: dict[str, Source], documents: dict[str, SourceText], at,
                  read: list[SourceFigures] | None = None) -> list[Problem]:
    """A warning at each record that prints a figure another source gives differently, unless the
    record acknowledges that source in `also_reported`."""
    read = read_sources(sources, documents) if read is None else read
    found: list[Problem] = []
    meeting = None
    for loc, record in iter_records(brief):
        if "participants" in type(record).model_fields:
            meeting = record
        in_meeting = meeting if "points" in loc else None
        if loc and loc[0] == "summary":
            in_meeting = None
        printed = [f for field in ("text", "label") for f in figures(getattr(record, field) or "")]
        if not printed:
            continue
        when, where = _event(record, in_meeting or (record if "participants" in type(record).model_fields else None), sources)
        acknowledged = {c.source for c in record.also_reported}
        own = {c.source for c in record.sources}
        seen: set[tuple] = set()
        for mine in printed:
            support = next((c for c in record.sources if any(
                f.noun == mine.noun and f.value == mine.value for f in figures(c.quote))), None)
            for sf in read:
                sid = sf.source.id
                if sid in acknowledged:
                    continue
                for other in sf.figures:
                    if not about_the_same(mine, other) or agrees(mine, other) or not _tied(other, sf.source, when, where):
                        continue
                    if (sid, other.value, mine.value) in seen:
                        continue
                    seen.add((sid, other.value, mine.value))
                    ours = ""
                    if support is not None:
                        line = _line_of(support.quote, documents.get(support.source))
                        file = sources[support.source].file if support.source in sources else support.source
                        ours = f" as '{support.source}' does ({file}{f' line {line}' if line else ''})"
                    cited = " (a source it cites)" if sid in own else ""
                    found.append(Problem(at(loc + ("id",)), (
                        f"'{record.id}' prints {mine.phrase}{ours}; '{sid}'{cited} gives {other.phrase} "
                        f"({sf.source.file} line {other.line}: \"{other.sentence}\"): check which is right, and "
                        f"acknowledge the other with `also_reported:` (source: {sid}, quote: the sentence) so the brief "
                        "says so")))
    return found


def reported(record: Record) -> list[tuple[str, str]]:
    """What `also_reported` gives for the figures the record prints: (source id, figure as written,
    e.g. "36"), one per source whose quote counts the same thing differently."""
    printed = [f for field in ("text", "label") for f in figures(getattr(record, field) or "")]
    out = []
    for c in record.also_reported:
        for other in figures(c.quote):
            mine = next((f for f in printed if f.noun == other.noun), None)
            if mine is not None and not agrees(mine, other):
                qualifier = "" if other.qualifier == "exactly" else other.qualifier + " "
                value = f"{other.value:,.0f}" if other.value == int(other.value) else f"{other.value:,}"
                out.append((c.source, qualifier + value))
                break
    return out


# --- attributions that name outlets ------------------------------------------------------------------


def outlet_names(sources: dict[str, Source]) -> dict[str, set[str]]:
    """Each outlet name (publisher, author) a text could cite -> the ids of its sources."""
    names: dict[str, set[str]] = {}
    for s in sources.values():
        for name in (s.publisher, s.author):
            if name and len(name) > 1:
                names.setdefault(name, set()).add(s.id)
    return names


_CLAUSE = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\. ")


def attribution_problems(brief: Brief, sources: dict[str, Source], at) -> list[Problem]:
    """An outlet a record's text names ("according to PTI") must be one the record cites; a figure in
    the clause that names it must be in that outlet's quotes ("WE News reported 36")."""
    names = outlet_names(sources)
    if not names:
        return []
    found: list[Problem] = []
    for loc, record in iter_records(brief):
        text = fold(record.text)
        cited = {c.source for c in record.sources} | {c.source for c in record.also_reported}
        quotes_of: dict[str, list[str]] = {}
        for c in list(record.sources) + list(record.also_reported):
            quotes_of.setdefault(c.source, []).append(c.quote)
        for clause in _CLAUSE.split(text):
            named = [n for n in names if re.search(rf"(?<![^\W_]){re.escape(n)}(?![^\W_])", clause)]
            for name in named:
                mine = names[name] & cited
                if not mine:
                    found.append(Problem(at(loc + ("text",)), (
                        f"text: names {name}, but the record cites no source from {name} "
                        f"(it cites {', '.join(sorted(cited))}): cite the {name} report, or do not name it")))
                    continue
                said = [n for sid in mine for q in quotes_of.get(sid, ()) for n in _numbers(q)]
                for n in _numbers(clause):
                    if not any(m.value == n.value for m in said):
                        found.append(Problem(at(loc + ("text",)), (
                            f"text: gives {n.phrase} as {name}'s figure, but the quotes from {name} do not say it"
                            + (f" (they say {', '.join(dict.fromkeys(m.phrase for m in said))})" if said else ""))))
    return found


def _numbers(text: str):
    """The numbers a text gives, without those of dates and years."""
    text = fold(text)
    dates = read_dates(text, Stated(text))
    return [n for n in read_numbers(text) if not any(s <= n.start < e for s, e in dates)
            and not THE_PAIR.match(text, n.start) and not re.fullmatch(r"[12]\d{3}", text[n.start:n.end])]


def workspace_disagreements(fb) -> list[Problem]:
    """The disagreement warnings of every brief of a loaded fact base."""
    read = read_sources(fb.sources, fb.documents)
    found: list[Problem] = []
    for brief_id in sorted(fb.briefs):
        rel = fb.brief_files[brief_id]
        doc = fb.docs.get(rel)
        at = doc.at if doc else (lambda _p, r=rel: Location(r))
        found += disagreements(fb.briefs[brief_id], fb.sources, fb.documents, at, read)
    return found
