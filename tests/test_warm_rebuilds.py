"""What keeps repeated builds in one process quick (`--watch`, `serve`, `--all` workers): files whose bytes
have not changed are not parsed again, the watcher hands a save over at once, and the PDF writer keeps
the font subsets and compressed streams it made last time, without changing a byte of the PDF."""

from __future__ import annotations

import os

import watchfiles

from briefgen.files import yamlfile
from briefgen.build.pipeline import BuildRequest


def counting_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    original = yamlfile.parse_yaml
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda text, shown: (parsed.append(shown), original(text, shown))[1])
    return parsed


def test_an_unchanged_file_is_parsed_once(tmp_path, monkeypatch):
    parsed = counting_parses(monkeypatch)
    path = tmp_path / "facts.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    first, problems = yamlfile.load_yaml(path, "facts.yaml")
    again, problems_again = yamlfile.load_yaml(path, "facts.yaml")
    assert parsed == ["facts.yaml"]
    assert again.value == first.value == {"a": 1, "b": ["x", "y"]}
    assert again.line_of(("b", 1)) == 2 and problems == problems_again == []


def test_a_changed_file_is_parsed_again_even_with_the_same_size_and_time(tmp_path, monkeypatch):
    parsed = counting_parses(monkeypatch)
    path = tmp_path / "facts.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    yamlfile.load_yaml(path, "facts.yaml")
    path.write_text("a: 2\n", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    doc, _ = yamlfile.load_yaml(path, "facts.yaml")
    assert doc.value == {"a": 2}
    assert parsed == ["facts.yaml", "facts.yaml"]


def test_a_broken_file_keeps_its_problems_when_read_again(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("a: [\n", encoding="utf-8")
    first = yamlfile.load_yaml(path, "facts.yaml")
    second = yamlfile.load_yaml(path, "facts.yaml")
    assert first[0] is None and second[0] is None
    assert [str(p) for p in first[1]] == [str(p) for p in second[1]] and first[1]
    second[1].clear()  # a caller's list is its own: the next read still reports the problem
    assert yamlfile.load_yaml(path, "facts.yaml")[1]


def test_the_watcher_hands_a_save_over_within_a_few_milliseconds(repo_workspace, tmp_path, monkeypatch):
    """watchfiles waits `step` ms of quiet before it yields; its default (50 ms) is half a rebuild."""
    from briefgen.build import watch

    seen = {}

    def fake_watch(*paths, **options):
        seen.update(options)
        return iter(())

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    watch.watch(BuildRequest(workspace=repo_workspace, formats=("md",), out=tmp_path / "out"), lambda _: None,
                lambda _: None)
    assert seen["step"] <= 10


def test_a_warm_process_writes_the_pdf_a_fresh_process_writes(repo_workspace, tmp_path, monkeypatch):
    """The PDF writer remembers font subsets and compressed streams between builds (serve's writer,
    --watch): a brief written after others, with new characters, is the brief a fresh process writes."""
    import subprocess
    import sys
    from pathlib import Path

    from briefgen.build import pipeline

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    shipped = brief.read_text(encoding="utf-8")
    edited = shipped.replace("Kazakhstan", "Qazaqstan (Қазақстан)", 3)
    assert edited != shipped

    def in_this_process() -> bytes:
        return bytes(pipeline.produce(pipeline.prepare(BuildRequest(workspace=repo_workspace)), ("pdf",))["pdf"])

    first = in_this_process()
    brief.write_text(edited, encoding="utf-8")
    warm_edited = in_this_process()
    brief.write_text(shipped, encoding="utf-8")
    assert in_this_process() == first
    brief.write_text(edited, encoding="utf-8")
    out = tmp_path / "fresh"
    subprocess.run([str(Path(sys.executable).parent / "briefgen"), "build", "-w", str(repo_workspace), "--format", "pdf",
                    "--out", str(out), "--jobs", "1"], check=True, capture_output=True)
    assert next(out.glob("*.pdf")).read_bytes() == warm_edited


def test_a_remembered_font_subset_is_the_subset_reportlab_cuts():
    """Property: for any set of characters, the face's remembered subset equals a fresh face's cut."""
    from hypothesis import given, settings, strategies as st
    from reportlab.pdfbase.ttfonts import TTFont

    from briefgen.writers.fonts import DEFAULT_FAMILY, read_face, resolve
    from briefgen.writers.pdf.glyphs import _remember_subsets
    from briefgen.writers.theme import FontFamily

    path = resolve(FontFamily(name=DEFAULT_FAMILY)).files["regular"]
    warm = TTFont("warm", read_face(path)).face
    _remember_subsets(warm)
    codes = st.lists(st.sampled_from(sorted(warm.charToGlyph)), min_size=1, max_size=60)

    @settings(max_examples=25, deadline=None)
    @given(st.lists(codes, min_size=1, max_size=4))
    def check(subsets):
        for subset in subsets + subsets[:1]:  # the first again: a remembered one
            assert warm.makeSubset(subset) == TTFont("fresh", read_face(path)).face.makeSubset(subset)

    check()
