"""Targeted tests of the third adversarial round's breaks that the corpus cannot show: source intake
(hostile documents, hostile servers, parallel adds), option bounds, `build --all` with a dead
worker, file modes, the SMTP send's interruptions, and header injection. Each failed on the code
before its fix."""

from __future__ import annotations

import io
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

STATEMENT = ("The foreign ministers of Pakistan and Kazakhstan met in Astana on Monday and agreed to expand "
             "trade and transport links between the two countries, officials said.\n")


def add(run_cli, ws, target, *options):
    return run_cli("sources", "add", str(target), *options, "-w", str(ws))


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"/")
            for p in sorted(root.rglob("*"))}


def refused_cleanly(run_cli, ws, target, *options, phrase: str, code: int = 1):
    before = snapshot(ws)
    got, out, err = add(run_cli, ws, target, *options)
    assert got == code, err
    assert phrase in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert snapshot(ws) == before
    return err


# --- intake: hostile documents ----------------------------------------------------------------


def _docx(text: str = STATEMENT, core=None, pad: int = 0) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    if core is None and not pad:
        return buffer.getvalue()
    zin = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml" and core is not None:
                data = core(data)
            if item.filename == "word/document.xml" and pad:
                data = data.replace(b"</w:body>", b"<!--" + b" " * pad + b"--></w:body>")
            zout.writestr(item.filename, data, compresslevel=9)
    return out.getvalue()


def test_a_word_file_with_an_empty_creation_date_is_added_undated(case_workspace, run_cli, tmp_path):
    def empty_created(xml: bytes) -> bytes:
        xml = re.sub(rb"<dcterms:created[^>]*>.*?</dcterms:created>", b"", xml)
        return xml.replace(b"</cp:coreProperties>", b'<dcterms:created xsi:type="dcterms:W3CDTF"/></cp:coreProperties>')

    ws = case_workspace("valid-minimal")
    path = tmp_path / "statement.docx"
    path.write_bytes(_docx(core=empty_created))
    code, out, err = add(run_cli, ws, path)
    assert code == 0, err
    assert "date: undated" in out


def test_a_word_file_that_inflates_past_the_cap_is_refused(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(pad=3 * 2**20))  # a few KB that unpack to 3 MB
    assert path.stat().st_size < 100_000
    refused_cleanly(run_cli, ws, path, "--max-size", "1", phrase="MB, more than the 1.0 MB allowed")


