"""Fonts travel with the package: the default families (PT Sans, PT Serif) come from Python
dependencies, system font folders are searched only when a theme names another family, and a
brief's bytes do not depend on the fonts installed on the machine that builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as read_docx
from lxml import etree
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from briefgen.writers import fonts
from briefgen.writers.theme import FontFamily

from conftest import REPO_ROOT, without_stale_warning

AS_OF = "2026-11-26"
KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
LATIN_EXTENDED = "ŞşĞğİıŽžŐőŁłČčŠš€–—‘’“”…•№"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _pdf_fonts(path: Path) -> set[str]:
    return {str(f.get_object()["/BaseFont"]).split("+", 1)[-1] for p in PdfReader(path).pages
            for f in p["/Resources"]["/Font"].values()}


def _font_table(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
    return {f.get(f"{W}name"): f for f in table.iter(f"{W}font")}


def _build(run_cli, ws: Path, *args: str, fmt: str = "pdf,docx") -> tuple[dict[str, Path], str]:
    code, out, err = run_cli("build", "-w", str(ws), "--format", fmt, "--as-of", AS_OF, *args)
    assert code == 0, err
    return {Path(p).suffix.lstrip("."): Path(p) for p in out.split()}, err


@pytest.fixture
def no_system_fonts(monkeypatch):
    """Any look at the system's font folders fails the test."""

    def refuse():
        raise AssertionError("the system's font folders were searched")

    monkeypatch.setattr(fonts, "font_dirs", refuse)
    monkeypatch.setattr(fonts, "_system_fonts", refuse)


