"""`briefgen serve` without a browser: the note map, the session's snapshots, and the server's answers.

The browser half (a page that follows saves, problems over it, notes, Ctrl+C) is test_serve_browser.py.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import urllib.error
import urllib.request
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from briefgen.build.pipeline import BuildRequest, load_inputs, prepare
from briefgen.document import model
from briefgen.preview.notes import note_map
from briefgen.preview.server import make_server
from briefgen.preview.session import Session
from factbase_maker import source, write_workspace

AS_OF = date(2026, 3, 1)
BRIEF = "data/briefs/pakistan-kazakhstan.yaml"


def _notes(workspace, brief_id=None):
    config, fb = load_inputs(workspace)
    prepared = prepare(BuildRequest(workspace, brief=brief_id, as_of=AS_OF), loaded=(config, fb))
    return prepared, fb, note_map(prepared, fb, prepared.brief_id)


def _markers(document) -> list[tuple[int, int, str]]:
    """(note number, its Kth marker, the text of the block the marker is in), in reading order."""
    found, seen = [], {}

    def walk(node, block):
        if isinstance(node, model.NoteRef):
            k = seen[node.number] = seen.get(node.number, 0) + 1
            found.append((node.number, k, block))
        elif isinstance(node, model.Notes):
            return
        elif isinstance(node, (tuple, list)):
            for child in node:
                walk(child, block)
        elif isinstance(node, (model.Paragraph, model.Heading)):
            walk(node.children, model.plain_text(node.children))
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                walk(getattr(node, name), block)

    walk(document.blocks, "")
    return found


def test_every_marker_of_the_shipped_brief_stands_for_the_records_beside_it(repo_workspace):
    prepared, fb, notes = _notes(repo_workspace)
    markers = _markers(prepared.document)
    assert len(markers) > 50
    lines = (repo_workspace / BRIEF).read_text(encoding="utf-8").splitlines()
    for number, k, block in markers:
        entry = notes[f"{number}-{k}"]
        assert entry["source"] == notes[str(number)]["source"]
        assert entry["records"], (number, k)
        for record in entry["records"]:
            assert record["quotes"], record  # each record quotes this very source
            # a record in a list starts at `- id: X`; one under a key (recognition:) at the key, id below
            assert f"id: {record['id']}" in " ".join(lines[record["line"] - 1:record["line"] + 1])
    # the first marker follows the first summary point and shows its quotes of the first source
    first = notes["1-1"]["records"]
    assert [r["id"] for r in first] == ["sum-relations"]
    assert "recognize Kazakhstan when it achieved independence in December 1991" in first[0]["quotes"][0]


WORDS = st.sampled_from("harbour railway treaty cotton grain pipeline corridor visa customs border textile "
                        "pharmaceutical tractor scholarship aviation fertiliser".split())


@st.composite
def briefs(draw):
    """Summary points and outlook records, each citing one to three of four sources in any order."""
    ids = [f"src-{n}" for n in range(4)]
    records = {"summary": [], "outlook": []}
    for section, count in (("summary", draw(st.integers(1, 5))), ("outlook", draw(st.integers(0, 4)))):
        for n in range(count):
            words = " ".join(draw(st.lists(WORDS, min_size=4, max_size=7)))
            text = f"The {section} record {chr(97 + n)} concerns {words}."
            cited = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            records[section].append({"id": f"{section}-{n}", "text": text,
                                     "sources": [{"source": s, "quote": text} for s in cited]})
    return records, [source(i) for i in ids]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(briefs())
def test_a_marker_shows_the_records_of_its_own_sentence_on_any_fact_base(tmp_path_factory, case):
    brief, sources = case
    ws = write_workspace(tmp_path_factory.mktemp("ws"), brief, sources=sources)
    prepared, fb, notes = _notes(ws)
    texts = {r["id"]: r["text"] for rs in brief.values() for r in rs}
    for number, k, block in _markers(prepared.document):
        entry = notes[f"{number}-{k}"]
        # the oracle: the marker's own paragraph or list item says what the records it names say
        assert any(texts[r["id"]] in block for r in entry["records"]), (block, entry)
        for r in entry["records"]:
            assert any(c["source"] == entry["source"] for c in
                       next(x for rs in brief.values() for x in rs if x["id"] == r["id"])["sources"])


def test_a_template_that_moves_markers_gets_every_record_of_the_source_never_a_wrong_one(repo_workspace):
    # the summary's markers captured once with `set` and printed twice: the cite calls no longer
    # match the markers in reading order, so no marker claims particular records
    (repo_workspace / "templates/sections").mkdir(parents=True)
    (repo_workspace / "templates/sections/outlook.md.j2").write_text(
        "{% set again %}{% for p in brief.summary %}{{ cite(p) }}{% endfor %}{% endset %}\n"
        "# Outlook\n\nSee the summary.{{ again }} And again.{{ again }}\n", encoding="utf-8")
    prepared, fb, notes = _notes(repo_workspace)
    assert all("-" not in key for key in notes)
    summary = {r.id for r in fb.briefs["pakistan-kazakhstan"].summary}
    assert summary <= {r["id"] for entry in notes.values() for r in entry["records"]}
    assert all(r["quotes"] for entry in notes.values() for r in entry["records"])


def test_a_character_the_pdf_font_lacks_is_a_problem_at_its_fact(repo_workspace):
    from briefgen.preview.writer_process import WriterProcess

    brief = repo_workspace / BRIEF
    text = brief.read_text(encoding="utf-8").replace("in 1992 and have friendly ties.", "in 1992 and have friendly ties 𓀀.")
    brief.write_text(text, encoding="utf-8")
    writers = WriterProcess()
    try:
        session = Session(BuildRequest(repo_workspace, brief="pakistan-kazakhstan", as_of=AS_OF), writers)
        session.rebuild()
        snap = session.snapshot("pakistan-kazakhstan")
        # the browser has fonts for it; the PDF job, started before the page is written, may have
        # reported already (the HTML writer subsets fonts, which can take longer than the PDF)
        assert snap.html and "𓀀".encode() in snap.html
        assert all("cannot show '𓀀'" in p.message for p in snap.problems)
        while session.snapshot("pakistan-kazakhstan").writing:
            session.wait(session.snapshot("pakistan-kazakhstan").seq, 30)
        done = session.snapshot("pakistan-kazakhstan")  # both jobs over: the DOCX was written
        assert not done.writing and set(done.files) == {"docx"}
    finally:
        writers.close()
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "𓀀" in t)
    assert [str(p) for p in done.problems] == [f"{BRIEF}:{line}: the font PT Sans cannot show '𓀀' (U+13000); "
                                               "change the text or choose a font that covers it in theme.toml"]


def test_errors_cross_a_process_boundary_whole():
    import pickle

    from briefgen.errors import FontError, InvalidInput, Location, Problem

    many = pickle.loads(pickle.dumps(InvalidInput([Problem(Location("data/a.yaml", 3), "one"),
                                                   Problem(None, "two")])))
    assert [str(p) for p in many.problems] == ["data/a.yaml:3: one", "two"] and many.exit_code == 1
    font = pickle.loads(pickle.dumps(FontError("no glyph", Location("x", 1), missing="𓀀", font="PT Sans", why="w")))
    assert (font.message, font.location, font.missing, font.font, font.why) == ("no glyph", Location("x", 1), "𓀀",
                                                                                "PT Sans", "w")


class _Served:
    def __init__(self, workspace, brief=None):
        self.session = Session(BuildRequest(workspace, brief=brief, as_of=AS_OF), None)
        self.server = make_server("127.0.0.1", 0, self.session)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = self.server.url

    def get(self, path, host=None):
        request = urllib.request.Request(self.url + path.lstrip("/"), headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def close(self):
        self.session.stop()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(repo_workspace):
    made = []

    def start(brief=None):
        made.append(_Served(repo_workspace, brief))
        return made[-1]

    yield start
    for s in made:
        s.close()


def test_a_broken_save_keeps_the_last_good_preview_and_a_fix_clears_its_problems(repo_workspace):
    session = Session(BuildRequest(repo_workspace, brief="pakistan-kazakhstan", as_of=AS_OF), None)
    session.rebuild()
    good = session.snapshot("pakistan-kazakhstan")
    assert good.html and not good.problems and good.stem == "pakistan-kazakhstan-brief-2026-03-01"
    brief = repo_workspace / BRIEF
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("Subsequently, in 1992", "Subsequently, in 1993"), encoding="utf-8")
    session.rebuild()
    broken = session.snapshot("pakistan-kazakhstan")
    assert broken.html == good.html and broken.version == good.version and broken.seq > good.seq
    assert [str(p.location) for p in broken.problems] == [f"{BRIEF}:13", f"{BRIEF}:71"]
    assert all("quote not found" in p.message and "the nearest passage" in p.message for p in broken.problems)
    brief.write_text(text.replace("in 1992 and have friendly ties.", "in 1992 and have friendly ties, as recorded."), encoding="utf-8")
    session.rebuild()
    fixed = session.snapshot("pakistan-kazakhstan")
    assert not fixed.problems and fixed.version > good.version and b"as recorded." in fixed.html
    assert any("months older than the as-of date" in w or "rests only on" in w for w in fixed.warnings)


def test_a_broken_template_is_a_problem_at_its_line_and_its_file_is_viewable(served, repo_workspace):
    s = served("pakistan-kazakhstan")
    good = s.session.snapshot("pakistan-kazakhstan")
    (repo_workspace / "templates/sections").mkdir(parents=True)
    (repo_workspace / "templates/sections/outlook.md.j2").write_text("# Outlook\n\n{% if %}\n", encoding="utf-8")
    s.session.rebuild()
    snap = s.session.snapshot("pakistan-kazakhstan")
    assert snap.stale and snap.html == good.html
    assert [str(p.location) for p in snap.problems] == ["templates/sections/outlook.md.j2:3"]
    status, _, body = s.get("/file/templates/sections/outlook.md.j2")
    assert status == 200 and b'<tr id="L3">' in body


def test_the_page_lists_the_briefs_and_streams_the_state(served):
    s = served()
    status, headers, body = s.get("/")
    assert status == 200 and b'href="/brief/pakistan-kazakhstan/"' in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    status, _, page = s.get("/brief/pakistan-kazakhstan/")
    assert status == 200 and b'src="/_/preview.js"' in page
    assert b"http" not in page.replace(b"http-equiv", b"")  # nothing loaded from elsewhere
    with urllib.request.urlopen(s.url + "brief/pakistan-kazakhstan/events", timeout=30) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        assert stream.readline() == b"event: state\n"
        state = json.loads(stream.readline().removeprefix(b"data: "))
    assert state["problems"] == [] and "<main>" in state["html"] and state["notes"]["1-1"]["records"]
    assert state["files"] == [] and not state["writing"]  # this session has no writer process
    status, _, _ = s.get(f"/brief/pakistan-kazakhstan/{state['stem']}.pdf")
    assert status == 503
    assert s.get("/brief/no-such-brief/")[0] == 404


def test_a_workspace_broken_from_the_start_shows_its_problems(served, repo_workspace):
    brief = repo_workspace / BRIEF
    brief.write_text(brief.read_text(encoding="utf-8") + "oops: [\n", encoding="utf-8")
    s = served()
    status, _, body = s.get("/")
    assert status == 200 and b"Problems" in body and b"data/briefs/pakistan-kazakhstan.yaml:" in body
    assert s.get("/brief/pakistan-kazakhstan/")[0] == 200  # the brief may still be there: its page says why not
    with urllib.request.urlopen(s.url + "brief/pakistan-kazakhstan/events", timeout=30) as stream:
        stream.readline()
        state = json.loads(stream.readline().removeprefix(b"data: "))
    assert state["stale"] and state["version"] == 0 and state["problems"][0]["file"] == BRIEF
    assert "No preview yet" in state["html"]


def test_only_requests_to_a_loopback_name_are_answered(served):
    s = served()
    assert s.get("/", host="attacker.example")[0] == 421
    assert s.get("/", host=f"localhost:{s.server.server_address[1]}")[0] == 200


def test_the_file_view_shows_workspace_inputs_only(served, repo_workspace, tmp_path):
    s = served()
    status, _, body = s.get(f"/file/{BRIEF}")
    assert status == 200 and b'<tr id="L1">' in body and b"id: pakistan-kazakhstan" in body
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the preview", encoding="utf-8")
    os.symlink(secret, repo_workspace / "data/leak.yaml")
    for path in ("/file/data/leak.yaml", "/file/../secret.txt", "/file/data/%2e%2e/%2e%2e/secret.txt",
                 "/file/out/brief.pdf", f"/file/{secret}"):
        status, _, body = s.get(path)
        assert status == 404 and b"not for the preview" not in body, path


def test_a_port_in_use_is_refused_before_anything_starts(run_cli, repo_workspace):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli("serve", "--port", str(port), "--workspace", str(repo_workspace))
    assert code == 3
    assert err == (f"error: port {port} on 127.0.0.1 is already in use (another preview or program); choose "
                   f"another with --port, e.g. --port {port + 1}\n")


def test_a_nul_in_a_file_path_is_a_not_found_and_no_traceback(served, capfd):
    """/file/data/%00 ended the request with a ValueError and socketserver's traceback on the terminal."""
    s = served()
    status, _, body = s.get("/file/data/%00")
    assert status == 404
    assert s.get("/")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_an_unknown_brief_is_a_usage_error_as_for_build(run_cli, repo_workspace):
    code, _, err = run_cli("serve", "pakistan-kazakstan", "--port", "0", "--workspace", str(repo_workspace))
    assert code == 2
    assert err.startswith("error: no brief 'pakistan-kazakstan' in data/briefs; did you mean 'pakistan-kazakhstan'?")


