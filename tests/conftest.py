"""Shared test helpers: workspaces to run briefgen on, and the console entry with its output.

`tests/cases/valid-minimal/` is a complete, valid workspace. Every other folder in
`tests/cases/` holds only the files its scenario changes; `case_workspace` copies
valid-minimal to a temporary folder and lays the scenario's files over it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
BASE_CASE = "valid-minimal"

# valid-minimal and the shipped fact base cite sources of 2022, so every build or check after mid-2023
# rightly warns that they are old. Tests that are not about currency read their output without that
# line; tests marked `currency` see it (`@pytest.mark.currency`).
STALE_WARNING = re.compile(r"^warning: [^\n]*months older than the as-of date[^\n]*\n", re.M)


def without_stale_warning(stderr: str) -> str:
    return STALE_WARNING.sub("", stderr)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """briefgen's per-user cache (compiled templates) goes to a temporary folder, never the real home;
    set in the environment so that the CLI run as a child process uses it too."""
    previous = os.environ.get("BRIEFGEN_CACHE_DIR")
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("briefgen-cache"))
    yield
    if previous is None:
        os.environ.pop("BRIEFGEN_CACHE_DIR", None)
    else:
        os.environ["BRIEFGEN_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def _writers_in_one_process(request, monkeypatch):
    """A build in this test process writes every format here, unless the test asks for `forking`.
    Whether briefgen forks its writers depends on the threads alive (build/early.py), and a thread an
    earlier test left behind would make a test's path depend on the tests run before it."""
    if "forking" not in request.fixturenames:
        from briefgen.build import early

        monkeypatch.setattr(early, "_can_fork", lambda: False)


@pytest.fixture
def forking(monkeypatch):
    """Fork the writers as the console script does (one thread, two cores), whatever this test
    process is; the children started are recorded."""
    from briefgen.build import early

    monkeypatch.setattr(early.threading, "active_count", lambda: 1)
    monkeypatch.setattr(early.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    started: list = []
    real = early.EarlyWriter.__init__

    def record(self, *args):
        real(self, *args)
        started.append(self)
    monkeypatch.setattr(early.EarlyWriter, "__init__", record)
    return started


def scenario_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


@pytest.fixture
def case_workspace(tmp_path):
    """`case_workspace(name)`: a temporary copy of valid-minimal with scenario `name` laid over it."""

    def make(name: str) -> Path:
        scenario = CASES / name
        assert scenario.is_dir(), f"no scenario folder {scenario}"
        workspace = tmp_path / name
        shutil.copytree(CASES / BASE_CASE, workspace)
        shutil.copytree(scenario, workspace, dirs_exist_ok=True)
        return workspace

    return make


@pytest.fixture
def repo_workspace(tmp_path) -> Path:
    """A temporary copy of the shipped workspace (the repository root's fact base), safe to edit."""
    workspace = tmp_path / "repo"
    workspace.mkdir()
    for name in ("data", "seeds"):
        shutil.copytree(REPO_ROOT / name, workspace / name)
    if (REPO_ROOT / "briefgen.toml").exists():
        shutil.copy(REPO_ROOT / "briefgen.toml", workspace / "briefgen.toml")
    return workspace


@pytest.fixture
def run_cli(capsys, request):
    """`run_cli(*args)` -> (exit code, stdout, stderr) of the console entry `briefgen.cli.main`
    (stderr without the staleness warning unless the test is marked `currency`)."""
    from briefgen.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()  # drop anything printed before
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        if request.node.get_closest_marker("currency") is None:
            err = without_stale_warning(err)
        return code, out, err

    return run


def soffice_to_pdf(docx: Path, outdir: Path, packaged_fonts: bool = True) -> Path:
    """Convert a DOCX to PDF with LibreOffice, as a reader would see it: with briefgen's packaged
    fonts (PT Sans, PT Serif) made visible to LibreOffice through fontconfig, so the render uses
    the brief's own fonts, and LibreOffice works on a machine without system fonts at all.
    `packaged_fonts=False`: only the machine's fonts (and those the document embeds)."""
    import os
    import subprocess
    from importlib.resources import files

    packages = ("fontpkg_pt_sans", "fontpkg_pt_serif") if packaged_fonts else ()
    dirs = "".join(f"<dir>{files(p) / 'files'}</dir>" for p in packages)
    conf = outdir / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"{dirs}<cachedir>{outdir / 'fontcache'}</cachedir></fontconfig>", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{outdir / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                   check=True, capture_output=True, timeout=180, env=env)
    return outdir / f"{docx.stem}.pdf"


BREAK_WORDS = 12  # about a line of body text


def assert_same_pages(render: Path, pdf: Path, marking: str) -> None:
    """A render of the DOCX (LibreOffice's PDF) has the PDF's pages, each starting within about a
    line (BREAK_WORDS words) of where the PDF's does: pages are compared by the words of the text
    before each page break (the marking and "Page N of M" left out; words without letters, such as
    note markers, and punctuation too, which the two PDFs' text layers may space differently)."""
    from pypdf import PdfReader

    def starts(path: Path) -> list[int]:
        counts = []
        for page in PdfReader(path).pages:
            text = re.sub(r"Page \d+ of \d+", " ", page.extract_text()).replace(marking, " ")
            counts.append(sum(1 for word in text.split() if re.search(r"[^\W\d_]", word)))
        return [sum(counts[:n]) for n in range(1, len(counts))]

    ours, theirs = starts(pdf), starts(render)
    assert len(theirs) == len(ours), f"{len(theirs) + 1} pages, the PDF {len(ours) + 1}"
    assert all(abs(a - b) <= BREAK_WORDS for a, b in zip(ours, theirs)), f"pages start at words {theirs}, the PDF's at {ours}"


def told_by(record) -> str:
    """What a built brief must contain to tell a record: its own text, or, for a record of one shape
    that the built-in templates tell in a grouped sentence or fold into another section, the value
    that names it there (the organisation, the agreement's area, what was supported, the policy)."""
    from briefgen.facts.schema import Agreement, Membership, Policy, Support

    match record:
        case Membership(members=members) if len(members) >= 2:
            return record.organisation
        case Agreement():
            return record.area
        case Support():
            return record.object
        case Policy():
            return record.name.split(" (")[0]
    return record.text
