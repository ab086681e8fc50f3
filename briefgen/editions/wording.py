"""A record's stored values in the brief's own terms: dates as the brief writes them, amounts with
their currency and unit, counts with their qualifier, countries by name."""

from __future__ import annotations

from briefgen.render.cldr import format_partial_date
from briefgen.editorial.context import format_amount

COUNTRY_FIELDS = {"country", "supporter", "supported", "exporter", "importer", "host", "origin", "owner", "members"}
DATE_FIELDS = {"date", "period", "since", "term"}
MONEY_FIELDS = {"value", "low", "high", "currency", "unit"}

# What the diff calls a record of each place in the fact base ('meetings' -> 'contact').
KINDS = {
    "summary": "point", "recognition": "recognition", "established": "establishment of relations",
    "relations": "statement", "meetings": "contact", "points": "point from a contact", "institutions": "institution",
    "agreements": "agreement", "memberships": "membership", "cooperation": "statement", "support": "act of support",
    "volumes": "trade figure", "goals": "trade goal", "flows": "trade flow", "potential": "statement",
    "connectivity": "connectivity item", "exhibitions": "exhibition", "training": "training figure",
    "exercises": "exercise", "diaspora": "diaspora figure", "other": "statement", "policies": "policy frame",
    "outlook": "outlook statement",
}

_PLURALS = {"establishment of relations": "establishments of relations",
            "act of support": "acts of support", "point from a contact": "points from contacts",
            "policy": "policies"}


def kind_noun(kind: str, n: int = 1) -> str:
    noun = KINDS.get(kind, "record")
    if n == 1:
        return noun
    return _PLURALS.get(noun, noun + "s")


def _country(code, names: dict[str, str]) -> str:
    return {"both": "both", "each other": "each other"}.get(code) or names.get(code, str(code))


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def shown_values(values: dict, names: dict[str, str], locale: str) -> dict[str, str]:
    """Field label -> the value as the brief words it, for every value a record carries; amounts are
    one entry ('amount' or 'goal'), as the brief prints them."""
    out: dict[str, str] = {}
    money = {k: values[k] for k in MONEY_FIELDS if k in values}
    if "value" in money:
        out["amount"] = _amount(money["value"], money, locale)
    elif "high" in money:
        low = f"{_amount(money['low'], money, locale)} to " if money.get("low") is not None else ""
        out["goal"] = low + _amount(money["high"], money, locale)
    for name, value in values.items():
        if name in MONEY_FIELDS:
            continue
        if name in DATE_FIELDS:
            out[name] = _date(value, locale)
        elif name == "count":
            qualifier = values.get("count_qualifier", "exactly")
            out["count"] = ("" if qualifier == "exactly" else qualifier + " ") + f"{value:,}"
        elif name == "count_qualifier":
            continue
        elif name in COUNTRY_FIELDS:
            items = value if isinstance(value, list) else [value]
            out[name] = ", ".join(_country(c, names) for c in items) or "none"
        elif name == "participants":
            out[name] = "; ".join(f"{p.get('name')}, {p.get('title')} ({_country(p.get('country'), names)})"
                                  if isinstance(p, dict) else str(p) for p in value) or "none"
        elif isinstance(value, list):
            out[name] = ", ".join(str(v) for v in value) or "none"
        else:
            out[name] = _number(value)
    return out


def _amount(value, money: dict, locale: str) -> str:
    try:
        return format_amount(value, money.get("currency", ""), money.get("unit", ""), locale)
    except Exception:  # a manifest edited by hand: show it as stored
        return f"{money.get('currency', '')} {_number(value)} {money.get('unit', '')}".strip()


def _date(value, locale: str) -> str:
    try:
        return format_partial_date(value, locale)
    except Exception:  # not a date the filter knows (a manifest edited by hand)
        return str(value)


def date_words(value, locale: str) -> str:
    return _date(value, locale) if value else ""
