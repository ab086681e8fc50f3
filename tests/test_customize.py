"""Customising briefs, end to end through the CLI: template lookup, `builtin/` overrides, eject,
sections in briefgen.toml, theme.toml (page, fonts, colours, logo), reference.docx, locale, and
template errors (undefined names, syntax, the sandbox) reported with file and line.

Every test works on `repo_workspace`, a copy of the shipped workspace without templates/, so the
built-in templates come from the package unless a test adds a folder of its own.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.shared import Inches, Pt, RGBColor
from pypdf import PdfReader

from briefgen.render.templateset import builtin_dir

AS_OF = "2026-11-26"
STEM = f"pakistan-kazakhstan-brief-{AS_OF}"


# --- helpers --------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(run_cli, ws: Path, *args: str, fmt: str = "briefgen-md") -> dict[str, Path]:
    """Build into ws/out; fails the test unless the build succeeds. Returns {extension: path}."""
    code, out, err = run_cli("build", "-w", str(ws), "--format", fmt, "--as-of", AS_OF, *args)
    assert code == 0, err
    paths = {Path(p).suffix.lstrip("."): Path(p) for p in out.split()}
    assert all(p.is_file() for p in paths.values())
    return paths


def build_md(run_cli, ws: Path, *args: str) -> str:
    return build(run_cli, ws, *args)["md"].read_text(encoding="utf-8")


def failed_build(run_cli, ws: Path, *args: str, fmt: str = "md") -> str:
    """A build that must fail as invalid input: exit 1, no traceback, nothing written. Returns stderr."""
    code, out, err = run_cli("build", "-w", str(ws), "--format", fmt, "--as-of", AS_OF, *args)
    assert code == 1, (code, out, err)
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    assert not (ws / "out").exists()
    return err


def headings(markdown: str) -> list[str]:
    """The section headings (the title, a heading too, is left out)."""
    return re.findall(r"(?<!\{\.title\}\n)^# (.+)$", markdown, re.MULTILINE)


def section(markdown: str, heading: str) -> str:
    """The Markdown of one level-1 section, from its heading to the next."""
    return markdown.split(f"# {heading}\n", 1)[1].split("\n# ", 1)[0]


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def docx_text(path: Path) -> str:
    doc = read_docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return " ".join(" ".join(parts).split())


def rgb_fills(pdf_path: Path) -> list[tuple[float, float, float]]:
    data = b"".join(p.get_contents().get_data() for p in PdfReader(pdf_path).pages)
    return [tuple(map(float, m)) for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", data)]


def has_fill(pdf_path: Path, hex_colour: str) -> bool:
    want = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return any(all(abs(a - b) < 1e-3 for a, b in zip(f, want)) for f in rgb_fills(pdf_path))


def set_setting(ws: Path, line: str) -> int:
    """Append a setting to the workspace's briefgen.toml; returns its line number."""
    config = ws / "briefgen.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines.append(line)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def drop_setting(ws: Path, key: str) -> None:
    config = ws / "briefgen.toml"
    kept = [l for l in config.read_text(encoding="utf-8").splitlines(True) if not l.startswith(f"{key} ")]
    config.write_text("".join(kept), encoding="utf-8")


def make_png(path: Path, size=(240, 80), colour="#1F3864") -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def layered(repo_workspace, tmp_path):
    """The three lookup folders, each overriding something: `over` (--template), the workspace's
    templates/, and the built-ins."""
    over = tmp_path / "over"
    write(over / "sections" / "summary.md.j2", "# Override summary\n\nFrom the override folder.\n")
    ws_templates = repo_workspace / "templates"
    write(ws_templates / "sections" / "summary.md.j2", "# Workspace summary\n\nFrom the workspace.\n")
    write(ws_templates / "sections" / "security.md.j2", "# Workspace security\n\nFrom the workspace.\n")
    return repo_workspace, over


# --- lookup order ---------------------------------------------------------------------------


def listing(run_cli, *args: str) -> dict[str, str]:
    code, out, err = run_cli("templates", "list", *args)
    assert code == 0, err
    return dict(line.split("\t") for line in out.splitlines())


def test_templates_list_shows_which_folder_each_template_comes_from(layered, run_cli):
    ws, over = layered
    found = listing(run_cli, "-w", str(ws), "--template", str(over))
    assert found["sections/summary.md.j2"] == str(over)
    assert found["sections/security.md.j2"] == str(ws / "templates")
    assert found["sections/economy.md.j2"] == "built-in"
    assert found["brief.md.j2"] == "built-in"
    assert found["theme.toml"] == "built-in"


