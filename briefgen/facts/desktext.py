"""Desk text: the judgements a desk writes into a meeting brief, and the two rules it keeps.

A figure or date inside desk text comes only through a placeholder, `{record-id}` or
`{record-id.field}`, which the meeting brief prints as the sourced value with its note
(docs/meetings.md). `typed_figures` finds what a desk typed instead: digits, amounts, dates and
spelled-out numbers. `{{` and `}}` stand for literal braces.

This module parses and finds; it knows nothing of records or files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `{id}` or `{id.field}`; ids are lower-case letters, digits and hyphens (schema.Id)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PLACEHOLDER = re.compile(r"\s*([a-z0-9][a-z0-9-]*)(?:\.([a-z_]+))?\s*")


@dataclass(frozen=True)
class Placeholder:
    record: str
    field: str | None  # None: the record's own figure
    start: int  # where it stands in the text
    end: int

    @property
    def written(self) -> str:
        return "{" + self.record + (f".{self.field}" if self.field else "") + "}"


@dataclass(frozen=True)
class Malformed:
    """Braces that are not a placeholder (`{Trade figure}`, a lone `{`)."""

    text: str
    start: int


Piece = str | Placeholder


def parse(text: str) -> tuple[list[Piece], list[Malformed]]:
    """Desk text -> its literal pieces and placeholders, in order, and what could not be read."""
    pieces: list[Piece] = []
    bad: list[Malformed] = []
    at = 0
    literal = []
    for m in _TOKEN.finditer(text):
        literal.append(text[at:m.start()])
        at = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        inner = m.group(1)
        found = _PLACEHOLDER.fullmatch(inner) if inner is not None else None
        if found is None:
            bad.append(Malformed(token, m.start()))
            literal.append(token)
            continue
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(Placeholder(found.group(1), found.group(2), m.start(), m.end()))
    literal.append(text[at:])
    if "".join(literal):
        pieces.append("".join(literal))
    return [p for p in pieces if p != ""], bad


# --- figures typed into desk text ------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_SPELLED = ("three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
            "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
            "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands",
            "million", "millions", "billion", "billions", "trillion", "dozen", "dozens", "lakh", "crore",
            "half", "percent", "per cent",
            # ordinals from third up: "the third round" is a figure as "3rd" is ("first", "second" are not)
            "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
            "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
            "twentieth", "thirtieth", "fortieth", "fiftieth", "hundredth", "thousandth")
_FIGURE = re.compile(
    # an amount: a currency sign or code before a number
    r"(?P<amount>(?:US\$|[$€£¥₹₸]|\b(?:USD|EUR|GBP|PKR|KZT|Rs\.?)\s?)\s?\d[\d,.]*(?:[a-z]{1,3}\b)?)"
    # digits, with what a figure carries after it (1bn, 15th, 40m, 12%); digits after letters or a
    # hyphen are part of a name (G20, EXPO-2017, COP29, CO2)
    r"|(?P<number>(?<![\w-])\d[\d,.]*(?:\s?%|[a-z]{1,3}\b)?)"
    r"|(?P<fraction>[\u00bc-\u00be\u2150-\u215e])"
    # a month: a date typed in words ("in December", "15 March")
    r"|(?P<month>\b(?:" + "|".join(MONTHS) + r")\b)"
    # an abbreviated month with its stop ("Dec."), a quarter ("Q3"): dates too
    r"|(?P<abbreviated>\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.|\bQ[1-4]\b)"
    r"|(?P<spelled>\b(?:" + "|".join(_SPELLED) + r")(?:-\w+)?\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypedFigure:
    text: str
    kind: str  # amount, number, date, spelled number
    start: int


def typed_figures(text: str) -> list[TypedFigure]:
    """Numbers, amounts, dates and spelled-out numbers written into desk text outside placeholders."""
    masked = list(text)
    for m in _TOKEN.finditer(text):  # placeholders and escaped braces are not typed text
        masked[m.start():m.end()] = " " * (m.end() - m.start())
    masked = "".join(masked)
    found: list[TypedFigure] = []
    for m in _FIGURE.finditer(masked):
        kind, word = m.lastgroup, m.group()
        if kind == "month":
            # a month is written with a capital; "May" also opens sentences ("May we ...")
            if not word[0].isupper() or (word == "May" and _opens_sentence(masked, m.start())):
                continue
            kind = "date"
        elif kind == "spelled":
            kind = "spelled number"
        elif kind == "fraction":
            kind = "number"
        elif kind == "abbreviated":
            if not word[0].isupper():
                continue
            kind = "date"
        found.append(TypedFigure(word.rstrip(".,"), kind, m.start()))
    return found


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:;\"“("
