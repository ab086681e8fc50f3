"""Help for a mistyped name: "did you mean", and the passage of a source nearest a quote.

Both only run when something is already wrong, so they may take a little longer than the checks
themselves; neither is consulted on a fact base that passes.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from briefgen.facts.quotes import fold


def close_matches(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices nearest `word`, best first, compared without case."""
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=cutoff)
    return [by_lower[f] for f in found]


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """"did you mean 'x'?" for the nearest choice, or "" when none is near."""
    found = close_matches(word, choices, n=1, cutoff=cutoff)
    return f"did you mean '{found[0]}'?" if found else ""


# --- the passage of a source nearest a quote ---------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*|[^\w\s]")  # words, and each mark of punctuation


@dataclass(frozen=True)
class Passage:
    line: int  # 1-based line of the source file where the passage starts
    marked: str  # the passage, its words that differ from the quote in [brackets]
    wrote: list[str]  # the quote's words where the source differs ("" when the quote lacks words)
    has: list[str]  # the source's words there

    def describe(self, file: str) -> str:
        text = f"the nearest passage, {file} line {self.line}, is \"{self.marked}\""
        wrote = [w for w in self.wrote if w]
        if wrote:
            text += " — you wrote " + ", ".join(f'"{w}"' for w in wrote)
        elif self.has:
            text += " — the quote leaves out " + ", ".join(f'"{w}"' for w in self.has)
        return text


@lru_cache(maxsize=4)
def _tokens(source_text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """A source's tokens and their keys, made once per source: every wrong quote of a 19 MB
    source re-tokenised it (12 s each)."""
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(source_text)]
    return tokens, [_key(t) for _, t in tokens]


def nearest_passage(source_text: str, quote: str, context: int = 3) -> Passage | None:
    """The stretch of `source_text` most like `quote`, word by word, with the differences marked.

    A window as long as the quote slides over the source's words, scored by the words it shares
    with the quote (a running count, so a long source costs one pass); the best window is then
    aligned with the quote by difflib to mark what differs. None when no window shares a word."""
    tokens, words = _tokens(source_text)
    wanted = [_key(t) for t in _TOKEN.findall(fold(quote))]
    if not tokens or not wanted:
        return None
    need = Counter(wanted)
    size = min(len(wanted), len(words))
    have: Counter = Counter()
    shared = 0
    best, best_at = -1, 0
    for i, word in enumerate(words):
        have[word] += 1
        if have[word] <= need[word]:
            shared += 1
        if i >= size:
            old = words[i - size]
            if have[old] <= need[old]:
                shared -= 1
            have[old] -= 1
        if i >= size - 1 and shared > best:
            best, best_at = shared, i - size + 1
    if best <= 0:
        return None
    start, end = max(0, best_at - context), min(len(tokens), best_at + size + context)
    window = words[start:end]
    matcher = difflib.SequenceMatcher(a=wanted, b=window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size  # trim the context the quote does not reach
    # marked exactly: case and punctuation make a quote fail as surely as a wrong word
    span = tokens[start + first:start + last]
    quote_words = _TOKEN.findall(fold(quote))
    matcher = difflib.SequenceMatcher(a=quote_words, b=[fold(t) for _, t in span], autojunk=False)
    pieces, wrote, has = [], [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if b2 > b1:
            text = _between(source_text, span, b1, b2)
            pieces.append((b1, text if op == "equal" else f"[{text}]"))
            if op != "equal":
                has.append(text)
        if op != "equal":
            wrote.append(_join(quote_words[a1:a2]))
    marked = ""
    for b1, text in pieces:
        gap = source_text[span[b1 - 1][0] + len(span[b1 - 1][1]):span[b1][0]] if b1 else ""
        marked += (" " if gap else "") + text
    line = source_text.count("\n", 0, span[0][0]) + 1
    prefix = "…" if start + first > 0 else ""
    suffix = "…" if start + last < len(tokens) else ""
    return Passage(line, prefix + fold(marked) + suffix, wrote, has)


def _between(text: str, span: list[tuple[int, str]], b1: int, b2: int) -> str:
    """The source's own text from token b1 to token b2 (exclusive), spaces folded."""
    return fold(text[span[b1][0]:span[b2 - 1][0] + len(span[b2 - 1][1])])


def _join(words: list[str]) -> str:
    return re.sub(r" ([^\w\s])", r"\1", " ".join(words))


def _key(token: str) -> str:
    """A word as the window's score sees it: folded, in any case."""
    return fold(token).lower()
