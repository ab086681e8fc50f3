"""Writers started early: for a one-shot build of a PDF or DOCX, a process forked before the shared
stages imports that writer's library (reportlab, python-docx: a fifth of a cold build) while this
process validates and renders, then writes its format from the prepared document, alongside the
other writers. On two cores a cold `build --format all` ends about a fifth sooner. A child with a
core of its own also rehearses while it waits (`_rehearse`).

Nothing about the output changes: the child runs the same `produce` on the same document and hands
back the bytes and warnings; this process still writes every file, all or nothing. A forked process
starts only where forking is safe and can pay: POSIX, more than one usable core, and no other thread
in this process (a lock held by another thread would stay held in the child forever). The child ends
itself if it is given no job (this process failed or was stopped), is killed when the build ends,
and dies quietly on Ctrl+C: it has written nothing. A child stopped by Ctrl+C or SIGTERM before it
answers makes the build an interruption here too, whichever process the signal reached first.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable

EARLY_FORMATS = ("pdf", "docx")  # the formats whose libraries take long to import
_STOPS = {signal.SIGINT, signal.SIGTERM}
_OPEN: set[int] = set()  # this process's ends of every child's pipes: a later child must not hold them


def start(formats: tuple[str, ...], jobs: int | None, produce: Callable) -> dict[str, EarlyWriter]:
    """A forked writer for each slow format asked for (none with `jobs=1`, or where forking is unsafe);
    each will run `produce(prepared, (fmt,))`, the pipeline's writer stage."""
    wanted = [f for f in formats if f in EARLY_FORMATS]
    if not wanted or jobs == 1 or not _can_fork():
        return {}
    rehearse = len(wanted) < _cores()  # a core to spare for each: the rehearsal never slows this process
    return {fmt: EarlyWriter(fmt, produce, rehearse) for fmt in wanted}


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and _cores() > 1


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class EarlyWriter:
    """One forked writer: `hand` it the prepared brief, then `result` gives the bytes and warnings."""

    def __init__(self, fmt: str, produce: Callable, rehearse: bool = False) -> None:
        self.fmt = fmt
        job_r, self._job_w = os.pipe()
        self._result_r, result_w = os.pipe()
        # Ctrl+C and SIGTERM wait while forking: a child must never run this process's handler (which
        # raises, and the child would end without a word); it takes them with the default action
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            self.pid = os.fork()
            if self.pid == 0:  # never returns
                for sig in _STOPS:
                    signal.signal(sig, signal.SIG_DFL)  # nothing to clean up: the parent writes the files
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                # another child's job pipe held open here would never reach its end: that child would wait forever
                for fd in _OPEN | {self._job_w, self._result_r}:
                    os.close(fd)
                _child(fmt, produce, job_r, result_w, rehearse)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(job_r)
        os.close(result_w)
        _OPEN.update((self._job_w, self._result_r))

    def hand(self, prepared) -> None:
        """Send the job: the prepared brief without what the writers do not read (the facts stay
        here, where a missing glyph is located)."""
        job = prepared.for_writers()
        _OPEN.discard(self._job_w)
        try:
            with os.fdopen(self._job_w, "wb", closefd=True) as pipe:
                pipe.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:  # the child died; `result` says so
            pass
        finally:
            self._job_w = -1

    def result(self) -> tuple[bytes, list[str]]:
        """The format's bytes and the warnings of writing it; the child's error raised here."""
        _OPEN.discard(self._result_r)
        with os.fdopen(self._result_r, "rb", closefd=True) as pipe:
            data = pipe.read()
        self._result_r = -1
        status = self._reap()
        try:
            kind, *rest = pickle.loads(data)
        except Exception:
            raise self._ended_without_result(status) from None
        if kind == "error":
            raise rest[0]
        return rest[0], rest[1]

    def stop(self) -> None:
        """Kill the child if it still runs and close the pipes (the build is over, or failed)."""
        for fd in (self._job_w, self._result_r):
            if fd >= 0:
                _OPEN.discard(fd)
                os.close(fd)
        self._job_w = self._result_r = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _ended_without_result(self, status: int | None) -> Exception:
        """Why the child gave no answer. Stopped by Ctrl+C or SIGTERM (sent to the child alone, or
        reaching it before this process) the build was interrupted, as if the signal had come here."""
        from briefgen.errors import Interrupted

        signum = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
        if signum in (signal.SIGINT, signal.SIGTERM):
            return Interrupted()
        how = f" (stopped by signal {_signal_name(signum)})" if signum else ""
        return RuntimeError(f"the {self.fmt.upper()} writer's process ended without a result{how}")

    def _reap(self) -> int | None:
        """Wait for the child to end; its wait status (None if already reaped)."""
        status = None
        if self.pid:
            try:
                status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:
                pass
            self.pid = 0
        return status


