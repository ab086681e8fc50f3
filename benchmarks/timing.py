"""Timing primitives: medians of repeated runs, in process and as cold processes, and the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path


@dataclass
class Figure:
    """One measurement: seconds of each run (median reported), peak RSS in MB when known."""

    name: str
    runs: list[float] = field(default_factory=list)
    rss_mb: float | None = None
    note: str = ""
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def spread(self) -> str:
        return f"{min(self.runs):.3f}–{max(self.runs):.3f}" if len(self.runs) > 1 else ""


def in_process(name: str, fn, repeats: int, warmup: int = 1, note: str = "") -> Figure:
    """Median wall time of `fn()` after `warmup` untimed calls (imports, font and locale caches)."""
    fig = Figure(name, note=note)
    try:
        for _ in range(warmup):
            fn()
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            fig.runs.append(time.perf_counter() - start)
    except Exception as exc:  # a peer that cannot run is reported, never faked
        fig.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
    return fig


# A small launcher process spawns the command and reports its wall time and rusage. Spawning from the
# harness itself would not do: Linux carries the parent's peak RSS over fork and exec into the child's
# ru_maxrss, so every child would report at least the harness's size (here: with typst and weasyprint
# loaded). The launcher's own ~8 MB is the floor instead.
_LAUNCHER = """import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    f.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_child(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, int, str, str]:
    """Run `cmd` to completion: (wall seconds, peak RSS MB of that process, exit code, stdout, last stderr line)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".txt") as result:
        subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, result.name, *cmd], cwd=cwd, env=env,
                       stdin=subprocess.DEVNULL, stdout=out, stderr=err, check=True)
        wall, maxrss_kb, code = result.read().split()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return float(wall), int(maxrss_kb) / 1024, int(code), stdout, tail[0]


def cold(name: str, cmd: list[str], repeats: int, cwd: Path | None = None, env: dict | None = None,
         warmup: int = 1, note: str = "") -> Figure:
    """Median wall time of a fresh process (after `warmup` runs that fill the OS file cache)."""
    fig = Figure(name, note=note)
    for i in range(warmup + repeats):
        wall, rss, code, _, tail = run_child(cmd, cwd, env)
        if code != 0:
            fig.error = f"exit {code}: {tail}"[:200]
            return fig
        if i >= warmup:
            fig.runs.append(wall)
            fig.rss_mb = max(fig.rss_mb or 0, rss)
    return fig


@contextmanager
def spy(module, attr: str, sink: list[float]):
    """Time every call of `module.attr` into `sink` while the block runs (the callers stay unchanged)."""
    original = getattr(module, attr)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            sink.append(time.perf_counter() - start)

    setattr(module, attr, timed)
    try:
        yield sink
    finally:
        setattr(module, attr, original)


def machine(extra_tools: dict[str, str]) -> dict[str, str]:
    """CPU model, cores, RAM, load, Python and library versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    libs = []
    for dist in ("briefgen", "typer", "pydantic", "jinja2", "markdown-it-py", "reportlab", "python-docx",
                 "pypandoc-binary", "typst", "weasyprint"):
        try:
            libs.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            libs.append(f"{dist} (not installed)")
    info = {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "libraries": ", ".join(libs),
    }
    info.update(extra_tools)
    return info
