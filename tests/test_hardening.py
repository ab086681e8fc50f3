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
    from briefgen.mail.message import build_message, save_draft

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
    from briefgen.files.output import write_all

    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")
    (tmp_path / f".brief.pdf.{os.getpid()}.bak").write_bytes(b"leftover")
    assert write_all({target: b"new"}) == [target]
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]


def test_temp_and_backup_files_of_dead_builds_are_cleaned(tmp_path):
    from briefgen.files.output import write_all

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
    from briefgen.files.output import write_all

    ws = case_workspace("valid-minimal")
    out = tmp_path / "out"
    code = f"""
import os, signal, briefgen.files.output as o
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


# --- items 10 and 15: the email command's inputs and the SMTP conversation -----------------


def test_an_encoded_line_break_in_an_address_is_the_clear_refusal(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("email", "--workspace", str(ws), "--outbox", str(tmp_path / "ob"),
                             "--to", "=?utf-8?q?Evil=0D=0ABcc=3A_x=40y=2Eorg?= <a@example.org>")
    assert code == 1, err
    assert err.startswith("error: --to contains a line break (U+000D), which could add mail headers of its own")
    assert not (tmp_path / "ob").exists()


@pytest.mark.parametrize("size", ["nan", "inf", "-1"])
def test_max_size_must_be_a_finite_positive_number(case_workspace, run_cli, tmp_path, size):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("email", "--workspace", str(ws), "--outbox", str(tmp_path / "ob"),
                             "--to", "a@example.org", "--max-size", size)
    assert code == 2 and "--max-size" in err and "internal error" not in err


class _TalkativeServer:
    """A TCP server that greets with `220-` continuation lines forever, `every` seconds apart
    (or as fast as it can with every=0), and never finishes the greeting."""

    def __init__(self, every: float, line: bytes = b"220-still here\r\n"):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.every, self.line, self.stop = every, line, threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import time

        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            chunk = self.line * (1 if self.every else 256)
            while not self.stop.is_set():
                try:
                    conn.sendall(chunk)
                except OSError:
                    return
                if self.every:
                    time.sleep(self.every)

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(5)


@pytest.mark.parametrize("every", [0.2, 0.0], ids=["slow-continuations", "endless-lines"])
def test_a_server_that_never_finishes_replying_is_stopped_and_the_draft_kept(tmp_path, every):
    import resource
    import time

    from briefgen.mail.message import build_message
    from briefgen.mail.smtp import DeliveryError, SmtpSettings, deliver

    server = _TalkativeServer(every)
    msg = build_message(sender="cad@example.org", to=["desk@example.org"], subject="s", text="t\n", html=None)
    settings = SmtpSettings("127.0.0.1", server.port, "none", total_timeout=3.0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    try:
        with pytest.raises(DeliveryError) as caught:
            deliver(msg, settings, tmp_path / "outbox", "brief")
    finally:
        server.close()
    assert time.monotonic() - start < 10
    message = caught.value.message
    assert ("did not finish within 3 seconds" in message) if every else ("sent a reply longer than 64 KB" in message)
    assert "saved as a draft" in message and (tmp_path / "outbox" / "brief.eml").is_file()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KB: no runaway memory


def test_a_certificate_for_another_host_says_so(monkeypatch):
    import ssl

    from briefgen.mail.smtp import SmtpSettings, _explain

    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_code, exc.verify_message = 62, "Hostname mismatch, certificate is not valid for 'mail.example.org'."
    text = _explain(exc, "starttls", SmtpSettings("mail.example.org", 587))
    assert "is for another host name" in text and "SSL_CERT_FILE" not in text


# --- item 4: an unexpected failure of one brief does not abort `build --all` ------------------


def test_a_crash_in_one_brief_leaves_the_batch_and_its_summary(case_workspace, run_cli, tmp_path, monkeypatch):
    from briefgen.build import batch

    ws = case_workspace("valid-minimal")
    second = ws / "data/briefs/second.yaml"
    second.write_text((ws / "data/briefs/pk-kz.yaml").read_text().replace("id: pk-kz", "id: second", 1))
    real = batch.build

    def build(request, warn=None):
        if request.brief_file.endswith("second.yaml"):
            raise ValueError("exceeded 255 char limit")
        return real(request, warn=warn)

    monkeypatch.setattr(batch, "build", build)
    code, out, err = run_cli("build", "--all", "--jobs", "1", "--format", "md", "--workspace", str(ws),
                             "--out", str(tmp_path / "out"))
    assert code == 1
    assert "error: data/briefs/second.yaml: internal error: ValueError: exceeded 255 char limit" in err
    assert err.rstrip().endswith("1 of 2 briefs built; failed: data/briefs/second.yaml")
    assert len(out.splitlines()) == 1


# --- items 7 and 14: the PDF writer's inputs and its work -----------------------------------


@pytest.mark.parametrize("widths", ["0,0", "1,-1", "nan,1", "inf,1", "1,2,3", "a,b"])
def test_table_widths_that_are_not_positive_numbers_are_ignored_with_a_warning(case_workspace, run_cli, tmp_path,
                                                                                 widths):
    ws = case_workspace("valid-minimal")
    summary = ws / "templates/sections/summary.md.j2"
    summary.parent.mkdir(parents=True)
    summary.write_text('# Summary\n\n{caption="Ties" widths="' + widths + '"}\n| A | B |\n|---|---|\n| 1 | 2 |\n',
                       encoding="utf-8")
    code, out, err = run_cli("build", "--format", "all", "--workspace", str(ws), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert err == (f"warning: table 'Ties': widths=\"{widths}\" ignored: give 2 numbers above 0, one per column, "
                   "e.g. widths=\"1,3\"; the columns are set equal\n")
    assert len(out.splitlines()) == 4


def _paragraph_pdf(text: str) -> float:
    import time

    from briefgen.document import model as m
    from briefgen.writers.theme import Theme
    from briefgen.writers import WriterOptions
    from briefgen.writers.pdf.writer import write

    start = time.monotonic()
    pdf = write(m.Document(m.Meta(title="t"), (m.Paragraph((m.Text(text),)),)), WriterOptions(Theme()))
    assert pdf.startswith(b"%PDF-")
    return time.monotonic() - start


def test_a_long_token_is_laid_out_in_linear_time():
    """0.3 MB without a space took 25 s (reportlab re-lays the rest of a paragraph at every page)."""
    assert _paragraph_pdf("x" * 300_000) < 15


def test_a_megabyte_paragraph_is_laid_out_in_linear_time():
    """1 MB of spaced text in one paragraph took minutes; it is set as pieces of 8,000 characters."""
    assert _paragraph_pdf("abcdefghi " * 100_000) < 20


def test_an_enormous_table_cell_is_cut_with_a_warning():
    import warnings

    from briefgen.document import model as m
    from briefgen.errors import BriefgenWarning
    from briefgen.writers.theme import Theme
    from briefgen.writers import WriterOptions
    from briefgen.writers.pdf.writer import write

    cell = "word " * 10_000  # 50,000 characters
    table = m.Table(((((m.Text("Date"),), (m.Text("Event"),))),), (((m.Text("1992"),), (m.Text(cell),)),),
                    caption="Chronology")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write(m.Document(m.Meta(title="t"), (table,)), WriterOptions(Theme()))
    assert [str(w.message) for w in caught if w.category is BriefgenWarning] == [
        "a table cell of 50,000 characters was cut to 20,000 in the PDF (the row that starts '1992', table "
        "'Chronology'); the DOCX, Markdown and HTML keep it whole"]


def test_a_writer_that_runs_too_long_is_stopped_with_a_clear_error(case_workspace, run_cli, tmp_path, monkeypatch):
    from briefgen.build import pipeline

    monkeypatch.setattr(pipeline, "WRITE_SECONDS", 1)
    ws = case_workspace("valid-minimal")
    brief = ws / "data/briefs/pk-kz.yaml"
    brief.write_text(brief.read_text().replace("text: The two countries have friendly ties.",
                                               "text: " + "The two countries have friendly ties. " * 60_000))
    code, out, err = run_cli("build", "--format", "pdf", "--workspace", str(ws), "--out", str(tmp_path / "out"))
    assert code == 1, err
    assert err == ("error: the PDF writer was still working after 1 s: the brief is far too long (is a fact or a "
                   "template producing megabytes of text?)\n")
    assert not (tmp_path / "out").exists()


# --- items 16 and 17: --watch ---------------------------------------------------------------


def _watch_until(request, act, done, seconds: float = 20):
    """Run `watch` while `act()` edits files in a thread; stop once `done()` holds or time is up."""
    import threading
    import time

    from briefgen.build.watch import watch

    out, err, stop = [], [], threading.Event()

    def actor():
        time.sleep(1.5)
        act()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            time.sleep(0.2)
        time.sleep(0.5)
        stop.set()

    thread = threading.Thread(target=actor)
    thread.start()
    watch(request, out.append, err.append, stop_event=stop)
    thread.join()
    return out, err


def test_watch_ignores_an_out_folder_inside_data(case_workspace, tmp_path):
    """out = "data/out": the build's own files used to trigger the next build, forever."""
    import time

    from briefgen.build.pipeline import BuildRequest

    ws = case_workspace("valid-minimal")
    (ws / "briefgen.toml").write_text('out = "data/out"\n', encoding="utf-8")
    request = BuildRequest(workspace=ws, formats=("md",))
    out, err = _watch_until(request, lambda: time.sleep(4), lambda: False, seconds=0)
    assert sum("built in" in line for line in err) == 1, err
    assert (ws / "data/out").is_dir()


