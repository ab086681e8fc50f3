"""The results as a terminal table and as docs/performance.md."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from benchmarks.timing import Figure


# The machine has 2 cores and the harness keeps one of them busy: a 1-minute load average above this, over
# a target's runs, means other work competed with them, and the verdict says so.
LOADED = 1.5


@dataclass
class Target:
    name: str
    value: float | None  # a ratio (measured / reference), or ms, or MB; None when a figure is missing
    limit: float | None  # None: reported, no limit set
    how: str  # "briefgen X / peer Y"
    unit: str = "×"  # "×", "ms" or "MB"
    load: float | None = None  # median 1-minute load average over the runs behind the value
    cpu: float | None = None  # the same ratio of CPU times (user + system), less disturbed by other work
    cause: str = ""  # what the time is made of, and for a miss what was tried

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "not measured"
        if self.limit is None:
            return "reported"
        verdict = "met" if self.value <= self.limit else "MISSED"
        return f"{verdict} (loaded)" if self.load is not None and self.load > LOADED else verdict

    def shown(self, x: float | None) -> str:
        if x is None:
            return "—"
        return {"×": f"{x:.2f}×", "ms": f"{x:,.0f} ms", "MB": f"{x:,.0f} MB"}[self.unit]


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def figure_rows(figures: list[tuple[str, Figure]]) -> list[list[str]]:
    rows = []
    for group, f in figures:
        if f.error:
            rows.append([group, f.name, "failed", "", "", "", "", "", f.error])
            continue
        spread = f"{ms(min(f.runs))} – {ms(max(f.runs))}" if len(f.runs) > 1 else ""
        rss = f"{f.rss_mb:.0f} MB" if f.rss_mb else ""
        load = f"{f.load:.2f}" if f.load is not None else ""
        cpu = ms(statistics.median(f.cpu)) if f.cpu else ""
        rows.append([group, f.name, ms(f.median), spread, str(len(f.runs)), cpu, rss, load, f.note])
    return rows


def scale_rows(sizes) -> list[list[str]]:
    rows = []
    for s in sizes:
        if s.error:
            rows.append([s.label, "", "failed", "", "", "", "", s.error])
            continue
        d = s.batch or s.median
        per = {k: s.per_record(k) for k in ("load + validate", "parse Markdown", "write PDF", "write DOCX",
                                             "full all formats")}
        total = d.get("wall") if s.batch else d.get("full all formats")
        rows.append([s.label, f"{s.records:,}", ms(total)] + [ms(v) if v is None else f"{v * 1000:.2f} ms" for v in per.values()]
                    + [f"{s.rss_mb:.0f} MB"])
    return rows


SCALE_HEAD = ["size", "records", "time", "load/rec", "parse/rec", "PDF/rec", "DOCX/rec", "all/rec", "peak RSS"]
FIG_HEAD = ["group", "measurement", "median", "min – max", "runs", "CPU", "peak RSS", "load", "note"]


def text_table(head: list[str], rows: list[list[str]], skip_last: bool = False) -> str:
    cols = head[:-1] if skip_last else head
    rows = [r[: len(cols)] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(cols, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()
    return "\n".join([line(cols), line(["-" * w for w in widths])] + [line(r) for r in rows])


def md_table(head: list[str], rows: list[list[str]]) -> str:
    esc = lambda x: str(x).replace("|", "\\|")
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(esc(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def target_rows(targets: list[Target]) -> list[list[str]]:
    return [[t.name, t.how, t.shown(t.value), "—" if t.limit is None else f"≤ {t.shown(t.limit)}",
             "" if t.cpu is None else f"{t.cpu:.2f}×", "" if t.load is None else f"{t.load:.2f}", t.verdict]
            for t in targets]


TARGET_HEAD = ["target", "measured as", "measured", "limit", "CPU ratio", "load", "verdict"]


def terminal(figures, sizes, targets) -> str:
    return "\n\n".join([
        text_table(FIG_HEAD, figure_rows(figures), skip_last=True),
        text_table(SCALE_HEAD, scale_rows(sizes)),
        text_table(TARGET_HEAD, target_rows(targets)),
    ] + [f"{t.name}: {t.verdict}. {t.cause}" for t in targets if t.cause])


LOAD_NOTE = (f"*load* is the median 1-minute load average as the runs started (2 cores; the harness itself keeps "
             f"about one busy, so above {LOADED:g} other work competed with the runs and a verdict says *loaded*).")


def markdown(machine: dict, figures, sizes, targets, notes: list[str], command: str, duration: float) -> str:
    parts = [
        "# Performance",
        (f"Generated by `{command}` (whole run {duration:.0f} s); do not edit by hand, run it again. "
        "Every time is the median of the runs shown, all taken in this one run on this machine, "
        "so ratios between rows are comparable; absolute times are not comparable across machines."),
        "## Machine",
        "\n".join(f"- **{k}:** {v}" for k, v in machine.items()),
        "## Targets",
        ("Every target is measured on whole processes, as a user runs them: the console script `briefgen`, cold "
         "(a fresh process each run, bytecode cached as after an install), against a cold `pandoc` doing the same "
         "job on the same content, in the same rounds (each round runs every command once, in a rotating order). "
         "In-process figures appear only in the breakdowns below and in the measurements. *CPU ratio* is the "
         "same ratio of the processes' CPU times (user + system): the verdict uses the wall-time ratio, but on a "
         "loaded machine the CPU ratio is the steadier of the two. " + LOAD_NOTE),
        md_table(TARGET_HEAD, target_rows(targets)),
        "### Where the time goes",
    ]
    parts += [f"**{t.name} — {t.verdict}.** {t.cause}" for t in targets if t.cause]
    parts += [
        "## Measurements",
        ("Cold rows are fresh processes (wall time from spawn to exit, after one untimed round that fills the "
        "file cache; *CPU* is the median user + system time of that process, less disturbed by other work than the wall "
        "time; peak RSS of that process), interleaved with the other rows of their group. In-process rows "
         "run after one untimed warm-up call. Other work on the machine during the run shows in the *load* column "
         "and as a wide min – max spread; the medians are what the targets use."),
        md_table(FIG_HEAD, figure_rows(figures)),
        "## Scale",
        ("Synthetic fact bases from `benchmarks/synth.py`: every list of records of the shipped brief cloned "
        "with new ids (quotes copied, so `briefgen check` passes). Each size runs in its own process after a "
        "warm-up build of the shipped brief; figures are medians, per record = stage time / records. The "
        "batch row builds every brief one after another in one process (PDF + DOCX) and its per-record "
        "figures are totals over all briefs."),
        md_table(SCALE_HEAD, scale_rows(sizes)),
        "## Notes",
        "\n".join(f"- {n}" for n in notes),
    ]
    return "\n\n".join(parts) + "\n"
