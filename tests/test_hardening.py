"""Targeted tests of the breaks of issue 14 that the corpus cannot show: outputs and drafts under
concurrency and kills, the SMTP conversation's bounds, the writers' bounds, watch, and the CLI's
option checks. Each failed on the code before its fix."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2024-01-31"
STEM = f"pk-kz-brief-{AS_OF}"


# --- item 3: concurrent drafts --------------------------------------------------------------


def _save_one(args):
    folder, barrier, i = args
    from briefgen.mail import build_message, save_draft

    msg = build_message(sender=None, to=["desk@example.org"], subject="s", text=f"draft {i}\n", html=None)
    barrier.wait()
    return str(save_draft(msg, Path(folder), "brief"))


def test_concurrent_drafts_never_overwrite_each_other(tmp_path):
    """18 processes save a draft of the same name at the same instant: 18 files, 18 paths, each
    draft complete and its own."""
    n = 18
    with multiprocessing.Manager() as manager:
        barrier = manager.Barrier(n)
        with multiprocessing.get_context("fork").Pool(n) as pool:
            paths = pool.map(_save_one, [(str(tmp_path), barrier, i) for i in range(n)])
    assert len(set(paths)) == n
    files = sorted(p for p in tmp_path.iterdir())
    assert len(files) == n and all(not p.name.startswith(".") for p in files)
    bodies = {p.read_bytes().split(b"draft ")[1].split(b"\r\n")[0] for p in files}
    assert bodies == {str(i).encode() for i in range(n)}


# --- item 12: leftovers of killed builds ----------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_backup_left_with_our_pid_does_not_stop_a_build(tmp_path):
    from briefgen.output import write_all

    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")
    (tmp_path / f".brief.pdf.{os.getpid()}.bak").write_bytes(b"leftover")
    assert write_all({target: b"new"}) == [target]
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]


def test_temp_and_backup_files_of_dead_builds_are_cleaned(tmp_path):
    from briefgen.output import write_all

    dead = _dead_pid()
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")
    (tmp_path / f".brief.pdf.{dead}.k3j_x9a2.tmp").write_bytes(b"half a PDF")
    (tmp_path / f".brief.pdf.{dead}.bak").write_bytes(b"old")
    alive = tmp_path / f".brief.pdf.{os.getppid()}.abc.tmp"  # a live build's temp file stays
    alive.write_bytes(b"in progress")
    unrelated = tmp_path / f".other.pdf.{dead}.abc.tmp"
    unrelated.write_bytes(b"not ours to judge")
    write_all({target: b"new"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["brief.pdf", alive.name, unrelated.name])


def test_a_killed_build_leaves_temp_files_that_the_next_build_removes(case_workspace, tmp_path):
    """kill -9 in the middle of writing: the next build of the same brief removes the leftovers."""
    from briefgen.output import write_all

    ws = case_workspace("valid-minimal")
    out = tmp_path / "out"
    code = f"""
import os, signal, briefgen.output as o
real = os.replace
def die(*a):
    os.kill(os.getpid(), signal.SIGKILL)
o.os.replace = die
o.write_all({{o.Path({str(out / (STEM + '.md'))!r}): b'x' * 100}})
"""
    subprocess.run([sys.executable, "-c", code], check=False)
    assert any(p.name.endswith(".tmp") for p in out.iterdir())
    write_all({out / f"{STEM}.md": b"complete"})
    assert [p.name for p in out.iterdir()] == [f"{STEM}.md"]


def test_a_dangling_out_link_is_named_clearly(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "gone")
    code, stdout, err = run_cli("build", "--format", "md", "--workspace", str(ws), "--out", str(out))
    assert code == 3
    assert err == f"error: {out}: is a link to a folder that does not exist ({tmp_path / 'gone'})\n"
