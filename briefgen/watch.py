"""`briefgen build --watch`: rebuild when a data, source, template or settings file changes.

The process stays warm between builds (imports done, parsed templates cached by Jinja and
re-read only when their file changes); a broken edit prints its error and waits for the next save.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from briefgen._entry import long_running
from briefgen.build import BuildRequest, build
from briefgen.errors import BriefgenError


def watched_paths(request: BuildRequest) -> list[Path]:
    ws = request.workspace
    paths = [ws / "data", ws / "seeds", ws / "templates", ws / "briefgen.toml"]
    if request.template is not None:
        paths.append(request.template)
    return [p for p in paths if p.exists()]


def rebuild(request: BuildRequest, echo: Callable[[str], None], err: Callable[[str], None]) -> bool:
    start = time.perf_counter()
    try:
        paths = build(request, warn=lambda message: err(f"warning: {message}"))
    except BriefgenError as exc:
        for problem in exc.problems:
            err(f"error: {problem}")
        err("waiting for the next change…")
        return False
    for path in paths:
        echo(str(path))
    err(f"built in {time.perf_counter() - start:.2f}s; watching for changes (Ctrl+C to stop)")
    return True


def watch(request: BuildRequest, echo: Callable[[str], None], err: Callable[[str], None],
          stop_after: int | None = None) -> None:
    """Build now, then after every change; `stop_after` ends after that many rebuilds (for tests)."""
    from watchfiles import watch as watch_changes

    long_running()
    rebuild(request, echo, err)
    out_dir = (request.out or request.workspace / "out").resolve()
    count = 0
    for changes in watch_changes(*watched_paths(request), raise_interrupt=False, rust_timeout=0):
        if all(Path(p).resolve().is_relative_to(out_dir) for _, p in changes):
            continue  # our own output
        rebuild(request, echo, err)
        count += 1
        if stop_after is not None and count >= stop_after:
            return
