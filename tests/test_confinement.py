"""No file outside a build's roots can reach any output (issue 14, items 1, 2, 9, 13, 18).

The corpus (tests/test_corpus.py) holds the scenarios a `check` or `build` shows; these are the
ones it cannot: the cover note of `briefgen email`, the password in the environment, the
`--template` root, and the door itself (`briefgen.files.root`).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from briefgen.errors import Location
from briefgen.files.root import FileRefused, Root, printable, read_regular

PASSWORD = "Hunter2-correct-horse"


def email(run_cli, ws: Path, *args: str):
    return run_cli("email", "--workspace", str(ws), "--to", "desk@example.org", "--as-of", "2024-01-31", *args)


def test_a_link_in_a_template_folder_cannot_mail_the_environment(case_workspace, run_cli, tmp_path, monkeypatch):
    """`ln -s /proc/self/environ T/env.txt.j2` and an include of it in the cover note: refused at the
    include line; no draft is written and the password appears nowhere."""
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    ws = case_workspace("valid-minimal")
    folder = tmp_path / "T"
    folder.mkdir()
    (folder / "env.txt.j2").symlink_to("/proc/self/environ")
    (folder / "cover_note.txt.j2").write_text('Dear colleague,\n{% include "env.txt.j2" %}\n', encoding="utf-8")
    outbox = tmp_path / "outbox"
    code, out, err = email(run_cli, ws, "--outbox", str(outbox), "--template", str(folder))
    assert code == 1, err
    assert err.startswith(f"error: {folder}/cover_note.txt.j2:2: cannot read template:"), err
    assert "outside the template folder" in err and "(it is a link)" in err
    assert not outbox.exists()
    assert PASSWORD not in out + err


@pytest.mark.parametrize("target", ["/etc/passwd", "/", "/etc"])
def test_links_to_system_files_and_folders_are_refused(case_workspace, run_cli, tmp_path, target):
    ws = case_workspace("valid-minimal")
    folder = tmp_path / "T"
    (folder / "sections").mkdir(parents=True)
    (folder / "sections" / "summary.md.j2").write_text('# Summary\n\n{% include "x/passwd" %}\n', encoding="utf-8")
    (folder / "x").symlink_to(target if target != "/etc/passwd" else "/etc")
    if target == "/etc/passwd":
        (folder / "sections" / "summary.md.j2").write_text('# Summary\n\n{% include "leak.j2" %}\n', encoding="utf-8")
        (folder / "leak.j2").symlink_to(target)
    code, out, err = run_cli("build", "--format", "md", "--workspace", str(ws), "--template", str(folder),
                             "--out", str(tmp_path / "out"))
    assert code == 1, err
    assert "outside the template folder" in err or "not found" in err, err
    assert "root:" not in out + err
    assert not (tmp_path / "out").exists()


def test_the_password_is_read_once_and_leaves_the_environment(case_workspace, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    ws = case_workspace("valid-minimal")
    code, out, err = email(run_cli, ws, "--outbox", str(tmp_path / "outbox"))
    assert code == 0, err
    assert "BRIEFGEN_SMTP_PASSWORD" not in os.environ
    assert PASSWORD.encode() not in next((tmp_path / "outbox").iterdir()).read_bytes()


def test_the_password_is_scrubbed_plain_and_base64_encoded():
    from briefgen.mail.smtp import _scrub

    login = base64.b64encode(PASSWORD.encode()).decode()
    plain = base64.b64encode(f"\0desk\0{PASSWORD}".encode()).decode()
    shifted = base64.b64encode(b"xy" + PASSWORD.encode()).decode()  # the password inside a longer token
    text = f"535 5.7.8 {PASSWORD} / {login} / {plain} / {shifted}"
    scrubbed = _scrub(text, PASSWORD, "desk")
    assert PASSWORD not in scrubbed and login not in scrubbed and plain not in scrubbed
    assert login[:8] not in scrubbed and shifted[4:12] not in scrubbed
    assert scrubbed.startswith("535 5.7.8 ********")


def test_a_template_folder_of_the_whole_machine_is_refused_quickly(case_workspace, run_cli, tmp_path):
    """`--template /` used to walk every folder of the machine (and fail on the first one it could
    not read); the listing now stops at 10,000 files with a clear error."""
    ws = case_workspace("valid-minimal")
    code, out, err = run_cli("build", "--format", "md", "--workspace", str(ws), "--template", "/",
                             "--out", str(tmp_path / "out"))
    assert code == 1
    assert "holds more than 10,000 files; is it the right folder?" in err
    assert "Traceback" not in err and "internal error" not in err


def test_a_template_setting_linked_out_of_the_workspace_is_refused(case_workspace, run_cli, tmp_path):
    """`template = "mine"` where mine is a link to a folder elsewhere (or one that cannot be read)."""
    ws = case_workspace("valid-minimal")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws / "mine").symlink_to(elsewhere)
    (ws / "briefgen.toml").write_text('template = "mine"\n', encoding="utf-8")
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert err == ("error: briefgen.toml:1: template folder 'mine' is outside the workspace; a template folder set "
                   "in briefgen.toml must be inside it (use --template for a folder elsewhere)\n")


def test_a_fifo_device_or_proc_file_is_never_read(tmp_path):
    root = Root(tmp_path, tmp_path)
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(FileRefused, match="FIFO"):
        root.read_bytes("pipe", "source")
    with pytest.raises(FileRefused, match="device"):
        read_regular(Path("/dev/zero"), 1024, Location("x"))
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(FileRefused, match="outside the workspace"):
        root.read_bytes("zero", "source")
    with pytest.raises(FileRefused, match="system file"):
        Root(Path("/"), None, "everything").read_bytes("/proc/self/environ", "source")


def test_sizes_are_capped_before_reading(tmp_path, monkeypatch):
    from briefgen.files import root

    monkeypatch.setitem(root.LIMITS, "source", 1000)
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)
    with pytest.raises(FileRefused, match="at most 1 KB is read"):
        Root(tmp_path, tmp_path).read_bytes("big.txt", "source")


def test_a_huge_source_is_refused_not_read(case_workspace, run_cli):
    """A 2 GB source used to be read whole (MemoryError); a sparse file shows it is never read."""
    ws = case_workspace("valid-minimal")
    with open(ws / "seeds/note.txt", "r+b") as fh:
        fh.truncate(2 * 1024**3)
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert err == ("error: data/sources.yaml:6: source file 'seeds/note.txt' is 2048 MB; at most 20 MB is read\n")


def test_paths_are_printed_with_control_characters_escaped(case_workspace, run_cli):
    """A file name holding a newline cannot forge an `error:` line of its own."""
    ws = case_workspace("valid-minimal")
    sources = ws / "data/sources.yaml"
    sources.write_text(sources.read_text().replace("seeds/note.txt", '"seeds/x\\nerror: forged.txt"'))
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert err.splitlines() == ["error: data/sources.yaml:6: source file 'seeds/x\\nerror: forged.txt' not found"]


def test_printable():
    assert printable("a\nb\x1b[31m\u2028") == "a\\nb\\x1b[31m\\u2028"


def test_a_templates_folder_linked_out_of_the_workspace_is_refused_not_passed_over(case_workspace, run_cli, tmp_path):
    ws = case_workspace("valid-minimal")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "sections").mkdir(parents=True)
    (elsewhere / "sections/summary.md.j2").write_text("# Summary\n", encoding="utf-8")
    (ws / "templates").symlink_to(elsewhere)
    code, out, err = run_cli("check", "--workspace", str(ws))
    assert code == 1
    assert err == ("error: templates: 'templates' is outside the workspace (it is a link); briefgen reads only "
                   "files inside it\n")


def test_templates_list_refuses_a_template_setting_outside_the_workspace(case_workspace, run_cli):
    ws = case_workspace("valid-minimal")
    (ws / "briefgen.toml").write_text('template = "/etc"\n', encoding="utf-8")
    code, out, err = run_cli("templates", "list", "--workspace", str(ws))
    assert code == 1 and out == ""
    assert "template folder '/etc' is outside the workspace" in err
