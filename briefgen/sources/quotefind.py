"""`briefgen quote`: find the sentences of a source that contain a few words, ready to cite.

The search folds text the way `check` compares quotes (`quotes.fold`) and also ignores letter
case; a word matches at the start of a word ('minister' finds 'Ministers', not 'administer').
Each hit is a whole sentence exactly as the source writes it (only line breaks become spaces),
so pasted as a quote it passes `check`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BriefgenError, InvalidInput, Location, Problem
from briefgen.workspace import SOURCES_FILE
from briefgen.facts.quotes import fold


@dataclass(frozen=True)
class Hit:
    source: str
    file: str  # workspace-relative
    line: int  # where the sentence starts, 1-based
    sentence: str

    def citation(self) -> str:
        """The hit as a `sources:` item to paste under a record (JSON strings are valid YAML)."""
        return f"- source: {self.source}\n  quote: {json.dumps(self.sentence, ensure_ascii=False)}"


def find(workspace: Path, source_id: str | None, words: list[str]) -> tuple[list[Hit], list[str]]:
    """Sentences of one source (or every source when `source_id` is None) containing all `words`;
    and the sources that could not be read (with --all a broken one does not stop the search)."""
    needles = [n for n in (fold(w).casefold() for w in words) if n]
    if not needles:
        raise BriefgenError("give one or more words to look for")
    patterns = [re.compile(r"(?<!\w)" + re.escape(n)) for n in needles]
    sources = _registered(workspace)
    if source_id is not None:
        if source_id not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise BriefgenError(f"no source '{source_id}' in {SOURCES_FILE} (sources: {known})")
        sources = {source_id: sources[source_id]}
    hits: list[Hit] = []
    unreadable: list[str] = []
    for sid, rel in sources.items():
        try:
            text = _read(workspace, rel)
        except BriefgenError as exc:
            if source_id is not None:
                raise
            unreadable.append(str(exc))
            continue
        for line, sentence in sentences(text):
            folded = fold(sentence).casefold()
            if all(p.search(folded) for p in patterns):
                hits.append(Hit(sid, rel, line, sentence))
    return hits, unreadable


def _registered(workspace: Path) -> dict[str, str]:
    """Source id -> file, from data/sources.yaml as validated by the schema."""
    from briefgen.files.root import Root
    from briefgen.facts.schema import SourcesFile
    from briefgen.facts.validate import validate
    from briefgen.files.yamlfile import load_yaml

    path = workspace / SOURCES_FILE
    if not path.is_file():
        raise BriefgenError(f"no {SOURCES_FILE} here: run this in a workspace folder, or give it with --workspace",
                            Location(SOURCES_FILE))
    doc, problems = load_yaml(path, SOURCES_FILE, Root.of_workspace(workspace))
    if doc is not None and not problems:
        model, problems = validate(SourcesFile, doc)
        if model is not None and not problems:
            return {s.id: s.file for s in model.sources}
    raise InvalidInput(problems or [Problem(Location(SOURCES_FILE), "cannot read file")])


def _read(workspace: Path, rel: str) -> str:
    """A source's text through the workspace's door (inside it, an ordinary file, size-capped)."""
    from briefgen.files.root import FileRefused, Root, printable

    name = printable(rel)
    try:
        return Root.of_workspace(workspace).read_text(rel, "source", Location(name), what=f"source file '{name}'")
    except FileRefused as exc:
        raise BriefgenError(exc.message, exc.location) from None
    except UnicodeDecodeError:
        raise BriefgenError(f"source file '{name}' is not valid UTF-8", Location(name)) from None


# --- sentences ------------------------------------------------------------------------------

# A line that ends without closing punctuation continues on the next when that begins in lower
# case, or, in hard-wrapped text (PDF text comes so), when the line is nearly as wide as the
# text's lines are: a short line without a full stop is a heading.
_ENDS_SENTENCE = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_WRAPPED_WIDTH = 200  # text whose long lines are no wider than this is hard-wrapped
# A sentence ends at . ! ? (and closing quotes or brackets) before a space and a capital, digit or
# opening quote; not after a common abbreviation or an initial ('Mr. Khan', 'J. Smith', 'U.S. aid').
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "gen", "col", "lt", "capt", "maj", "sgt", "rev", "hon",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "inc",
    "ltd", "co", "corp", "dept", "govt", "art", "para", "fig", "vol", "pp", "approx", "est",
}


def sentences(text: str) -> list[tuple[int, str]]:
    """Each sentence of `text` with the line it starts on. Blank lines always end a sentence."""
    out: list[tuple[int, str]] = []
    lines = text.split("\n")
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    width = widths[int(len(widths) * 0.9)] if widths else 0
    wrap_at = 0.6 * width if width <= _WRAPPED_WIDTH else None
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        parts = [lines[i].strip()]
        while i + 1 < len(lines) and lines[i + 1].strip() and _continues(lines[i].strip(), lines[i + 1].strip(), wrap_at):
            i += 1
            parts.append(lines[i].strip())
        i += 1
        out += _split(parts, start)
    return out


def _continues(line: str, following: str, wrap_at: float | None) -> bool:
    if _ENDS_SENTENCE.search(line):
        return False
    return following[0].islower() or (wrap_at is not None and len(line) >= wrap_at)


def _split(parts: list[str], first_line: int) -> list[tuple[int, str]]:
    """Split a run of joined lines into sentences, each with its starting line (1-based)."""
    unit = " ".join(parts)
    starts, offset = [], 0  # the character offset of each line within `unit`
    for part in parts:
        starts.append(offset)
        offset += len(part) + 1
    cuts = [0]
    for m in _BOUNDARY.finditer(unit):
        before = unit[max(0, m.start() - 64): m.start()].rstrip("\"'”’)]")  # the last word is enough
        last_word = re.search(r"(\S+)$", before)
        token = last_word.group(1) if last_word else ""
        bare = token.rstrip(".!?…").lower()
        if token.endswith(".") and (bare in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare)):
            continue
        cuts.append(m.end())
    cuts.append(len(unit))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        sentence = unit[a:b].strip()
        if sentence:
            line = first_line + bisect_right(starts, a)  # linear in the text, not lines × sentences
            out.append((line, sentence))
    return out