def test_templates_list_without_override(layered, run_cli):
    ws, _ = layered
    found = listing(run_cli, "-w", str(ws))
    assert found["sections/summary.md.j2"] == str(ws / "templates")
    assert found["sections/economy.md.j2"] == "built-in"


def test_built_markdown_follows_lookup_order(layered, run_cli):
    ws, over = layered
    md = build_md(run_cli, ws, "--template", str(over))
    assert "Override summary" in headings(md)
    assert "Workspace summary" not in md  # the override folder wins over the workspace's templates/
    assert "Workspace security" in headings(md)  # the workspace's templates/ wins over the built-in
    assert "Defence and security" not in headings(md)
    assert "Trade and economy" in headings(md)  # the rest from the built-ins


def test_template_setting_in_briefgen_toml_is_searched_first(layered, run_cli):
    ws, over = layered
    shutil.copytree(over, ws / "mine")
    set_setting(ws, 'template = "mine"')
    assert "Override summary" in headings(build_md(run_cli, ws))
    assert listing(run_cli, "-w", str(ws))["sections/summary.md.j2"] == str(ws / "mine")


def test_command_line_template_beats_briefgen_toml(layered, run_cli, tmp_path):
    ws, over = layered
    write(ws / "mine" / "sections" / "summary.md.j2", "# From briefgen.toml\n")
    set_setting(ws, 'template = "mine"')
    md = build_md(run_cli, ws, "--template", str(over))
    assert "Override summary" in headings(md) and "From briefgen.toml" not in md


def test_template_not_found_lists_every_folder_searched(layered, run_cli):
    ws, over = layered
    write(over / "brief.md.j2", '{% include "sections/title.md.j2" %}\n\n{% include "sections/missing.md.j2" %}\n')
    err = failed_build(run_cli, ws, "--template", str(over))
    assert "template 'sections/missing.md.j2' not found" in err
    searched = err.split("searched:", 1)[1]
    for folder in (over, ws / "templates", builtin_dir()):
        assert str(folder) in searched
    assert searched.index(str(over)) < searched.index(str(ws / "templates")) < searched.index(str(builtin_dir()))


def test_missing_template_folder_is_an_error(repo_workspace, run_cli, tmp_path):
    err = failed_build(run_cli, repo_workspace, "--template", str(tmp_path / "nowhere"))
    assert f"template folder '{tmp_path / 'nowhere'}' does not exist" in err


def test_template_names_cannot_leave_the_template_folders(repo_workspace, run_cli):
    write(repo_workspace / "templates" / "sections" / "summary.md.j2", '# S\n\n{% include "../../briefgen.toml" %}\n')
    err = failed_build(run_cli, repo_workspace)
    assert "template '../../briefgen.toml' not found" in err


# --- builtin/ prefix: override one block ----------------------------------------------------


def test_builtin_prefix_overrides_only_the_heading(repo_workspace, run_cli):
    write(repo_workspace / "templates" / "sections" / "security.md.j2",
          '{% extends "builtin/sections/security.md.j2" %}\n{% block heading %}# Defence ties{% endblock %}\n')
    md = build_md(run_cli, repo_workspace)
    assert "Defence ties" in headings(md)
    assert "Defence and security" not in headings(md)
    body = section(md, "Defence ties")
    assert body.lstrip().startswith("According to the commentary, Kazakhstan has repeatedly shown a keen interest")
    assert re.search(r"^- According to the commentary, the second counter-terrorism exercise, Dostarym-2019, .*\[\^\d+\]$", body, re.MULTILINE)
    assert re.search(r"^- According to the commentary, since 2005, more than 38 members .*\[\^\d+\]$", body, re.MULTILINE)


def test_builtin_prefix_overrides_only_the_body(repo_workspace, run_cli):
    write(repo_workspace / "templates" / "sections" / "security.md.j2",
          '{% extends "builtin/sections/security.md.j2" %}\n'
          "{% block body %}\n\nOnly the exercises:\n\n"
          "{% for x in s.exercises %}\n- **{{ x.name }}**{{ cite(x) }}\n{% endfor %}\n{% endblock %}\n")
    md = build_md(run_cli, repo_workspace)
    body = section(md, "Defence and security")  # the built-in heading stays
    assert re.findall(r"^- \*\*(.+?)\*\*\[\^\d+\]$", body, re.MULTILINE) == ["Dostarym-2017", "Dostarym-2019"]
    assert "Joint exercises" not in body


def test_builtin_prefix_works_from_an_ejected_folder_too(repo_workspace, run_cli, tmp_path):
    """The workspace's own sections/security.md.j2 exists, yet builtin/ still reaches the built-in."""
    my = tmp_path / "my"
    code, _, err = run_cli("templates", "init", str(my))
    assert code == 0, err
    write(my / "sections" / "security.md.j2",
          '{% extends "builtin/sections/security.md.j2" %}\n{% block heading %}# Defence (ext){% endblock %}\n')
    md = build_md(run_cli, repo_workspace, "--template", str(my))
    assert "Defence (ext)" in headings(md) and "Dostarym-2017" in section(md, "Defence (ext)")


