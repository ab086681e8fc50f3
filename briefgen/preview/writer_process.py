"""The PDF and DOCX of the current state, written in one warm worker process beside the preview.

The worker is forked once, before the server starts its threads, and imports the writers' libraries
then (reportlab, python-docx, the fonts), so each save pays only for the writing, on the other core,
while the preview process stays free to turn the next save into HTML. It is sent the prepared
document (a few kilobytes pickled), not the fact base: the stages before the writers ran once, in
the preview process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from briefgen.build.pipeline import Prepared, located, produce
from briefgen.errors import BriefgenError, FontError, Problem
from briefgen.runtime import long_running, signals_held

BACKGROUND_FORMATS = ("pdf", "docx")


def _orphaned_exit(parent: int) -> None:
    """In the worker: end at once when the preview process is gone (killed, not stopped), rather than
    wait forever for work that will not come."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _warm_up(close: tuple[int, ...], parent: int) -> None:
    """In the worker: Ctrl+C is the preview's to handle (it ends this process at its own pace), SIGTERM
    ends it at once; then the imports."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    for fd in close:  # the server's listening socket: the port is the preview's alone
        os.close(fd)
    threading.Thread(target=_orphaned_exit, args=(parent,), daemon=True).start()
    long_running()  # forked from a console script that runs without garbage collection: this one writes for hours
    from briefgen.writers import get_writer

    for fmt in BACKGROUND_FORMATS:
        get_writer(fmt)


def _write(prepared: Prepared, formats: tuple[str, ...]) -> tuple[dict[str, bytes], list[str]]:
    """In the worker: each format's bytes and the warnings of writing them. An error travels back
    whole (briefgen's errors pickle with their fields); a missing glyph is located by the caller,
    which has the fact base."""
    files = produce(prepared, formats)
    return files, prepared.warnings


class WriterProcess:
    """One warm worker; `submit` hands it a prepared brief and returns a Future of `Written`."""

    def __init__(self, close: tuple[int, ...] = ()) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._close = close
        self._start()

    def _start(self) -> None:
        # fork: the worker inherits the imports already done; started before any thread exists
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=_warm_up,
                                         initargs=(self._close, os.getpid()))
        with signals_held():  # the fork happens here; the worker sets its own handlers, then takes signals
            self._pool.submit(int)

    def submit(self, prepared: Prepared, formats: tuple[str, ...] = BACKGROUND_FORMATS) -> Future:
        lite = prepared.for_writers()
        try:
            return self._pool.submit(_write, lite, formats)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one for this save
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._start()
            return self._pool.submit(_write, lite, formats)

    def close(self) -> None:
        if self._pool is None:
            return
        processes = list((self._pool._processes or {}).values())  # a PDF being written is not waited for
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(5)
        self._pool.shutdown(wait=True)  # the executor's own thread notices the ended worker and stops
        self._pool = None


def outcome(future: Future, fb) -> tuple[dict[str, bytes], list[Problem], list[str]]:
    """A finished job as (files, problems, warnings); a missing glyph is located at its facts."""
    try:
        files, warned = future.result()
    except FontError as exc:
        return {}, located(exc, fb).problems, []
    except BriefgenError as exc:
        return {}, exc.problems, []
    return files, [], warned
