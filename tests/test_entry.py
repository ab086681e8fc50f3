"""The console entry (`briefgen._entry`): it skips garbage collection and the interpreter's shutdown,
so everything a command writes must be complete and flushed before it exits, with the right status."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO_ROOT

AS_OF = "2026-11-28"


def entry(*args: str, code: str = "", cwd=REPO_ROOT) -> subprocess.CompletedProcess:
    """`python -m briefgen ARGS` (which is the console script's `_entry.main`), after running `code` first."""
    prog = f"import sys; sys.argv = ['briefgen', *sys.argv[1:]]\n{code}\nfrom briefgen._entry import main; main()"
    return subprocess.run([sys.executable, "-c", prog, *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_every_output_is_complete_and_every_line_printed(tmp_path):
    out = tmp_path / "out"
    done = entry("build", "--format", "all", "--as-of", AS_OF, "--out", str(out))
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert sorted(p.rsplit(".", 1)[1] for p in printed) == ["docx", "html", "md", "pdf"]
    pdf = (out / f"pakistan-kazakhstan-brief-{AS_OF}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(out / f"pakistan-kazakhstan-brief-{AS_OF}.docx") as docx:
        assert docx.testzip() is None
    assert (out / f"pakistan-kazakhstan-brief-{AS_OF}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(out.glob(".*"))  # no temp file left behind


@pytest.mark.parametrize(("body", "status", "stdout", "stderr"), [
    ("print('no newline at the end', end='')", 0, "no newline at the end", ""),
    ("sys.stderr.write('half a line')", 0, "", "half a line"),
    ("sys.exit(3)", 3, "", ""),
    ("sys.exit('a message')", 1, "", "a message\n"),
    ("print('before'); sys.exit(None)", 0, "before\n", ""),
])
def test_exit_status_and_unflushed_output_survive_the_fast_exit(body, status, stdout, stderr):
    code = f"import briefgen.cli\ndef fake(argv=None):\n    {body}\nbriefgen.cli.main = fake"
    done = entry(code=code)
    assert (done.returncode, done.stdout, done.stderr) == (status, stdout, stderr)


def test_an_unexpected_error_with_debug_still_shows_its_traceback(case_workspace):
    done = entry("--debug", "check", "-w", str(case_workspace("invented-quote")))
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr


def test_the_short_cli_runs_without_garbage_collection_and_long_runs_with_it():
    code = ("import gc, briefgen.cli\n"
            "from briefgen.runtime import long_running\n"
            "def fake(argv=None):\n"
            "    print(gc.isenabled()); long_running(); print(gc.isenabled())\n"
            "briefgen.cli.main = fake")
    assert entry(code=code).stdout.split() == ["False", "True"]