@pytest.mark.parametrize("body", [
    pytest.param("{{ super() }}", id="super"),
    pytest.param("\n\n{{ super() }}\n\nDesk comment.", id="super-and-more"),
])
def test_super_keeps_the_builtin_body_as_markdown(repo_workspace, run_cli, body):
    """`{{ super() }}` prints the built-in block as Markdown, not escaped again as text
    (`\\[^source\\]`, `\\| table \\|`); fixed in 386e0a6."""
    write(repo_workspace / "templates" / "sections" / "security.md.j2",
          '{% extends "builtin/sections/security.md.j2" %}\n{% block body %}' + body + "{% endblock %}\n")
    md = build_md(run_cli, repo_workspace)
    text = section(md, "Defence and security")
    assert "\\[^" not in text and "\\|" not in text
    assert re.search(r"^- According to the commentary, the first joint counter-terrorism exercise, Dostarym-2017, .*\[\^\d+\]$", text,
                     re.MULTILINE)


@pytest.mark.parametrize("template", [
    pytest.param("{% macro point(r) %}- **{{ r.id }}** {{ r.text }}{{ cite(r) }}{% endmacro %}\n"
                 "# Summary\n\n{% for r in brief.summary %}\n{{ point(r) }}\n{% endfor %}\n", id="macro"),
    pytest.param("# Summary\n\n{% for r in brief.summary %}\n"
                 "{% set point %}- **{{ r.id }}** {{ r.text }}{{ cite(r) }}{% endset %}\n{{ point }}\n{% endfor %}\n",
                 id="set-block"),
])
def test_captured_template_output_stays_markdown(repo_workspace, run_cli, template):
    """The output of a macro or a `{% set %}` block is Markdown the template wrote, not escaped
    again: `- **x**[^id]`, not `\\- \\*\\*x\\*\\*\\[^id\\]`; fixed in 386e0a6."""
    write(repo_workspace / "templates" / "sections" / "summary.md.j2", template)
    set_setting(repo_workspace, 'sections = ["summary", "sources"]')
    md = build_md(run_cli, repo_workspace)
    items = re.findall(r"^- \*\*(.+?)\*\* .*\[\^\d+\]$", section(md, "Summary"), re.MULTILINE)
    assert len(items) == 5


# --- eject, edit, build ---------------------------------------------------------------------


def test_eject_then_edit_security_shows_in_pdf_and_docx(repo_workspace, run_cli, tmp_path):
    my = tmp_path / "my"
    code, out, err = run_cli("templates", "init", str(my))
    assert code == 0, err
    assert str(my / "sections" / "security.md.j2") in out.split()
    security = my / "sections" / "security.md.j2"
    source = security.read_text(encoding="utf-8")
    assert source == (builtin_dir() / "sections" / "security.md.j2").read_text(encoding="utf-8")
    edited = source.replace("# Defence and security", "# Defence and security (desk edit)").replace(
        "{% block body %}\n", "{% block body %}\n\nDesk note: raise the 2019 exercise with the Ministry of Defence.\n", 1)
    assert edited != source
    security.write_text(edited, encoding="utf-8")

    built = build(run_cli, repo_workspace, "--template", str(my), fmt="pdf,docx")
    pdf, docx = pdf_text(built["pdf"]), docx_text(built["docx"])
    for text in (pdf, docx):
        assert "Defence and security (desk edit)" in text
        assert "Desk note: raise the 2019 exercise with the Ministry of Defence." in text
        assert "Dostarym-2017" in text  # the rest of the section is still there
    doc = read_docx(str(built["docx"]))
    assert "Defence and security (desk edit)" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def test_templates_init_writes_the_whole_set(tmp_path, run_cli):
    from briefgen.render.templateset import template_names

    code, _, err = run_cli("templates", "init", str(tmp_path / "my"))
    assert code == 0, err
    written = snapshot(tmp_path / "my")
    assert set(written) == set(template_names(builtin_dir())) | {"reference.docx"}
    read_docx(str(tmp_path / "my" / "reference.docx"))  # a valid Word document


