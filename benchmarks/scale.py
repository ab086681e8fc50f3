"""Scale: synthetic fact bases 1×, 10×, 50× the shipped brief, and a batch of separate briefs.

Each size runs in its own process (`python -m benchmarks.stages`), so its peak RSS is its own
(read with os.wait4). Inside, a build of the shipped brief warms up imports, fonts and locale data;
the figures are medians of builds of the synthetic brief, each load → PDF + DOCX + Markdown + HTML.
Those in-process figures are the breakdown; the growth target is judged on whole processes
(`cli_scale`: cold `briefgen build --format all` of each size, interleaved, with its peak RSS), and
the batch on cold `build --all` with one worker per core against `--jobs 1` (`cli_batches`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from benchmarks.synth import make_workspace
from benchmarks.timing import Cold, Figure, interleaved, run_child

# The key-facts box holds one line per trade goal and per diaspora group; multiplied 50 times it is
# taller than a page, which the PDF writer cannot lay out (see `overflow_check`). These two lists stay
# as shipped in the scale runs so that the runs measure speed; the overflow is reported on its own.
KEY_FACT_LISTS = ("economy.goals", "people.diaspora")


@dataclass
class Size:
    label: str
    factor: int
    briefs: int
    records: int = 0
    median: dict[str, float] = field(default_factory=dict)
    batch: dict[str, float] = field(default_factory=dict)
    rss_mb: float = 0.0
    wall: float = 0.0
    error: str | None = None
    workspace: Path | None = None

    def per_record(self, stage: str) -> float | None:
        if self.batch:
            value = self.batch.get(stage)
        else:
            value = self.median.get(stage)
        return value / self.records if value is not None and self.records else None


def run_size(tmp: Path, factor: int, repeats: int, briefs: int = 1) -> Size:
    label = f"{factor}×" if briefs == 1 else f"{briefs} briefs × {factor}×"
    size = Size(label, factor, briefs)
    ws = size.workspace = make_workspace(tmp / f"ws-{factor}x-{briefs}b", factor, briefs, keep=KEY_FACT_LISTS)
    cmd = [sys.executable, "-m", "benchmarks.stages", str(ws), str(repeats)] + (["batch"] if briefs > 1 else [])
    wall, rss, code, out, tail = run_child(cmd, cwd=Path(__file__).resolve().parent.parent)
    size.wall = wall
    if code != 0:
        size.error = f"exit {code}: {tail}"[:200]
        return size
    result = json.loads(out)
    size.records = result["records"]
    size.median = result.get("median", {})
    size.batch = result.get("batch", {})
    size.rss_mb = rss
    return size


def overflow_check(tmp: Path, factor: int = 50) -> str:
    """Build the PDF of a workspace with *every* record list multiplied; 'ok' or the error."""
    ws = make_workspace(tmp / f"ws-{factor}x-all", factor)
    code = ("import sys; from pathlib import Path; from briefgen.build.pipeline import BuildRequest, prepare, produce\n"
            "try: produce(prepare(BuildRequest(workspace=Path(sys.argv[1]))), ('pdf',))\n"
            "except Exception as e: print(f'{type(e).__name__}: {e}'.replace(chr(10), ' ')); sys.exit(1)")
    proc = subprocess.run([sys.executable, "-c", code, str(ws)], capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode == 0:
        return "ok"
    return " ".join(proc.stdout.split())[:300] or (proc.stderr.strip().splitlines() or ["?"])[-1][:300]


def cli_batch(tmp: Path, workspace: Path, env: dict | None = None, jobs: int | None = None) -> Cold | Figure:
    """Cold `briefgen build --all --format pdf,docx` of a many-brief workspace (a Figure with the error when this
    briefgen has no --all)."""
    bg = str(Path(sys.executable).parent / "briefgen")
    n = len(list((workspace / "data" / "briefs").glob("*.yaml")))
    name = f"briefgen build --all --jobs {jobs or os.cpu_count()} --format pdf,docx ({n} briefs)"
    helptext = subprocess.run([bg, "build", "--help"], capture_output=True, text=True, env=env, check=False).stdout
    if "--all" not in helptext:
        return Figure(name, error="this briefgen has no build --all")
    cmd = [bg, "build", "--all", "--jobs", str(jobs or os.cpu_count()), "--format", "pdf,docx",
           "--out", str(tmp / "batch-out"), "--workspace", str(workspace)]
    return Cold(name, cmd, env=env, note=f"cores: {os.cpu_count()}")


def cli_batches(tmp: Path, workspace: Path, rounds: int, env: dict | None = None) -> list[Figure]:
    """`--jobs 1` and one worker per core, interleaved (one of each per round, no warm-up round: the
    shipped-brief runs before have filled the caches)."""
    specs = {jobs: cli_batch(tmp, workspace, env, jobs) for jobs in (1, os.cpu_count())}
    failed = {k: v for k, v in specs.items() if isinstance(v, Figure)}
    if failed:
        return list(failed.values())
    return list(interleaved(specs, rounds, warmup=0).values())


def cli_scale(tmp: Path, sizes: list[Size], rounds: int, env: dict | None = None) -> dict[str, Figure]:
    """Cold `briefgen build --format all` of each single-brief synthetic workspace (the console script, as a
    user runs it), interleaved: the whole-process growth with content, and its peak memory."""
    bg = str(Path(sys.executable).parent / "briefgen")
    specs = {s.label: Cold(f"briefgen build --format all, {s.label} content ({s.records:,} records)",
                           [bg, "build", "--format", "all", "--workspace", str(s.workspace),
                            "--out", str(tmp / f"out-{s.factor}x")], env=env)
             for s in sizes if s.briefs == 1 and not s.error and s.workspace is not None}
    return interleaved(specs, rounds)


def cli_marginal(sizes: list[Size], cli: dict[str, Figure], cpu: bool = False) -> list[tuple[str, float]]:
    """Whole-process cost of each record added between consecutive sizes (cold `build --format all`): wall
    time, or with `cpu` the process's CPU time."""
    value = lambda f: statistics.median(f.cpu) if cpu else f.median
    single = [s for s in sizes if s.label in cli and cli[s.label].median is not None and not cli[s.label].error]
    return [(f"{a.label} → {b.label}", (value(cli[b.label]) - value(cli[a.label])) / (b.records - a.records))
            for a, b in pairwise(single) if b.records > a.records]


def marginal(sizes: list[Size], stage: str = "full all formats") -> list[tuple[str, float]]:
    """Cost of each record added between consecutive single-brief sizes: equal figures mean linear growth."""
    single = [s for s in sizes if s.briefs == 1 and not s.error and stage in s.median]
    return [(f"{a.label} → {b.label}", (b.median[stage] - a.median[stage]) / (b.records - a.records))
            for a, b in pairwise(single) if b.records > a.records]
