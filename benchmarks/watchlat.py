"""Watch latency: a saved edit of a data file → the rewritten PDF, through a real `briefgen build --watch`.

The watcher runs as the user runs it (a fresh process of the console script, bytecode cached). After its
first build the harness saves the brief's data file again and again, the way an editor saves in place (one
write of the whole text, each time with one more YAML comment line, so the brief's content stays the same),
and times each save from just before the write to the moment the PDF in the output folder is a new file (the
build writes a temp file and renames it over the old one, so the PDF's inode changes). Between saves it
waits for the watcher to settle, so every save is one rebuild.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.synth import make_workspace
from benchmarks.timing import Figure, interrupt, load1

NAME = "briefgen build --watch: saved edit → rewritten PDF"


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
        return st.st_ino, st.st_mtime_ns
    except FileNotFoundError:
        return None


def _wait_new(path: Path, old, deadline: float) -> float | None:
    """Poll (every ~0.5 ms) until `path` is another file than `old`; the time it was seen, or None at `deadline`."""
    while time.perf_counter() < deadline:
        now = _inode(path)
        if now is not None and now != old:
            return time.perf_counter()
        time.sleep(0.0005)
    return None


def watch_latency(tmp: Path, edits: int, env: dict, settle: float = 0.4, timeout: float = 10.0) -> Figure:
    fig = Figure(NAME, note=f"{edits} saves of data/briefs/*.yaml; PDF only (the default format); "
                            "time from the write to the renamed PDF")
    ws = make_workspace(tmp / "ws-watch", 1)
    brief = next((ws / "data" / "briefs").glob("*.yaml"))
    out = ws / "out-watch"
    bg = str(Path(sys.executable).parent / "briefgen")
    proc = subprocess.Popen([bg, "build", "--watch", "--workspace", str(ws), "--out", str(out)], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.perf_counter() + 60
        while not list(out.glob("*.pdf")) and time.perf_counter() < deadline and proc.poll() is None:
            time.sleep(0.01)
        pdfs = list(out.glob("*.pdf"))
        if not pdfs:
            fig.error = f"the watcher wrote no PDF: {(lines or ['(no output)'])[-1].strip()}"[:200]
            return fig
        pdf = pdfs[0]
        text = brief.read_text(encoding="utf-8")
        missed = 0
        for n in range(edits):
            time.sleep(settle)  # the watcher is idle again (and armed, after the first build)
            old = _inode(pdf)
            text += f"# saved {n}\n"
            load = load1()
            start = time.perf_counter()
            with open(brief, "w", encoding="utf-8") as fh:
                fh.write(text)
            seen = _wait_new(pdf, old, start + timeout)
            if seen is None:
                missed += 1
                continue
            fig.runs.append(seen - start)
            fig.loads.append(load)
        if missed:
            fig.note += f"; {missed} saves brought no new PDF within {timeout:.0f} s"
        if not fig.runs:
            fig.error = f"no save brought a new PDF: {(lines or ['(no output)'])[-1].strip()}"[:200]
        return fig
    finally:
        interrupt(proc)
        reader.join(timeout=5)


if __name__ == "__main__":
    import tempfile

    from benchmarks.timing import cold_env

    with tempfile.TemporaryDirectory(prefix="briefgen-watch-") as d:
        f = watch_latency(Path(d), int(sys.argv[1]) if len(sys.argv) > 1 else 10, cold_env(Path(d)))
        print(f.error or f"median {f.median * 1000:.1f} ms, min {min(f.runs) * 1000:.1f}, max {max(f.runs) * 1000:.1f}, "
              f"load {f.load:.2f}; {f.note}")
        os._exit(0)
