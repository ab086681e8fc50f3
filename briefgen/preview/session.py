"""What the preview shows of each brief, rebuilt on every save.

A save re-reads the inputs once (unchanged fact files come from the parse cache), renders the HTML
of every brief a browser is looking at and publishes it at once; the PDF and DOCX follow from the
writer process. A save with problems publishes the problems and keeps the last good HTML, so the
reader still sees the brief underneath them. Browsers wait on `changed` for the next snapshot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from briefgen.facts.attribution import factbase_warnings
from briefgen.build.pipeline import BuildRequest, load_inputs, prepare
from briefgen.errors import BriefgenError, Problem
from briefgen.preview.notes import note_map
from briefgen.preview.writer_process import BACKGROUND_FORMATS, WriterProcess, outcome


@dataclass(frozen=True)
class Snapshot:
    """One brief's preview as browsers are sent it; replaced whole on each change, never edited."""

    seq: int = 0  # grows with every change of anything here
    version: int = 0  # grows with every new good HTML
    html: bytes | None = None  # the HTML writer's page of the last good state
    stem: str = "brief"  # the file name of the PDF and DOCX without extension
    title: str = ""  # the brief's title, as of `html`
    notes: dict = field(default_factory=dict)  # note number -> the source and the records that cite it
    problems: tuple[Problem, ...] = ()  # of the latest save; the HTML above is older when there are any
    warnings: tuple[str, ...] = ()
    files: dict = field(default_factory=dict)  # format -> bytes of `version`, once written
    writing: bool = False  # the PDF and DOCX of `version` are being written
    stale: bool = False  # the latest save did not render: `html` is the last good state, not the latest