def _theme(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    (folder / "theme.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["PT Sans", "PT Serif"])
def test_packaged_family_has_four_static_faces_with_kazakh_and_latin_extended(name, no_system_fonts):
    family = fonts.resolve(FontFamily(name=name))
    assert family.name == name and family.source == "package"
    assert len({str(f) for f in family.files.values()}) == 4  # a real bold, italic and bold italic
    for style, file in family.files.items():
        face = TTFont(f"check-{name}-{style}", fonts.read_face(file)).face
        missing = [c for c in KAZAKH + LATIN_EXTENDED if ord(c) not in face.charToGlyph]
        assert not missing, (name, style, missing)


def test_default_build_uses_packaged_pt_sans_without_searching_the_system(repo_workspace, run_cli, no_system_fonts):
    built, err = _build(run_cli, repo_workspace)
    assert err == ""
    assert _pdf_fonts(built["pdf"]) == {"PTSans-Regular", "PTSans-Bold", "PTSans-Italic"}
    doc = read_docx(str(built["docx"]))
    assert doc.styles["Normal"].font.name == "PT Sans" and doc.styles["Heading 1"].font.name == "PT Sans"
    entry = _font_table(built["docx"])["PT Sans"]
    assert entry.find(f"{W}altName").get(f"{W}val") == "Arial"
    assert entry.find(f"{W}family").get(f"{W}val") == "swiss"
    assert entry.find(f"{W}panose1").get(f"{W}val") == "020B0503020203020204"
    # the schema's child order (Word calls a font table with altName after panose1 corrupt)
    assert [etree.QName(c).localname for c in entry] == ["altName", "panose1", "charset", "family", "pitch",
                                                        "embedRegular", "embedBold", "embedItalic", "embedBoldItalic"]


def test_a_theme_can_name_pt_serif_without_any_system_font(repo_workspace, run_cli, tmp_path, no_system_fonts):
    theme = _theme(tmp_path, '[body_font]\nname = "PT Serif"\n')
    built, err = _build(run_cli, repo_workspace, "--template", str(theme))
    assert err == ""
    assert {"PTSerif-Regular", "PTSans-Bold"} <= _pdf_fonts(built["pdf"])
    assert read_docx(str(built["docx"])).styles["Normal"].font.name == "PT Serif"
    assert _font_table(built["docx"])["PT Serif"].find(f"{W}altName").get(f"{W}val") == "Times New Roman"


def test_a_named_font_this_machine_lacks_warns_once_and_both_formats_use_pt_sans(repo_workspace, run_cli, tmp_path,
                                                                                monkeypatch):
    monkeypatch.setattr(fonts, "font_dirs", lambda: [])
    fonts._system_fonts.cache_clear()
    try:
        theme = _theme(tmp_path, '[body_font]\nname = "Nowhere Sans"\n[heading_font]\nname = "Nowhere Sans"\n')
        built, err = _build(run_cli, repo_workspace, "--template", str(theme))
    finally:
        fonts._system_fonts.cache_clear()
    assert err == "warning: font 'Nowhere Sans' not found on this system; using PT Sans\n"
    assert _pdf_fonts(built["pdf"]) == {"PTSans-Regular", "PTSans-Bold", "PTSans-Italic"}
    doc = read_docx(str(built["docx"]))
    assert doc.styles["Normal"].font.name == "PT Sans" and doc.styles["Heading 1"].font.name == "PT Sans"
    assert "Nowhere Sans" not in _font_table(built["docx"])


def test_a_system_family_is_searched_only_when_the_theme_names_it(repo_workspace, run_cli, tmp_path, monkeypatch):
    """A family that is not packaged is looked up by file name in the font folders."""
    from importlib.resources import files

    folder = tmp_path / "system-fonts"
    folder.mkdir()
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        data = (files("fontpkg_pt_serif") / "files" / f"PT_Serif-Web-{face}.ttf").read_bytes()
        (folder / f"HouseSerif-{face}.ttf").write_bytes(data)
    searched = []
    monkeypatch.setattr(fonts, "font_dirs", lambda: searched.append(1) or [folder])
    fonts._system_fonts.cache_clear()
    try:  # --jobs 1: the writers search in this process, where `searched` can see it
        _build(run_cli, repo_workspace, "--jobs", "1")
        assert searched == []  # the default theme: nothing searched
        theme = _theme(tmp_path, '[body_font]\nname = "House Serif"\n')
        built, err = _build(run_cli, repo_workspace, "--template", str(theme), "--jobs", "1")
    finally:
        fonts._system_fonts.cache_clear()
    assert err == "" and searched
    assert "PTSerif-Regular" in _pdf_fonts(built["pdf"])  # the files found in the folder
    assert read_docx(str(built["docx"])).styles["Normal"].font.name == "House Serif"


_AUDIT = """
import os, sys
from briefgen.writers import fonts
watched = tuple(str(d) for d in fonts.font_dirs()) or ("/usr/share/fonts",)
opened = []
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if path.startswith(watched):
            opened.append(path)
sys.addaudithook(hook)
from briefgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
print("OPENED", len(opened), opened[:3], file=sys.stderr)
"""


def test_a_default_build_opens_no_system_font_file(repo_workspace, tmp_path):
    """Watched from inside the process: no file under the system font folders is opened. (reportlab
    lists the folders when it is imported, to know where to look for fonts named by file name; briefgen
    hands it font files' bytes, so nothing in them is read.)"""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764115200"}
    done = subprocess.run([sys.executable, "-c", _AUDIT, "build", "-w", str(repo_workspace), "--format", "pdf,docx",
                           "--as-of", AS_OF], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "OPENED 0 []" in done.stderr, done.stderr


def _can_hide_system_fonts() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None or not Path("/usr/share/fonts").is_dir():
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /usr/share/fonts"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_hide_system_fonts(), reason="needs Linux mount namespaces (unshare -m as root)")
def test_same_bytes_with_system_fonts_hidden(repo_workspace, tmp_path):
    """A reproducible build gives the same PDF and DOCX whether or not the machine has fonts."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764115200"}
    cli = [sys.executable, "-m", "briefgen", "build", "-w", str(repo_workspace), "--format", "pdf,docx",
           "--as-of", AS_OF]
    seen = subprocess.run([*cli, "-o", str(tmp_path / "seen")], capture_output=True, text=True, env=env)
    assert seen.returncode == 0 and without_stale_warning(seen.stderr) == "", seen.stderr
    hide = " && ".join(f"mount -t tmpfs none {d}" for d in ("/usr/share/fonts", "/usr/local/share/fonts",
                                                            str(Path.home() / ".fonts"),
                                                            str(Path.home() / ".local/share/fonts"))
                       if Path(d).is_dir())
    command = " ".join(f"'{a}'" for a in [*cli, "-o", str(tmp_path / "hidden")])
    hidden = subprocess.run(["unshare", "-m", "sh", "-c", f"{hide} && ls -A /usr/share/fonts | wc -l && {command}"],
                            capture_output=True, text=True, env=env)
    assert hidden.returncode == 0 and without_stale_warning(hidden.stderr) == "", hidden.stderr
    assert hidden.stdout.splitlines()[0] == "0"  # the folder really was empty
    for ext in ("pdf", "docx"):
        (a,), (b,) = (tmp_path / "seen").glob(f"*.{ext}"), (tmp_path / "hidden").glob(f"*.{ext}")
        assert a.read_bytes() == b.read_bytes(), ext


def test_settle_reports_a_missing_family_once(monkeypatch):
    from briefgen.errors import BriefgenWarning
    from briefgen.writers.theme import Theme
    import warnings

    monkeypatch.setattr(fonts, "_on_system", lambda name: None)
    theme = Theme(body_font=FontFamily(name="Gone"), heading_font=FontFamily(name="Gone"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BriefgenWarning)
        settled = fonts.settle(theme)
        fonts.settle(settled)  # a settled theme has nothing left to report
    assert [str(w.message) for w in caught] == ["font 'Gone' not found on this system; using PT Sans"]
    assert settled.body_font.name == settled.heading_font.name == "PT Sans"


def test_repository_theme_names_the_packaged_family():
    text = (REPO_ROOT / "templates" / "theme.toml").read_text(encoding="utf-8")
    assert 'name = "PT Sans"' in text and "Liberation" not in text
