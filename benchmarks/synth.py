"""Synthetic workspaces: the shipped fact base with its records multiplied, or copied into many briefs.

    make_workspace(dest, factor=10)            one brief, every record list 10 times as long
    make_workspace(dest, factor=1, briefs=40)  40 separate briefs, each a copy of the shipped one

Records are cloned with new unique ids (`<id>-s<n>`); their text and quotes are copied unchanged, so
every quote still occurs in its source and the workspace passes `briefgen check`. Only lists of records
(mappings with an `id`) are multiplied, at their outermost level: a cloned meeting brings its points.
Single records (diplomacy.recognition, .established) stay single, so the count is close to, not exactly,
`factor` times the original; `count_records` gives the real figure. `keep` leaves chosen lists as shipped.

    python -m benchmarks.synth DEST FACTOR [BRIEFS]
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHIPPED_BRIEF = "data/briefs/pakistan-kazakhstan.yaml"
COPIED = ("briefgen.toml", "data/countries.yaml", "data/sources.yaml", "seeds", "templates")


def make_workspace(dest: Path, factor: int, briefs: int = 1, keep: tuple[str, ...] = (), source: Path = REPO) -> Path:
    """Write a valid workspace into `dest` (created; must not hold a workspace already); returns `dest`.

    `keep` names record lists left as they are, by dotted path (e.g. "economy.goals").
    """
    if factor < 1 or briefs < 1:
        raise ValueError("factor and briefs must be at least 1")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in COPIED:
        src = source / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    original = yaml.safe_load((source / SHIPPED_BRIEF).read_text(encoding="utf-8"))
    brief_dir = dest / "data" / "briefs"
    brief_dir.mkdir(parents=True, exist_ok=True)
    for n in range(briefs):
        brief = multiply(original, factor, keep)
        if briefs > 1:
            brief["id"] = f"{original['id']}-{n + 1:03d}"
            brief["title"] = f"{original['title']} (synthetic {n + 1})"
        text = yaml.safe_dump(brief, allow_unicode=True, sort_keys=False, width=10_000)
        (brief_dir / f"{brief['id']}.yaml").write_text(text, encoding="utf-8")
    return dest


def multiply(node, factor: int, keep: tuple[str, ...] = (), path: str = ""):
    """A copy of `node` with every outermost list of records `factor` times as long (but those in `keep`)."""
    if isinstance(node, dict):
        return {key: multiply(value, factor, keep, f"{path}.{key}".lstrip(".")) for key, value in node.items()}
    if isinstance(node, list) and node and all(_is_record(item) for item in node):
        times = 1 if path in keep else factor
        return [item if k == 0 else _renamed(item, f"-s{k}") for k in range(times) for item in node]
    return copy.deepcopy(node)


def _is_record(item) -> bool:
    return isinstance(item, dict) and "id" in item and "text" in item


def _renamed(record: dict, suffix: str) -> dict:
    """A deep copy with `suffix` added to its id and to the ids of the records it holds."""
    clone = copy.deepcopy(record)
    stack = [clone]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if _is_record(node):
                node["id"] = f"{node['id']}{suffix}"
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return clone


def count_records(workspace: Path) -> int:
    """Records in every brief of the workspace, as briefgen counts them (loads and validates)."""
    from briefgen.facts.factbase import load_factbase

    return load_factbase(Path(workspace)).record_count


if __name__ == "__main__":
    import sys

    out = make_workspace(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    print(f"{out}: {count_records(out)} records")