def test_the_writer_process_collects_garbage_though_the_console_script_does_not():
    import gc

    from briefgen.preview.writer_process import WriterProcess

    was = gc.isenabled()
    gc.disable()  # as _entry runs a command
    try:
        writers = WriterProcess()
    finally:
        if was:
            gc.enable()
    try:
        assert writers._submit(gc.isenabled, ()).result(timeout=60)
    finally:
        writers.close()


def test_the_writer_skips_a_job_a_newer_one_replaces_and_keeps_the_others():
    """After quick saves only the latest state of a brief is written: a job still waiting when a newer
    one with the same key comes is skipped (its future cancelled); other jobs all run, in order."""
    import time

    from briefgen.preview.writer_process import WriterProcess

    writers = WriterProcess()
    try:
        busy = writers._submit(time.sleep, (0.5,))  # the worker is writing an earlier save
        old = writers._submit(int, ("1",), key=("brief", "pdf"))
        other = writers._submit(int, ("7",), key=("other brief", "pdf"))
        new = writers._submit(int, ("2",), key=("brief", "pdf"))
        assert new.result(timeout=60) == 2 and other.result(timeout=60) == 7
        assert busy.result(timeout=60) is None and old.cancelled()
    finally:
        writers.close()


def test_a_writer_killed_mid_job_fails_its_jobs_and_the_next_job_gets_a_new_one():
    import os
    import signal
    import time

    from briefgen.preview.writer_process import WriterGone, WriterProcess

    writers = WriterProcess()
    try:
        first_pid = writers._proc.pid
        slow = writers._submit(time.sleep, (30,))
        waiting = writers._submit(int, ("1",))
        time.sleep(0.3)
        os.kill(first_pid, signal.SIGKILL)  # as the out-of-memory killer would
        for job in (slow, waiting):
            assert isinstance(job.exception(timeout=30), WriterGone)
        assert writers._submit(int, ("3",)).result(timeout=60) == 3
        assert writers._proc.pid != first_pid
    finally:
        writers.close()


def test_a_bug_in_the_writer_comes_back_with_its_traceback():
    from briefgen.preview.writer_process import WriterProcess

    writers = WriterProcess()
    try:
        error = writers._submit(int, ("not a number",)).exception(timeout=60)
        assert isinstance(error, ValueError)
        assert "PDF and DOCX writer's process" in "".join(error.__notes__)
    finally:
        writers.close()
