"""What a build leaves on disk, whatever happens around it.

Builds run as separate processes (the installed console script), the way two desk officers or a
Ctrl+C would meet them:

- two builds into one folder at the same time both succeed, and every file is complete;
- a build that fails never replaces a good earlier file;
- an interrupted build (SIGINT, SIGTERM) leaves no temp file and no partial file;
- an output folder that cannot be written is a clear error, exit 3.

Builds are reproducible (SOURCE_DATE_EPOCH and --as-of are fixed), so "complete" is checked
byte for byte against a clean reference build, besides parsing every PDF and DOCX.

Linux only where it reads /proc/<pid>/status to see when briefgen has installed its signal handlers.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BASE_CASE, CASES, REPO_ROOT, without_stale_warning
from docx import Document as read_docx
from pypdf import PdfReader

from briefgen.errors import Interrupted

AS_OF = "2024-01-31"
EPOCH = "1706659200"  # 2024-01-31T00:00:00Z
FORMATS = (".pdf", ".docx", ".md", ".html")
SCRIPT = REPO_ROOT / ".venv" / "bin" / "briefgen"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
TIMEOUT = 180
BRIEF = "data/briefs/pk-kz.yaml"


def briefgen(*args: str) -> list[str]:
    """The console script as a user runs it (python -m briefgen when there is no .venv)."""
    head = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "briefgen"]
    return [*head, *args]


def build_cmd(ws: Path, out: Path, *extra: str) -> list[str]:
    return briefgen("build", "--format", "all", "--as-of", AS_OF, "--workspace", str(ws), "--out", str(out), *extra)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=TIMEOUT, check=False, **kw)
    done.stderr = without_stale_warning(done.stderr)
    return done


def files_of(folder: Path) -> dict[str, bytes]:
    """Every entry of `folder` (dotfiles too) by name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def assert_valid(path: Path) -> None:
    """The file parses as what its suffix says."""
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        assert len(reader.pages) >= 1
        assert "Kazakhstan" in reader.pages[0].extract_text()
    elif path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        assert any("Kazakhstan" in para.text for para in read_docx(str(path)).paragraphs)
    elif path.suffix == ".md":
        assert "Kazakhstan" in path.read_text(encoding="utf-8")
    elif path.suffix == ".html":
        text = path.read_text(encoding="utf-8")
        assert "Kazakhstan" in text and text.rstrip().endswith("</html>")
    else:
        raise AssertionError(f"unexpected file {path.name}")


def assert_no_temp_files(folder: Path) -> None:
    if folder.exists():
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
        assert not leftovers, f"temp files left behind: {leftovers}"


# --- workspaces and reference builds (read only, shared by the module) ----------------------


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> dict[str, Path]:
    """'repo': the shipped fact base (about 3 s to build); 'minimal': valid-minimal."""
    root = tmp_path_factory.mktemp("workspaces")
    repo = root / "repo"
    repo.mkdir()
    for name in ("data", "seeds"):
        shutil.copytree(REPO_ROOT / name, repo / name)
    shutil.copy(REPO_ROOT / "briefgen.toml", repo / "briefgen.toml")
    minimal = root / "minimal"
    shutil.copytree(CASES / BASE_CASE, minimal)
    return {"repo": repo, "minimal": minimal}


class References(dict):
    """name of a build -> {file name: bytes}; `seconds`: how long the clean 'repo' build took."""

    seconds: float = 3.0


