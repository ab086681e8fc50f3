"""`briefgen serve` end to end, as a reader uses it: the real console script, Debian's Chromium driven by
Playwright (no browser download), the shipped brief edited on disk like an editor saves it.

`.ci/run` installs Chromium when it is missing; these tests skip only where it cannot be had.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency (uv sync)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
BRIEF = "data/briefs/pakistan-kazakhstan.yaml"
SENTENCE = "the two countries established diplomatic relations in 1992 and have friendly ties."


class Server:
    """`briefgen serve --port 0` in its own session (Ctrl+C reaches it and its worker as at a terminal)."""

    def __init__(self, workspace: Path, *args: str):
        bg = Path(sys.executable).parent / "briefgen"
        self.proc = subprocess.Popen([str(bg), "serve", *args, "--port", "0", "--workspace", str(workspace)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.lines: list[str] = []
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line)
                if "previewing at" in line:
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        assert ready.wait(120), "the server did not start"
        found = [line for line in self.lines if "previewing at" in line]
        assert found, "".join(self.lines)
        self.url = found[0].split("previewing at ", 1)[1].split()[0]

    def interrupt(self) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)  # as a terminal's Ctrl+C: the whole process group
        code = self.proc.wait(timeout=20)
        self.reader.join(10)  # every line it printed has been read
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.interrupt()
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the preview and its writer process
                self.proc.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright.sync_playwright() as p:
        profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh profile: no state from elsewhere
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM,
                                                       headless=True, args=FLAGS, bypass_csp=True)
        try:
            yield context
        finally:
            context.close()


def _frame_text(page) -> str:
    return page.frame_locator("#brief").locator("body").inner_text()


def _save(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:  # in place, as an editor saves
        fh.write(text)


def test_the_page_follows_saves_shows_problems_and_serves_the_new_pdf(repo_workspace, browser):
    brief = repo_workspace / BRIEF
    good = brief.read_text(encoding="utf-8")
    assert SENTENCE in good
    server = Server(repo_workspace)
    try:
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(server.url)
        page.click("text=Pakistan–Kazakhstan: bilateral brief")
        page.wait_for_function("document.body.dataset.version")
        assert SENTENCE in _frame_text(page)
        page.wait_for_selector("#pdf[aria-disabled=false]")

        # an edit updates the page in place, where the reader was
        page.frame_locator("#brief").locator("body").evaluate("b => window.scrollTo(0, 600)")
        version = page.evaluate("document.body.dataset.version")
        edited = good.replace(SENTENCE, SENTENCE.rstrip(".") + ", as recorded.")
        _save(brief, edited)
        page.wait_for_function(f"document.body.dataset.version !== '{version}'")
        assert "as recorded." in _frame_text(page)
        assert page.evaluate("document.querySelector('#brief').contentWindow.scrollY") == 600

        # the PDF link serves the PDF of the new state
        page.wait_for_selector("#pdf[aria-disabled=false]")
        href = page.get_attribute("#pdf", "href")
        from pypdf import PdfReader

        with urllib.request.urlopen(server.url.rstrip("/") + page.evaluate("location.pathname") + href) as reply:
            assert reply.headers["Content-Type"] == "application/pdf"
            text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.read())).pages)
        assert "as recorded." in " ".join(text.split())
        page.wait_for_selector("#docx[aria-disabled=false]")  # written after the PDF, by the same worker
        href = page.get_attribute("#docx", "href")
        with urllib.request.urlopen(server.url.rstrip("/") + page.evaluate("location.pathname") + href) as reply:
            assert reply.headers["Content-Type"].endswith("wordprocessingml.document")
            assert reply.read(2) == b"PK"

        # a quote that is not in its source: the problem shows over the page, the last good preview stays
        broken = edited.replace("Subsequently, in 1992", "Subsequently, in 1993")
        _save(brief, broken)
        page.wait_for_selector("#problems:not([hidden])")
        problem = page.inner_text("#problems")
        assert "data/briefs/pakistan-kazakhstan.yaml:" in problem and "quote not found" in problem
        assert "as recorded." in _frame_text(page)
        assert page.get_attribute("#problems a", "href").startswith("/file/data/briefs/pakistan-kazakhstan.yaml#L")

        # fixed: the problems clear
        _save(brief, edited)
        page.wait_for_selector("#problems", state="hidden")
        assert page.is_hidden("#problems")
        assert "warning" in page.inner_text("#warnings summary")  # the shipped sources are old: warned as such
        assert page.get_attribute("#warnings li a", "href").startswith("/file/data/")  # at their file and line
        assert requested and all(url.startswith(server.url) for url in requested), requested  # nothing else
    finally:
        server.close()


def test_a_text_edit_keeps_the_pages_fonts_and_new_characters_bring_new_ones(repo_workspace, browser):
    """The frame's style sheet (fonts inlined) is replaced only when it changed: an edit of the text
    keeps it (no font decoded again); a character the fonts did not carry brings new ones."""
    brief = repo_workspace / BRIEF
    good = brief.read_text(encoding="utf-8")
    server = Server(repo_workspace, "pakistan-kazakhstan")
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_function("document.body.dataset.version")
        sheet = "document.querySelector('#brief').contentDocument.head.querySelector('style')"
        page.evaluate(f"{sheet}.dataset.kept = 'yes'")
        fonts = page.evaluate(f"{sheet}.textContent")
        assert "@font-face" in fonts

        version = page.evaluate("document.body.dataset.version")
        _save(brief, good.replace(SENTENCE, SENTENCE.rstrip(".") + ", as recorded."))
        page.wait_for_function(f"document.body.dataset.version !== '{version}'")
        assert "as recorded." in _frame_text(page)
        assert page.evaluate(f"{sheet}.dataset.kept") == "yes"
        assert page.evaluate("document.querySelector('#brief').contentDocument.head.querySelectorAll('style').length") == 1

        version = page.evaluate("document.body.dataset.version")
        _save(brief, good.replace(SENTENCE, SENTENCE.rstrip(".") + ", as recorded (\u0416)."))
        page.wait_for_function(f"document.body.dataset.version !== '{version}'")
        assert "as recorded (\u0416)." in _frame_text(page)
        assert page.evaluate(f"{sheet}.dataset.kept") is None
        assert page.evaluate(f"{sheet}.textContent") != fonts
    finally:
        server.close()


def test_a_note_marker_shows_its_quote_and_the_record_one_click_away(repo_workspace, browser):
    server = Server(repo_workspace, "pakistan-kazakhstan")
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_function("document.body.dataset.version")
        marker = page.frame_locator("#brief").locator("sup.noteref a").first
        marker.click()
        note = page.locator("#note")
        note.wait_for(state="visible")
        text = note.inner_text()
        # the first marker follows the first summary point, which quotes the recognition of 1991
        assert "recognize Kazakhstan when it achieved independence in December 1991" in text
        link = note.locator("a").first
        assert link.inner_text().startswith("data/briefs/pakistan-kazakhstan.yaml:")
        line = int(link.inner_text().rsplit(":", 1)[1])
        with page.context.expect_page() as opened:
            link.click()
        source = opened.value
        source.wait_for_load_state()
        assert source.locator(f"#L{line}").inner_text().split(None, 1)[1].strip().startswith("- id:")
    finally:
        server.close()


def _written(url: str) -> None:
    """Until the server has written the brief's PDF and DOCX (read from its event stream)."""
    import json

    with urllib.request.urlopen(url + "brief/pakistan-kazakhstan/events", timeout=60) as stream:
        for line in stream:
            if line.startswith(b"data: ") and json.loads(line[6:])["files"] == ["docx", "pdf"]:
                return


def test_a_killed_preview_leaves_no_writer_process_behind(repo_workspace):
    server = Server(repo_workspace)
    try:
        _written(server.url)
        worker = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(worker) == 1
        server.proc.kill()  # SIGKILL: no clean-up runs in the preview
        server.proc.wait()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{worker[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{worker[0]}").exists() or "zombie" in Path(f"/proc/{worker[0]}/status").read_text()
    finally:
        server.close()


def test_ctrl_c_stops_cleanly_and_leaves_nothing_behind(repo_workspace):
    before = sorted(p.relative_to(repo_workspace) for p in repo_workspace.rglob("*"))
    server = Server(repo_workspace)
    try:
        _written(server.url)
        group = subprocess.run(["pgrep", "-g", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(group) == 2, group  # the preview and its writer process
        assert server.interrupt() == 0
        assert "preview stopped" in "".join(server.lines) and "Traceback" not in "".join(server.lines)
        assert not subprocess.run(["pgrep", "-g", str(server.proc.pid)], capture_output=True).stdout
        assert sorted(p.relative_to(repo_workspace) for p in repo_workspace.rglob("*")) == before
    finally:
        server.close()
