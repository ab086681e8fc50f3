"""Does a cited document contain a quote? Compared after folding typography and whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
        # invisible: a zero-width space inside "3\u200b8" prints as 38 and must read as 38
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Normalise what a copy-paste changes: Unicode form, curly quotes, dashes, whitespace."""
    return _fold_remembered(text) if len(text) <= _REMEMBERED_LENGTH else _fold(text)


# A rebuild folds the same quotes and sentences again, a thousand times: those are remembered. A whole
# source document is folded once per build (`SourceText`) and not kept, so edits to long documents in
# a preview that runs all day cannot fill memory.
_REMEMBERED_LENGTH = 2000


def _fold(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


_fold_remembered = lru_cache(maxsize=4096)(_fold)


class SourceText:
    """A source document's text, folded once so that many quotes can be checked cheaply."""

    def __init__(self, text: str):
        self.text = text  # as in the file, for the line of the nearest passage when a quote is not found
        self.folded = fold(text)

    def contains(self, quote: str) -> bool:
        """True when the quote occurs without cutting a word or number short at either end."""
        needle = fold(quote)
        if not needle:
            return False
        hay = self.folded
        start = hay.find(needle)
        while start != -1:
            end = start + len(needle)
            cut_before = needle[0].isalnum() and start > 0 and hay[start - 1].isalnum()
            cut_after = needle[-1].isalnum() and end < len(hay) and hay[end].isalnum()
            if not (cut_before or cut_after):
                return True
            start = hay.find(needle, start + 1)
        return False