@pytest.fixture(scope="module")
def reference(workspaces, tmp_path_factory) -> References:
    """A clean build of each workspace, and of 'repo' with another marking and locale ('repo-earlier',
    so that every one of its files differs), every file checked to parse."""
    refs = References()
    for key, ws, extra in (("repo", workspaces["repo"], ()), ("minimal", workspaces["minimal"], ()),
                           ("repo-earlier", workspaces["repo"], ("--marking", "EARLIER", "--locale", "en_US"))):
        out = tmp_path_factory.mktemp(f"ref-{key}")
        start = time.monotonic()
        done = run(build_cmd(ws, out, *extra))
        if key == "repo":
            refs.seconds = time.monotonic() - start
        assert done.returncode == 0, done.stderr
        for path in out.iterdir():
            assert_valid(path)
        refs[key] = files_of(out)
        assert len(refs[key]) == 4
    assert refs["repo"].keys() == refs["repo-earlier"].keys()
    assert all(refs["repo"][n] != refs["repo-earlier"][n] for n in refs["repo"])
    return refs


# --- concurrent builds ----------------------------------------------------------------------


def _together(cmds: list[list[str]]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for c in cmds]
    done = []
    for proc, cmd in zip(procs, cmds):
        out, err = proc.communicate(timeout=TIMEOUT)
        done.append(subprocess.CompletedProcess(cmd, proc.returncode, out, without_stale_warning(err)))
    return done


def test_two_workspaces_build_into_one_folder_at_once(workspaces, reference, tmp_path):
    out = tmp_path / "shared"
    results = _together([build_cmd(workspaces["repo"], out), build_cmd(workspaces["minimal"], out)])
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
        assert len(r.stdout.splitlines()) == 4
    assert_no_temp_files(out)
    assert files_of(out) == {**reference["repo"], **reference["minimal"]}
    for path in out.iterdir():
        assert_valid(path)


def test_one_workspace_built_three_times_at_once_into_one_folder(workspaces, reference, tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "unrelated.txt").write_text("someone else's file\n")
    results = _together([build_cmd(workspaces["repo"], out) for _ in range(3)])
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
    assert_no_temp_files(out)
    assert files_of(out) == {**reference["repo"], "unrelated.txt": b"someone else's file\n"}
    for path in out.iterdir():
        if path.suffix in FORMATS:
            assert_valid(path)


# --- a failed build keeps earlier outputs ------------------------------------------------------


def _break_quote(ws: Path) -> None:
    path = ws / BRIEF
    path.write_text(path.read_text(encoding="utf-8").replace(
        'quote: "In 1992, Pakistan and Kazakhstan', 'quote: "In 1993, Pakistan and Kazakhstan'), encoding="utf-8")


def _break_template(ws: Path) -> None:
    (ws / "templates/sections").mkdir(parents=True, exist_ok=True)
    (ws / "templates/sections/summary.md.j2").write_text("# Summary\n\n{% for point in brief.summary %}\n")


def _break_theme(ws: Path) -> None:
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates/theme.toml").write_text('[colours]\nheading = "navy"\n')


def _break_font(ws: Path) -> None:
    """Text the font cannot show: refused by the PDF writer, after the Markdown was produced."""
    path = ws / BRIEF
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    text: The two countries have friendly ties.", '    text: "The two countries have friendly ties \u4e2d."'),
        encoding="utf-8")


def _break_settings(ws: Path) -> None:
    (ws / "briefgen.toml").write_text('marking = "OFFICIAL\n')


BREAKAGES = {"fact-base": _break_quote, "template": _break_template, "theme": _break_theme,
             "font": _break_font, "settings": _break_settings}


