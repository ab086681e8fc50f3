"""Timing primitives: medians of repeated runs, in process and as cold processes, and the machine."""

from __future__ import annotations

import os
import platform
import signal
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
    loads: list[float] = field(default_factory=list)  # the 1-minute load average as each run started
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system) of each cold run

    @property
    def load(self) -> float | None:
        """Median 1-minute load average over this figure's runs (2 cores: above ~1 the harness was not alone)."""
        return statistics.median(self.loads) if self.loads else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def spread(self) -> str:
        return f"{min(self.runs):.3f}–{max(self.runs):.3f}" if len(self.runs) > 1 else ""


def load1() -> float:
    """The 1-minute load average now."""
    return os.getloadavg()[0]


def in_process(name: str, fn, repeats: int, warmup: int = 1, note: str = "") -> Figure:
    """Median wall time of `fn()` after `warmup` untimed calls (imports, font and locale caches)."""
    fig = Figure(name, note=note)
    try:
        for _ in range(warmup):
            fn()
        for _ in range(repeats):
            fig.loads.append(load1())
            start = time.perf_counter()
            fn()
            fig.runs.append(time.perf_counter() - start)
    except Exception as exc:  # a peer that cannot run is reported, never faked
        fig.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
    return fig


last_cpu = [0.0]

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
    f.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime}")
"""


def run_child(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, int, str, str]:
    """Run `cmd` to completion: (wall seconds, peak RSS MB of that process, exit code, stdout, last stderr line).
    The process's CPU seconds (user + system) are left in `last_cpu`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".txt") as result:
        subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, result.name, *cmd], cwd=cwd, env=env,
                       stdin=subprocess.DEVNULL, stdout=out, stderr=err, check=True)
        wall, maxrss_kb, code, cpu = result.read().split()
        last_cpu[0] = float(cpu)
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
        if not _cold_run(fig, cmd, cwd, env, timed=i >= warmup):
            break
    return fig


@dataclass
class Cold:
    """One command of an interleaved set (see `interleaved`)."""

    name: str
    cmd: list[str]
    cwd: Path | None = None
    env: dict | None = None
    note: str = ""
    repeats: int | None = None  # fewer runs than the others (slow commands); None: every round


def interleaved(commands: dict[str, Cold], rounds: int, warmup: int = 1) -> dict[str, Figure]:
    """Fresh processes of every command, one of each per round, the order rotating from round to round:
    whatever else the machine does then falls on all of them alike, so their ratios stay fair. The
    `warmup` rounds (untimed) fill the OS file cache and Python's bytecode cache."""
    figs = {key: Figure(c.name, note=c.note) for key, c in commands.items()}
    keys = list(commands)
    for r in range(warmup + rounds):
        shift = r % len(keys)
        for key in keys[shift:] + keys[:shift]:
            c, fig = commands[key], figs[key]
            timed = r >= warmup
            if fig.error or (timed and c.repeats is not None and len(fig.runs) >= c.repeats):
                continue
            _cold_run(fig, c.cmd, c.cwd, c.env, timed)
    return figs


def _cold_run(fig: Figure, cmd: list[str], cwd, env, timed: bool) -> bool:
    load = load1()
    wall, rss, code, _, tail = run_child(cmd, cwd, env)
    if code != 0:
        fig.error = f"exit {code}: {tail}"[:200]
        return False
    if timed:
        fig.runs.append(wall)
        fig.loads.append(load)
        fig.cpu.append(last_cpu[0])
        fig.rss_mb = max(fig.rss_mb or 0, rss)
    return True


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


def cold_env(tmp: Path) -> dict[str, str]:
    """The environment of the cold processes: Python's bytecode cache on (in a private folder), as after a
    normal install, even when the calling shell sets PYTHONDONTWRITEBYTECODE; the warm-up run fills it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def interrupt(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a long-running briefgen (`build --watch`, `serve`) as Ctrl+C does; killed if it lingers."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
