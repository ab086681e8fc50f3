"""`briefgen sources add` and `briefgen quote`, against a web server on 127.0.0.1 that the tests run.

The server serves a news page with navigation, an "Also read" box, comments and a footer, a PDF
(made here with reportlab), a Word file (made here with python-docx), redirects, a 404, a slow
answer and over-size bodies. Every failure must leave the workspace byte for byte as it was.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from briefgen.facts.quotes import SourceText
from conftest import CASES

ARTICLE = [
    "The foreign ministers of Kazakhstan and Pakistan agreed on Thursday to study a rail corridor linking "
    "Almaty with the port of Gwadar through Uzbekistan and Afghanistan.",
    "Officials said the feasibility study would be completed by the end of 2025, and that both governments "
    "would share its cost equally.",
    "The ministers also discussed trade, which reached 140 million US dollars in 2023, and agreed to meet "
    "again in Islamabad on 2 May 2024.",
]
FURNITURE = ["Home", "Business news", "Wheat exports hit record", "New airline route opens", "Also read",
             "Great news for the region", "I doubt this will ever be built", "All rights reserved", "Privacy policy",
             "Subscribe to our newsletter", "Tajik and Pakistani ministers meet", "Read more:", "Uzbekistan signs",
             "Share this", "Facebook"]
LINKED_SENTENCE = ("Read more about the corridor in the ministry's statement, which lists ten projects and the cost "
                   "of each.")

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ministers agree on new rail corridor | Steppe Daily</title>
<meta property="og:title" content="Ministers agree on new rail corridor">
<meta property="og:site_name" content="Steppe Daily">
<meta name="author" content="Aigerim Nurlanovna">
<meta property="article:published_time" content="2024-03-14T09:30:00+05:00">
<link rel="canonical" href="https://steppe-daily.example/news/rail-corridor">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business news</a></li></ul></nav></header>
<div class="newsletter">Subscribe to our newsletter</div>
<main><article>
<h1>Ministers agree on new rail corridor</h1>
{''.join(f'<p>{p}</p>' for p in ARTICLE[:2])}
<p><strong>Also read:</strong> <a href="/a/3">Tajik and Pakistani ministers meet</a></p>
<p>{ARTICLE[2]}</p>
<p>Read more about the corridor in the <a href="/s">ministry's statement</a>, which lists ten projects and the cost of each.</p>
<p>Read more: <a href="/a/4">Uzbekistan signs a transit deal</a></p>
<div class="share">Share this: <a href="#">Facebook</a> <a href="#">X</a></div>
<aside class="related"><h3>Also read</h3><ul><li><a href="/a/1">Wheat exports hit record</a></li>
<li><a href="/a/2">New airline route opens</a></li></ul></aside>
</article></main>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Great news for the region, finally!</p></div>
<div class="comment"><p>I doubt this will ever be built.</p></div></section>
<footer><p>&copy; 2024 Steppe Daily. All rights reserved. Privacy policy. Contact us.</p></footer>
</body></html>
""".encode()

STATEMENT = [
    "Joint Statement on the Visit of the Foreign Minister of Kazakhstan to Pakistan",
    "Islamabad, 12 June 2023",
    "The two sides reaffirmed their commitment to expand bilateral trade and agreed to establish a joint working "
    "group on transport connectivity.",
    "Both ministers welcomed the resumption of direct flights between Almaty and Lahore.",
]
NOTE = [
    "Embassy note on the cultural week",
    "The Kazakh embassy in Islamabad will hold a week of Kazakh culture in October 2024.",
    "Students from both countries will take part in a concert at the Pakistan National Council of the Arts.",
]


def make_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title="Joint Statement, Islamabad", author="Ministry of Foreign Affairs",
                            invariant=1)
    doc.build([Paragraph(STATEMENT[0], styles["Title"])] + [Paragraph(p, styles["Normal"]) for p in STATEMENT[1:]])
    return buffer.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Cultural week"
    document.core_properties.author = "Embassy of Kazakhstan"
    document.core_properties.created = __import__("datetime").datetime(2024, 9, 2, 10, 0)
    document.add_heading(NOTE[0], level=1)
    for paragraph in NOTE[1:]:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Venue", "Pakistan National Council of the Arts"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_BYTES = make_pdf()
