"""`briefgen build --watch`: rebuild when a data, source, template or settings file changes.

The process stays warm between builds (imports done, parsed templates cached by Jinja and
re-read only when their file changes); a broken edit prints its error and waits for the next save.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from briefgen.runtime import long_running
from briefgen.build.pipeline import BuildRequest, build
from briefgen.errors import BriefgenError


WORKSPACE_INPUTS = ("data", "seeds", "templates", "briefgen.toml")

# watchfiles yields a batch of changes once no new one has come for STEP_MS (its default, 50 ms, is
# half the time of a rebuild). An editor's save is one write, or a write and a rename, microseconds
# apart, so a few milliseconds still gather one save into one rebuild.
STEP_MS = 5


def watched_paths(request: BuildRequest) -> list[Path]:
    """The folders to watch: the workspace itself (so that data/ or templates/ removed and made
    again, or created later, are still seen) and a --template folder outside it."""
    ws = request.workspace
    paths = [ws]
    if request.template is not None and not _inside(request.template, ws):
        paths.append(request.template)
    return [p for p in paths if p.exists()]


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


def input_filter(request: BuildRequest):
    """watchfiles filter: a change counts when it is to an input of the build (data, seeds,
    templates, briefgen.toml, the template folders) and not inside the output folder or the
    outbox (wherever briefgen.toml puts them, e.g. out = "data/out")."""
    from briefgen.workspace import load_config

    ws = request.workspace.resolve()
    cache: dict = {}

    def settings():
        try:
            stamp = (ws / "briefgen.toml").stat().st_mtime_ns
        except OSError:
            stamp = None
        if cache.get("stamp", -1) != stamp:
            cache["stamp"], cache["config"] = stamp, load_config(request.workspace)[0]
        return cache["config"]

    def relevant(_change, path: str) -> bool:
        p = Path(path).resolve()
        config = settings()
        for skip in (request.out or ws / config.out, ws / config.outbox):
            if _inside(p, skip):
                return False
        inputs = [ws / name for name in WORKSPACE_INPUTS]
        inputs += [Path(t) if Path(t).is_absolute() else ws / t for t in (request.template, config.template) if t]
        return any(p == i or _inside(p, i) for i in inputs)

    return relevant


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
          stop_after: int | None = None, stop_event=None) -> None:
    """Build now, then after every change; `stop_after` ends after that many rebuilds and
    `stop_event` (a threading.Event) when it is set (for tests)."""
    from watchfiles import watch as watch_changes

    long_running()
    rebuild(request, echo, err)
    count = 0
    for _changes in watch_changes(*watched_paths(request), watch_filter=input_filter(request),
                                  raise_interrupt=False, rust_timeout=0, stop_event=stop_event, step=STEP_MS):
        rebuild(request, echo, err)
        count += 1
        if stop_after is not None and count >= stop_after:
            return
