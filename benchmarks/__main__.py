"""uv run --group bench python -m benchmarks [--quick] [--no-write]

Measures briefgen against its peers on the shipped brief, its cold start, and its growth with
content; prints the tables and writes docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import peers, report, scale, stages, verdicts
from benchmarks.timing import Figure, cold, machine, run_child

REPO = Path(__file__).resolve().parent.parent
COMMAND = "uv run --group bench python -m benchmarks"


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmark briefgen; write docs/performance.md.")
    ap.add_argument("--quick", action="store_true", help="few repeats, sizes 1× and 10× only (a smoke run)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = ap.parse_args()
    n_in, n_cold, n_slow = (3, 2, 1) if args.quick else (15, 7, 5)
    started = time.perf_counter()
    info = machine({"pandoc": _version([_pandoc(), "--version"]),
                    "soffice": _version([shutil.which("soffice") or "soffice", "--version"])})
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = cold_env(tmp)
        content = _shipped_content(tmp)
        fig = _measure(tmp, content, env, n_in, n_cold, n_slow)
        sizes = [scale.run_size(tmp, f, 1 if args.quick else 3) for f in ((1, 10) if args.quick else (1, 10, 50))]
        if not args.quick:
            sizes.append(scale.run_size(tmp, 1, 1, briefs=40))
            if sizes[-1].workspace is not None:
                fig["batch"] = [scale.cli_batch(tmp, sizes[-1].workspace, 3, env, jobs=j) for j in (1, os.cpu_count())]
                fig["groups"]["cold processes"] += fig["batch"]
        overflow = "not run (--quick)" if args.quick else scale.overflow_check(tmp)
        notes = verdicts.notes(content, sizes, overflow, env_note())
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        targets = verdicts.targets(fig, sizes)
    figures = [(group, f) for group, fs in fig["groups"].items() for f in fs]
    print(report.terminal(figures, sizes, targets))
    if not args.no_write:
        doc = report.markdown(info, figures, sizes, targets, notes, COMMAND, time.perf_counter() - started)
        (REPO / "docs" / "performance.md").write_text(doc, encoding="utf-8")
        print(f"\nwrote {REPO / 'docs' / 'performance.md'}")


def cold_env(tmp: Path) -> dict[str, str]:
    """The environment of the cold processes: Python's bytecode cache on (in a private folder), as after a
    normal install, even when the calling shell sets PYTHONDONTWRITEBYTECODE; the warm-up run fills it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def env_note() -> str:
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return ("This shell sets PYTHONDONTWRITEBYTECODE and the venv holds no .pyc files, so every process here "
                "compiles every module it imports; the cold rows run with a bytecode cache instead (see "
                "`cold_env`), and the row marked *no bytecode cache* shows what such a shell pays.")
    return ""


def _shipped_content(tmp: Path) -> dict[str, Path]:
    """briefgen's own Markdown, HTML and DOCX of the shipped brief, and the Markdown in pandoc's dialect."""
    _, _, out = stages.one_build(stages.request(REPO))
    paths = {}
    for fmt in ("md", "html", "docx"):
        paths[fmt] = tmp / f"brief.{fmt}"
        paths[fmt].write_bytes(out[fmt])
    paths["dialect"] = tmp / "brief-pandoc.md"
    paths["dialect"].write_text(peers.pandoc_dialect(out["md"].decode("utf-8")), encoding="utf-8")
    return paths


