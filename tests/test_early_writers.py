"""Writers started early in forked processes (`briefgen.build.early`): the same files as a build in
one process, errors located and shown as there, and no process left behind whatever happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.build import early, pipeline
from briefgen.build.pipeline import BuildRequest
from briefgen.errors import BriefgenError, Interrupted

from conftest import REPO_ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking is POSIX")
EPOCH = "1764115200"


@pytest.fixture(autouse=True)
def _fixed_dates(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_every_format_is_byte_identical_to_a_build_in_one_process(forking, tmp_path):
    request = BuildRequest(workspace=REPO_ROOT, formats=("pdf", "docx", "md", "html"), out=tmp_path / "forked")
    forked = pipeline.build(request, jobs=None)
    assert sorted(w.fmt for w in forking) == ["docx", "pdf"]
    pids = [w.pid for w in forking]  # 0 once reaped
    alone = pipeline.build(BuildRequest(**{**request.__dict__, "out": tmp_path / "alone"}), jobs=1)
    assert len(forking) == 2 and pids == [0, 0]
    assert [p.name for p in forked] == [p.name for p in alone]
    for a, b in zip(forked, alone):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_one_process_when_told_or_when_forking_is_unsafe(forking, monkeypatch, tmp_path):
    assert early.start(("pdf", "docx"), 1, pipeline.produce) == {}
    assert early.start(("md", "html"), None, pipeline.produce) == {}
    monkeypatch.setattr(early.threading, "active_count", lambda: 2)  # another thread may hold a lock
    assert early.start(("pdf",), None, pipeline.produce) == {}
    monkeypatch.setattr(early.threading, "active_count", lambda: 1)
    monkeypatch.setattr(early.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert early.start(("pdf",), None, pipeline.produce) == {}
    assert forking == []


def test_invalid_input_stops_the_children_and_writes_nothing(forking, repo_workspace, tmp_path):
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace('date: "1991-12"', 'date: "1991-13"', 1), encoding="utf-8")
    with pytest.raises(BriefgenError):
        pipeline.build(BuildRequest(workspace=repo_workspace, formats=("pdf", "docx"), out=tmp_path / "o"), jobs=None)
    assert len(forking) == 2 and all(w.pid == 0 for w in forking)
    assert not (tmp_path / "o").exists()


def test_a_missing_glyph_found_by_the_forked_pdf_writer_is_located_at_its_fact(forking, repo_workspace, tmp_path):
    from test_build_pdf import rename_in_source

    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("Mukhtar Tleuberdi", "Mukhtar 𓀀 Tleuberdi"), encoding="utf-8")
    rename_in_source(repo_workspace, "Mukhtar Tleuberdi", "Mukhtar 𓀀 Tleuberdi")
    with pytest.raises(BriefgenError) as caught:
        pipeline.build(BuildRequest(workspace=repo_workspace, formats=("pdf", "md"), out=tmp_path / "o"), jobs=None)
    assert [w.fmt for w in forking] == ["pdf"]
    line = next(n for n, t in enumerate(brief.read_text(encoding="utf-8").splitlines(), 1) if "𓀀" in t)
    assert any(str(p).startswith(f"data/briefs/pakistan-kazakhstan.yaml:{line}: the font PT Sans cannot show '𓀀'")
               for p in caught.value.problems)
    assert not (tmp_path / "o").exists()


def test_a_bug_in_the_forked_writer_keeps_its_traceback(forking, monkeypatch, tmp_path):
    from briefgen.writers.pdf import writer as pdf_writer

    def broken(document, options):
        raise ValueError("boom in layout")
    monkeypatch.setattr(pdf_writer, "write", broken)  # the child forks with it
    with pytest.raises(ValueError, match="boom in layout") as caught:
        pipeline.build(BuildRequest(workspace=REPO_ROOT, formats=("pdf",), out=tmp_path / "o"), jobs=None)
    notes = "".join(getattr(caught.value, "__notes__", []))
    assert "PDF writer's process" in notes and "in broken" in notes  # the child's own frames
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("sig, error, message", [
    ("SIGKILL", RuntimeError, r"PDF writer's process ended without a result \(stopped by signal SIGKILL\)"),
    ("SIGINT", Interrupted, "interrupted"),  # Ctrl+C (or a SIGTERM) that reached the child first, or only
    ("SIGTERM", Interrupted, "interrupted"),
])
def test_a_child_that_died_is_an_error_not_a_hang(forking, sig, error, message, tmp_path):
    import signal

    prepared = pipeline.prepare(BuildRequest(workspace=REPO_ROOT))
    writer = early.EarlyWriter("pdf", pipeline.produce)
    pid = writer.pid
    os.kill(pid, getattr(signal, sig))
    writer.hand(prepared)
    with pytest.raises(error, match=message):
        writer.result()
    writer.stop()
    assert gone(pid)


def test_a_child_given_no_job_ends_by_itself(forking):
    writer = early.EarlyWriter("docx", pipeline.produce)
    pid = writer.pid
    os.close(writer._job_w)  # this process gave up before handing the job over (as if it had died)
    early._OPEN.discard(writer._job_w)
    writer._job_w = -1
    _, status = os.waitpid(pid, 0)
    writer.pid = 0
    writer.stop()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_the_console_script_forks_and_writes_the_same_files(tmp_path):
    """The real path: a fresh `briefgen` process (one thread), every format, against `--jobs 1`."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    script = Path(sys.executable).parent / "briefgen"
    outs = {}
    for jobs in ([], ["--jobs", "1"]):
        out = tmp_path / ("one" if jobs else "forked")
        done = subprocess.run([str(script), "build", "-w", str(REPO_ROOT), "--format", "all", "--out", str(out), *jobs],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        outs[bool(jobs)] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert outs[False] == outs[True] and len(outs[False]) == 4


def test_a_writer_with_a_core_to_spare_rehearses_and_writes_the_same_file(forking, monkeypatch, tmp_path):
    """One slow format on two cores: its process writes a few lines first (warming its library) while
    this one prepares; the file is the one a single process writes."""
    marks = tmp_path / "rehearsed"
    marks.mkdir()
    real = early._rehearse
    monkeypatch.setattr(early, "_rehearse", lambda fmt: ((marks / fmt).write_text(""), real(fmt)))  # in the child
    for fmt in ("pdf", "docx"):
        request = BuildRequest(workspace=REPO_ROOT, formats=(fmt,), out=tmp_path / f"forked-{fmt}")
        forked = pipeline.build(request, jobs=None)
        alone = pipeline.build(BuildRequest(**{**request.__dict__, "out": tmp_path / f"alone-{fmt}"}), jobs=1)
        assert forked[0].read_bytes() == alone[0].read_bytes()
    assert [w.fmt for w in forking] == ["pdf", "docx"] and sorted(p.name for p in marks.iterdir()) == ["docx", "pdf"]
    for mark in marks.iterdir():
        mark.unlink()
    both = pipeline.build(BuildRequest(workspace=REPO_ROOT, formats=("pdf", "docx"), out=tmp_path / "both"), jobs=None)
    assert len(both) == 2 and len(forking) == 4 and not any(marks.iterdir())  # no core to spare: no rehearsal


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF-"), ("docx", b"PK")])
def test_the_rehearsal_writes_a_real_file(fmt, magic):
    """It must not fail quietly, or it would warm nothing."""
    assert early.rehearsal(fmt).startswith(magic)


def test_a_spare_default_document_writes_the_same_file(monkeypatch):
    """The DOCX writer's spare (python-docx's default template opened ahead, while a writer process
    waits) gives the file a fresh one gives; a reference.docx is never written over the spare."""
    from briefgen.writers import WriterOptions
    from briefgen.writers.docx import writer as docx_writer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(docx_writer, "_SPARE", [])
    prepared = pipeline.prepare(BuildRequest(workspace=REPO_ROOT))
    options = WriterOptions(prepared.theme)
    fresh = docx_writer.write(prepared.document, options)
    docx_writer.get_ready()
    spare = docx_writer._SPARE[0]
    assert docx_writer.write(prepared.document, options) == fresh and docx_writer._SPARE == []
    docx_writer.get_ready()
    with_reference = WriterOptions(prepared.theme, reference_docx=fresh)  # any .docx serves as a reference
    docx_writer.write(prepared.document, with_reference)
    assert len(docx_writer._SPARE) == 1 and docx_writer._SPARE[0] is not spare