def _rehearse(fmt: str) -> None:
    """While the job is being prepared: write a few lines in the default theme and throw them away.
    A writer's first use costs more than the next (its library's lazy imports and parsers, the
    packaged fonts read and registered for the PDF): paid here, on a core that would wait anyway,
    the brief's own write is a tenth shorter. Then the writer gets ready for the next document
    (`writers.get_ready`: the DOCX writer opens its default template, a fifth of a DOCX write). Nothing it leaves can change an output: the fonts are
    registered by their files, and the caches it fills are keyed by their bytes."""
    import warnings

    from briefgen.writers import get_ready

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rehearsal(fmt)
        get_ready(fmt)
    except Exception:  # a rehearsal only: the brief's own write says what is wrong
        pass


def rehearsal(fmt: str) -> bytes:
    """The few lines `_rehearse` writes."""
    from datetime import datetime, timezone

    from briefgen.document import model as m
    from briefgen.writers import WriterOptions, get_writer
    from briefgen.writers.theme import Theme

    meta = m.Meta(title="Rehearsal", created=datetime(2000, 1, 1, tzinfo=timezone.utc), reproducible=True)
    lines = (m.Heading(1, (m.Text("Rehearsal"),)), m.Paragraph((m.Strong((m.Text("A few"),)), m.Text(" lines."))))
    return get_writer(fmt)(m.Document(meta, lines), WriterOptions(Theme()))


def error_reply(exc: Exception, where: str, *head) -> bytes:
    """An error, pickled for the process that waits for it as `(*head, "error", exc)`: briefgen's errors
    travel with their fields; a bug keeps its traceback from this process as a note; an error that
    cannot be pickled becomes a RuntimeError with its text."""
    from briefgen.errors import BriefgenError

    if not isinstance(exc, BriefgenError):
        exc.add_note(f"in the {where}'s process:\n" + "".join(traceback.format_exception(exc)))
    try:
        return pickle.dumps((*head, "error", exc), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        error = RuntimeError(f"in the {where}: {type(exc).__name__}: {exc}")
        error.__notes__ = getattr(exc, "__notes__", [])
        return pickle.dumps((*head, "error", error), protocol=pickle.HIGHEST_PROTOCOL)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:  # a real-time signal has no name
        return str(signum)


def _child(fmt: str, produce: Callable, job_r: int, result_w: int, rehearse: bool) -> None:
    """Import the writer (and rehearse), wait for the job, write, send the result back; always ends
    the process."""
    try:
        from briefgen.writers import get_writer

        get_writer(fmt)
        if rehearse:
            _rehearse(fmt)
        with os.fdopen(job_r, "rb") as pipe:
            job = pipe.read()
        if not job:  # the parent failed before handing a job over, or is gone
            os._exit(0)
        prepared = pickle.loads(job)
        try:
            reply = ("ok", produce(prepared, (fmt,))[fmt], prepared.warnings)
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = error_reply(exc, f"{fmt.upper()} writer")
        with os.fdopen(result_w, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
