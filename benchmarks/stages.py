"""briefgen in process: the time of each stage of `prepare` and of each writer.

`prepare` is called as it is; its stages are timed by wrapping the functions it calls
(`load_factbase`, `templates.render`, `markdown.parse`), so the figures follow briefgen's code
as it changes. Whatever else `prepare` does (config, theme, template set, context) is "other".

    python -m benchmarks.stages WORKSPACE REPEATS            # JSON medians and peak RSS (scale runs)
    python -m benchmarks.stages WORKSPACE 0 batch            # every brief once, one after another
    python -m benchmarks.stages WORKSPACE 0 anatomy          # a fresh process: imports, first, second build
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

from benchmarks.timing import spy

STAGES = ("load + validate", "render templates", "other prepare", "parse Markdown", "write PDF", "write DOCX",
          "write Markdown", "write HTML", "full PDF", "full DOCX", "full all formats")


def request(workspace: Path, **kwargs):
    from briefgen.build.pipeline import BuildRequest

    return BuildRequest(workspace=Path(workspace), **kwargs)


def batch_requests(workspace: Path) -> list:
    """One request per brief, the way `build --all` makes them (one brief file each) when briefgen has it."""
    from dataclasses import fields

    from briefgen.facts import factbase

    if hasattr(factbase, "brief_files") and "brief_file" in {f.name for f in fields(request(workspace))}:
        return [request(workspace, brief_file=f) for f in factbase.brief_files(Path(workspace))]
    return [request(workspace, brief=b) for b in sorted(factbase.load_factbase(Path(workspace)).briefs)]


def one_build(req, formats=("pdf", "docx", "md", "html")) -> tuple[dict[str, float], object, dict]:
    """One prepare and the writers; returns (seconds per stage, the Prepared, bytes per format)."""
    import briefgen.build.pipeline
    import briefgen.document.markdown
    import briefgen.render.environment
    from briefgen.build.pipeline import prepare
    from briefgen.writers import get_writer

    load, render, parse = [], [], []
    start = time.perf_counter()
    with spy(briefgen.build.pipeline, "load_factbase", load), spy(briefgen.render.environment, "render", render), \
            spy(briefgen.document.markdown, "parse", parse):
        prepared = prepare(req)
    total = time.perf_counter() - start
    t = {"load + validate": sum(load), "render templates": sum(render), "parse Markdown": sum(parse)}
    t["other prepare"] = total - sum(t.values())
    out = {}
    for fmt, label in (("pdf", "write PDF"), ("docx", "write DOCX"), ("md", "write Markdown"), ("html", "write HTML")):
        if fmt not in formats:
            continue
        write = get_writer(fmt)
        start = time.perf_counter()
        out[fmt] = write(prepared.document, options(prepared))
        t[label] = time.perf_counter() - start
    if "write PDF" in t:
        t["full PDF"] = total + t["write PDF"]
    if "write DOCX" in t:
        t["full DOCX"] = total + t["write DOCX"]
    t["full all formats"] = total + sum(t.get(k, 0) for k in ("write PDF", "write DOCX", "write Markdown", "write HTML"))
    return t, prepared, out


def stage_runs(workspace: Path, repeats: int, warmup: int = 1) -> dict[str, list[float]]:
    """Every stage's seconds over `repeats` builds, after `warmup` builds (imports, fonts, locale data)."""
    runs: dict[str, list[float]] = {}
    for i in range(warmup + repeats):
        t, _, _ = one_build(request(workspace))
        if i >= warmup:
            for k, v in t.items():
                runs.setdefault(k, []).append(v)
    return runs


def batch_runs(workspace: Path) -> dict[str, float]:
    """Every brief of the workspace built once (PDF + DOCX), one after another, in this process (after a warm-up)."""
    requests = batch_requests(workspace)
    one_build(requests[0])
    totals: dict[str, float] = {}
    start = time.perf_counter()
    for req in requests:
        t, _, _ = one_build(req, formats=("pdf", "docx"))
        for k, v in t.items():
            totals[k] = totals.get(k, 0.0) + v
    totals["wall"] = time.perf_counter() - start
    totals["briefs"] = len(requests)
    return totals


