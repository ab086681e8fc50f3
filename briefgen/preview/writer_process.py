"""The PDF and DOCX of the current state, written in one warm worker process beside the preview.

The worker is forked once, before the server starts its threads, and imports the writers' libraries
then (reportlab, python-docx, the fonts), so each save pays only for the writing, on the other core,
while the preview process stays free to turn the next save into HTML. It is sent the prepared
document (a few kilobytes pickled), not the fact base: the stages before the writers ran once, in
the preview process.

A job goes down a pipe from the thread that submits it, at once. (A process pool hands a job over
through two threads of its own, which wait for the interpreter lock while the preview writes its
HTML: the PDF started some 6 ms late on every save.) Results come back on a reader thread. Before
the worker starts a job it reads every job waiting behind it, and skips one that a newer job of the
same brief and formats replaces: after quick saves only the latest state is written.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, InvalidStateError

from briefgen.build.pipeline import Prepared, located, produce
from briefgen.errors import BriefgenError, FontError, Problem
from briefgen.runtime import long_running, signals_held

BACKGROUND_FORMATS = ("pdf", "docx")


class WriterGone(RuntimeError):
    """The worker ended before it answered (killed, out of memory, stopped)."""


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


def _work(jobs, other_end, close: tuple[int, ...], parent: int) -> None:
    """The worker's loop: the oldest job not replaced by a newer one with the same key, then its answer."""
    from briefgen.build.early import error_reply

    other_end.close()
    _warm_up(close, parent)
    waiting: deque = deque()
    while True:
        try:
            if not waiting:
                waiting.append(jobs.recv())
            while jobs.poll():
                waiting.append(jobs.recv())
        except (EOFError, OSError):  # the preview closed its end: nothing more will come
            os._exit(0)
        number, key, fn, args = waiting.popleft()
        if key is not None and any(later[1] == key for later in waiting):
            jobs.send((number, "skipped", None))
            continue
        try:
            jobs.send((number, "ok", fn(*args)))
        except Exception as exc:
            jobs.send_bytes(error_reply(exc, "PDF and DOCX writer", number))


class WriterProcess:
    """One warm worker; `submit` hands it a prepared brief and returns a Future of (files, warnings)."""

    def __init__(self, close: tuple[int, ...] = ()) -> None:
        self._close = close
        self._lock = threading.Lock()  # one sender at a time; the numbering and the waiting futures
        self._futures: dict[int, tuple[object, Future]] = {}  # job number -> (the worker's pipe, its future)
        self._count = 0
        self._proc = None
        self._start()

    def _start(self) -> None:
        # fork: the worker inherits the imports already done; started before any thread exists
        context = multiprocessing.get_context("fork")
        here, there = context.Pipe()
        with signals_held():  # the fork happens here; the worker sets its own handlers, then takes signals
            self._proc = context.Process(target=_work, args=(there, here, self._close, os.getpid()), daemon=True,
                                         name="briefgen-writer")
            self._proc.start()
        there.close()
        self._conn = here
        threading.Thread(target=self._read, args=(here,), daemon=True, name="briefgen-writer-results").start()

    def submit(self, prepared: Prepared, formats: tuple[str, ...] = BACKGROUND_FORMATS) -> Future:
        return self._submit(_write, (prepared.for_writers(), formats), key=(prepared.brief_id, prepared.stem, formats))

    def _submit(self, fn, args: tuple, key=None) -> Future:
        future: Future = Future()
        with self._lock:
            self._count += 1
            job = (self._count, key, fn, args)
            try:
                if not self._proc.is_alive():
                    raise BrokenPipeError
                self._conn.send(job)
            except OSError:  # the worker died (killed, out of memory): a new one for this save
                self._conn.close()
                self._start()
                self._conn.send(job)
            self._futures[self._count] = (self._conn, future)
        return future

    def _read(self, conn) -> None:
        """The results of one worker, as they come; when it ends, what it owed fails."""
        while True:
            try:
                number, kind, value = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                _, future = self._futures.pop(number, (None, None))
            if future is None:
                continue
            try:
                if kind == "ok":
                    future.set_result(value)
                elif kind == "error":
                    future.set_exception(value)
                else:  # skipped: a newer job replaces it
                    future.cancel()
            except InvalidStateError:  # cancelled here meanwhile: nobody waits for it
                pass
        with self._lock:
            owed = [n for n, (sent_to, _) in self._futures.items() if sent_to is conn]
            owed = [self._futures.pop(n)[1] for n in owed]
        for future in owed:
            try:
                future.set_exception(WriterGone("the writer process ended before it answered"))
            except InvalidStateError:  # cancelled meanwhile
                pass

    def close(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()  # a PDF being written is not waited for
        self._proc.join(5)
        self._conn.close()
        self._proc = None


def outcome(future: Future, fb) -> tuple[dict[str, bytes], list[Problem], list[str]]:
    """A finished job as (files, problems, warnings); a missing glyph is located at its facts."""
    try:
        files, warned = future.result()
    except FontError as exc:
        return {}, located(exc, fb).problems, []
    except BriefgenError as exc:
        return {}, exc.problems, []
    return files, [], warned
