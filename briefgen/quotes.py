"""Does a cited document contain a quote? Compared after folding typography and whitespace."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Normalise what a copy-paste changes: Unicode form, curly quotes, dashes, whitespace."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


class Document:
    """A source document's text, folded once so that many quotes can be checked cheaply."""

    def __init__(self, text: str):
        self.folded = fold(text)

    def contains(self, quote: str) -> bool:
        needle = fold(quote)
        return bool(needle) and needle in self.folded