def _measure(tmp: Path, content: dict[str, Path], env: dict, n_in: int, n_cold: int, n_slow: int) -> dict:
    runs = stages.stage_runs(REPO, n_in)
    inproc = {k: Figure(k, v) for k, v in runs.items()}
    inproc["full PDF"].note = "load → PDF bytes (prepare + PDF writer)"
    inproc["full DOCX"].note = "load → DOCX bytes (prepare + DOCX writer)"
    peer = {
        "docx": peers.pandoc_docx(content["md"], tmp, n_cold, "as written"),
        "docx dialect": peers.pandoc_docx(content["dialect"], tmp, n_cold, "pandoc dialect"),
        "typst": peers.typst_compile(content["md"], tmp, n_in, "as written"),
        "typst dialect": peers.typst_compile(content["dialect"], tmp, n_in, "pandoc dialect"),
        "weasyprint": peers.weasyprint_pdf(content["html"], n_in),
        "libreoffice": peers.libreoffice_pdf(content["docx"], tmp, n_slow),
    }
    bg = str(Path(sys.executable).parent / "briefgen")
    build = [bg, "build", "--out", str(tmp / "out"), "--format"]
    no_cache = dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(tmp / "empty-pycache"))
    coldf = {
        "python": cold("python -c pass", [sys.executable, "-c", "pass"], n_cold, env=env),
        "typer": cold('python -c "import typer"', [sys.executable, "-c", "import typer"], n_cold, env=env),
        "help": cold("briefgen --help", [bg, "--help"], n_cold, cwd=REPO, env=env),
        "check": cold("briefgen check", [bg, "check"], n_cold, cwd=REPO, env=env),
        "pdf": cold("briefgen build --format pdf", build + ["pdf"], n_slow, cwd=REPO, env=env),
        "docx": cold("briefgen build --format docx", build + ["docx"], n_slow, cwd=REPO, env=env),
        "all": cold("briefgen build --format all", build + ["all"], n_slow, cwd=REPO, env=env),
        "all no cache": cold("briefgen build --format all, no bytecode cache", build + ["all"], n_slow, cwd=REPO,
                             env=no_cache, note="PYTHONDONTWRITEBYTECODE=1 and no .pyc: every module compiled"),
    }
    groups = {
        "briefgen in process": [inproc[k] for k in stages.STAGES if k in inproc],
        "peers": list(peer.values()),
        "cold processes": list(coldf.values()),
    }
    return {"groups": groups, "in": inproc, "peer": peer, "cold": coldf, "anatomy": _anatomy(n_slow, env, tmp),
            "hotspots": stages.writer_hotspots(REPO),
            "imports": {name: import_profile(args, env) for name, args in
                        (("help", ["--help"]), ("all", ["build", "--format", "all", "--out", str(tmp / "out")]))}}


def _anatomy(n: int, env: dict, tmp: Path) -> dict:
    """Medians over `n` pairs of fresh processes: one takes a build apart (imports, first and second build),
    the other runs `build --format all` through the CLI (CLI import, `main`, `build` within it, wall)."""
    stage_cmd = [sys.executable, "-m", "benchmarks.stages", str(REPO), "0"]
    samples = []
    for _ in range(n + 1):  # the first pair fills the bytecode cache
        _, _, code_a, out_a, _ = run_child(stage_cmd + ["anatomy"], cwd=REPO, env=env)
        wall, _, code_c, out_c, _ = run_child([sys.executable, "-c", stages.CLI_ANATOMY, str(tmp / "out"), str(REPO)],
                                              cwd=REPO, env=env)
        if code_a == 0 and code_c == 0:
            cli = json.loads(out_c.strip().splitlines()[-1])  # the CLI prints the paths first
            samples.append(dict(json.loads(out_a.strip().splitlines()[-1]), cli=dict(cli, wall=wall)))
    samples = samples[1:]
    if not samples:
        return {}

    def med(*path):
        values = []
        for sample in samples:
            for key in path:
                sample = sample[key]
            values.append(sample)
        return statistics.median(values)

    return {"imports": med("imports"),
            "first": {k: med("first", k) for k in samples[0]["first"]},
            "second": {k: med("second", k) for k in samples[0]["second"]},
            "cli": {k: med("cli", k) for k in samples[0]["cli"]}}


def import_profile(args: list[str], env: dict, top: int = 6) -> list[tuple[str, float]]:
    """`python -X importtime -m briefgen ARGS`: import time (self) summed by top-level package, largest first."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefgen", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    totals: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            package = parts[2].strip().split(".")[0]
            totals[package] = totals.get(package, 0) + int(parts[0])
    return [(k, v / 1e6) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:top]]


def _pandoc() -> str:
    try:
        return peers.pandoc_path()
    except Exception:  # pypandoc missing: the pandoc rows report the error themselves
        return "pandoc"


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False).stdout.strip()
        return out.splitlines()[0] if out else "unknown"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"not available ({exc})"


if __name__ == "__main__":
    main()