def test_watch_survives_data_removed_and_made_again(case_workspace, tmp_path):
    import shutil
    import time

    from briefgen.build.pipeline import BuildRequest

    ws = case_workspace("valid-minimal")
    out_dir = tmp_path / "out"
    request = BuildRequest(workspace=ws, formats=("md",), out=out_dir)
    saved = tmp_path / "saved-data"
    shutil.copytree(ws / "data", saved)
    brief = ws / "data/briefs/pk-kz.yaml"

    def act():
        shutil.rmtree(ws / "data")
        time.sleep(2.5)
        shutil.copytree(saved, ws / "data")
        time.sleep(2.5)
        brief.write_text(brief.read_text().replace("friendly ties.", "friendly ties (edited).", 1))

    def edited():
        return any("(edited)" in p.read_text() for p in out_dir.glob("*.md"))

    _watch_until(request, act, edited)
    assert edited()


def test_an_override_added_to_the_template_folder_is_used_by_the_next_build(case_workspace, run_cli, tmp_path):
    """The environment is kept between builds (--watch); a template cached from a later folder must
    give way to a file of that name added to an earlier one."""
    ws = case_workspace("valid-minimal")
    folder = tmp_path / "T"
    folder.mkdir()
    args = ("build", "--format", "md", "--workspace", str(ws), "--template", str(folder), "--out", str(tmp_path / "o"))
    assert run_cli(*args)[0] == 0
    (folder / "sections").mkdir()
    (folder / "sections/summary.md.j2").write_text("# Summary from the override\n", encoding="utf-8")
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert "# Summary from the override" in Path(out.strip()).read_text(encoding="utf-8")


