"""Write a complete, valid workspace from a brief given as Python data: the brief's YAML, the two
registries, and one seed document per source that holds every quote the brief cites from it.

A record's `sources` may be left out: it then cites the first source with its own `text` as the
quote, so the seed document really contains what the record says (and every value in it).
"""

from __future__ import annotations

from pathlib import Path

import yaml

COUNTRIES = [
    {"code": "PK", "iso3": "PAK", "name": "Pakistan", "adjective": "Pakistani"},
    {"code": "KZ", "iso3": "KAZ", "name": "Kazakhstan", "adjective": "Kazakh"},
    {"code": "UZ", "iso3": "UZB", "name": "Uzbekistan", "adjective": "Uzbek"},
]


def source(id: str, date: str = "2026-02-04", **fields) -> dict:
    return {"id": id, "label": f"Report {id}", "kind": "news report", "date": date,
            "file": f"seeds/{id}.txt", **fields}


def with_quotes(value, default_source: str):
    """Every record (a dict with `text`) without `sources` cites `default_source` with its text."""
    if isinstance(value, dict):
        out = {k: with_quotes(v, default_source) for k, v in value.items()}
        if "text" in out and "id" in out and "sources" not in out:
            out["sources"] = [{"source": default_source, "quote": out["text"]}]
        return out
    if isinstance(value, list):
        return [with_quotes(v, default_source) for v in value]
    return value


def write_workspace(root: Path, brief: dict, sources: list[dict] | None = None, settings: str = "") -> Path:
    sources = sources or [source("report")]
    brief = with_quotes({"id": "pk-kz", "title": "Pakistan–Kazakhstan: brief", "subject": "Test brief",
                         "countries": ["PK", "KZ"], **brief}, sources[0]["id"])
    quotes: dict[str, list[str]] = {s["id"]: [] for s in sources}
    _collect_quotes(brief, quotes)
    (root / "data/briefs").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(exist_ok=True)
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)  # noqa: E731
    (root / "data/briefs" / f"{brief['id']}.yaml").write_text(dump(brief), encoding="utf-8")
    (root / "data/countries.yaml").write_text(dump({"countries": COUNTRIES}), encoding="utf-8")
    (root / "data/sources.yaml").write_text(dump({"sources": sources}), encoding="utf-8")
    for s in sources:
        (root / s["file"]).write_text("\n\n".join(quotes[s["id"]]) + "\n", encoding="utf-8")
    if settings:
        (root / "briefgen.toml").write_text(settings, encoding="utf-8")
    return root


def _collect_quotes(value, quotes: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for c in value.get("sources", []) if "text" in value else []:
            quotes[c["source"]].append(c["quote"])
        for v in value.values():
            _collect_quotes(v, quotes)
    elif isinstance(value, list):
        for v in value:
            _collect_quotes(v, quotes)