def _pdf_with(content: bytes) -> bytes:
    """A small, well-formed PDF (a correct cross-reference table) whose one page draws `content`."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_nesting_arrays_50000_deep_is_refused(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "deep.pdf"
    path.write_bytes(_pdf_with(b"BT /F1 12 Tf 72 720 Td " + b"[" * 50_000 + b"(x)" + b"]" * 50_000 + b" TJ ET"))
    refused_cleanly(run_cli, ws, path, phrase="cannot read this PDF")


def test_utf16_text_without_a_byte_order_mark_is_read_as_text(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    for encoding in ("utf-16-le", "utf-16-be"):
        text = STATEMENT.replace("Monday", encoding)
        path = tmp_path / f"statement-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        code, out, err = add(run_cli, ws, path)
        assert code == 0, err
        assert (ws / f"seeds/{path.stem}.txt").read_text(encoding="utf-8") == text


def test_a_text_over_the_source_cap_is_refused_before_it_is_added(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "long.txt"
    path.write_text(STATEMENT * (21 * 2**20 // len(STATEMENT) + 1), encoding="utf-8")
    refused_cleanly(run_cli, ws, path, phrase="a source may be at most 20 MB of text")


def test_a_file_linked_to_the_environment_is_never_read(case_workspace, run_cli, tmp_path, monkeypatch):
    ws = case_workspace("valid-minimal")
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", "s3cret-value")
    link = tmp_path / "statement.txt"
    link.symlink_to("/proc/self/environ")
    err = refused_cleanly(run_cli, ws, link, phrase="is a system file")
    assert "s3cret-value" not in err


def test_a_source_id_that_is_a_list_does_not_crash_an_add(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    sources = ws / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("  - id: note", "  - id: [note]"),
                       encoding="utf-8")
    path = tmp_path / "statement.txt"
    path.write_text(STATEMENT, encoding="utf-8")
    code, out, err = add(run_cli, ws, path)
    assert code == 0 and "internal error" not in err, err


# --- intake: option bounds and hostile servers ----------------------------------------------------


@pytest.mark.parametrize(("option", "value"), [("--max-size", "inf"), ("--max-size", "1e308"),
                                               ("--timeout", "inf"), ("--timeout", "1e10")])
def test_unbounded_sizes_and_timeouts_are_usage_mistakes(case_workspace, run_cli, tmp_path, option, value):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "statement.txt"
    path.write_text(STATEMENT, encoding="utf-8")
    refused_cleanly(run_cli, ws, path, option, value, phrase=option, code=2)


def test_a_malformed_bracketed_host_is_a_clear_error(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    refused_cleanly(run_cli, ws, "http://[::1", phrase="is not a valid web address")


class RawServer:
    """A TCP server that answers every connection with `script(conn)`."""

    def __init__(self, script):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.script = script
        self.stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/doc.txt"

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.recv(65536)
            self.script(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stop = True
        self.sock.close()


@pytest.fixture
def raw_server():
    servers = []

    def make(script):
        servers.append(RawServer(script))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def test_headers_sent_a_byte_a_second_are_bounded_by_the_timeout(case_workspace, run_cli, raw_server):
    def trickle(conn):
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            conn.sendall(bytes([byte]))
            time.sleep(0.2)  # every read gets a byte within the per-read timeout

    ws = case_workspace("valid-minimal")
    server = raw_server(trickle)
    started = time.monotonic()
    refused_cleanly(run_cli, ws, server.url, "--timeout", "1", phrase="within 1 seconds")
    assert time.monotonic() - started < 6


def test_a_truncated_download_is_not_registered(case_workspace, run_cli, raw_server):
    def short(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
                     + STATEMENT.encode() * 5)

    ws = case_workspace("valid-minimal")
    refused_cleanly(run_cli, ws, raw_server(short).url, phrase="the server sent")


def test_a_broken_chunked_answer_is_said_in_words(case_workspace, run_cli, raw_server):
    def broken(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"ffff\r\n" + STATEMENT.encode())

    ws = case_workspace("valid-minimal")
    err = refused_cleanly(run_cli, ws, raw_server(broken).url, phrase="closed the connection before sending")
    assert "IncompleteRead" not in err


def test_an_answer_that_is_not_http_is_not_printed(case_workspace, run_cli, raw_server):
    def not_http(conn):
        conn.sendall(b"SSH-2.0-OpenSSH_9.6 " + b"x" * 5000 + b"\r\n")

    ws = case_workspace("valid-minimal")
    err = refused_cleanly(run_cli, ws, raw_server(not_http).url, phrase="did not answer in HTTP")
    assert "xxxx" not in err and len(err) < 400


# --- the registry under parallel adds ---------------------------------------------------------------


def test_six_adds_at_once_all_land_in_the_registry(case_workspace, tmp_path):
    ws = case_workspace("valid-minimal")
    paths = []
    for i in range(6):
        path = tmp_path / f"statement-{i}.txt"
        path.write_text(STATEMENT.replace("Monday", f"day {i} of the visit"), encoding="utf-8")
        paths.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "briefgen", "sources", "add", str(p), "-w", str(ws)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in paths]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    registry = (ws / "data/sources.yaml").read_text(encoding="utf-8")
    assert all(f"id: statement-{i}\n" in registry for i in range(6)), registry


# --- file modes ------------------------------------------------------------------------------------


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    sources = ws / "data/sources.yaml"
    sources.chmod(0o600)
    path = tmp_path / "statement.txt"
    path.write_text(STATEMENT, encoding="utf-8")
    old = os.umask(0o027)
    try:
        code, out, err = add(run_cli, ws, path)
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(sources.stat().st_mode) == 0o600
    assert stat.S_IMODE((ws / "seeds/statement.txt").stat().st_mode) == 0o640


# --- build --all with a worker that dies ---------------------------------------------------------------


def test_a_killed_worker_fails_its_brief_and_the_rest_are_built(case_workspace, run_cli, tmp_path, monkeypatch):
    import signal

    from briefgen.build import batch

    ws = case_workspace("valid-minimal")
    brief = (ws / "data/briefs/pk-kz.yaml").read_text(encoding="utf-8")
    for name in ("second", "third", "fourth"):
        (ws / f"data/briefs/{name}.yaml").write_text(brief.replace("id: pk-kz", f"id: {name}", 1), encoding="utf-8")
    real = batch.build

    def build(request, warn=None):
        if request.brief_file.endswith("third.yaml"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return real(request, warn=warn)

    monkeypatch.setattr(batch, "build", build)
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", "--all", "--jobs", "2", "--format", "md", "--workspace", str(ws),
                                "--out", str(out))
    assert code == 1, err
    assert "data/briefs/third.yaml: the process building this brief died" in err
    assert err.rstrip().endswith("3 of 4 briefs built; failed: data/briefs/third.yaml"), err
    assert sorted(p.name.split("-brief-")[0] for p in out.iterdir()) == ["fourth", "pk-kz", "second"]


# --- email: an interrupted send, a host name DNS cannot carry, encoded line breaks -------------------


def test_ctrl_c_during_a_hanging_send_keeps_the_message_as_a_draft(case_workspace, raw_server, tmp_path):
    import signal

    def hang(conn):
        time.sleep(30)  # accepts the connection, never greets

    ws = case_workspace("valid-minimal")
    server = raw_server(hang)
    port = server.sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "email", "--to", "desk@example.org",
                             "--from", "me@example.org", "--smtp", f"127.0.0.1:{port}", "--smtp-security", "none",
                             "--format", "pdf", "--workspace", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not getattr(server, "connected", False):
        time.sleep(0.2)
        try:  # the client is connected once the server has a peer
            server.connected = bool(subprocess.run(["ss", "-tn", f"sport = :{port}"], capture_output=True,
                                                   text=True).stdout.count("ESTAB"))
        except FileNotFoundError:
            time.sleep(8)
            server.connected = True
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    err = err.decode()
    assert proc.returncode == 130, err
    drafts = list((ws / "outbox").glob("*.eml"))
    assert len(drafts) == 1, err
    assert f"saved as a draft in {drafts[0]}" in err
    assert b"X-Unsent: 1" in drafts[0].read_bytes()


@pytest.mark.parametrize("host", ["mail..example.org", "a" * 64 + ".example.org"])
def test_a_host_name_dns_cannot_carry_is_refused_before_anything(case_workspace, run_cli, host):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("email", "--to", "desk@example.org", "--from", "me@example.org", "--smtp", host,
                             "--workspace", str(ws))
    assert code == 1 and "is not a mail server name" in err and "internal error" not in err, err


def test_a_host_name_that_fails_in_idna_while_sending_keeps_the_draft(tmp_path):
    from briefgen.mail.message import build_message
    from briefgen.mail.smtp import DeliveryError, SmtpSettings, deliver

    msg = build_message(sender="me@example.org", to=["desk@example.org"], subject="s", text="t\n", html=None)
    with pytest.raises(DeliveryError) as caught:
        deliver(msg, SmtpSettings(host="mail..example.org", port=25, security="none"), tmp_path / "outbox", "brief")
    assert "is not a mail server name that can be looked up" in caught.value.message
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


ENCODED_BREAK = "=?utf-8?q?Brief=0D=0ABcc=3A_evil=40example.org?="


@pytest.mark.parametrize("option", ["--subject", "--marking"])
def test_an_encoded_line_break_in_the_subject_or_marking_is_refused(case_workspace, run_cli, tmp_path, option):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("email", "--to", "desk@example.org", "--outbox", str(tmp_path / "ob"), option,
                             ENCODED_BREAK, "--workspace", str(ws))
    assert code == 1 and f"{option} contains a line break (U+000D)" in err, err
    assert not (tmp_path / "ob").exists()


def test_an_encoded_line_break_in_a_briefs_title_never_becomes_a_header(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    brief = ws / "data/briefs/pk-kz.yaml"
    brief.write_text(re.sub(r"(?m)^title: .*$", f'title: "{ENCODED_BREAK}"', brief.read_text(encoding="utf-8")),
                     encoding="utf-8")
    code, out, err = run_cli("email", "--to", "desk@example.org", "--outbox", str(tmp_path / "ob"),
                             "--workspace", str(ws))
    assert code == 1 and "the subject contains a line break (U+000D)" in err, err
    assert not (tmp_path / "ob").exists()


# --- messages a desk officer can act on ----------------------------------------------------------------


def test_bidirectional_controls_are_escaped_in_errors(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    brief = ws / "data/briefs/pk-kz.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("countries: [PK, KZ]", 'countries: [PK, "K\u202eZ"]'),
                     encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert "K\\u202eZ" in err and "\u202e" not in err, err


def test_year_zero_is_named_as_such(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    brief = ws / "data/briefs/pk-kz.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("    date: 1992", '    date: "0000-01-15"'),
                     encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1 and "invalid date '0000-01-15': there is no year 0" in err, err
    assert "January 0" not in err


def _damaged_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, STATEMENT.strip()[:90])
    page.drawString(72, 700, "The talks covered rail and road links as well as energy and trade in grain.")
    page.save()
    data = buffer.getvalue()
    xref = data.rindex(b"\nxref")
    head, tail = data[:xref], data[xref:]
    offsets = re.findall(rb"(\d{10}) 00000 n", tail)
    wrong = b"%010d" % (int(offsets[1]) + 7)
    return head + tail.replace(offsets[1] + b" 00000 n", wrong + b" 00000 n", 1)


def test_pypdf_log_lines_never_reach_stderr_raw(case_workspace, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "damaged.pdf"
    path.write_bytes(_damaged_pdf())
    code = subprocess.run([sys.executable, "-m", "briefgen", "sources", "add", str(path), "-w", str(ws)],
                          capture_output=True, text=True)
    assert code.returncode == 0, code.stderr
    assert all(line.startswith(("error:", "warning:")) for line in code.stderr.splitlines()), code.stderr
    assert "the PDF is damaged in places" in code.stdout


def test_a_pages_unusable_own_address_is_left_out_not_reported_raw(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    long_url = "https://example.org/" + "a" * 2100
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><title>Ministers meet</title><link rel="canonical" href="{long_url}"></head>'
                    f"<body><article><p>{STATEMENT * 3}</p></article></body></html>", encoding="utf-8")
    code, out, err = add(run_cli, ws, page)
    assert code == 0, err
    assert "validation error" not in err + out and "input_value" not in err + out
    assert long_url not in (ws / "data/sources.yaml").read_text(encoding="utf-8")


# --- work that grew faster than its input ----------------------------------------------------------------


def test_quote_reads_a_hard_wrapped_source_in_linear_time():
    """0.8 MB of hard-wrapped lines took over 5 minutes (each sentence copied the text before it)."""
    from briefgen.sources.quotefind import sentences

    text = "\n".join(["The ministers discussed trade. They agreed on links and more projects here"] * 11_000)
    started = time.monotonic()
    assert len(sentences(text)) == 11_001
    assert time.monotonic() - started < 20


def test_check_reads_a_quote_of_capitalised_words_in_linear_time():
    """2,400 capitalised words took 34 s and 2.6 GB (every run of initials of every length was kept)."""
    from briefgen.facts.statements import state

    started = time.monotonic()
    stated = state([" ".join(f"Minister{i}" for i in range(2400))])
    assert time.monotonic() - started < 10 and len(stated.initials) < 100


def test_the_nearest_passage_reads_a_source_once_for_all_its_wrong_quotes(monkeypatch):
    from briefgen.facts import suggest

    calls = []
    real = suggest._TOKEN.finditer
    monkeypatch.setattr(suggest, "_TOKEN", type("T", (), {"finditer": lambda self, text: (calls.append(1),
                                                                                            real(text))[1],
                                                          "findall": suggest._TOKEN.findall})())
    text = "The ministers of both countries discussed trade at length. " * 2000
    for quote in ("the ministers discussed rail", "both countries discussed energy", "trade at great length"):
        assert suggest.nearest_passage(text, quote) is not None
    assert len(calls) == 1


def test_the_publisher_is_never_guessed_from_the_host_name():
    """The extractor falls back to the host ("dawn.com"); docs/facts.md says a publisher is what the page names."""
    from briefgen.sources.intake import extract

    page = ("<html><head><title>Ministers meet</title>{meta}</head><body><article><p>" + STATEMENT * 3
            + "</p></article></body></html>")
    assert extract(page.format(meta="").encode(), "html", url="https://www.dawn.com/news/1").publisher is None
    named = '<meta property="og:site_name" content="The Astana Times">'
    assert extract(page.format(meta=named).encode(), "html", url="https://astanatimes.com/x").publisher == \
        "The Astana Times"


@pytest.mark.parametrize(("setting", "as_of"), [("", "0001-06-30"), ("stale_after_months = 24400\n", None),
                                                ("stale_after_months = 24400\n", "0001-06-30")])
def test_dates_near_year_1_build_with_a_warning_at_most(case_workspace, run_cli, tmp_path, setting, as_of):
    """The staleness limit and the as-of date once computed a date before year 1 (exit 70)."""
    ws = case_workspace("valid-minimal")
    if setting:
        (ws / "briefgen.toml").write_text(setting, encoding="utf-8")
    code, out, err = run_cli("build", "--format", "md", "--workspace", str(ws), "--out", str(tmp_path / "out"),
                             *(["--as-of", as_of] if as_of else []))
    assert code == 0 and "internal error" not in err, err


@pytest.mark.parametrize(("kind", "shift", "anchor"), [("day", -1, "0001-01-01"), ("day", 1, "9999-12-31"),
                                                       ("month", 1, "9999-12-15"), ("year", -1, "0001-05-05"),
                                                       ("week", -1, "0001-01-03"), ("weekday", -1, "0001-01-01")])
def test_a_relative_date_outside_the_calendar_cannot_be_placed(kind, shift, anchor):
    """'yesterday' in a report of 1 January 1 and 'next month' in December 9999 ended in exit 70."""
    from briefgen.dates import relative_date

    assert relative_date(kind, shift, anchor, 2 if kind == "weekday" else None) is None


def test_yesterday_in_a_report_of_year_1_is_a_located_refusal(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    (ws / "seeds/note.txt").write_text("The ministers held talks yesterday in Astana.\n", encoding="utf-8")
    sources = ws / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace('date: "2022-07-30"', 'date: "0001-01-01"'),
                       encoding="utf-8")
    (ws / "data/briefs/pk-kz.yaml").write_text(
        'id: pk-kz\ntitle: T\nsubject: S\ncountries: [PK, KZ]\nsummary:\n  - id: talks\n    date: "0001-01-01"\n'
        "    text: The ministers held talks.\n    sources:\n      - source: note\n"
        '        quote: "The ministers held talks yesterday in Astana."\n', encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1 and "internal error" not in err and "is no day of the calendar" in err, err