def test_templates_init_refuses_to_overwrite_and_force_replaces(tmp_path, run_cli):
    my = tmp_path / "my"
    assert run_cli("templates", "init", str(my))[0] == 0
    summary = my / "sections" / "summary.md.j2"
    summary.write_text("# My own summary\n", encoding="utf-8")
    before = snapshot(my)

    code, out, err = run_cli("templates", "init", str(my))
    assert code == 1 and out == ""
    assert "not overwriting" in err and "--force" in err and str(summary) in err
    assert "Traceback" not in err
    assert snapshot(my) == before  # nothing changed

    code, out, err = run_cli("templates", "init", str(my), "--force")
    assert code == 0, err
    assert summary.read_text(encoding="utf-8") == (builtin_dir() / "sections" / "summary.md.j2").read_text(encoding="utf-8")


def test_templates_init_into_a_folder_with_other_files_keeps_them(tmp_path, run_cli):
    my = tmp_path / "my"
    write(my / "notes.txt", "mine")
    assert run_cli("templates", "init", str(my))[0] == 0
    assert (my / "notes.txt").read_text() == "mine"


def test_templates_show_prints_a_builtin_and_names_the_others_when_unknown(run_cli):
    code, out, _ = run_cli("templates", "show", "sections/security.md.j2")
    assert code == 0 and out == (builtin_dir() / "sections" / "security.md.j2").read_text(encoding="utf-8")
    code, out, err = run_cli("templates", "show", "sections/nosuch.md.j2")
    assert code == 1 and "no built-in template 'sections/nosuch.md.j2'" in err and "sections/security.md.j2" in err


# --- sections in briefgen.toml --------------------------------------------------------------


def test_sections_setting_orders_and_omits_sections(repo_workspace, run_cli):
    set_setting(repo_workspace, 'sections = ["economy", "summary", "sources"]')
    md = build_md(run_cli, repo_workspace)
    assert headings(md) == ["Trade and economy", "Summary", "Source notes"]
    assert "::: keyfacts" not in md
    assert md.index("Pakistan–Kazakhstan: bilateral brief") < md.index("# Trade and economy")  # title first


def test_sections_setting_can_name_a_new_section(repo_workspace, run_cli):
    write(repo_workspace / "templates" / "sections" / "points.md.j2",
          "# Points to make\n\n{% for r in brief.outlook %}\n1. {{ r.text }}{{ cite(r) }}\n{% endfor %}\n")
    set_setting(repo_workspace, 'sections = ["summary", "points", "sources"]')
    md = build_md(run_cli, repo_workspace)
    assert headings(md) == ["Summary", "Points to make", "Source notes"]
    assert re.search(r"^1\. The commentary closes by calling for .*\[\^\d+\]$", section(md, "Points to make"), re.MULTILINE)


def test_unknown_section_is_located_in_briefgen_toml(repo_workspace, run_cli):
    line = set_setting(repo_workspace, 'sections = ["summary", "nosuch", "sources", "other"]')
    err = failed_build(run_cli, repo_workspace)
    assert f"error: briefgen.toml:{line}: unknown section 'nosuch'" in err
    assert f"error: briefgen.toml:{line}: unknown section 'other'" in err
    assert "security" in err.splitlines()[0]  # the known sections are listed


# --- theme.toml -----------------------------------------------------------------------------


def test_letter_page_size_in_pdf_and_docx(repo_workspace, run_cli, tmp_path):
    write(tmp_path / "theme" / "theme.toml", 'page_size = "Letter"\n')
    built = build(run_cli, repo_workspace, "--template", str(tmp_path / "theme"), fmt="pdf,docx")
    pages = PdfReader(built["pdf"]).pages
    assert len(pages) > 1
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    for sect in read_docx(str(built["docx"])).sections:
        assert (sect.page_width, sect.page_height) == (Inches(8.5), Inches(11))