DOCX_BYTES = make_docx()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SLOW_SECONDS = 3


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None, length: bool = True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first (timeouts, size caps)
            pass

    def _answer(self):
        routes = {
            "/news/rail-corridor": (200, PAGE, "text/html; charset=utf-8"),
            "/statement.pdf": (200, PDF_BYTES, "application/pdf"),
            "/download?id=7": (200, DOCX_BYTES, DOCX_TYPE),
            "/empty": (200, b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html"),
            "/logo.png": (200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
        }
        if self.path in routes:
            return self._send(*routes[self.path])
        if self.path == "/gzipped":  # compressed although the request did not ask for it
            return self._send(200, gzip.compress(PAGE), "text/html", {"Content-Encoding": "gzip"})
        if self.path == "/gzip-bomb":  # 20 KB that unpack to 20 MB
            return self._send(200, gzip.compress(b" " * (20 * 2**20)), "text/html", {"Content-Encoding": "gzip"})
        if self.path == "/old-address":
            return self._send(301, b"", "text/plain", {"Location": "/news/rail-corridor"})
        if self.path.startswith("/loop"):
            n = int(self.path[5:] or 0)
            return self._send(302, b"", "text/plain", {"Location": f"/loop{n + 1}"})
        if self.path == "/to-file":
            return self._send(302, b"", "text/plain", {"Location": "file:///etc/passwd"})
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self._send(200, PAGE, "text/html")
        if self.path == "/dribble":  # every read gets a byte in time; the whole never arrives
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if self.path == "/big":
            return self._send(200, b"x" * (2 * 2**20), "text/plain")
        if self.path == "/big-unannounced":  # no Content-Length: the cap must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"y" * 65536)
            return None
        return self._send(404, b"not here", "text/plain")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, and every folder (to see a stray one created)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(root.rglob("*"))}


def registered(workspace: Path, source_id: str) -> dict:
    entries = yaml.safe_load((workspace / "data/sources.yaml").read_text(encoding="utf-8"))["sources"]
    return next(e for e in entries if e["id"] == source_id)


def cite(workspace: Path, source_id: str, quote: str) -> None:
    """Add a summary record to the test brief that quotes `quote` from `source_id`."""
    brief = workspace / "data/briefs/pk-kz.yaml"
    text = brief.read_text(encoding="utf-8")
    item = (f"  - id: new-fact\n    text: A new fact.\n    sources:\n      - source: {source_id}\n"
            f"        quote: {json.dumps(quote, ensure_ascii=False)}\n")
    brief.write_text(text.replace("summary:\n", "summary:\n" + item, 1), encoding="utf-8")


# --- adding --------------------------------------------------------------------------------------


def test_web_page_gives_the_article_without_the_furniture(case_workspace, run_cli, server):
    ws = case_workspace("valid-minimal")
    before = (ws / "data/sources.yaml").read_text(encoding="utf-8")
    code, out, err = run_cli("sources", "add", f"{server}/old-address", "-w", str(ws))
    assert code == 0, err
    source_id = "ministers-agree-on-new-rail-corridor-2024-03-14"
    assert f"added source '{source_id}'" in out
    text = (ws / f"seeds/{source_id}.txt").read_text(encoding="utf-8")
    for paragraph in ARTICLE:
        assert paragraph in text
    assert LINKED_SENTENCE in text  # a sentence of the article with a link in it stays
    for furniture in FURNITURE:
        assert furniture not in text, furniture
    assert (ws / f"seeds/originals/{source_id}.html").read_bytes() == PAGE
    # the file is appended to, every byte of it kept (its comments and layout too)
    after = (ws / "data/sources.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    record = registered(ws, source_id)
    assert record["title"] == "Ministers agree on new rail corridor"
    assert record["publisher"] == "Steppe Daily"
    assert record["date"] == "2024-03-14"
    assert record["kind"] == "web page"
    assert record["file"] == f"seeds/{source_id}.txt"
    assert record["author"] == "Aigerim Nurlanovna"
    assert record["url"] == f"{server}/news/rail-corridor"  # the address after the redirect
    assert record["accessed"] == date.today().isoformat()
    assert record["place"] is None and record["type"] is None  # not known: null, to be filled in by hand
    assert "type: official, news, research or commentary" in out
    # what the user must still check, including the date the text gives that the metadata does not
    assert "check:" in out and "label" in out
    assert "line 4: 2 May 2024" in out, out

    cite(ws, source_id, ARTICLE[0])
    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 0, err
    assert "2 source(s)" in out


def test_saved_web_page_takes_its_address_from_the_page(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "Ministers agree.html"
    path.write_bytes(PAGE)
    code, out, err = run_cli("sources", "add", str(path), "--id", "steppe-rail", "-w", str(ws))
    assert code == 0, err
    record = registered(ws, "steppe-rail")
    assert record["url"] == "https://steppe-daily.example/news/rail-corridor"
    assert record["accessed"] is None  # the day the page was saved is not known
    assert "accessed: when the page was saved" in out
    assert (ws / "seeds/originals/steppe-rail.html").read_bytes() == PAGE
    # the same page again is refused by its address
    before = tree(ws)
    code, out, err = run_cli("sources", "add", str(path), "--id", "steppe-rail-again", "-w", str(ws))
    assert code == 1 and "this address is registered already as source 'steppe-rail'" in err
    assert tree(ws) == before


def test_pdf_from_a_url(case_workspace, run_cli, server):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("sources", "add", f"{server}/statement.pdf", "--id", "joint-statement",
                             "--type", "official", "-w", str(ws))
    assert code == 0, err
    assert "type: official" in out and "type: official, news" not in out  # set: not among the things to check
    text = (ws / "seeds/joint-statement.txt").read_text(encoding="utf-8")
    assert SourceText(text).contains(STATEMENT[2])
    assert (ws / "seeds/originals/joint-statement.pdf").read_bytes() == PDF_BYTES
    record = registered(ws, "joint-statement")
    assert record["title"] == "Joint Statement, Islamabad"
    assert record["kind"] == "PDF document" and record["type"] == "official"
    assert record["author"] == "Ministry of Foreign Affairs"
    # the dateline gives the place and the date; the PDF's creation date (reportlab's invariant
    # 2000-01-01) is shown beside it, not silently dropped
    assert record["place"] == "Islamabad" and record["date"] == "2023-06-12"
    assert "date: 2023-06-12  (from the dateline on line 3 ('Islamabad, 12 June 2023'))" in out
    assert "note: the PDF's creation date says 2000-01-01" in out

    cite(ws, "joint-statement", STATEMENT[3])
    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 0, err


def test_word_file_from_disk_and_from_a_url(case_workspace, run_cli, server, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "Cultural week (draft).docx"
    path.write_bytes(DOCX_BYTES)
    code, out, err = run_cli("sources", "add", str(path), "-w", str(ws))
    assert code == 0, err
    source_id = "cultural-week"
    text = (ws / f"seeds/{source_id}.txt").read_text(encoding="utf-8")
    for paragraph in NOTE:
        assert paragraph in text
    assert "Venue\tPakistan National Council of the Arts" in text  # tables are kept, a row a line
    record = registered(ws, source_id)
    assert record["title"] == "Cultural week" and record["kind"] == "Word document"
    assert record["date"] == "2024-09-02"
    assert record["author"] == "Embassy of Kazakhstan"
    assert record["url"] is None and record["accessed"] is None
    cite(ws, source_id, NOTE[2])
    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 0, err

    # the same document again, fetched: the server's media type tells it is Word, and the text is known
    before = tree(ws)
    code, out, err = run_cli("sources", "add", f"{server}/download?id=7", "-w", str(ws))
    assert code == 1
    assert f"registered already as source '{source_id}'" in err
    assert tree(ws) == before


def test_plain_text_file_is_kept_as_it_is(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    path = tmp_path / "press-release.txt"
    path.write_text("Press release\nThe two sides signed a memorandum on tourism.\n", encoding="utf-8")
    code, out, err = run_cli("sources", "add", str(path), "-w", str(ws))
    assert code == 0, err
    assert (ws / "seeds/press-release.txt").read_bytes() == path.read_bytes()
    assert not (ws / "seeds/originals").exists()  # the text file is its own original
    assert registered(ws, "press-release")["date"] == "undated"


def test_sources_file_layout_is_followed(case_workspace, run_cli, tmp_path):
    """Items indented another way, and an empty list, are extended in the file's own style."""
    ws = case_workspace("valid-minimal")
    sources = ws / "data/sources.yaml"
    sources.write_text("# registry\nsources:\n- id: note   # the test note\n  label: Test note\n  kind: note\n"
                       "  date: \"2022-07-30\"\n  file: seeds/note.txt\n", encoding="utf-8")
    path = tmp_path / "memo.txt"
    path.write_text("A memo.\n", encoding="utf-8")
    assert run_cli("sources", "add", str(path), "-w", str(ws))[0] == 0
    text = sources.read_text(encoding="utf-8")
    assert "# the test note" in text and "\n- id: memo\n  label: " in text
    assert run_cli("check", "-w", str(ws))[0] == 0

    empty = tmp_path / "empty-list"
    shutil.copytree(CASES / "valid-minimal", empty)
    (empty / "data/sources.yaml").write_text("# nothing yet\nsources: []\n", encoding="utf-8")
    assert run_cli("sources", "add", str(path), "-w", str(empty))[0] == 0
    text = (empty / "data/sources.yaml").read_text(encoding="utf-8")
    assert text.startswith("# nothing yet\nsources:\n  - id: memo\n")


# --- failures write nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("path, options, message", [
    ("/missing", [], "the server answered 404 Not Found"),
    ("/slow", ["--timeout", "0.5"], "no answer within 0.5 seconds"),
    ("/dribble", ["--timeout", "0.8"], "the download took longer than 0.8 seconds"),
    ("/big", ["--max-size", "1"], "more than the 1.0 MB allowed"),
    ("/big-unannounced", ["--max-size", "1"], "larger than the 1.0 MB allowed"),
    ("/loop", [], "more than 5 redirects"),
    ("/gzip-bomb", ["--max-size", "1"], "larger than the 1.0 MB allowed"),
    ("/to-file", [], "it redirects to file:///etc/passwd; only http:// and https://"),
    ("/empty", [], "no article text found in this page"),
    ("/logo.png", [], "cannot tell what kind of document this is (the server calls it image/png)"),
])
def test_fetch_failures_write_nothing(case_workspace, run_cli, server, path, options, message):
    ws = case_workspace("valid-minimal")
    before = tree(ws)
    started = time.monotonic()
    code, out, err = run_cli("sources", "add", f"{server}{path}", *options, "-w", str(ws))
    assert code == 1
    assert message in err, err
    assert "Traceback" not in err and out == ""
    assert tree(ws) == before
    assert time.monotonic() - started < SLOW_SECONDS  # the slow server is not waited for


def test_refusals_write_nothing(case_workspace, run_cli, server, tmp_path):
    ws = case_workspace("valid-minimal")
    text_file = tmp_path / "memo.txt"
    text_file.write_text("A memo on the visit.\n", encoding="utf-8")
    (ws / "seeds/taken.txt").write_text("someone's file\n", encoding="utf-8")
    before = tree(ws)
    cases = [
        (("ftp://127.0.0.1/file.pdf",), "only http:// and https:// addresses can be fetched"),
        (("http://127.0.0.1:1/nothing-listens",), "cannot fetch http://127.0.0.1:1/nothing-listens"),
        ((str(tmp_path / "absent.pdf"),), "file not found"),
        (("www.gov.example/statement",), "file not found; for a web page give the whole address: "
                                         "https://www.gov.example/statement"),
        ((str(tmp_path),), "is a folder, not a file"),
        ((str(text_file), "--id", "note"), "a source with id 'note' exists already"),
        ((str(text_file), "--id", "Not An Id"), "'Not An Id' cannot be a source id"),
        ((str(text_file), "--id", "taken"), "not overwriting seeds/taken.txt"),
        ((str(text_file), "--type", "blog"), "'blog' is not a source type: use one of official, news"),
        ((str(ws / "seeds/note.txt"),), "registered already as source 'note'"),
    ]
    for args, message in cases:
        code, out, err = run_cli("sources", "add", *args, "-w", str(ws))
        assert code == 1, args
        assert message in err, (args, err)
        assert tree(ws) == before, args

    doc_file = tmp_path / "old.doc"
    doc_file.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    code, out, err = run_cli("sources", "add", str(doc_file), "-w", str(ws))
    assert code == 1 and "save it as .docx" in err
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage")
    code, out, err = run_cli("sources", "add", str(broken), "-w", str(ws))
    assert code == 1 and "cannot read this PDF" in err and "Traceback" not in err
    assert tree(ws) == before


def test_reads_and_writes_go_through_the_workspace_door(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    pipe = tmp_path / "page.html"
    os.mkfifo(pipe)  # a FIFO would block a plain open() for ever
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (ws / "seeds/originals").symlink_to(outside, target_is_directory=True)
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(PDF_BYTES)
    before = tree(ws)
    code, out, err = run_cli("sources", "add", str(pipe), "-w", str(ws))
    assert code == 1 and "is a FIFO (named pipe), not an ordinary file" in err
    code, out, err = run_cli("sources", "add", str(pdf), "--id", "statement", "-w", str(ws))
    assert code == 1 and "seeds/originals/statement.pdf: would be written outside the workspace" in err, err
    assert tree(ws) == before and list(outside.iterdir()) == []


def test_windows_line_ends_and_byte_order_mark_are_kept(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    sources = ws / "data/sources.yaml"
    before = b"\xef\xbb\xbf" + sources.read_bytes().replace(b"\n", b"\r\n")
    sources.write_bytes(before)
    memo = tmp_path / "memo.txt"
    memo.write_text("A memo on the visit.\n", encoding="utf-8")
    assert run_cli("sources", "add", str(memo), "-w", str(ws))[0] == 0
    after = sources.read_bytes()
    assert after.startswith(before) and b"\r\n  - id: memo\r\n" in after
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert run_cli("check", "-w", str(ws))[0] == 0


def test_a_sources_file_it_cannot_extend_is_left_alone(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    (ws / "data/sources.yaml").write_text(
        "sources: [{id: note, label: Test note, kind: note, date: '2022-07-30', file: seeds/note.txt}]\n",
        encoding="utf-8")
    path = tmp_path / "memo.txt"
    path.write_text("A memo.\n", encoding="utf-8")
    before = tree(ws)
    code, out, err = run_cli("sources", "add", str(path), "-w", str(ws))
    assert code == 1 and "add this record by hand" in err and "- id: memo" in err
    assert tree(ws) == before


def test_fetch_records_the_final_address(server):
    from briefgen.sources.fetch import fetch

    got = fetch(f"{server}/old-address")
    assert got.url == f"{server}/news/rail-corridor"
    assert got.content_type == "text/html" and got.charset == "utf-8" and got.data == PAGE
    assert fetch(f"{server}/gzipped").data == PAGE  # a compressed answer is unpacked


# --- quote ---------------------------------------------------------------------------------------


def test_quote_finds_a_sentence_by_a_few_words_and_it_passes_check(case_workspace, run_cli, server):
    ws = case_workspace("valid-minimal")
    assert run_cli("sources", "add", f"{server}/statement.pdf", "--id", "statement", "-w", str(ws))[0] == 0
    code, out, err = run_cli("quote", "statement", "WORKING", "group", "transport", "-w", str(ws))
    assert code == 0, err
    lines = out.splitlines()
    location, item = lines[0], "\n".join(line[2:] for line in lines[1:3])
    file, line = location.rsplit(":", 1)
    assert file == "seeds/statement.txt"
    quote = yaml.safe_load(item)[0]["quote"]
    assert yaml.safe_load(item)[0]["source"] == "statement"
    source_lines = (ws / file).read_text(encoding="utf-8").split("\n")
    assert quote.startswith(source_lines[int(line) - 1].strip())  # the sentence starts on the line given
    assert " ".join(quote.split()) == STATEMENT[2]

    cite(ws, "statement", quote)
    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 0, err


def test_quote_all_sources_and_no_match(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("quote", "--all", "friendly", "-w", str(ws))
    assert code == 0, err
    assert "seeds/note.txt:" in out and "quote: \"The two countries have friendly ties.\"" in out
    code, out, err = run_cli("quote", "--all", "friend", "zebra", "-w", str(ws))
    assert code == 1 and "no sentence of any source contains all of: friend zebra" in err
    code, out, err = run_cli("quote", "nosuch", "ties", "-w", str(ws))
    assert code == 1 and "no source 'nosuch'" in err
    code, out, err = run_cli("quote", "note", "-w", str(ws))
    assert code == 2  # a source id and no words is a usage error


def test_quote_matches_words_at_their_start_and_folds_typography(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    (ws / "seeds/note.txt").write_text(
        "Mr. Tleuberdi met Pakistan’s minister in Tashkent. The U.S. delegation did not attend.\n"
        "The administrator spoke.\nA line wrapped\nin the middle of a sentence.\n", encoding="utf-8")
    code, out, err = run_cli("quote", "note", "pakistan's", "MINISTER", "-w", str(ws))
    assert code == 0 and out.count("quote:") == 1
    assert "Mr. Tleuberdi met Pakistan’s minister in Tashkent." in out
    code, out, err = run_cli("quote", "note", "delegation", "-w", str(ws))
    assert "The U.S. delegation did not attend." in out and "Tashkent" not in out
    code, out, err = run_cli("quote", "note", "minister", "-w", str(ws))
    assert "administrator" not in out
    code, out, err = run_cli("quote", "note", "wrapped", "middle", "-w", str(ws))
    assert code == 0 and "seeds/note.txt:3" in out and "A line wrapped in the middle of a sentence." in out


def test_quote_all_searches_on_past_an_unreadable_source(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    memo = tmp_path / "memo.txt"
    memo.write_text("The friendly visit ended on Friday.\n", encoding="utf-8")
    assert run_cli("sources", "add", str(memo), "-w", str(ws))[0] == 0
    (ws / "seeds/note.txt").unlink()
    code, out, err = run_cli("quote", "--all", "friendly", "-w", str(ws))
    assert code == 0
    assert "warning: seeds/note.txt: source file 'seeds/note.txt' not found (not searched)" in err
    assert "seeds/memo.txt:1" in out
    code, out, err = run_cli("quote", "note", "friendly", "-w", str(ws))
    assert code == 1 and "source file 'seeds/note.txt' not found" in err


def test_a_word_file_is_read_by_its_head_too(case_workspace, run_cli, tmp_path):
    """A report saved as .docx: its byline, not the file's author (who made the file), and its dateline."""
    import docx

    document = docx.Document()
    document.core_properties.author = "desk-pc-04"
    for line in ("Kazakhstan eyes Pakistani ports for grain exports", "By Olzhas Aubakirov", "February 5, 2026",
                 "ALMATY, Feb 5 (Reuters) - Kazakhstan wants to ship wheat to Pakistani ports through Afghanistan, "
                 "President Kassym-Jomart Tokayev said on Wednesday."):
        document.add_paragraph(line)
    path = tmp_path / "grain.docx"
    document.save(path)
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("sources", "add", str(path), "-w", str(ws))
    assert code == 0, err
    record = registered(ws, "grain")
    assert (record["author"], record["publisher"], record["place"], record["date"]) == \
        ("Olzhas Aubakirov", "Reuters", "Almaty", "2026-02-05")
    assert record["title"] == "Kazakhstan eyes Pakistani ports for grain exports"
    assert "note: the Word file's properties says desk-pc-04" in out
