"""`briefgen build --all`: every brief of a workspace, in parallel worker processes.

The unit of work is one brief file: each worker validates and builds its brief on its own, so a
broken brief fails alone and the others are still built. Workers stay alive across briefs, so the
writers' libraries are imported once per worker, not once per brief.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from briefgen.runtime import long_running
from briefgen.build.pipeline import BuildRequest, build
from briefgen.errors import BriefgenError
from briefgen.facts.factbase import brief_files


@dataclass(frozen=True)
class Outcome:
    brief_file: str
    paths: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def build_one(request: BuildRequest) -> Outcome:
    """Build one brief file; never raises for bad input (the error travels back as text)."""
    start = time.perf_counter()
    try:
        warned: list[str] = []
        paths = build(request, warn=warned.append)
        return Outcome(request.brief_file, tuple(str(p) for p in paths), seconds=time.perf_counter() - start,
                       warnings=tuple(warned))
    except BriefgenError as exc:
        return Outcome(request.brief_file, errors=tuple(str(p) for p in exc.problems),
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # a bug in one brief's build must not abort the batch and its summary
        return Outcome(request.brief_file, errors=(f"{request.brief_file}: internal error: {type(exc).__name__}: "
                                                   f"{exc} (run `briefgen --debug build` on this brief for a "
                                                   "traceback)",), seconds=time.perf_counter() - start)


def build_all(request: BuildRequest, jobs: int | None = None) -> Iterator[Outcome]:
    """Yield one Outcome per brief file as each finishes; `jobs=1` builds in this process."""
    long_running()  # workers build brief after brief: collect garbage as usual
    files = brief_files(request.workspace)
    requests = [replace(request, brief=None, brief_file=f) for f in files]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(requests) or 1))
    if jobs == 1:
        yield from map(build_one, requests)
        return
    unbuilt = dict(enumerate(requests))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(build_one, r): i for i, r in enumerate(requests)}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool:
                continue
            del unbuilt[futures[future]]
            yield outcome
    # A worker died (killed, out of memory): the pool then fails every brief not yet built. Each is
    # built again in a worker of its own, so the brief that kills its worker is reported as failed
    # and the others are built.
    for r in unbuilt.values():
        yield _alone(r)


def _alone(request: BuildRequest) -> Outcome:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(build_one, request).result()
        except BrokenProcessPool:
            return Outcome(request.brief_file, errors=(
                f"{request.brief_file}: the process building this brief died (it was killed, or ran out of "
                "memory); the other briefs were built",), seconds=time.perf_counter() - start)


def run_with_progress(request: BuildRequest, jobs: int | None, echo: Callable[[str], None], tty: bool) -> list[Outcome]:
    """Drive build_all with a rich progress bar on a terminal, plain lines otherwise."""
    total = len(brief_files(request.workspace))
    outcomes: list[Outcome] = []
    if tty and total:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True) as progress:
            task = progress.add_task("briefs", total=total)
            for outcome in build_all(request, jobs):
                outcomes.append(outcome)
                progress.advance(task)
    else:
        for outcome in build_all(request, jobs):
            outcomes.append(outcome)
            status = "ok" if outcome.ok else "FAILED"
            echo(f"{status}\t{outcome.brief_file}\t{outcome.seconds:.2f}s")
    return outcomes