def test_a4_is_the_default(repo_workspace, run_cli):
    built = build(run_cli, repo_workspace, fmt="pdf")
    box = PdfReader(built["pdf"]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_body_font_from_ttf_files_beside_the_theme(repo_workspace, run_cli, tmp_path):
    """Font files named in theme.toml are used as given (here PT Serif's, copied under other names)."""
    from importlib.resources import files

    theme = tmp_path / "theme"
    (theme / "fonts").mkdir(parents=True)
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        data = (files("fontpkg_pt_serif") / "files" / f"PT_Serif-Web-{face}.ttf").read_bytes()
        (theme / "fonts" / f"BriefSerif-{face}.ttf").write_bytes(data)
    write(theme / "theme.toml", '[body_font]\nname = "Brief Serif"\nregular = "fonts/BriefSerif-Regular.ttf"\n'
          'bold = "fonts/BriefSerif-Bold.ttf"\nitalic = "fonts/BriefSerif-Italic.ttf"\n'
          'bold_italic = "fonts/BriefSerif-BoldItalic.ttf"\n')
    built = build(run_cli, repo_workspace, "--template", str(theme), fmt="pdf,docx")
    fonts = {str(f.get_object()["/BaseFont"]) for p in PdfReader(built["pdf"]).pages
             for f in p["/Resources"]["/Font"].values()}
    assert any(f.endswith("+PTSerif-Regular") for f in fonts), fonts  # the regular face, embedded as a subset
    assert any(f.endswith("+PTSans-Bold") for f in fonts), fonts  # headings keep the default family
    assert read_docx(str(built["docx"])).styles["Normal"].font.name == "Brief Serif"


def test_missing_font_file_is_an_error(repo_workspace, run_cli, tmp_path):
    write(tmp_path / "theme" / "theme.toml", '[body_font]\nregular = "fonts/Nope.ttf"\n')
    err = failed_build(run_cli, repo_workspace, "--template", str(tmp_path / "theme"), fmt="pdf")
    assert "font file 'fonts/Nope.ttf' (regular) not found" in err


def test_theme_colours_reach_pdf_and_docx(repo_workspace, run_cli, tmp_path):
    write(tmp_path / "theme" / "theme.toml",
          '[colours]\nheading = "#7A1F1F"\naccent = "#A0522D"\ntable_header = "#F0E0C0"\n')
    built = build(run_cli, repo_workspace, "--template", str(tmp_path / "theme"), fmt="pdf,docx")
    assert has_fill(built["pdf"], "#7A1F1F") and has_fill(built["pdf"], "#F0E0C0")
    assert not has_fill(built["pdf"], "#1F3864")  # the default heading colour is gone
    doc = read_docx(str(built["docx"]))
    assert str(doc.styles["Heading 1"].font.color.rgb) == "7A1F1F"
    assert str(doc.styles["Subtitle"].font.color.rgb) == "A0522D"
    with zipfile.ZipFile(built["docx"]) as z:
        assert 'w:fill="F0E0C0"' in z.read("word/styles.xml").decode()  # the table style's header row


def test_logo_png_appears_in_pdf_and_docx(repo_workspace, run_cli, tmp_path):
    theme = tmp_path / "theme"
    logo = make_png(theme / "img" / "crest.png", size=(300, 100))
    write(theme / "theme.toml", 'logo = "img/crest.png"\n')
    built = build(run_cli, repo_workspace, "--template", str(theme), fmt="pdf,docx")
    page = PdfReader(built["pdf"]).pages[0]
    xobjects = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    images = [x for x in xobjects if x["/Subtype"] == "/Image"]
    assert len(images) == 1 and (images[0]["/Width"], images[0]["/Height"]) == (300, 100)
    assert all("/XObject" not in p["/Resources"] for p in PdfReader(built["pdf"]).pages[1:])  # first page only
    with zipfile.ZipFile(built["docx"]) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and z.read(media[0]) == logo.read_bytes()


def test_letterhead_organisation_from_theme_when_briefgen_toml_has_none(repo_workspace, run_cli, tmp_path):
    write(tmp_path / "theme" / "theme.toml", 'organisation = "Ministry of Foreign Affairs"\nfooter = "Desk copy"\n')
    drop_setting(repo_workspace, "organisation")
    built = build(run_cli, repo_workspace, "--template", str(tmp_path / "theme"), fmt="pdf,docx,briefgen-md")
    assert built["md"].read_text(encoding="utf-8").startswith("{.letterhead}\nMinistry of Foreign Affairs\n")
    assert "Ministry of Foreign Affairs" in pdf_text(built["pdf"]) and "Desk copy" in pdf_text(built["pdf"])
    doc = read_docx(str(built["docx"]))
    assert [p.text for p in doc.paragraphs if p.style.name == "Letterhead"] == ["Ministry of Foreign Affairs"]
    assert "Desk copy" in " ".join(p.text for p in doc.sections[0].footer.paragraphs)


def test_briefgen_toml_organisation_wins_over_the_theme(repo_workspace, run_cli, tmp_path):
    write(tmp_path / "theme" / "theme.toml", 'organisation = "Theme office"\n')
    md = build_md(run_cli, repo_workspace, "--template", str(tmp_path / "theme"))
    assert md.startswith("{.letterhead}\nCentral Asia Desk\n") and "Theme office" not in md


@pytest.mark.parametrize("logo, content, message", [
    ("crest.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo 'crest.gif' is not a PNG or JPEG image"),
    ("crest.png", b"not really a png", "logo 'crest.png' is not a PNG or JPEG image"),
    ("missing.png", None, "logo file 'missing.png' not found"),
])
def test_bad_logo_is_a_located_error(repo_workspace, run_cli, tmp_path, logo, content, message):
    theme = tmp_path / "theme"
    write(theme / "theme.toml", f'footer = "x"\nlogo = "{logo}"\n')
    if content is not None:
        (theme / logo).write_bytes(content)
    for fmt in ("pdf", "md"):  # the theme is checked whatever the format
        err = failed_build(run_cli, repo_workspace, "--template", str(theme), fmt=fmt)
        assert f"error: {theme / 'theme.toml'}:2: {message}" in err


@pytest.mark.parametrize("text, message", [
    ('[colours]\nheading = "red"\n', "colours.heading: colour 'red' must be #RRGGBB"),
    ('page_size = "A5"\n', "page_size: Input should be 'A4' or 'Letter'"),
    ('pagesize = "A4"\n', "pagesize: unknown setting"),
])
def test_bad_theme_setting_is_an_error(repo_workspace, run_cli, tmp_path, text, message):
    write(tmp_path / "theme" / "theme.toml", text)
    err = failed_build(run_cli, repo_workspace, "--template", str(tmp_path / "theme"))
    assert "theme.toml" in err and message in err


# --- reference.docx -------------------------------------------------------------------------


def test_reference_docx_styles_are_used(repo_workspace, run_cli, tmp_path):
    ref = tmp_path / "ref"
    assert run_cli("templates", "init", str(ref))[0] == 0
    reference = read_docx(str(ref / "reference.docx"))
    heading = reference.styles["Heading 1"]
    heading.font.size = Pt(22)
    heading.font.color.rgb = RGBColor(0x00, 0x80, 0x00)
    reference.save(str(ref / "reference.docx"))

    built = build(run_cli, repo_workspace, "--template", str(ref), fmt="docx")
    doc = read_docx(str(built["docx"]))
    style = doc.styles["Heading 1"]
    assert style.font.size == Pt(22) and str(style.font.color.rgb) == "008000"
    assert "Defence and security" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Reference styles" not in docx_text(built["docx"])  # the reference's sample lines are not content


def test_without_reference_docx_the_theme_styles_the_docx(repo_workspace, run_cli):
    built = build(run_cli, repo_workspace, fmt="docx")
    assert str(read_docx(str(built["docx"])).styles["Heading 1"].font.color.rgb) == "1F3864"


def test_theme_colours_reach_docx_after_templates_init(repo_workspace, run_cli, tmp_path):
    """`templates init` (and `briefgen init`) write a reference.docx; a colour changed in the ejected
    theme.toml must still reach the DOCX, not only the PDF (fixed in 386e0a6)."""
    my = tmp_path / "my"
    assert run_cli("templates", "init", str(my))[0] == 0
    theme = my / "theme.toml"
    theme.write_text(theme.read_text(encoding="utf-8").replace('heading = "#1F3864"', 'heading = "#7A1F1F"'),
                     encoding="utf-8")
    built = build(run_cli, repo_workspace, "--template", str(my), fmt="pdf,docx")
    assert has_fill(built["pdf"], "#7A1F1F")
    assert str(read_docx(str(built["docx"])).styles["Heading 1"].font.color.rgb) == "7A1F1F"


def test_theme_changes_win_over_reference_docx_and_the_rest_of_it_stays(repo_workspace, run_cli, tmp_path):
    """With a reference.docx, what theme.toml changes from the defaults wins; the rest is Word's."""
    ref = tmp_path / "ref"
    assert run_cli("templates", "init", str(ref))[0] == 0
    reference = read_docx(str(ref / "reference.docx"))
    reference.styles["Heading 1"].font.size = Pt(22)
    reference.styles["Heading 1"].font.color.rgb = RGBColor(0x00, 0x80, 0x00)
    reference.save(str(ref / "reference.docx"))
    theme = ref / "theme.toml"
    theme.write_text(theme.read_text(encoding="utf-8").replace('heading = "#1F3864"', 'heading = "#7A1F1F"'),
                     encoding="utf-8")
    built = build(run_cli, repo_workspace, "--template", str(ref), fmt="docx")
    style = read_docx(str(built["docx"])).styles["Heading 1"]
    assert str(style.font.color.rgb) == "7A1F1F"  # changed in theme.toml: the theme wins
    assert style.font.size == Pt(22)  # not changed in theme.toml: reference.docx's size stays


# --- locale ---------------------------------------------------------------------------------


def test_locale_option_formats_dates(repo_workspace, run_cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # the issue date: 2026-11-26, whatever day it is
    md = build_md(run_cli, repo_workspace, "--locale", "en_US")
    assert "**July 30, 2022, Tashkent.**" in md
    assert "more than 4 years before November 26, 2026" in md  # the as-of date, in the "Not current" banner
    assert "Sources current to July 30, 2022" in md


def test_locale_setting_in_briefgen_toml(repo_workspace, run_cli):
    drop_setting(repo_workspace, "locale")
    set_setting(repo_workspace, 'locale = "en_US"')
    md = build_md(run_cli, repo_workspace)
    assert "**July 30, 2022, Tashkent.**" in md
    assert "**30 July 2022, Tashkent.**" in build_md(run_cli, repo_workspace, "--locale", "en_GB")


# --- template errors, located ---------------------------------------------------------------


def broken_summary(ws: Path, text: str) -> Path:
    return write(ws / "templates" / "sections" / "summary.md.j2", text)


def shown(ws: Path, path: Path) -> str:
    """A template file as errors name it: relative to the workspace, like the fact files."""
    return path.relative_to(ws).as_posix()


@pytest.mark.parametrize("text, line, message", [
    ("# Summary\n\n{{ nosuch_value }}\n", 3, "undefined: 'nosuch_value' is undefined"),
    ("# Summary\n\n{% for r in brief.summary %}\n- {{ r.txt }}\n{% endfor %}\n", 4, "has no attribute 'txt'"),
    ("# Summary\n{{ brief.summaryy }}\n", 2, "has no attribute 'summaryy'"),
])
def test_undefined_names_the_template_file_and_line(repo_workspace, run_cli, text, line, message):
    path = broken_summary(repo_workspace, text)
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:{line}: ")
    assert message in err


@pytest.mark.parametrize("text, line, message", [
    ("# Summary\n\n{% for p in brief.summary %}\n- {{ p.text }\n{% endfor %}\n", 4, "unexpected '}'"),
    ("# Summary\n\n{{ brief.title | nosuchfilter }}\n", 3, "No filter named 'nosuchfilter'"),
    ("# Summary\n\n{% if brief.summary %}\ntext\n", 4, "Unexpected end of template"),
    ("# Summary\n{% endfor %}\n", 2, "Encountered unknown tag 'endfor'"),
])
def test_syntax_error_names_the_template_file_and_line(repo_workspace, run_cli, text, line, message):
    path = broken_summary(repo_workspace, text)
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:{line}: template syntax error: ")
    assert message in err


def test_error_in_an_override_of_a_builtin_names_the_override(repo_workspace, run_cli):
    path = write(repo_workspace / "templates" / "sections" / "security.md.j2",
                 '{% extends "builtin/sections/security.md.j2" %}\n{% block heading %}\n# {{ s.nosuch }}\n{% endblock %}\n')
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:3: undefined: ")


def test_self_include_is_endless_recursion_with_file_and_line(repo_workspace, run_cli):
    path = broken_summary(repo_workspace, '# Summary\n\n{% include "sections/summary.md.j2" %}\n')
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:3: template includes or extends itself")


def test_filter_given_the_wrong_value_is_located(repo_workspace, run_cli):
    path = broken_summary(repo_workspace, "# Summary\n\n{{ brief.title | date }}\n")
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:3: ")


SANDBOX_ESCAPES = [
    "''.__class__.__mro__",
    "''.__class__.__mro__[1].__subclasses__()",
    "self._TemplateReference__context",
    "cycler.__init__.__globals__",
    "joiner.__init__.__globals__",
    "lipsum.__globals__",
    "range.__self__",
    "namespace.__init__.__globals__",
    "cite.__globals__",
    "brief.__class__",
    "brief.__dict__",
    "brief['__class__']",
    "brief.model_dump.__globals__",
    "''|attr('__class__')",
    "'{0.__class__}'.format('')",
    "'{0.__globals__}'.format(cite)",
    "build.__class__.__init__.__globals__",
    "countries.__class__.__base__.__subclasses__()",
]


@pytest.mark.parametrize("expression", SANDBOX_ESCAPES)
def test_sandbox_refuses_escapes(repo_workspace, run_cli, expression):
    path = broken_summary(repo_workspace, "# Summary\n\n{{ " + expression + " }}\n")
    err = failed_build(run_cli, repo_workspace, fmt="pdf,md")
    lines = err.splitlines()
    assert len(lines) == 1
    assert re.match(rf"error: {re.escape(shown(repo_workspace, path))}:3: (not allowed in a template|undefined): ", lines[0]), lines[0]


@pytest.mark.parametrize("statement", [
    "{% set x = ''.__class__ %}{{ x }}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
    "{% if cycler.__init__.__globals__ %}yes{% endif %}",
])
def test_sandbox_refuses_escapes_in_statements(repo_workspace, run_cli, statement):
    path = broken_summary(repo_workspace, "# Summary\n\n" + statement + "\n")
    err = failed_build(run_cli, repo_workspace)
    assert err.startswith(f"error: {shown(repo_workspace, path)}:3: not allowed in a template: ")


FACT_TEXT_EXPRESSIONS = [
    "t", "t | safe", "t | e", "t | escape", "t | forceescape", "t | string", "t | trim", "t | urlize",
    "t | tojson", "{'x': t} | xmlattr",
    "t ~ c", "c ~ t", "c + t", "[c, t] | join", "[t, t] | join(c)", "c | replace('^', t)", "t ~ note(s)",
]


@pytest.mark.parametrize("expression", FACT_TEXT_EXPRESSIONS)
def test_fact_text_stays_text_whatever_the_expression(repo_workspace, run_cli, expression):
    """Fact text is data: no filter or operator lets a template turn it into Markdown, including
    joining it with the Markdown that cite() and note() return (`t` is fact text, `c` a cite())."""
    brief = repo_workspace / "data" / "briefs" / "pakistan-kazakhstan.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        'title: "Pakistan–Kazakhstan: bilateral brief"',
        'title: "Pakistan–Kazakhstan *bold* [link](https://evil.example) | cell"', 1), encoding="utf-8")
    broken_summary(repo_workspace, "{% set t = brief.title %}{% set c = cite(brief.summary[0]) %}"
                   "{% set s = sources[0] %}\n# Summary\n\nT: {{ " + expression + " }}\n")
    set_setting(repo_workspace, 'sections = ["summary"]')
    md = build_md(run_cli, repo_workspace)
    line = next(l for l in md.splitlines() if l.startswith("T: "))
    assert "\\*bold\\*" in line and "\\[link\\]" in line and "\\|" in line, line