# --- item 18: what is printed ----------------------------------------------------------------


def test_no_printed_line_can_be_forged_by_a_file_name(case_workspace, run_cli, tmp_path):
    """A brief file named with a newline (and an escape sequence) is printed escaped, on one line."""
    ws = case_workspace("valid-minimal")
    (ws / "data/briefs/x\nerror: all is well\x1b[2J.yaml").write_text("id: [\n", encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert err.splitlines()[0].startswith("error: data/briefs/x\\nerror: all is well\\x1b[2J.yaml:")
    assert len(err.splitlines()) == 1


def test_a_deeply_nested_template_expression_is_not_called_self_inclusion(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    summary = ws / "templates/sections/summary.md.j2"
    summary.parent.mkdir(parents=True)
    summary.write_text("# Summary\n\n{{ " + "[" * 5000 + "]" * 5000 + " }}\n", encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert "nested too deeply" in err and "includes or extends itself" not in err, err
    assert err.startswith("error: templates/sections/summary.md.j2")


@pytest.mark.parametrize("kind", ["fifo", "garbage"])
def test_a_font_file_that_is_a_fifo_or_not_a_font_is_named_clearly(case_workspace, run_cli, tmp_path, kind):
    ws = case_workspace("valid-minimal")
    (ws / "templates").mkdir()
    (ws / "templates/theme.toml").write_text('[body_font]\nregular = "f.ttf"\n', encoding="utf-8")
    if kind == "fifo":
        os.mkfifo(ws / "templates/f.ttf")
    else:
        (ws / "templates/f.ttf").write_bytes(b"\x7fELF" + b"\0" * 5000)
    code, out, err = run_cli("build", "--workspace", str(ws), "--out", str(tmp_path / "out"))
    assert code == 1, err
    if kind == "fifo":
        assert "font file 'f.ttf' (regular) is not an ordinary file" in err
    else:
        assert "it is not a TrueType font" in err and "ELF" not in err and "0x7f" not in err.lower()
