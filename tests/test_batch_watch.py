"""`build --all` (parallel, one failing brief does not stop the others) and `build --watch`."""

from __future__ import annotations

import threading
import time

from briefgen.build.pipeline import BuildRequest


def _three_briefs(workspace):
    """The shipped brief plus a second good one and a third with an invented quote."""
    briefs = workspace / "data/briefs"
    text = (briefs / "pakistan-kazakhstan.yaml").read_text(encoding="utf-8")
    (briefs / "second.yaml").write_text(text.replace("id: pakistan-kazakhstan", "id: second", 1), encoding="utf-8")
    broken = text.replace("id: pakistan-kazakhstan", "id: third", 1).replace("Subsequently, in 1992", "Subsequently, in 1993")
    (briefs / "third.yaml").write_text(broken, encoding="utf-8")


def test_all_builds_every_brief_and_reports_the_failed_one(repo_workspace, tmp_path, run_cli):
    _three_briefs(repo_workspace)
    tmp_path = tmp_path / "out"
    code, out, err = run_cli("build", "--all", "--jobs", "2", "--format", "md", "--as-of", "2026-11-26",
                             "--workspace", str(repo_workspace), "--out", str(tmp_path))
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pakistan-kazakhstan-brief-2026-11-26.md", "second-brief-2026-11-26.md"]
    assert out.splitlines() == [str(tmp_path / "pakistan-kazakhstan-brief-2026-11-26.md"),
                                str(tmp_path / "second-brief-2026-11-26.md")]
    assert "error: data/briefs/third.yaml:" in err and "quote not found" in err
    assert "2 of 3 briefs built; failed: data/briefs/third.yaml" in err
    assert "Traceback" not in err


def test_all_in_one_process_gives_the_same_files(repo_workspace, tmp_path, run_cli):
    _three_briefs(repo_workspace)
    (repo_workspace / "data/briefs/third.yaml").unlink()
    code, out, err = run_cli("build", "--all", "-j", "1", "-f", "md", "--workspace", str(repo_workspace),
                             "--out", str(tmp_path))
    assert code == 0, err
    assert len(out.splitlines()) == 2 and "2 of 2 briefs built" in err


def test_all_refuses_a_brief_argument(run_cli, repo_workspace):
    code, _, err = run_cli("build", "pakistan-kazakhstan", "--all", "--workspace", str(repo_workspace))
    assert code == 2 and "--all" in err


def test_watch_rebuilds_after_an_edit_and_survives_a_broken_one(repo_workspace, tmp_path):
    from briefgen.build.watch import watch

    out, err = [], []
    request = BuildRequest(workspace=repo_workspace, formats=("md",), out=tmp_path / "out")
    brief = repo_workspace / "data/briefs/pakistan-kazakhstan.yaml"
    good = brief.read_text(encoding="utf-8")

    def edit():
        time.sleep(1.5)
        brief.write_text(good + "oops: [\n", encoding="utf-8")
        time.sleep(1.5)
        brief.write_text(good.replace("is small.", "is small (edited)."), encoding="utf-8")

    editor = threading.Thread(target=edit)
    editor.start()
    watch(request, out.append, err.append, stop_after=2)
    editor.join()
    assert any("YAML syntax error" in line for line in err)
    assert any(line.startswith("waiting for the next change") for line in err)
    built = (tmp_path / "out").glob("*.md")
    assert "is small (edited)." in next(built).read_text(encoding="utf-8")