def test_template_errors_keep_earlier_outputs(repo_workspace, run_cli):
    first = build(run_cli, repo_workspace)["md"]
    before = first.read_bytes()
    broken_summary(repo_workspace, "# Summary\n\n{{ ''.__class__ }}\n")
    code, _, err = run_cli("build", "-w", str(repo_workspace), "--format", "briefgen-md", "--as-of", AS_OF)
    assert code == 1 and "not allowed in a template" in err
    assert first.read_bytes() == before and sorted(p.name for p in first.parent.iterdir()) == [f"{STEM}.briefgen.md"]


# --- briefgen init --------------------------------------------------------------------------


def test_init_workspace_checks_and_builds_at_once(tmp_path, run_cli):
    ws = tmp_path / "new-office"
    code, out, err = run_cli("init", str(ws))
    assert code == 0, err
    assert (ws / "briefgen.toml").is_file() and (ws / "templates" / "brief.md.j2").is_file()

    code, out, err = run_cli("check", "-w", str(ws))
    assert code == 0, err
    assert out.startswith("ok: ")

    code, out, err = run_cli("build", "-w", str(ws), "--format", "all", "--as-of", AS_OF)
    assert code == 0, err
    written = [Path(p) for p in out.split()]
    assert sorted(p.suffix for p in written) == [".docx", ".html", ".md", ".pdf"]
    assert all(p.is_file() and p.parent == ws / "out" for p in written)
    assert "Pakistan–Kazakhstan: example brief" in pdf_text(next(p for p in written if p.suffix == ".pdf"))

    found = listing(run_cli, "-w", str(ws))
    assert found["sections/summary.md.j2"] == str(ws / "templates")


