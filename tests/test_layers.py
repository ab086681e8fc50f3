"""The house rules of the code's layout (ARCHITECTURE.md): stage packages on floors, imports only
downward, no import circles anywhere (imports inside functions included), small modules."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "briefgen"
MAX_MODULE_LINES = 450
MAX_TOP_LEVEL_MODULES = 12


def _floors() -> list[str]:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    return [name.strip() for floor in layers for name in floor.split("|")]


def test_imports_run_only_down_the_floors():
    """import-linter's layers contract over every import, those inside functions too."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_every_package_and_top_level_module_has_a_floor():
    """A new package outside the floors would escape the contract above."""
    named = set(_floors())
    present = {f"briefgen.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    present |= {f"briefgen.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert present - named == set(), "add these to the floors in pyproject.toml and ARCHITECTURE.md"


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circles_in_briefgen_or_the_benchmarks():
    graph = grimp.build_graph("briefgen", "benchmarks", include_external_packages=False, cache_dir=None)
    cycles = _cycles(graph, set(graph.modules))
    assert cycles == [], "import circles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_modules_stay_small_and_the_top_level_short():
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"split these along their seams (at most {MAX_MODULE_LINES} lines)"
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, f"{len(top)} top-level modules: put new ones into a package"


def test_the_cycle_finder_finds_a_circle():
    """The oracle itself: a two-module circle and a three-module one are found; a chain is not."""
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.a"), ("p.c", "p.d"), ("p.d", "p.e"), ("p.e", "p.c"), ("p.f", "p.a")]:
        graph.add_import(importer=a, imported=b)
    assert sorted(_cycles(graph, set(graph.modules))) == [["p.a", "p.b"], ["p.c", "p.d", "p.e"]]
