"""Usage mistakes and `check --template`: errors that say how to put the command right."""

from __future__ import annotations

import shutil

from conftest import BASE_CASE, CASES


def two_briefs(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    brief = (ws / "data/briefs/pk-kz.yaml").read_text(encoding="utf-8")
    (ws / "data/briefs/second.yaml").write_text(brief.replace("id: pk-kz", "id: second", 1), encoding="utf-8")
    return ws


def test_bare_build_with_two_briefs_is_a_usage_error_that_lists_them(tmp_path, run_cli):
    ws = two_briefs(tmp_path)
    code, out, err = run_cli("build", "-w", str(ws), "--format", "md", "--out", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert err == ("error: this workspace has 2 briefs; name one (or build --all): "
                   "pk-kz (data/briefs/pk-kz.yaml: Pakistan–Kazakhstan: test brief); "
                   "second (data/briefs/second.yaml: Pakistan–Kazakhstan: test brief)\n")
    assert not (tmp_path / "out").exists()


def test_a_misspelt_brief_id_gets_a_suggestion(tmp_path, run_cli):
    ws = two_briefs(tmp_path)
    code, out, err = run_cli("build", "secnd", "-w", str(ws), "--format", "md", "--out", str(tmp_path / "out"))
    assert code == 2 and "no brief 'secnd' in data/briefs; did you mean 'second'?; the briefs are: pk-kz (" in err


def test_as_of_a_day_that_does_not_exist_says_so(tmp_path, run_cli):
    ws = two_briefs(tmp_path)
    code, out, err = run_cli("build", "pk-kz", "-w", str(ws), "--as-of", "2026-02-30")
    assert code == 2 and "'2026-02-30': there is no such day; February 2026 has 28 days" in err
    code, out, err = run_cli("build", "pk-kz", "-w", str(ws), "--as-of", "2026-13-01")
    assert code == 2 and "there is no month 13" in err
    code, out, err = run_cli("build", "pk-kz", "-w", str(ws), "--as-of", "30/02/2026")
    assert code == 2 and "not a date in the form YYYY-MM-DD" in err


def test_check_uses_the_template_folder_build_would_use(tmp_path, run_cli):
    ws = tmp_path / "ws"
    shutil.copytree(CASES / BASE_CASE, ws)
    (ws / "briefgen.toml").write_text('sections = ["summary", "points", "sources"]\n', encoding="utf-8")
    my = ws / "my" / "sections"
    my.mkdir(parents=True)
    (my / "points.md.j2").write_text("# Points to make\n\n{% for r in brief.summary %}1. {{ r.text }}\n{% endfor %}\n",
                                     encoding="utf-8")
    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 1 and "points" in err  # the section exists only in my/
    for flag in ("--template", "-t"):
        code, out, err = run_cli("check", flag, str(ws / "my"), "-w", str(ws))
        assert (code, err) == (0, ""), err
        assert out.startswith("ok: ")
    code, out, err = run_cli("build", "-t", str(ws / "my"), "-w", str(ws), "--format", "md", "-o", str(tmp_path / "o"))
    assert code == 0, err