def test_init_refuses_to_overwrite_a_workspace(tmp_path, run_cli):
    ws = tmp_path / "new-office"
    assert run_cli("init", str(ws))[0] == 0
    (ws / "briefgen.toml").write_text("# mine\n", encoding="utf-8")
    before = snapshot(ws)
    code, _, err = run_cli("init", str(ws))
    assert code == 1 and "not overwriting" in err and "--force" in err
    assert snapshot(ws) == before
    assert run_cli("init", str(ws), "--force")[0] == 0
    assert (ws / "briefgen.toml").read_text(encoding="utf-8") != "# mine\n"


def test_relative_template_and_workspace_folders_work_from_where_they_are_given(repo_workspace, run_cli, monkeypatch):
    """`templates init my-templates` then `build --template my-templates` (the README's own steps):
    a relative folder was joined to itself ('my-templates/my-templates/theme.toml: not found')."""
    monkeypatch.chdir(repo_workspace)
    code, _, err = run_cli("templates", "init", "my-templates")
    assert code == 0, err
    code, out, err = run_cli("build", "--format", "md", "--template", "my-templates", "--out", "o")
    assert code == 0, err
    assert (repo_workspace / out.strip()).is_file()
    code, _, err = run_cli("check", "-t", "my-templates")
    assert code == 0, err
    monkeypatch.chdir(repo_workspace.parent)
    code, out, err = run_cli("quote", "-w", repo_workspace.name, "--all", "Kazakhstan")
    assert code == 0, err
    assert "Kazakhstan" in out