class Session:
    """The previews of one workspace. Builds run one at a time (`_building`); readers take
    `snapshot(brief_id)` and wait on `changed` for the next one."""

    def __init__(self, request: BuildRequest, writers: WriterProcess | None,
                 log: Callable[[str], None] = lambda _line: None):
        self.request = request
        self.log = log
        self.writers = writers
        self.changed = threading.Condition()
        self._building = threading.Lock()
        self._snapshots: dict[str, Snapshot] = {}
        self._watched: dict[str, int] = {}  # brief id -> browsers looking at it
        self._queued: dict[str, list] = {}  # brief id -> its PDF and DOCX jobs in the writer process
        self._seq = 0
        self._listing: tuple[list[tuple[str, str, str]], list[Problem]] = ([], [])
        self.stopped = False

    # --- reading -----------------------------------------------------------------------------
    def snapshot(self, brief_id: str) -> Snapshot:
        """The brief's snapshot; built now if nobody has looked at it since the last save."""
        with self.changed:
            found = self._snapshots.get(brief_id)
        if found is not None:
            return found
        with self._building:
            if brief_id not in self._snapshots:
                self._build([brief_id])
        return self._snapshots[brief_id]

    def listing(self) -> tuple[list[tuple[str, str, str]], list[Problem]]:
        """Every brief of the workspace as (id, title, file), and the problems that hide some."""
        with self._building:
            if not self._listing[0] and not self._listing[1]:
                self._build([])
        return self._listing

    def watching(self, brief_id: str, delta: int) -> None:
        with self.changed:
            self._watched[brief_id] = self._watched.get(brief_id, 0) + delta

    def wait(self, seq: int, timeout: float) -> None:
        """Until some snapshot is newer than `seq`, the session stops, or `timeout` passes."""
        with self.changed:
            self.changed.wait_for(lambda: self._seq > seq or self.stopped, timeout)

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()

    # --- building ----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """After a save: every brief a browser has open (or the one brief served) now; the others
        are forgotten and rebuilt when next opened."""
        with self._building:
            with self.changed:
                wanted = [b for b, n in self._watched.items() if n > 0]
                if self.request.brief:
                    wanted = list(dict.fromkeys([self.request.brief, *wanted]))
                for brief_id in list(self._snapshots):
                    if brief_id not in wanted:
                        del self._snapshots[brief_id]
            self._build(wanted)

    def _build(self, brief_ids: list[str]) -> None:
        try:
            config, fb = load_inputs(self.request.workspace, template=self.request.template)
        except BriefgenError as exc:
            self._listing = (self._listing[0], exc.problems)
            for brief_id in brief_ids:
                self._publish(brief_id, problems=tuple(exc.problems))
            self.log(f"{len(exc.problems)} problem(s) in the workspace, shown over the last good preview")
            return
        except Exception as exc:  # a bug must not end the preview: say it, keep serving
            for brief_id in brief_ids:
                self._publish(brief_id, problems=(_internal(exc),))
            return
        self._listing = ([(b, fb.briefs[b].title, fb.brief_files[b]) for b in sorted(fb.briefs)], [])
        general = factbase_warnings(fb)
        for brief_id in brief_ids:
            self._build_one(brief_id, config, fb, general)

    def _build_one(self, brief_id: str, config, fb, general: list[Problem]) -> None:
        from briefgen.writers import WriterOptions, get_writer

        start = time.perf_counter()
        jobs: list = []
        try:
            prepared = prepare(replace(self.request, brief=brief_id), loaded=(config, fb))
            jobs = self._write_in_background(brief_id, prepared)  # the PDF starts now, on the other core
            notes = note_map(prepared, fb, brief_id)
            html = get_writer("html")(prepared.document, WriterOptions(prepared.theme))
        except Exception as exc:
            for job in jobs:
                job.cancel()
            if isinstance(exc, BriefgenError):
                self._publish(brief_id, problems=tuple(exc.problems))
                self.log(f"{brief_id}: {len(exc.problems)} problem(s), shown over the last good preview")
                return
            self._publish(brief_id, problems=(_internal(exc),))
            self.log(f"{brief_id}: {_internal(exc).message}")
            return
        mine = {fb.brief_files.get(brief_id), "data/sources.yaml"}
        warned = [str(p) for p in general if p.location is None or p.location.path in mine]
        snap = self._publish(brief_id, html=html, stem=prepared.stem, title=prepared.document.meta.title, notes=notes,
                             warnings=tuple(dict.fromkeys(prepared.warnings + warned)), writing=bool(jobs))
        self.log(f"{brief_id}: preview updated in {(time.perf_counter() - start) * 1000:.0f} ms")
        for job in jobs:  # a job already done runs its callback at once
            job.add_done_callback(lambda f: self._written(brief_id, snap.version, f, fb))

    def _write_in_background(self, brief_id: str, prepared) -> list:
        """The PDF and DOCX jobs of this version (one format a job: the PDF is served before the DOCX is
        written); the jobs of an older version not yet begun are cancelled, nobody will see them."""
        if self.writers is None:
            return []
        for old in self._queued.pop(brief_id, []):
            old.cancel()
        jobs = [self.writers.submit(prepared, (fmt,)) for fmt in BACKGROUND_FORMATS]
        self._queued[brief_id] = jobs
        return jobs

    def _written(self, brief_id: str, version: int, future, fb) -> None:
        """The worker's PDF and DOCX of `version`: kept unless a newer version has come since."""
        if future.cancelled():
            return
        try:
            files, problems, warned = outcome(future, fb)
        except Exception as exc:  # the worker died or was stopped
            if self.stopped:
                return
            files, problems, warned = {}, [_internal(exc)], []
        with self.changed:
            snap = self._snapshots.get(brief_id)
            if snap is None or snap.version != version:
                return
            self._seq += 1
            files = {**snap.files, **files}
            pending = any(not f.done() for f in self._queued.get(brief_id, []))
            self._snapshots[brief_id] = replace(
                snap, seq=self._seq, files=files, writing=pending,
                problems=tuple(dict.fromkeys(snap.problems + tuple(problems))),
                warnings=tuple(dict.fromkeys(snap.warnings + tuple(warned))))
            self.changed.notify_all()

    def _publish(self, brief_id: str, html: bytes | None = None, **changes) -> Snapshot:
        with self.changed:
            old = self._snapshots.get(brief_id, Snapshot())
            self._seq += 1
            if html is not None:  # a good build: new HTML, the old PDF and DOCX no longer match it
                snap = replace(old, seq=self._seq, version=self._seq, html=html, problems=(), files={}, stale=False,
                               **changes)
            else:  # problems: the last good HTML stays underneath, its warnings and files with it
                snap = replace(old, seq=self._seq, stale=True, **changes)
            self._snapshots[brief_id] = snap
            self.changed.notify_all()
            return snap


def _internal(exc: Exception) -> Problem:
    return Problem(None, f"internal error: {type(exc).__name__}: {exc} (run `briefgen --debug build` "
                         "for a traceback)")
