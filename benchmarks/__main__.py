"""uv run --group bench python -m benchmarks [--quick] [--no-write] [--headline]

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

from benchmarks import peers, previewlat, report, scale, stages, verdicts, watchlat
from benchmarks.timing import Cold, Figure, cold_env, interleaved, machine, run_child

REPO = Path(__file__).resolve().parent.parent
COMMAND = "uv run --group bench python -m benchmarks"


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmark briefgen; write docs/performance.md.")
    ap.add_argument("--quick", action="store_true", help="few repeats, sizes 1× and 10× only (a smoke run)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    ap.add_argument("--headline", action="store_true",
                    help="only the cold whole-process rounds and the watch latency (implies --no-write)")
    args = ap.parse_args()
    n_in, n_cold, n_slow = (3, 2, 1) if args.quick else (15, 7, 5)
    started = time.perf_counter()
    info = machine({"pandoc": _version([_pandoc(), "--version"]),
                    "soffice": _version([shutil.which("soffice") or "soffice", "--version"])})
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = cold_env(tmp)
        content = _shipped_content(tmp)
        cf = _cold_rounds(tmp, content, env, n_cold, n_slow)
        watch = watchlat.watch_latency(tmp, 5 if args.quick else 15, env)
        preview = previewlat.preview_latency(tmp, 5 if args.quick else 30, env)
        if args.headline:
            figures = [("cold processes", f) for f in cf.values()] + [("watch", watch)] + [("serve", f) for f in preview]
            print(report.text_table(report.FIG_HEAD, report.figure_rows(figures), skip_last=True))
            return
        fig = _measure(tmp, content, env, n_in, n_slow)
        fig.update(cold=cf, watch=watch, preview=preview)
        fig["groups"] = {"cold processes": list(cf.values()), "watch": [watch], "serve": list(preview), **fig["groups"]}
        sizes = [scale.run_size(tmp, f, 1 if args.quick else 3) for f in ((1, 10) if args.quick else (1, 10, 50))]
        fig["sizes"] = sizes
        fig["cli_scale"] = scale.cli_scale(tmp, sizes, 1 if args.quick else 3, env)
        fig["groups"]["scale, cold processes"] = list(fig["cli_scale"].values())
        if not args.quick:
            sizes.append(scale.run_size(tmp, 1, 1, briefs=40))
            if sizes[-1].workspace is not None:
                fig["batch"] = scale.cli_batches(tmp, sizes[-1].workspace, 3, env)
                fig["groups"]["batch, cold processes"] = fig["batch"]
        overflow = "not run (--quick)" if args.quick else scale.overflow_check(tmp)
        notes = verdicts.notes(content, sizes, overflow, env_note())
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        targets = verdicts.targets(fig)
    figures = [(group, f) for group, fs in fig["groups"].items() for f in fs]
    print(report.terminal(figures, sizes, targets))
    if not args.no_write:
        doc = report.markdown(info, figures, sizes, targets, notes, COMMAND, time.perf_counter() - started)
        (REPO / "docs" / "performance.md").write_text(doc, encoding="utf-8")
        print(f"\nwrote {REPO / 'docs' / 'performance.md'}")


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


def _cold_rounds(tmp: Path, content: dict[str, Path], env: dict, rounds: int, slow: int) -> dict[str, Figure]:
    """The whole-process figures every headline ratio is made of, interleaved round by round."""
    bg = str(Path(sys.executable).parent / "briefgen")
    build = [bg, "build", "--out", str(tmp / "out"), "--format"]
    no_cache = dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(tmp / "empty-pycache"))
    pandoc = _pandoc()
    specs = {
        "pandoc": Cold("pandoc brief.md -o brief.docx (as written)",
                       [pandoc, str(content["md"]), "-o", str(tmp / "pandoc.docx")]),
        "pandoc dialect": Cold("pandoc brief.md -o brief.docx (pandoc dialect)",
                               [pandoc, str(content["dialect"]), "-o", str(tmp / "pandoc-dialect.docx")]),
        "python": Cold("python -c pass", [sys.executable, "-c", "pass"], env=env),
        "typer": Cold('python -c "import typer"', [sys.executable, "-c", "import typer"], env=env),
        "help": Cold("briefgen --help", [bg, "--help"], REPO, env),
        "check": Cold("briefgen check", [bg, "check"], REPO, env),
        "pdf": Cold("briefgen build --format pdf", build + ["pdf"], REPO, env),
        "docx": Cold("briefgen build --format docx", build + ["docx"], REPO, env),
        "all": Cold("briefgen build --format all", build + ["all"], REPO, env),
        "all no cache": Cold("briefgen build --format all, no bytecode cache", build + ["all"], REPO, no_cache,
                             note="PYTHONDONTWRITEBYTECODE=1 and no .pyc: every module compiled", repeats=slow),
    }
    return interleaved(specs, rounds)


def _measure(tmp: Path, content: dict[str, Path], env: dict, n_in: int, n_slow: int) -> dict:
    runs = stages.stage_runs(REPO, n_in)
    inproc = {k: Figure(k, v) for k, v in runs.items()}
    inproc["full PDF"].note = "load → PDF bytes (prepare + PDF writer)"
    inproc["full DOCX"].note = "load → DOCX bytes (prepare + DOCX writer)"
    peer = {
        "typst": peers.typst_compile(content["md"], tmp, n_in, "as written"),
        "typst dialect": peers.typst_compile(content["dialect"], tmp, n_in, "pandoc dialect"),
        "weasyprint": peers.weasyprint_pdf(content["html"], n_slow),
        "libreoffice": peers.libreoffice_pdf(content["docx"], tmp, n_slow),
    }
    out = str(tmp / "out")
    commands = {"check": ("check_workspace", ["check"]),
                "pdf": ("build", ["build", "--format", "pdf", "--out", out]),
                "docx": ("build", ["build", "--format", "docx", "--out", out]),
                "all": ("build", ["build", "--format", "all", "--out", out])}
    groups = {"briefgen in process (breakdown)": [inproc[k] for k in stages.STAGES if k in inproc],
              "peers in process and LibreOffice": list(peer.values())}
    return {"groups": groups, "in": inproc, "peer": peer,
            "anatomy": {k: _cli_anatomy(inner, a, n_slow, env) for k, (inner, a) in commands.items()},
            "stage_anatomy": _stage_anatomy(n_slow, env),
            "hotspots": stages.writer_hotspots(REPO),
            "imports": {name: import_profile(args, env) for name, args in
                        (("help", ["--help"]), ("all", ["build", "--format", "all", "--out", out]))}}


def _cli_anatomy(inner: str, args: list[str], n: int, env: dict) -> dict:
    """Medians over `n` fresh processes of one command through the console entry, taken apart
    (`stages.CLI_ANATOMY`); one more untimed run first."""
    samples = []
    for _ in range(n + 1):
        wall, _, code, out, _ = run_child([sys.executable, "-c", stages.CLI_ANATOMY, inner, *args], cwd=REPO, env=env)
        if code == 0:
            samples.append(dict(json.loads(out.strip().splitlines()[-1]), wall=wall))  # the CLI prints paths first
    samples = samples[1:]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]} if samples else {}


def _stage_anatomy(n: int, env: dict) -> dict:
    """Medians over `n` fresh processes: imports, then the first and a second build (`stages.anatomy`)."""
    stage_cmd = [sys.executable, "-m", "benchmarks.stages", str(REPO), "0", "anatomy"]
    samples = []
    for _ in range(n + 1):  # the first fills the bytecode cache
        _, _, code, out, _ = run_child(stage_cmd, cwd=REPO, env=env)
        if code == 0:
            samples.append(json.loads(out.strip().splitlines()[-1]))
    samples = samples[1:]
    if not samples:
        return {}
    med = lambda part, k: statistics.median(s[part][k] for s in samples)
    return {"imports": statistics.median(s["imports"] for s in samples),
            "first": {k: med("first", k) for k in samples[0]["first"]},
            "second": {k: med("second", k) for k in samples[0]["second"]}}


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
