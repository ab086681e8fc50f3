"""`briefgen check` as a user sees it: the console entry's exit code and its `error: path:line: message` lines."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from briefgen import __version__
from briefgen.cli import main
from briefgen.errors import InvalidInput
from conftest import BASE_CASE, CASES, REPO_ROOT, scenario_names

BRIEF = "data/briefs/pk-kz.yaml"
SOURCES = "data/sources.yaml"
COUNTRIES = "data/countries.yaml"

# scenario -> every problem it must report, in the order reported: (file, line, key phrases of the message)
EXPECTED: dict[str, list[tuple[str, int, list[str]]]] = {
    "yaml-syntax-error": [(BRIEF, 14, ["YAML syntax error", "mapping values are not allowed"])],
    "duplicate-key": [
        (BRIEF, 4, ["duplicate key 'title'", "first defined on line 2"]),
        (BRIEF, 25, ["duplicate key 'date'", "first defined on line 23"]),
    ],
    "tab-indentation": [(BRIEF, 15, ["YAML syntax error", "tab character", "spaces"])],
    "unknown-key": [
        (BRIEF, 13, ["missing required key 'text'", "summary[1]"]),
        (BRIEF, 14, ["unknown key 'txt'", "summary[1]", "did you mean 'text'?"]),
    ],
    "missing-key": [(BRIEF, 16, ["missing required key 'quote'", "summary[1].sources[0]"])],
    "wrong-type": [(BRIEF, 4, ["countries", "valid list"])],
    "unknown-source-id": [(BRIEF, 16, ["unknown source id 'notes'", SOURCES, "did you mean 'note'?"])],
    "invented-quote": [(BRIEF, 17, ["quote not found", "'note'", "seeds/note.txt", "The two countries have close ties."])],
    "invalid-date": [
        (BRIEF, 8, ["summary[0].date", "invalid date '2022-13-01'"]),
        (BRIEF, 22, ["diplomacy.meetings[0].date", "invalid date '2022-02-30'", "no such day"]),
    ],
    "duplicate-record-id": [(BRIEF, 13, ["duplicate record id 'relations'", "first on line 7"])],
    "unknown-country": [(BRIEF, 27, ["unknown country code 'KG'", COUNTRIES, "nearest: KZ (Kazakhstan), PK (Pakistan)"])],
    "missing-source-file": [(SOURCES, 6, ["source file 'seeds/notes.txt'", "not found"])],
    "source-not-utf8": [(SOURCES, 6, ["source file 'seeds/note.txt'", "not valid UTF-8", "line 2 of that file"])],
    # A schema error does not hide a wrong quote in the same brief.
    "schema-and-quote": [
        (BRIEF, 8, ["dated", "unknown"]),
        (BRIEF, 17, ["quote not found", "The two countries have close ties."]),
    ],
    # Problems in two files, all at once, sorted by file and then by line as a number (4 before 17).
    "several-problems": [
        (BRIEF, 4, ["unknown country code 'UZ'"]),
        (BRIEF, 17, ["quote not found", "The two countries have close ties."]),
        (COUNTRIES, 10, ["duplicate country 'PK'"]),
    ],
}

VALID_MINIMAL_OK = "ok: 3 records in 1 brief(s), 1 source(s), 3 quotes verified; templates and theme render\n"
SHIPPED_OK = ("ok: 56 records in 1 brief(s) and 1 meeting brief(s), 2 source(s), 72 quotes verified; templates and "
              "theme render\n")
EXAMPLE_MEETING = "warning: data/meetings/pakistan-kazakhstan-fm-meeting.yaml:"


def without_example_meeting(err: str) -> str:
    """The shipped example meeting brief is a draft (not cleared, its counterpart's title unconfirmed):
    check says so in two warnings; the rest of stderr is the country brief's."""
    lines = err.splitlines(keepends=True)
    meeting = [line for line in lines if line.startswith(EXAMPLE_MEETING)]
    assert len(meeting) == 2 and "not cleared: Objectives (line 28)" in meeting[0] and "Pen picture" in meeting[1], err
    return "".join(line for line in lines if line not in meeting)


# The shipped recognition, establishment and trade goal rest only on an undated commentary (the 2022 news
# report's background paragraph only repeats it); check says so (the key-facts box is made from them).
SHIPPED_WARNINGS = (
    "warning: data/briefs/pakistan-kazakhstan.yaml:55: 'rel-recognition' rests only on commentary (source "
    "'pk-kz-relations-article'; 'tdi-tashkent-2022-07-30' only repeats the text of the commentary)",
    "warning: data/briefs/pakistan-kazakhstan.yaml:65: 'rel-established-1992' rests only on commentary",
    "warning: data/briefs/pakistan-kazakhstan.yaml:301: 'goal-bilateral-trade' rests only on commentary "
    "(source 'pk-kz-relations-article')")


def assert_reports(code: int, out: str, err: str, expected: list[tuple[str, int, list[str]]]) -> None:
    """Exit 1, nothing on stdout, exactly the expected located error lines (and the count when several)."""
    assert "Traceback" not in out + err
    assert code == 1, err
    assert out == ""
    lines = err.splitlines()
    wanted = len(expected) + (1 if len(expected) > 1 else 0)
    assert len(lines) == wanted, err
    for line, (path, number, phrases) in zip(lines, expected):
        prefix = f"error: {path}:{number}: "
        assert line.startswith(prefix), f"{line!r} should start with {prefix!r}"
        for phrase in phrases:
            assert phrase in line[len(prefix):], f"{phrase!r} not in {line!r}"
    if len(expected) > 1:
        assert lines[-1] == f"{len(expected)} problems found"


def test_every_check_scenario_has_a_folder():
    # test_corpus.py checks that every folder is in its table; here, that these scenarios exist
    assert set(EXPECTED) | {BASE_CASE} <= set(scenario_names())


def test_valid_minimal_passes(case_workspace, run_cli):
    code, out, err = run_cli("check", "--workspace", str(case_workspace(BASE_CASE)))
    assert (code, out, err) == (0, VALID_MINIMAL_OK, "")


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_reports_located_errors(scenario, case_workspace, run_cli):
    code, out, err = run_cli("check", "--workspace", str(case_workspace(scenario)))
    assert_reports(code, out, err, EXPECTED[scenario])


def test_several_problems_sorted_by_file_then_line(case_workspace, run_cli):
    _, _, err = run_cli("check", "-w", str(case_workspace("several-problems")))
    located = [re.match(r"error: ([^:]+):(\d+): ", line) for line in err.splitlines()[:-1]]
    keys = [(m.group(1), int(m.group(2))) for m in located]
    assert keys == sorted(keys)
    assert {path for path, _ in keys} == {BRIEF, COUNTRIES}


def test_source_not_utf8_fixture_is_latin1_bytes():
    """Guard: the committed fixture must stay Latin-1 (an editor or git filter re-encoding it would void the test)."""
    raw = (CASES / "source-not-utf8" / "seeds" / "note.txt").read_bytes()
    assert b"caf\xe9" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_missing_workspace_files_are_located(tmp_path, run_cli):
    code, out, err = run_cli("check", "--workspace", str(tmp_path / "empty"))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.splitlines() == [
        "error: data/briefs: no brief found: add a data/briefs/<name>.yaml file",
        "error: data/countries.yaml: file not found",
        "error: data/sources.yaml: file not found",
        "3 problems found",
    ]


# --- --debug ----------------------------------------------------------------------------


def test_debug_lets_the_exception_propagate(case_workspace):
    with pytest.raises(InvalidInput) as info:
        main(["--debug", "check", "--workspace", str(case_workspace("invented-quote"))])
    assert [str(p.location) for p in info.value.problems] == [f"{BRIEF}:17"]


def test_debug_shows_a_traceback_and_default_does_not(case_workspace):
    workspace = str(case_workspace("invented-quote"))
    plain = subprocess.run([sys.executable, "-m", "briefgen", "check", "-w", workspace],
                           capture_output=True, text=True, timeout=120)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    assert plain.stderr.startswith(f"error: {BRIEF}:17: quote not found")

    debug = subprocess.run([sys.executable, "-m", "briefgen", "--debug", "check", "-w", workspace],
                           capture_output=True, text=True, timeout=120)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "InvalidInput" in debug.stderr


# --- the shipped fact base ----------------------------------------------------------------


def test_shipped_factbase_passes(run_cli):
    code, out, err = run_cli("check", "--workspace", str(REPO_ROOT))
    assert (code, out) == (0, SHIPPED_OK)
    err = without_example_meeting(err)
    lines = err.splitlines()
    assert len(lines) == len(SHIPPED_WARNINGS) and all(map(str.startswith, lines, SHIPPED_WARNINGS)), err


def test_check_defaults_to_the_current_folder(run_cli, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    code, out, err = run_cli("check")
    assert (code, out) == (0, SHIPPED_OK)
    assert all(map(str.startswith, without_example_meeting(err).splitlines(), SHIPPED_WARNINGS)), err


def test_check_takes_a_workspace_relative_to_the_current_folder(run_cli, monkeypatch):
    monkeypatch.chdir(REPO_ROOT.parent)
    code, out, err = run_cli("check", "-w", REPO_ROOT.name)
    assert (code, out) == (0, SHIPPED_OK) and "error" not in err


REPO_BRIEF = "data/briefs/pakistan-kazakhstan.yaml"
_QUOTE_LINE = re.compile(r'^(?P<indent>\s*)quote: "(?P<quote>.*)"\s*$')


def _repo_quote_lines() -> list[int]:
    lines = (REPO_ROOT / REPO_BRIEF).read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if _QUOTE_LINE.match(line)]


def _edit_line(path, number: int, edit) -> tuple[str, str]:
    """Apply `edit` to line `number` of `path`; return (old line, new line)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    old = lines[number - 1]
    lines[number - 1] = edit(old)
    assert lines[number - 1] != old
    path.write_text("".join(lines), encoding="utf-8")
    return old, lines[number - 1]


def _cited_source(path, quote_line: int) -> str:
    previous = path.read_text(encoding="utf-8").splitlines()[quote_line - 2]
    m = re.match(r"^\s*-\s*source:\s*(\S+)\s*$", previous)
    assert m, f"line {quote_line - 1} of {path} should be the citation's source"
    return m.group(1)


def test_repo_quotes_are_all_single_line():
    """The parametrised test below edits quotes line by line: it must see every quote."""
    text = (REPO_ROOT / REPO_BRIEF).read_text(encoding="utf-8")
    assert len(_repo_quote_lines()) == text.count("quote:") == 72


@pytest.mark.parametrize("line", _repo_quote_lines())
def test_changing_one_word_of_any_quote_fails_at_that_line(line, repo_workspace, run_cli):
    path = repo_workspace / REPO_BRIEF

    def swap_middle_word(text: str) -> str:
        m = _QUOTE_LINE.match(text)
        words = list(re.finditer(r"[A-Za-z]{3,}", m.group("quote")))
        w = words[len(words) // 2]
        start = m.start("quote")
        return text[: start + w.start()] + "zzyzx" + text[start + w.end():]

    _, new = _edit_line(path, line, swap_middle_word)
    source = _cited_source(path, line)
    code, out, err = run_cli("check", "--workspace", str(repo_workspace))
    shown = '"' + _QUOTE_LINE.match(new).group("quote")[:30]  # the message shows the quote's start
    assert_reports(code, out, err, [(REPO_BRIEF, line, [f"quote not found in source '{source}'", shown])])


def test_british_spelling_in_a_quote_is_caught(repo_workspace, run_cli):
    """A realistic one-word change: the source says 'recognize', an editor 'corrects' it to 'recognise'."""
    path = repo_workspace / REPO_BRIEF
    line = next(n for n in _repo_quote_lines()
                if "first few countries to recognize" in path.read_text(encoding="utf-8").splitlines()[n - 1])
    _edit_line(path, line, lambda text: text.replace("recognize", "recognise"))
    code, out, err = run_cli("check", "--workspace", str(repo_workspace))
    assert_reports(code, out, err, [(REPO_BRIEF, line, [
        "quote not found in source 'pk-kz-relations-article'",
        # the whole quote, then the source's passage with the difference marked, at its line in the source
        '"Pakistan was among the first few countries to recognise Kazakhstan when it achieved independence in '
        'December 1991."',
        "the nearest passage, seeds/pakistan-kazakhstan-relations-article-undated.txt line 1, is \"Pakistan was "
        "among the first few countries to [recognize] Kazakhstan when it achieved independence in December 1991.…\""
        ' — you wrote "recognise"'])])


def test_a_quote_not_found_names_the_line_of_the_nearest_passage_in_the_source(repo_workspace, run_cli):
    path = repo_workspace / REPO_BRIEF
    line = next(n for n in _repo_quote_lines()
                if "Mukhtar Tleuberdi met with" in path.read_text(encoding="utf-8").splitlines()[n - 1])
    _edit_line(path, line, lambda text: text.replace("Tleuberdi", "Tleuberdy"))
    code, out, err = run_cli("check", "--workspace", str(repo_workspace))
    assert code == 1 and f"{REPO_BRIEF}:{line}: " in err
    assert ("seeds/tdi-tashkent-fm-meeting-2022-07-30.txt line 2, is \"…Deputy Prime Minister and Kazakhstan's "
            "Foreign Minister Mukhtar [Tleuberdi] met with") in err and 'you wrote "Tleuberdy"' in err


def test_a_lower_case_country_code_is_explained_in_words(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    brief = ws / BRIEF
    brief.write_text(brief.read_text(encoding="utf-8").replace("country: PK", "country: pk"), encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1 and "'pk' is not a country code: codes are written in capitals; did you mean 'PK'?" in err
    assert "^[A-Z]" not in err  # no regular expression


# Broken YAML appended to the end of a data file must be reported in that file, on the appended line.
_BROKEN_SNIPPETS = {
    "colon-in-plain-value": ("oops: a: b\n", ["mapping values are not allowed"]),
    "sequence-after-mapping": ("- item\n", ["did not find expected key"]),
    "tab-indented-key": ("\tcode: UZ\n", ["tab character"]),
    "unclosed-flow-sequence": ("  - [unclosed\n", []),
    "unclosed-quote": ('  - name: "unclosed\n', []),
    "bare-word": ("oops\n", []),
}
def _append_cases():
    for rel in (COUNTRIES, SOURCES, REPO_BRIEF):
        for name, (snippet, phrases) in _BROKEN_SNIPPETS.items():
            yield pytest.param(rel, snippet, phrases, id=f"{rel.rsplit('/', 1)[-1]}-{name}")


@pytest.mark.parametrize("rel, snippet, phrases", list(_append_cases()))
def test_appending_broken_yaml_names_file_and_line(rel, snippet, phrases, repo_workspace, run_cli):
    path = repo_workspace / rel
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    appended_line = text.count("\n") + 1
    path.write_text(text + snippet, encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(repo_workspace))
    assert_reports(code, out, err, [(rel, appended_line, ["YAML syntax error", *phrases])])


def test_raw_control_character_in_a_data_file_is_one_located_line(case_workspace, run_cli):
    workspace = case_workspace(BASE_CASE)
    path = workspace / BRIEF
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[13] == "    text: The two countries have friendly ties.\n"
    lines[13] = "    text: The two countries have\x07 friendly ties.\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(workspace))
    assert_reports(code, out, err, [(BRIEF, 14, ["control character"])])


# --- version ------------------------------------------------------------------------------


def test_python_m_briefgen_version():
    from importlib.metadata import version

    result = subprocess.run([sys.executable, "-m", "briefgen", "--version"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"briefgen {__version__}\n"
    assert version("briefgen") == __version__


# --- attribution: what rests only on commentary ----------------------------------------------


def _as_commentary(workspace) -> None:
    sources = workspace / SOURCES
    sources.write_text(sources.read_text(encoding="utf-8").replace("type: news", "type: commentary"), encoding="utf-8")


def test_summary_point_resting_only_on_commentary_is_warned_at_its_line(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    _as_commentary(ws)
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert (code, out) == (0, VALID_MINIMAL_OK)
    lines = err.splitlines()
    assert lines[0].startswith(f"warning: {BRIEF}:7: summary point 'relations' rests only on commentary (source 'note')")
    assert lines[1].startswith(f"warning: {BRIEF}:13: summary point 'ties' rests only on commentary")
    assert "say whose view it is" in lines[0]
    # the last meeting is a key fact: the box would print it in the brief's own voice
    assert lines[2].startswith(f"warning: {BRIEF}:21: 'tashkent-2022' rests only on commentary")
    assert len(lines) == 3, err


def test_summary_point_that_says_whose_view_it_is_passes(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    _as_commentary(ws)
    brief = ws / BRIEF
    brief.write_text(brief.read_text(encoding="utf-8")
                     .replace("text: The two countries have friendly ties.",
                              "text: An undated commentary says the two countries have friendly ties."), encoding="utf-8")
    code, _out, err = run_cli("check", "--workspace", str(ws))
    assert code == 0
    assert "'ties'" not in err
    assert "'relations'" in err


OPINION = "In the writer's opinion the two countries have friendly ties and should make more of them."


def _with_opinion(ws, text: str = OPINION) -> None:
    (ws / "seeds" / "opinion.txt").write_text(text + "\n", encoding="utf-8")
    sources = ws / SOURCES
    sources.write_text(sources.read_text(encoding="utf-8") + (
        "  - id: opinion\n    label: An opinion piece\n    type: commentary\n    kind: web article\n"
        "    date: undated\n    file: seeds/opinion.txt\n"), encoding="utf-8")
    brief = ws / BRIEF
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        "        quote: The two countries have friendly ties.\n",
        "        quote: The two countries have friendly ties.\n      - source: opinion\n"
        "        quote: the two countries have friendly ties\n", 1), encoding="utf-8")


def test_summary_point_with_a_news_source_beside_commentary_passes(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    _with_opinion(ws)
    assert run_cli("check", "--workspace", str(ws)) == (0, VALID_MINIMAL_OK.replace("1 source(s), 3 quotes",
                                                                                     "2 source(s), 4 quotes"), "")


def test_a_news_quote_that_repeats_the_commentary_counts_as_the_commentary(case_workspace, run_cli):
    # Seen: a news item's background paragraph is the commentary's text; the two count as one
    ws = case_workspace(BASE_CASE)
    note = (ws / "seeds" / "note.txt").read_text(encoding="utf-8")
    _with_opinion(ws, OPINION + " " + note)
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 0
    assert (f"warning: {BRIEF}:7: summary point 'relations' rests only on commentary ('note' only repeats the text of "
            "commentary 'opinion')") in err


def test_source_without_a_type_is_warned(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    sources = ws / SOURCES
    sources.write_text(sources.read_text(encoding="utf-8").replace("    type: news\n", ""), encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert (code, out) == (0, VALID_MINIMAL_OK)
    assert err.startswith(f"warning: {SOURCES}:2: source 'note' has no type: add `type: official`, `news`, `research` or "
                          "`commentary`")


def test_unknown_source_type_is_an_error(case_workspace, run_cli):
    ws = case_workspace(BASE_CASE)
    sources = ws / SOURCES
    sources.write_text(sources.read_text(encoding="utf-8").replace("type: news", "type: blog"), encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1 and out == ""
    assert err.startswith(f"error: {SOURCES}:7: ")
    assert "'official', 'news', 'research' or 'commentary'" in err