def hotspots(fn, top: int = 6) -> list[tuple[str, float]]:
    """cProfile `fn()` once: own time (tottime) summed by package, largest first (the profiler inflates
    the total, so read the figures as shares)."""
    import cProfile
    import pstats
    import re

    prof = cProfile.Profile()
    prof.runcall(fn)
    totals: dict[str, float] = {}
    for (file, _, name), (_, _, tottime, _, _) in pstats.Stats(prof).stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in file:
            key = file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
        elif "/briefgen/" in file:
            key = "briefgen"
        elif file == "~":
            m = re.search(r"of '(\w+)|method (\w+)\.|function (\w+)\.", name)
            key = next((g for g in m.groups() if g), "built-in") if m else "built-in"
            key = "built-in" if key in ("builtins", "dict", "list", "str", "set", "tuple", "bytes", "object") else key
        else:
            key = Path(file).stem
        totals[key] = totals.get(key, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return [(k, v / whole) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:top]]


def writer_hotspots(workspace: Path) -> dict[str, list[tuple[str, float]]]:
    """Where the PDF and DOCX writers spend their time on one warm build."""
    from briefgen.writers import get_writer

    _, prepared, _ = one_build(request(workspace))
    pdf, docx = get_writer("pdf"), get_writer("docx")
    return {"pdf": hotspots(lambda: pdf(prepared.document, options(prepared))),
            "docx": hotspots(lambda: docx(prepared.document, options(prepared)))}


def options(prepared):
    """The writers' options for a prepared brief, as the build gives them."""
    from briefgen.writers import WriterOptions

    return WriterOptions(prepared.theme, pdf_standard=prepared.pdf_standard, reference_docx=prepared.reference_docx)


def anatomy(workspace: Path) -> dict:
    """A fresh process's first build taken apart: imports, then the first and the second build."""
    start = time.perf_counter()
    import briefgen.build.pipeline
    import briefgen.cli  # noqa: F401
    from briefgen.writers import get_writer

    for fmt in ("pdf", "docx", "md", "html"):
        get_writer(fmt)
    imports = time.perf_counter() - start
    first, _, _ = one_build(request(workspace))
    second, _, _ = one_build(request(workspace))
    return {"imports": imports, "first": first, "second": second}


# A briefgen command through its console entry (`briefgen._entry.main`, as the installed script runs it) in
# a bare `python -c` process, taken apart: importing the CLI, then `briefgen.cli.main`, and within it the
# command's own function (`build.build` or `build.check_workspace`); the rest of `main` is typer's parsing and
# dispatch, and the process's wall time less these is the interpreter's start and exit. The JSON line is
# printed when `main` returns, before the entry point flushes and exits.
#     python -c CLI_ANATOMY INNER ARGS...
CLI_ANATOMY = """import json, sys, time
start = time.perf_counter()
import briefgen._entry, briefgen.cli, briefgen.build.pipeline
cli_import = time.perf_counter() - start
inner_name, args = sys.argv[1], sys.argv[2:]
inner_fn, inner, cli_main = getattr(briefgen.build.pipeline, inner_name), [], briefgen.cli.main
def timed(*a, **k):
    t = time.perf_counter()
    try:
        return inner_fn(*a, **k)
    finally:
        inner.append(time.perf_counter() - t)
setattr(briefgen.build.pipeline, inner_name, timed)
def main(argv=None):
    t = time.perf_counter()
    try:
        cli_main(argv)
    finally:
        print(json.dumps({"cli import": cli_import, "main": time.perf_counter() - t, "inner": sum(inner)}))
briefgen.cli.main = main
sys.argv = ["briefgen", *args]
briefgen._entry.main()
"""


def main(argv: list[str]) -> None:
    """Child process of the scale runs: prints one JSON object (medians, records, peak RSS)."""
    workspace, repeats = Path(argv[0]), int(argv[1])
    if len(argv) > 2 and argv[2] == "anatomy":
        print(json.dumps(anatomy(workspace)))
        return
    from briefgen.facts.factbase import load_factbase

    batch = len(argv) > 2 and argv[2] == "batch"
    fb = load_factbase(workspace)
    result = {"records": fb.record_count, "briefs": len(fb.briefs)}
    if batch:
        result["batch"] = batch_runs(workspace)
    else:
        # warm up on the shipped brief, so one-off costs (imports, fonts, locale) stay out of the figures
        one_build(request(Path(__file__).resolve().parent.parent))
        runs = stage_runs(workspace, repeats, warmup=0)
        result["median"] = {k: statistics.median(v) for k, v in runs.items()}
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
