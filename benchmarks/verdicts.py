"""The issue's targets from this run's figures: whole-process ratios first, then where the time goes.

Every target compares whole processes run the way a user runs them (the `briefgen` console script, cold,
against a cold pandoc on the same content, interleaved in the same rounds). The in-process stage figures
only explain a result; they are never the result.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from benchmarks import scale
from benchmarks.report import Target, ms, ratio

PREPARE = ("load + validate", "render templates", "other prepare", "parse Markdown")
DOCX_PER_PANDOC = 4.0
ALL_PER_PANDOC = 5.0
CHECK_PER_PANDOC = 3.0
WATCH_MS = 100.0
PREVIEW_MS, PREVIEW_P95_MS = 100.0, 200.0
PREVIEW_PDF_MS = 150.0
GROWTH = 1.10  # the 10×→50× cost of a record within 10% of the 1×→10× one
RSS_MB = 250.0
BATCH = 1 / 1.7
HELP_PER_TYPER = 1.5


def _med(f):
    return f.median if f is not None and not f.error else None


def _load(*figs) -> float | None:
    loads = [x for f in figs if f is not None for x in f.loads]
    return statistics.median(loads) if loads else None


def _cpu_ratio(a, b) -> float | None:
    if a is None or b is None or a.error or b.error or not a.cpu or not b.cpu:
        return None
    return ratio(statistics.median(a.cpu), statistics.median(b.cpu))


def targets(fig: dict) -> list[Target]:
    cf, pandoc = fig["cold"], fig["cold"]["pandoc"]

    def cold_target(key: str, name: str, limit: float | None) -> Target:
        return Target(name, ratio(_med(cf[key]), _med(pandoc)), limit,
                      f"cold `{cf[key].name}` / cold `pandoc brief.md -o brief.docx`", load=_load(cf[key], pandoc),
                      cpu=_cpu_ratio(cf[key], pandoc), cause=anatomy_text(fig, key))

    t = [
        cold_target("docx", "cold build --format docx vs cold pandoc", DOCX_PER_PANDOC),
        cold_target("all", "cold build --format all vs cold pandoc", ALL_PER_PANDOC),
        cold_target("pdf", "cold build --format pdf vs cold pandoc", None),
        cold_target("check", "cold check vs cold pandoc", CHECK_PER_PANDOC),
    ]
    watch = fig.get("watch")
    t.append(Target("watch: saved edit → rewritten PDF", _med(watch) * 1000 if _med(watch) else None, WATCH_MS,
                    "median over saves of a data file, a running `briefgen build --watch`", unit="ms",
                    load=_load(watch), cause=watch_text(fig)))
    t += preview_targets(fig)
    steps = scale.cli_marginal(fig["sizes"], fig["cli_scale"])
    growth = ratio(steps[1][1], steps[0][1]) if len(steps) >= 2 else None
    cpu_steps = scale.cli_marginal(fig["sizes"], fig["cli_scale"], cpu=True)
    t.append(Target("cost per record, 10×→50× vs 1×→10×", growth, GROWTH,
                    "whole-process time per added record (cold `build --format all`), 10× → 50× / 1× → 10×",
                    load=_load(*fig["cli_scale"].values()), cause=growth_text(fig, steps),
                    cpu=ratio(cpu_steps[1][1], cpu_steps[0][1]) if len(cpu_steps) >= 2 else None))
    big = fig["cli_scale"].get("50×")
    t.append(Target("50× peak memory", big.rss_mb if big is not None and not big.error else None, RSS_MB,
                    "peak RSS of a cold `build --format all` of the 50× fact base", unit="MB", load=_load(big)))
    if fig.get("batch") and len(fig["batch"]) == 2:
        serial, parallel = fig["batch"]
        t.append(Target("batch: one worker per core vs --jobs 1", ratio(_med(parallel), _med(serial)), BATCH,
                        "time of the 40-brief `build --all --format pdf,docx` with one worker per core / with "
                        "`--jobs 1` (≤ 0.59× is ≥ 1.7× the throughput)", load=_load(serial, parallel)))
    t.append(Target("cold --help vs import typer", ratio(_med(cf["help"]), _med(cf["typer"])), HELP_PER_TYPER,
                    "cold `briefgen --help` / cold `python -c \"import typer\"`", load=_load(cf["help"], cf["typer"]),
                    cpu=_cpu_ratio(cf["help"], cf["typer"]),
                    cause=f"Largest imports of `briefgen --help` (python -X importtime, self time by package): "
                          f"{imports_text(fig, 'help')}."))
    return t


def p95(f) -> float | None:
    """The 95th percentile (nearest rank) of a figure's runs."""
    if f is None or f.error or not f.runs:
        return None
    runs = sorted(f.runs)
    return runs[max(0, -(-95 * len(runs) // 100) - 1)]


def preview_targets(fig: dict) -> list[Target]:
    """`briefgen serve`: a save to the page in headless Chromium, and to the PDF of the new state."""
    dom, pdf = fig.get("preview") or (None, None)
    if dom is None:
        return []
    how = "a running `briefgen serve`, headless Chromium; from the write of a data file to "
    cause = preview_text(fig)
    return [
        Target("serve: saved edit → preview updated (median)", _med(dom) * 1000 if _med(dom) else None, PREVIEW_MS,
               how + "the brief swapped in the page", unit="ms", load=_load(dom), cause=cause),
        Target("serve: saved edit → preview updated (p95)", p95(dom) * 1000 if p95(dom) else None, PREVIEW_P95_MS,
               how + "the brief swapped in the page, 95th percentile", unit="ms", load=_load(dom)),
        Target("serve: saved edit → PDF served", _med(pdf) * 1000 if _med(pdf) else None, PREVIEW_PDF_MS,
               how + "the page's PDF link turned to the new version", unit="ms", load=_load(pdf)),
    ]


def preview_text(fig: dict) -> str:
    dom, pdf = fig.get("preview") or (None, None)
    if dom is None or dom.error or pdf is None or pdf.error:
        return ""
    inp = fig.get("in", {})
    prepare = sum(_med(inp.get(k)) or 0 for k in PREPARE)
    cpu = (f" The preview process and its writer spent {ms(statistics.median(pdf.cpu))} of CPU time a save "
           f"(median, from the write to the PDF served), the figure a quiet machine's wall time would approach."
           if pdf.cpu else "")
    return (f"Saves {len(dom.runs)}: page min {ms(min(dom.runs))}, max {ms(max(dom.runs))}; PDF min "
            f"{ms(min(pdf.runs))}, max {ms(max(pdf.runs))}.{cpu} The preview re-reads only what changed (unchanged fact "
            f"files come from the parse cache), renders the HTML alone and pushes it (Server-Sent Events); the PDF "
            f"and DOCX are written after it by a warm worker process on the other core. For comparison, in process "
            f"and warm: the stages before the writers {ms(prepare)}, the PDF writer {ms(_med(inp.get('write PDF')))}, "
            f"the HTML writer {ms(_med(inp.get('write HTML')))}.")


def imports_text(fig: dict, name: str) -> str:
    return ", ".join(f"{p} {ms(s)}" for p, s in fig["imports"].get(name, []))


def anatomy_text(fig: dict, key: str) -> str:
    """A cold command taken apart (medians of separate fresh processes), and the warm in-process stages."""
    cf, a = fig["cold"], fig["anatomy"].get(key)
    if not a:
        return ""
    inner = ("`build.check_workspace`, which imports the rest of the pipeline (no writer), then validates and renders"
             if key == "check" else
             "`build.build`, which imports the rest of the pipeline and the writers' libraries, then builds")
    text = (f"{ms(_med(cf[key]))} in the timed runs ({ms(a['wall'])} in the runs taken apart): the interpreter's "
            f"start and exit {ms(a['wall'] - a['cli import'] - a['main'])} (a bare `python -c pass` takes "
            f"{ms(_med(cf['python']))}), importing the CLI {ms(a['cli import'])}, typer's parsing and dispatch "
            f"{ms(a['main'] - a['inner'])}, and {inner}: {ms(a['inner'])}. pandoc does its whole job in {ms(_med(cf['pandoc']))}.")
    if key == "all" and fig.get("stage_anatomy"):
        s = fig["stage_anatomy"]
        first, second = s["first"], s["second"]
        extra = ", ".join(f"{k} {'+' if first[k] >= second[k] else '−'}{ms(abs(first[k] - second[k]))}"
                          for k in first if k in PREPARE or k in ("write PDF", "write DOCX"))
        inp = fig["in"]
        stages = ", ".join(f"{k} {ms(_med(inp.get(k)))}" for k in PREPARE + ("write PDF", "write DOCX",
                                                                              "write Markdown", "write HTML"))
        text += (f" In another fresh process the imports of the CLI, the pipeline and the writers' libraries take "
                 f"{ms(s['imports'])} (largest by package, python -X importtime: {imports_text(fig, 'all')}); the "
                 f"first build then takes {ms(first['full all formats'])} and a second one in the same process "
                 f"{ms(second['full all formats'])} (first-build extras by stage: {extra}). Warm, in process, a build "
                 f"of all formats takes {ms(_med(inp.get('full all formats')))}: {stages}.")
    return text


def watch_text(fig: dict) -> str:
    w, inp = fig.get("watch"), fig["in"]
    if w is None or w.error:
        return ""
    rebuild = _med(inp.get("full PDF"))
    return (f"Saves {len(w.runs)}, min {ms(min(w.runs))}, max {ms(max(w.runs))}. For comparison, a warm "
            f"in-process build of the PDF (load → PDF bytes, measured separately in this run) takes {ms(rebuild)}; "
            f"a save also waits for the watcher to hand it over (5 ms of quiet) and for the file to be written.")


def growth_text(fig: dict, steps: list[tuple[str, float]]) -> str:
    sizes = [s for s in fig["sizes"] if s.briefs == 1 and not s.error]
    whole = "; ".join(f"{ms(v)} a record {k}" for k, v in steps)
    inproc = "; ".join(f"{ms(v)} {k}" for k, v in scale.marginal(sizes))
    one = next((s for s in sizes if s.factor == 10), None)
    big = next((s for s in sizes if s.factor == 50), None)
    by_stage = ""
    if one and big:
        growth = sorted(((ratio(big.per_record(k), one.per_record(k)) or 0, k) for k in one.median), reverse=True)
        by_stage = (" In process, per-record time at 50× over 10×, by stage: "
                    + ", ".join(f"{k} {g:.2f}×" for g, k in growth) + ".")
    return (f"Whole processes: {whole}. In process (warm, the harness's own garbage-collector settings): "
            f"{inproc}.{by_stage}")


def notes(content: dict[str, Path], sizes: list, overflow: str, env_note: str) -> list[str]:
    md = content["md"].read_text(encoding="utf-8")
    styles = len(re.findall(r"^\{\.[\w-]+\}$", md, re.MULTILINE))
    tables = len(re.findall(r"^\{(caption|widths)=", md, re.MULTILINE))
    boxes = len(re.findall(r"^::: ?\w+ .+$", md, re.MULTILINE))
    out = [
        (f"Same content: the peers read briefgen's own output of the shipped brief (Markdown of {len(md):,} characters, "
        "HTML, DOCX). pandoc reads the Markdown *as written* and renders some of it literally: "
        f"the {styles} `{{.style}}` lines come out as text, the {boxes} `::: keyfacts Key facts` box is not a fenced "
        f"div (a div takes no title), and the {tables} `{{caption=… widths=…}}` lines are printed and keep the table "
        "under each from being read as a table (it becomes a paragraph of pipes). The targets use these as-written "
        "figures, as the issue asks; the *pandoc dialect* rows run the same text with those three spelt pandoc's way "
        "(`benchmarks/peers.py` `pandoc_dialect`): the same tables, boxes and styles as briefgen's."),
        ("Typst: `pandoc -s -t typst` (not timed), then `typst.compile` alone, in process. Each run compiles a fresh "
        "copy of the file: recompiling one path in one process hits typst's memo cache and measures the cache."),
        ("WeasyPrint renders briefgen's HTML with that HTML's own styles; LibreOffice converts briefgen's DOCX with a "
        "private profile (created by the untimed first run)."),
        "The scale runs keep `" + "`, `".join(scale.KEY_FACT_LISTS) + "` as shipped: each of their records adds a line "
        f"to the key-facts box. With every list multiplied 50×, a PDF build ends: {overflow}",
    ]
    one = next((s for s in sizes if s.factor == 1 and s.briefs == 1 and not s.error), None)
    batch = next((s for s in sizes if s.briefs > 1 and not s.error), None)
    if one and batch:
        g = ratio(batch.per_record("load + validate"), one.per_record("load + validate")) or 0
        out.append(f"Batch: {batch.batch.get('briefs', 0):.0f} briefs built one after another in one process "
                   f"({ms(batch.batch['wall'])} in all, {ms(batch.batch['wall'] / max(batch.batch.get('briefs', 1), 1))} "
                   f"a brief); load + validate per record is {g:.1f}× the single 1× brief's (each build reads and "
                   "checks the shared countries, sources and seed documents again, as a single build does).")
    out.append(CACHES)
    if env_note:
        out.append(env_note)
    return out


CACHES = (
    "Caches, and why none can serve a wrong brief. (1) Compiled templates persist between runs in the per-user "
    "cache folder (`render/jinja_cache.py`): an entry is keyed by template name and file and checked against a "
    "checksum of the template's source when loaded, in a folder per environment class named after Jinja's version and "
    "a digest of the modules that generate the code; Jinja's header carries the Python version. An edited, renamed or "
    "moved template, another briefgen or Jinja version, or a corrupt or unwritable entry is a miss, never an error. "
    "(2) Font subsets (the DOCX's embedded faces, the HTML page's WOFF) persist in the same folder "
    "(`writers/fontsubset.py`): an entry is named by a SHA-256 of the face's bytes, the characters and the flavour, in a "
    "folder named after a digest of fontTools' `__init__` (which carries its version) and of the module that cuts them; "
    "every entry carries a checksum of its bytes and is read through the one door, so another face, text or fontTools, "
    "or an altered, truncated or planted entry is a miss; a build from the cache is byte-identical to one without "
    "(tests/test_font_subset_cache.py). (3) Babel's answers (dates and amounts written out for a locale, whether a "
    "locale exists) persist in one entry (`render/cldr.py`), keyed by the question, in a folder named after Babel's "
    "`__init__` and the module that asks; an error is never remembered, and a run whose answers are all there does not "
    "import Babel (tests/test_cldr_cache.py: hypothesis over dates, ranges and locales against Babel itself). The "
    "caches share `files/usercache.py`, which never uses a folder others can write into and keeps at most 256 subsets. "
    "(4) In a long-running process (`build --watch`, `serve`, the `--all` workers) each fact file's last parse is kept "
    "and used only while the file's bytes are the same (`files/yamlfile.py`); what each quote states is read once per "
    "text (`facts/statements.py`), and the PDF writer keeps the font subsets it cut and the streams it compressed last "
    "time (functions of their bytes alone); validation, quote checks and rendering run on every build. (5) `serve` keeps each brief's last good HTML, and its PDF and DOCX only for the version they "
    "were written from: a newer save drops them (and cancels their jobs if not begun), so a link never serves another "
    "version's file. A cache of validated fact files across runs was measured and not built: the schema's classes cost "
    "the same to create with pydantic's `defer_build` (about 200 ms of CPU in a fresh process here either way), and "
    "reading validated records back from any cache would create them all the same.")
