"""Editions on disk: `editions/<brief>/<date>.json` (then `<date>-2.json`, …) in the workspace.

Written whole and never over another edition (`write_exclusive`: the complete file is linked to its
name, which fails when the name is taken, so two recorders at once get two names); read back through
the workspace's door (regular files only, size-capped). Meant to be committed with the fact base.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from briefgen.editions.record import FORMAT
from briefgen.errors import BriefgenError, InvalidInput, Location, OutputError, Problem, UsageError
from briefgen.files.output import safe_name, write_exclusive
from briefgen.files.root import FileRefused, Root

EDITIONS_DIR = "editions"
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?\.json")


@dataclass(frozen=True)
class Stored:
    path: str  # workspace-relative, as messages name it
    date: str
    number: int
    manifest: dict


def folder(workspace: Path, brief_id: str) -> Path:
    return workspace / EDITIONS_DIR / safe_name(brief_id)


def write_edition(workspace: Path, manifest: dict) -> Path:
    """Write the manifest as a new edition; returns its path."""
    target = folder(workspace, manifest["brief"])
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the editions folder: {exc.strerror or exc}", Location(str(target))) from None
    data = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return write_exclusive(target, manifest["date"], ".json", data)


def list_editions(workspace: Path, brief_id: str) -> list[Stored]:
    """The recorded editions of a brief, oldest first (by date, then number)."""
    root = Root.of_workspace(workspace)
    where = folder(workspace, brief_id)
    if not root.is_dir(where):
        return []
    found, problems = [], []
    for name in sorted(os.listdir(root.locate(where))):
        m = _NAME.fullmatch(name)
        if not m:
            continue
        rel = f"{EDITIONS_DIR}/{where.name}/{name}"
        try:
            manifest = _parse(root.read_bytes(where / name, "edition", Location(rel)), rel)
        except FileRefused as exc:
            problems.append(Problem(exc.location, exc.message))
            continue
        except InvalidInput as exc:
            problems += exc.problems
            continue
        found.append(Stored(rel, m.group(1), int(m.group(2) or 1), manifest))
    if problems:
        raise InvalidInput(problems)
    return sorted(found, key=lambda s: (s.date, s.number))


def briefs_with_editions(workspace: Path) -> list[str]:
    root = Root.of_workspace(workspace)
    base = workspace / EDITIONS_DIR
    if not root.is_dir(base):
        return []
    return sorted(n for n in os.listdir(root.locate(base)) if root.is_dir(base / n))


def _parse(data: bytes, rel: str) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput([Problem(Location(rel), "an edition must be UTF-8 text")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput([Problem(Location(rel, exc.lineno), f"not a readable edition: {exc.msg}")]) from None
    if not isinstance(manifest, dict) or manifest.get("briefgen_edition") != FORMAT:
        raise InvalidInput([Problem(Location(rel), f"not an edition briefgen {FORMAT} reads "
                                    "(no \"briefgen_edition\": 1)")])
    missing = [k for k in ("brief", "date", "records") if k not in manifest]
    bad = [r for r in manifest.get("records", []) if not (isinstance(r, dict) and {"id", "section", "text"} <= set(r))]
    if missing or bad or not isinstance(manifest.get("records"), list):
        what = f"missing {', '.join(missing)}" if missing else "a record without id, section or text"
        raise InvalidInput([Problem(Location(rel), f"not a readable edition: {what}")])
    return manifest


def pick(editions: list[Stored], since: str, brief_id: str) -> Stored:
    """`last`: the newest edition; a date YYYY-MM-DD: the newest edition on or before that day."""
    try:
        day = None if since == "last" else date.fromisoformat(since).isoformat()
    except ValueError:
        raise UsageError(f"'{since}' is neither 'last' nor a date YYYY-MM-DD") from None
    if not editions:
        raise BriefgenError(f"no edition of '{brief_id}' is recorded yet (in {EDITIONS_DIR}/{safe_name(brief_id)}/): "
                            "`briefgen email` records one, or `briefgen build --edition`")
    if day is None:
        return editions[-1]
    earlier = [e for e in editions if e.date <= day]
    if not earlier:
        raise BriefgenError(f"no edition of '{brief_id}' on or before {day}; the first is of {editions[0].date} "
                            f"({editions[0].path})")
    return earlier[-1]