@pytest.mark.parametrize("formats", ["all", "md,html,pdf"])
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_failed_build_never_replaces_a_good_earlier_file(breakage, formats, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    out = tmp_path / "out"
    first = run(briefgen("build", "--format", "all", "--as-of", AS_OF, "-w", str(ws), "-o", str(out)))
    assert first.returncode == 0, first.stderr
    earlier = files_of(out)
    assert len(earlier) == 4

    BREAKAGES[breakage](ws)
    again = run(briefgen("build", "--format", formats, "--as-of", AS_OF, "--marking", "NEW", "-w", str(ws), "-o", str(out)))
    assert again.returncode == 1, again.stderr
    assert "Traceback" not in again.stderr and "internal error" not in again.stderr
    assert again.stdout == "" and again.stderr.startswith("error: ")
    assert files_of(out) == earlier, "a failed build changed the output folder"


def test_a_file_that_cannot_be_replaced_keeps_every_earlier_output(tmp_path):
    """All or nothing: when the last rename fails, the formats renamed before it must not stay replaced."""
    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    out = tmp_path / "out"
    assert run(build_cmd(ws, out)).returncode == 0
    html = out / f"pk-kz-brief-{AS_OF}.html"
    html.unlink()
    html.mkdir()  # something in the way of the last file: a folder of the same name
    earlier = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    again = run(build_cmd(ws, out, "--marking", "NEW"))
    assert "Traceback" not in again.stderr
    assert_no_temp_files(out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == earlier, \
        "formats were replaced although the build failed"
    assert "internal error" not in again.stderr, again.stderr
    assert again.returncode == 3, again.stderr


# --- interrupted builds ------------------------------------------------------------------------


def _caught_signals(pid: int) -> int | None:
    """The process's mask of caught signals (None once it is gone, or has exited and awaits its parent)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("State:") and line.split()[1] in ("Z", "X"):
                    return None
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16)
    except OSError:
        return None
    return None


def _wait_until(pid: int, test, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        mask = _caught_signals(pid)
        if mask is None or test(mask):
            return
        time.sleep(0.001)
    raise AssertionError("the process never reached the expected state")


def _handles(sig: int):
    return lambda mask: bool(mask & (1 << (sig - 1)))


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/<pid>/status")


def _earlier_outputs(out: Path, reference: References) -> None:
    out.mkdir()
    for name, data in reference["repo-earlier"].items():
        (out / name).write_bytes(data)


def _judge_interrupted(sig: str, proc: subprocess.Popen, stdout: str, stderr: str, out: Path,
                       reference: References) -> None:
    """Exit 130 (or 0 when it had finished), no temp file, each file the earlier one or the complete
    new one, every printed path written."""
    stderr = without_stale_warning(stderr)
    assert "internal error" not in stderr, stderr
    assert proc.returncode in (130, 0), f"exit {proc.returncode}: {stderr}"
    assert_no_temp_files(out)
    now = files_of(out)
    assert now.keys() == reference["repo"].keys()
    new = {name for name, data in now.items() if data == reference["repo"][name]}
    old = {name for name, data in now.items() if data == reference["repo-earlier"][name]}
    assert new | old == now.keys(), f"neither the earlier nor the complete new file: {sorted(now.keys() - new - old)}"
    printed = {Path(line).name for line in stdout.splitlines()}
    assert printed <= new, "a path was printed but its file not written"
    if proc.returncode == 0:
        assert new == now.keys()
    # What the user reads: the interruption message, or nothing when the signal came while briefgen
    # was still starting (the entry point then just exits 130: nothing had been written).
    if "Exception ignored in" in stderr and "Interrupted" in stderr:
        pytest.xfail("known: the signal arrived in a callback (an import lock's weakref callback): Python "
                     "printed 'Exception ignored in ... Traceback' and the build went on")
    assert "Traceback" not in stderr, stderr
    if proc.returncode == 0:
        assert stderr == ""
    else:
        assert stderr in (f"error: {Interrupted.MESSAGE}\n", ""), stderr
        if stderr == "":
            assert new == set() or now == reference["repo-earlier"], "a quiet exit after files were written"


FRACTIONS = (0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9)


@needs_proc
@pytest.mark.parametrize("fraction", FRACTIONS, ids=[f"{f:.0%}" for f in FRACTIONS])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_interrupted_build_leaves_only_complete_files(sig, fraction, workspaces, reference, tmp_path):
    """A build of the shipped brief over an earlier build, stopped at `fraction` of the time a clean
    build takes (about 0.3 s to 2.7 s), and never before briefgen has taken over SIGINT and SIGTERM
    (startup is tested below)."""
    out = tmp_path / "out"
    _earlier_outputs(out, reference)
    start = time.monotonic()
    proc = subprocess.Popen(build_cmd(workspaces["repo"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)
    _wait_until(proc.pid, _handles(signal.SIGTERM))
    time.sleep(max(0.0, fraction * reference.seconds - (time.monotonic() - start)))
    _signal_while_handled(proc, getattr(signal, sig))
    stdout, stderr = proc.communicate(timeout=TIMEOUT)
    _judge_interrupted(sig, proc, stdout, stderr, out, reference)


def _signal_while_handled(proc: subprocess.Popen, signum: int) -> None:
    """Send `signum` unless briefgen has already given its handlers back (main returned: the build had
    finished). That last moment before the interpreter exits is tested on its own below."""
    mask = _caught_signals(proc.pid)
    if mask is not None and _handles(signal.SIGTERM)(mask):
        proc.send_signal(signum)


def _first_temp_file(names: list[str]) -> bool:
    return any(n.endswith(".tmp") for n in names)


def _first_output_renamed(names: list[str]) -> bool:
    return any(not n.startswith(".") for n in names)


@needs_proc
@pytest.mark.parametrize("moment", [_first_temp_file, _first_output_renamed], ids=["first-temp-file", "first-rename"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_interrupted_while_writing_leaves_only_complete_files(sig, moment, workspaces, reference, tmp_path):
    """The signal lands while the files are being written: when the first temp file appears, or
    when the first output has been renamed into place (into an empty folder, so that the rename is seen)."""
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(build_cmd(workspaces["repo"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)
    while proc.poll() is None and not moment(os.listdir(out)):
        pass
    _signal_while_handled(proc, getattr(signal, sig))
    stdout, stderr = proc.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert proc.returncode in (130, 0), f"exit {proc.returncode}: {stderr}"
    assert_no_temp_files(out)
    now = files_of(out)
    assert all(data == reference["repo"][name] for name, data in now.items()), "an incomplete file was left"
    printed = {Path(line).name for line in stdout.splitlines()}
    assert printed <= now.keys()


def test_interruption_between_renames_is_all_or_nothing(tmp_path, monkeypatch):
    """Deterministic form of what a signal during the renames does (seen as 3 of 4 formats written after
    exit 130 in about 1 run in 8 of the first-rename test above)."""
    from briefgen.files import output
    from briefgen.errors import Interrupted

    targets = {tmp_path / f"brief{ext}": f"new {ext}".encode() for ext in FORMATS}
    for path in targets:
        path.write_bytes(b"earlier")
    real_replace = os.replace
    renamed = []

    def replace_then_signal(src, dst):
        if renamed:
            raise Interrupted("interrupted (SIGINT); unfinished files were not written")
        renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace_then_signal)
    with pytest.raises(Interrupted):
        output.write_all(targets)
    monkeypatch.undo()
    assert_no_temp_files(tmp_path)
    now = {path: path.read_bytes() for path in targets}
    assert now == {path: b"earlier" for path in targets} or now == targets, now


@pytest.fixture(params=["here", "forked"])
def pdf_writer_process(request):
    """Where the PDF writer runs: in this process, or in one forked early (build/early.py), which
    the console script does on a machine with two cores."""
    if request.param == "forked":
        if not hasattr(os, "fork"):
            pytest.skip("forking is POSIX")
        request.getfixturevalue("forking")
    return request.param


def test_signal_inside_the_pdf_writer_is_reported_as_an_interruption(run_cli, tmp_path, monkeypatch,
                                                                      pdf_writer_process):
    """Deterministic form of what a Ctrl+C during the PDF stage does (seen in the timed tests above):
    the signal is delivered while reportlab parses a paragraph, in whichever process writes the PDF."""
    from reportlab.platypus import paraparser

    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    real_feed = paraparser.ParaParser.feed
    sent = tmp_path / "sent"  # a file: a forked writer's memory is not this process's

    def feed_after_ctrl_c(self, data):
        if not sent.exists():
            sent.touch()
            os.kill(os.getpid(), signal.SIGINT)  # handled by briefgen's handler at the next bytecode
        return real_feed(self, data)

    monkeypatch.setattr(paraparser.ParaParser, "feed", feed_after_ctrl_c)
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", "--format", "pdf", "--workspace", str(ws), "--out", str(out))
    assert sent.exists()
    assert code == 130, stderr
    assert not out.exists() or not any(out.iterdir())
    assert stderr == f"error: {Interrupted.MESSAGE}\n"


@needs_proc
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_signal_during_startup_is_an_interruption(sig, workspaces, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(build_cmd(workspaces["minimal"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)
    # The console entry's handlers are in place (Python itself never catches SIGTERM): before that
    # moment the interpreter is still starting, and a signal there is Python's, not briefgen's
    _wait_until(proc.pid, _handles(signal.SIGTERM))
    time.sleep(0.08)  # ... and briefgen is importing its dependencies
    proc.send_signal(getattr(signal, sig))
    _, stderr = proc.communicate(timeout=TIMEOUT)
    assert not out.exists() or not any(out.iterdir())
    assert "Traceback" not in stderr, stderr
    assert proc.returncode == 130, f"exit {proc.returncode}: {stderr}"


@needs_proc
def test_sigterm_after_the_build_finished_is_not_a_kill(workspaces, reference, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(build_cmd(workspaces["minimal"], out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)
    _wait_until(proc.pid, _handles(signal.SIGTERM))  # briefgen's handlers are in place
    # ... and given back (main returned, the interpreter shutting down), or the process has exited: the
    # console entry ends it with os._exit as soon as the command returns and its output is flushed
    _wait_until(proc.pid, lambda mask: not _handles(signal.SIGTERM)(mask))
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=TIMEOUT)
    assert files_of(out) == reference["minimal"]
    # -15: CPython restores default handlers while it shuts down, so a SIGTERM in that last moment
    # ends the process by the signal; by then every file is complete, which is what matters here.
    assert proc.returncode in (0, 130, -15), f"exit {proc.returncode}"


# --- output folders that cannot be written ------------------------------------------------------


def _minimal(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    return ws


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "internal error" not in done.stdout + done.stderr, done.stderr


def test_out_is_an_existing_regular_file(tmp_path):
    ws = _minimal(tmp_path)
    target = tmp_path / "briefs"
    target.write_text("not a folder\n")
    done = run(build_cmd(ws, target))
    _no_traceback(done)
    assert target.read_text() == "not a folder\n"
    assert done.returncode in (1, 3), done.stderr
    assert done.stderr.startswith("error: ") and str(target) in done.stderr


def test_out_inside_a_regular_file_exits_3(tmp_path):
    ws = _minimal(tmp_path)
    (tmp_path / "briefs").write_text("not a folder\n")
    done = run(build_cmd(ws, tmp_path / "briefs" / "2024"))
    _no_traceback(done)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and done.stderr.startswith("error: ") and str(tmp_path / "briefs") in done.stderr
    assert (tmp_path / "briefs").read_text() == "not a folder\n"


def test_settings_out_is_a_regular_file_exits_3(tmp_path):
    ws = _minimal(tmp_path)
    (ws / "briefgen.toml").write_text('out = "briefs"\n')
    (ws / "briefs").write_text("not a folder\n")
    done = run(briefgen("build", "--format", "all", "--as-of", AS_OF, "--workspace", str(ws)))
    _no_traceback(done)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and done.stderr.startswith("error: ")
    assert (ws / "briefs").read_text() == "not a folder\n"
    assert_no_temp_files(ws)


def _file_size_limit(limit: int):
    def apply():  # in the child: writing past `limit` bytes fails with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_disk_full_exits_3_and_keeps_earlier_outputs(tmp_path):
    ws = _minimal(tmp_path)
    out = tmp_path / "out"
    assert run(build_cmd(ws, out)).returncode == 0
    earlier = files_of(out)
    done = run(build_cmd(ws, out, "--marking", "NEW"), preexec_fn=_file_size_limit(20_000))  # the PDF is bigger
    _no_traceback(done)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and done.stderr.startswith("error: ")
    assert files_of(out) == earlier
    assert_no_temp_files(out)


@pytest.mark.parametrize("where", ["out-inside-file", "settings-out-is-file"])
def test_output_errors_name_the_folder_in_error_form(where, tmp_path):
    ws = _minimal(tmp_path)
    (ws / "briefs").write_text("not a folder\n")
    if where == "out-inside-file":
        done = run(build_cmd(ws, ws / "briefs" / "2024"))
    else:
        (ws / "briefgen.toml").write_text('out = "briefs"\n')
        done = run(briefgen("build", "--format", "all", "--as-of", AS_OF, "--workspace", str(ws)))
    assert done.returncode == 3
    m = re.match(r"^error: (?P<path>\S+?)(?::\d+)?: (?P<message>\S.*)$", done.stderr.splitlines()[0])
    assert m, done.stderr
    assert Path(m.group("path")).name in ("briefs", "2024"), done.stderr
    assert re.search(r"(?i)is a file|not a (folder|directory)", m.group("message")), done.stderr


def test_an_interruption_a_library_turns_into_its_own_error_is_still_an_interruption(
        repo_workspace, tmp_path, run_cli, monkeypatch, pdf_writer_process):
    """reportlab catches exceptions raised while it saves and raises its own (a KeyError about a
    'forward reference'): a SIGTERM arriving then must still exit 130 with the interruption message,
    not as an internal error."""
    import os
    import signal

    from briefgen.errors import Interrupted
    from briefgen.writers.pdf import writer as pdf

    def write(*_args, **_kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except Interrupted:
            raise KeyError("forward reference to 'Page3' not resolved upon final formatting") from None
        raise AssertionError("the signal handler did not run")

    monkeypatch.setattr(pdf, "write", write)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", "--format", "pdf", "--workspace", str(repo_workspace), "--out", str(out))
    assert (code, stdout, stderr) == (130, "", f"error: {Interrupted.MESSAGE}\n")
    assert not out.exists() or not any(out.iterdir())


def test_a_signal_while_a_writer_loads_is_not_lost_to_the_library(monkeypatch, capsys):
    """lxml (loaded with python-docx) catches every exception while it starts and prints to stdout;
    a Ctrl+C raised inside it was lost and the build went on. Signals wait until the import is done."""
    import signal
    import threading
    import types

    import briefgen.writers as writers
    from briefgen.errors import Interrupted

    def import_swallowing_exceptions(_name):
        try:
            # to this thread, as to the one-threaded CLI: a process-wide kill could be taken by a thread an
            # earlier test left running, whose handler call then lands inside the import after all
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        except Exception:
            print("Unknown libxml2 version")  # what lxml does
        return types.SimpleNamespace(write=lambda *a: b"")

    def stop(*_):
        raise Interrupted()

    monkeypatch.setattr(writers, "import_module", import_swallowing_exceptions)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Interrupted):
            writers.get_writer("docx")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert capsys.readouterr().out == ""


def test_a_signal_inside_mkstemp_leaves_no_temp_file(tmp_path, monkeypatch):
    """The signal that ends a build can land after mkstemp has made the temp file and before it
    returns its name: write_all still removes it (it is named after this process)."""
    import tempfile

    from briefgen.files import output

    made = tempfile.mkstemp

    def interrupted_mkstemp(*args, **kwargs):
        fd, _name = made(*args, **kwargs)
        os.close(fd)
        raise Interrupted()

    monkeypatch.setattr(output.tempfile, "mkstemp", interrupted_mkstemp)
    with pytest.raises(Interrupted):
        output.write_all({tmp_path / "brief.pdf": b"%PDF", tmp_path / "brief.docx": b"PK"})
    assert list(tmp_path.iterdir()) == []
