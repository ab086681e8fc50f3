"""Preview latency: a saved fact edit → the page changed in headless Chromium, through a real `briefgen serve`.

The server runs as the user runs it (a fresh process of the console script). Debian's Chromium, driven by
Playwright (`executable_path`, no browser download), opens the brief's page; a MutationObserver in the page
notes the time (the page's clock, `performance.timeOrigin + now()`: the machine's wall clock, sub-millisecond)
when the brief in the frame is swapped and when the PDF link turns to the new version. The harness saves the
brief's data file the way an editor saves in place (one write of the whole text), alternating a record's
sentence between two wordings that both pass `check`, and times each save from just before the write (the
same wall clock) to those two moments. Between saves it waits for the PDF and DOCX of the last save, so every
save is measured from an idle server. The PDF figure also carries the CPU time the preview and its writer
process spent on each save (the scheduler's count for every thread), which other work on the machine
disturbs far less than the wall time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.synth import make_workspace
from benchmarks.timing import Figure, interrupt, load1

DOM = "briefgen serve: saved edit → preview updated in the browser"
PDF = "briefgen serve: saved edit → PDF of the new state served"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]

# Records the moment the brief's version and the PDF link change, on the page's clock (epoch ms).
OBSERVER = """() => {
  window.__seen = {dom: {}, pdf: {}};
  const now = () => performance.timeOrigin + performance.now();
  new MutationObserver(() => {
    const v = document.body.dataset.version;
    if (v && !(v in window.__seen.dom)) window.__seen.dom[v] = now();
  }).observe(document.body, {attributes: true, attributeFilter: ["data-version"]});
  const pdf = document.querySelector("#pdf");
  new MutationObserver(() => {
    const m = /[?&]v=(\\d+)/.exec(pdf.getAttribute("href") || "");
    if (m && pdf.getAttribute("aria-disabled") === "false" && !(m[1] in window.__seen.pdf)) window.__seen.pdf[m[1]] = now();
  }).observe(pdf, {attributes: true});
}"""


def cpu_seconds(pid: int) -> float:
    """CPU time a process and its children have run so far (every thread; the scheduler's own
    nanosecond count, /proc/PID/task/*/schedstat), or 0 where /proc is not there."""
    total, pids = 0, [pid]
    for p in [pid]:
        try:
            pids += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    for p in pids:
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return total / 1e9


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def start_server(ws: Path, env: dict, brief: str | None = None) -> tuple[subprocess.Popen, str, list[str]]:
    """`briefgen serve --port 0` in `ws`; the process, its URL and (filling on) its stderr lines."""
    bg = str(Path(sys.executable).parent / "briefgen")
    proc = subprocess.Popen([bg, "serve", *([brief] if brief else []), "--port", "0", "--workspace", str(ws)],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stderr:
            lines.append(line)
            if "previewing at" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    ready.wait(120)
    url = next((line.split("previewing at ", 1)[1].split()[0] for line in lines if "previewing at" in line), "")
    return proc, url, lines


def preview_latency(tmp: Path, edits: int, env: dict, settle: float = 0.3, timeout: float = 10.0) -> tuple[Figure, Figure]:
    note = f"{edits} saves of a record's sentence in data/briefs/*.yaml; headless Chromium"
    dom, pdf = Figure(DOM, note=note + "; write → brief swapped in the page"), \
        Figure(PDF, note=note + "; write → PDF link of the new version live")
    exe = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        dom.error = pdf.error = f"playwright not installed ({exc})"
        return dom, pdf
    if not exe:
        dom.error = pdf.error = "chromium not installed"
        return dom, pdf
    ws = make_workspace(tmp / "ws-preview", 1)
    brief = next((ws / "data" / "briefs").glob("*.yaml"))
    original = brief.read_text(encoding="utf-8")
    sentence = _a_sentence(original)
    variants = [original, original.replace(sentence, sentence.rstrip(".") + ", as recorded.", 1)]
    proc, url, lines = start_server(ws, env)
    try:
        if not url:
            dom.error = pdf.error = f"the server did not start: {(lines or ['(no output)'])[-1].strip()}"[:200]
            return dom, pdf
        with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="briefgen-chromium-") as profile:
            browser = p.chromium.launch_persistent_context(profile, executable_path=exe, headless=True,
                                                           args=CHROMIUM_FLAGS, bypass_csp=True)
            page = browser.new_page()
            page.goto(url.rstrip("/") + "/brief/" + _brief_id(original) + "/")
            page.wait_for_function("document.body.dataset.version && !document.querySelector('#pdf')"
                                   ".getAttribute('aria-disabled').startsWith('t')", timeout=60_000)
            page.evaluate(OBSERVER)
            for n in range(edits):
                time.sleep(settle)
                version = int(page.evaluate("document.body.dataset.version"))
                load = load1()
                cpu = cpu_seconds(proc.pid)
                start = time.time() * 1000
                brief.write_text(variants[(n + 1) % 2], encoding="utf-8")
                try:
                    page.wait_for_function(f"Object.keys(window.__seen.pdf).some(v => +v > {version})",
                                           timeout=timeout * 1000)
                except Exception:
                    continue
                spent = cpu_seconds(proc.pid) - cpu  # the preview and its writer, save to PDF served
                seen = page.evaluate("window.__seen")
                new_dom = [t for v, t in seen["dom"].items() if int(v) > version]
                new_pdf = [t for v, t in seen["pdf"].items() if int(v) > version]
                if new_dom:
                    dom.runs.append((min(new_dom) - start) / 1000)
                    dom.loads.append(load)
                if new_pdf:
                    pdf.runs.append((min(new_pdf) - start) / 1000)
                    pdf.loads.append(load)
                    pdf.cpu.append(spent)
            browser.close()
        for fig in (dom, pdf):
            if len(fig.runs) < edits:
                fig.note += f"; {edits - len(fig.runs)} saves not seen within {timeout:.0f} s"
            if not fig.runs:
                fig.error = "no save reached the page"
        return dom, pdf
    finally:
        interrupt(proc)


def _a_sentence(text: str) -> str:
    """The first `text:` sentence of the brief (a summary point): one fact whose words show in the preview."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("text:") and stripped.endswith("."):
            return stripped.removeprefix("text:").strip().strip("'\"")
    raise ValueError("the brief has no one-line text: sentence to edit")


def _brief_id(text: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("id:"))


if __name__ == "__main__":
    from benchmarks.timing import cold_env

    with tempfile.TemporaryDirectory(prefix="briefgen-preview-") as d:
        for f in preview_latency(Path(d), int(sys.argv[1]) if len(sys.argv) > 1 else 10, cold_env(Path(d))):
            cpu = f", CPU {sorted(f.cpu)[len(f.cpu) // 2] * 1000:.1f} ms" if f.cpu else ""
            print(f.error or f"{f.name}: median {f.median * 1000:.1f} ms, min {min(f.runs) * 1000:.1f}, "
                             f"max {max(f.runs) * 1000:.1f}{cpu}, load {f.load:.2f}; {f.note}")
        os._exit(0)
