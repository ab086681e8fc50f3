"""docs/templates.md, the template author's guide, must list exactly what briefgen provides.

The reference sections (Variables, Fields, Filters, Helpers, Blocks) are tables whose first column
is a name in backticks; these tests compare each table with what the code gives templates, taken
from a real `briefgen.build.pipeline.prepare` run on the shipped fact base, so the guide cannot drift. The
guide's worked examples are marked `<!-- example: ID PATH -->` before their code block; the last
tests build each one exactly as printed.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
import zipfile
from pathlib import Path

import jinja2
import pytest
from conftest import REPO_ROOT
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from briefgen.facts import schema

DOC = REPO_ROOT / "docs" / "templates.md"
AS_OF = "2026-11-26"
NAME_CELL = re.compile(r"^`([^`]+)`$")


# --- reading the guide ----------------------------------------------------------------------


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def sections(text: str, level: int) -> dict[str, str]:
    """Heading text -> body, for headings of exactly `level` (#s), outside code blocks."""
    marker = "#" * level + " "
    found: dict[str, list[str]] = {}
    current = None
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            if hashes <= level:
                current = line[len(marker):].strip() if line.startswith(marker) else None
                if current is not None:
                    assert current not in found, f"heading '{current}' appears twice in {DOC.name}"
                    found[current] = []
                continue
        if current is not None:
            found[current].append(line)
    return {k: "\n".join(v) for k, v in found.items()}


def cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def table_rows(body: str) -> list[list[str]]:
    """The body rows (header and separator dropped) of every table in `body`."""
    rows: list[list[str]] = []
    table: list[str] = []
    for line in body.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            table.append(line)
        elif table:
            assert len(table) >= 2 and set(table[1].replace("|", "").strip()) <= set("-: "), table[:2]
            rows.extend(cells(r) for r in table[2:])
            table = []
    return rows


def names(body: str) -> list[str]:
    """First-column names of every table row; each must be one name in backticks."""
    out = []
    for row in table_rows(body):
        m = NAME_CELL.match(row[0])
        assert m, f"reference row must start with a `name` in backticks: {row}"
        out.append(m.group(1))
    assert len(out) == len(set(out)), f"a name is listed twice: {out}"
    return out


def reference(heading: str) -> str:
    found = sections(doc_text(), 2)
    assert heading in found, f"{DOC.name} has no '## {heading}' section"
    return found[heading]


# --- what the code provides -----------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(environment, entry template name, context) of a real prepare() on the shipped workspace."""
    import briefgen.render.environment
    from briefgen.build.pipeline import BuildRequest, prepare

    seen = {}
    real = briefgen.render.environment.render

    def spy(env, name, context, searched):
        seen.update(env=env, name=name, context=dict(context))
        return real(env, name, context, searched)

    mp = pytest.MonkeyPatch()
    mp.setattr(briefgen.render.environment, "render", spy)
    try:
        from datetime import date

        prepare(BuildRequest(workspace=REPO_ROOT, as_of=date.fromisoformat(AS_OF)))
    finally:
        mp.undo()
    assert seen["name"] == "brief.md.j2"
    return seen


def jinja_defaults() -> SandboxedEnvironment:
    return SandboxedEnvironment()


def briefgen_globals(env) -> dict[str, object]:
    return {k: v for k, v in env.globals.items() if k not in jinja_defaults().globals}


def test_every_name_listed_once_across_variables_and_helpers():
    both = names(reference("Variables")) + names(reference("Helpers"))
    assert len(both) == len(set(both))


def test_variables_table_lists_every_value_templates_see(rendered):
    values = {**rendered["context"], **briefgen_globals(rendered["env"])}
    expected = {k for k, v in values.items() if not callable(v)}
    assert set(names(reference("Variables"))) == expected


def test_helpers_table_lists_every_function_templates_can_call(rendered):
    values = {**rendered["context"], **briefgen_globals(rendered["env"])}
    expected = {k for k, v in values.items() if callable(v)}
    assert set(names(reference("Helpers"))) == expected


def test_variables_and_helpers_together_are_everything_templates_see(rendered):
    documented = set(names(reference("Variables"))) | set(names(reference("Helpers")))
    assert documented == set(rendered["context"]) | set(briefgen_globals(rendered["env"]))


def test_jinja_globals_are_mentioned_with_the_helpers():
    body = reference("Helpers")
    for name in jinja_defaults().globals:
        assert f"`{name}`" in body, f"Jinja global '{name}' not mentioned under Helpers"


def test_filters_table_lists_briefgen_filters(rendered):
    from briefgen.editorial.context import filters

    documented = set(names(reference("Filters")))
    assert documented == set(filters("en_GB"))
    added = set(rendered["env"].filters) - set(jinja_defaults().filters)
    assert documented == added


# --- fields ---------------------------------------------------------------------------------


def _models_in(tp, found: list[type]) -> None:
    for arg in typing.get_args(tp):
        _models_in(arg, found)
    if not isinstance(tp, type) or tp in found:
        return
    if issubclass(tp, BaseModel):
        found.append(tp)
        for f in tp.model_fields.values():
            _models_in(f.annotation, found)
    elif dataclasses.is_dataclass(tp):
        found.append(tp)
        hints = typing.get_type_hints(tp)
        for f in dataclasses.fields(tp):
            _models_in(hints[f.name], found)


def reachable_models(context: dict[str, object]) -> dict[str, type]:
    """Every model a template can reach from the context's values (by their types)."""
    roots: list[type] = []
    for value in context.values():
        items = list(value.values()) if isinstance(value, dict) else list(value) if isinstance(value, list) else [value]
        roots += [type(v) for v in items if isinstance(v, BaseModel) or dataclasses.is_dataclass(v)]
    found: list[type] = []
    for root in roots:
        _models_in(root, found)
    return {m.__name__: m for m in found}


def model_fields(model: type) -> dict[str, bool]:
    """Field name -> required, for pydantic models and dataclasses."""
    if issubclass(model, BaseModel):
        return {n: f.is_required() for n, f in model.model_fields.items()}
    return {f.name: True for f in dataclasses.fields(model)}


def documented_fields() -> dict[str, list[str]]:
    out = {}
    for heading, body in sections(reference("Fields"), 3).items():
        m = re.match(r"`(\w+)`", heading)
        assert m, f"a Fields subsection must be headed by a model name in backticks: '{heading}'"
        out[m.group(1)] = names(body)
    return out


def test_fields_has_a_table_for_every_model_templates_can_reach(rendered):
    reachable = reachable_models(rendered["context"])
    assert {"Brief", "Record", "Country", "Source", "BuildInfo", "ChronologyEntry"} <= set(reachable)
    assert set(documented_fields()) == set(reachable)


def test_fields_tables_list_every_field(rendered):
    reachable = reachable_models(rendered["context"])
    record = model_fields(schema.Record)
    problems = []
    for name, listed in documented_fields().items():
        fields = model_fields(reachable[name])
        if reachable[name] is not schema.Record and issubclass(reachable[name], schema.Record):
            # kinds of record list what they add, and the Record fields they change (a date that is required)
            expected = {f for f, req in fields.items() if f not in record or record[f] != req}
        else:
            expected = set(fields)
        if set(listed) != expected:
            problems.append(f"{name}: documented {sorted(listed)}, expected {sorted(expected)}")
    assert problems == []


def test_brief_fields_in_schema_order():
    assert documented_fields()["Brief"] == list(schema.Brief.model_fields)


# --- blocks ---------------------------------------------------------------------------------


def builtin_blocks() -> dict[str, set[str]]:
    """Block name -> the built-in templates that define it, found by parsing every template."""
    from briefgen.render.templateset import builtin_dir, template_names

    env = jinja2.Environment()
    blocks: dict[str, set[str]] = {}
    for name in template_names(builtin_dir()):
        if not name.endswith(".j2"):
            continue
        tree = env.parse((builtin_dir() / name).read_text(encoding="utf-8"))
        for block in tree.find_all(nodes.Block):
            blocks.setdefault(block.name, set()).add(name)
    return blocks


def test_blocks_table_lists_every_block_and_where_it_is():
    body = reference("Blocks")
    documented = {}
    for row in table_rows(body):
        name = NAME_CELL.match(row[0]).group(1)
        documented[name] = set(re.findall(r"`([^`]+)`", row[1]))
    assert documented == builtin_blocks()


def test_templates_said_to_have_no_blocks_have_none():
    from briefgen.render.templateset import builtin_dir, template_names

    body = reference("Blocks")
    with_blocks = set().union(*builtin_blocks().values())
    said_none = re.search(r"^(.*) have none\.$", body, re.MULTILINE).group(1)
    for name in re.findall(r"`([^`]+\.j2)`", said_none):
        assert name in template_names(builtin_dir()) and name not in with_blocks


# --- the how-to half, where it states facts the code decides ---------------------------------


def test_default_section_order_is_the_one_shown():
    from briefgen.editorial.context import DEFAULT_SECTIONS

    body = sections(doc_text(), 2)["Choosing and ordering sections"]
    shown = re.search(r"```toml\n(sections = .*)\n```", body).group(1)
    assert tuple(tomllib.loads(shown)["sections"]) == DEFAULT_SECTIONS


def test_theme_table_lists_every_setting_with_its_default():
    from briefgen.writers.theme import FontFamily, Theme

    body = sections(doc_text(), 2)["The look: theme.toml"]
    theme = Theme()
    documented = set()
    for row in table_rows(body):
        tokens = re.findall(r"`([^`]+)`", row[0])
        table = tokens[0][1:-1] if tokens[0].startswith("[") else None
        keys = tokens[1:] if table else tokens
        if table and not keys:  # `[heading_font]`: every setting of a font family
            keys = list(FontFamily.model_fields)
        for key in keys:
            documented.add(f"{table}.{key}" if table else key)
        defaults = re.findall(r"`([^`]+)`", row[1])
        if len(keys) == 1 and len(defaults) == 1:
            value = tomllib.loads(f"v = {defaults[0]}")["v"]
            actual = getattr(getattr(theme, table), keys[0]) if table else getattr(theme, keys[0])
            assert value == actual, f"{row[0]}: the guide says {value!r}, the default is {actual!r}"
    expected = set()
    for name in Theme.model_fields:
        if name == "base_dir":  # set by the loader, not a setting
            continue
        sub = getattr(theme, name)
        if isinstance(sub, BaseModel):
            expected |= {f"{name}.{k}" for k in type(sub).model_fields}
        else:
            expected.add(name)
    assert documented == expected


def test_paragraph_styles_are_the_ones_briefgen_knows():
    from briefgen.writers.docx.body import PARAGRAPH_STYLES

    body = sections(doc_text(), 2)["The Markdown templates write"]
    styles = {}
    for row in table_rows(body):
        m = re.fullmatch(r"`\{\.([\w-]+)\}`", row[0])
        if m:
            styles[m.group(1)] = row[2]
    assert styles == PARAGRAPH_STYLES


def test_callout_kinds_are_documented():
    from briefgen.document.markdown import CALLOUT_KINDS

    body = sections(doc_text(), 2)["The Markdown templates write"]
    assert set(re.findall(r"`::: (\w+) Title`", body)) == set(CALLOUT_KINDS)


def test_internal_links_point_at_headings():
    text = doc_text()
    anchors = set()
    for line in re.sub(r"```.*?```", "", text, flags=re.DOTALL).splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links - anchors == set()


# --- worked examples, built as printed ------------------------------------------------------


def examples() -> dict[str, dict[str, str]]:
    """Example id -> {path: code block text} from `<!-- example: ID PATH -->` markers."""
    found: dict[str, dict[str, str]] = {}
    pattern = re.compile(r"<!-- example: (\w+) (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)
    for ex_id, path, code in pattern.findall(doc_text()):
        found.setdefault(ex_id, {})[path] = code
    return found


def test_every_worked_example_is_marked():
    assert set(examples()) == {"a", "b", "c", "d"}


def apply_example(ex_id: str, workspace: Path) -> None:
    for path, code in examples()[ex_id].items():
        target = workspace / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path == "briefgen.toml":  # the guide says: add this line to briefgen.toml
            with target.open("a", encoding="utf-8") as f:
                f.write("\n" + code)
        else:
            target.write_text(code, encoding="utf-8")


def build(run_cli, ws: Path, fmt: str = "briefgen-md") -> dict[str, Path]:
    code, out, err = run_cli("build", "-w", str(ws), "--template", str(ws / "my"), "--format", fmt, "--as-of", AS_OF)
    assert code == 0, err
    return {Path(p).suffix.lstrip("."): Path(p) for p in out.split()}


def headings(markdown: str) -> list[str]:
    """The section headings (the title, a heading too, is left out)."""
    return re.findall(r"(?<!\{\.title\}\n)^# (.+)$", markdown, re.MULTILINE)


def test_example_a_points_to_make(repo_workspace, run_cli):
    (repo_workspace / "my").mkdir()
    apply_example("a", repo_workspace)
    md = build(run_cli, repo_workspace)["md"].read_text(encoding="utf-8")
    assert headings(md)[:3] == ["Summary", "Points to make", "Diplomatic relations"]
    points = md.split("# Points to make", 1)[1].split("\n# ", 1)[0]
    assert re.search(r"^1\. The commentary closes by calling for .*\[\^\d+\]$", points, re.MULTILINE)
    assert md.index("# Summary") < md.index("# Points to make") < md.index("::: keyfacts")


def test_example_b_reorder_sections(repo_workspace, run_cli):
    (repo_workspace / "my").mkdir()
    apply_example("b", repo_workspace)
    md = build(run_cli, repo_workspace)["md"].read_text(encoding="utf-8")
    assert headings(md) == ["Summary", "Trade and economy", "Diplomatic relations", "Source notes"]
    assert md.index("::: keyfacts") < md.index("# Trade and economy")


def test_example_c_letterhead_logo_and_colours(repo_workspace, run_cli):
    from docx import Document as read_docx
    from PIL import Image
    from pypdf import PdfReader

    my = repo_workspace / "my"
    my.mkdir()
    apply_example("c", repo_workspace)
    Image.new("RGB", (240, 80), "#7A1F1F").save(my / "crest.png")
    config = repo_workspace / "briefgen.toml"  # step 3: the theme's organisation applies once briefgen.toml has none
    config.write_text("".join(l for l in config.read_text().splitlines(True) if not l.startswith("organisation")))
    theme = tomllib.loads(examples()["c"]["my/theme.toml"])

    built = build(run_cli, repo_workspace, "pdf,docx")
    page = PdfReader(built["pdf"]).pages[0]
    text = " ".join(page.extract_text().split())
    assert theme["organisation"] in text and theme["footer"] in text
    assert len(page.images) == 1
    r, g, b = (int(theme["colours"]["heading"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    fills = [tuple(map(float, m)) for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", page.get_contents().get_data())]
    assert any(abs(f[0] - r) < 1e-3 and abs(f[1] - g) < 1e-3 and abs(f[2] - b) < 1e-3 for f in fills)

    doc = read_docx(str(built["docx"]))
    assert str(doc.styles["Heading 1"].font.color.rgb) == theme["colours"]["heading"].lstrip("#")
    assert theme["organisation"] in [p.text for p in doc.paragraphs if p.style.name == "Letterhead"]
    with zipfile.ZipFile(built["docx"]) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/")]


def test_example_d_override_one_block(repo_workspace, run_cli):
    (repo_workspace / "my").mkdir()
    apply_example("d", repo_workspace)
    md = build(run_cli, repo_workspace)["md"].read_text(encoding="utf-8")
    assert "Defence and security cooperation" in headings(md)
    assert "Defence and security" not in headings(md)
    section = md.split("# Defence and security cooperation", 1)[1].split("\n# ", 1)[0]
    assert "Kazakhstan is willing to draw on what it calls Pakistan’s immense expertise" in section
    assert re.search(r"^- According to the commentary, the first joint counter-terrorism exercise, Dostarym-2017, .*\[\^\d+\]$", section,
                     re.MULTILINE)


def test_body_override_snippet_builds(repo_workspace, run_cli):
    """The second snippet of example d (replace `body`, using the section's `s`)."""
    body = reference_snippet_after("To replace the text instead")
    my = repo_workspace / "my" / "sections"
    my.mkdir(parents=True)
    (my / "security.md.j2").write_text(body, encoding="utf-8")
    md = build(run_cli, repo_workspace)["md"].read_text(encoding="utf-8")
    section = md.split("# Defence and security\n", 1)[1].split("\n# ", 1)[0]
    assert re.search(r"^- \*\*Dostarym-2017\*\* \(November 2017\): .*\[\^\d+\]$", section, re.MULTILINE)
    assert "Joint exercises" not in section


def test_super_snippet_builds(repo_workspace, run_cli):
    """The third snippet of example d (keep the built-in body with super() and add to it)."""
    body = reference_snippet_after("To keep the built-in text and add to it")
    assert "{{ super() }}" in body
    my = repo_workspace / "my" / "sections"
    my.mkdir(parents=True)
    (my / "security.md.j2").write_text(body, encoding="utf-8")
    md = build(run_cli, repo_workspace)["md"].read_text(encoding="utf-8")
    section = md.split("# Defence and security\n", 1)[1].split("\n# ", 1)[0]
    assert section.rstrip().endswith("Desk comment: the next joint exercise is not yet scheduled.")
    assert re.search(r"^- According to the commentary, the first joint counter-terrorism exercise, Dostarym-2017, .*\[\^\d+\]$", section,
                     re.MULTILINE)
    assert "\\[^" not in section and re.search(r"\[\^\d+\]", section)


def reference_snippet_after(phrase: str) -> str:
    text = doc_text()
    return re.search(r"```jinja\n(.*?)```", text[text.index(phrase):], re.DOTALL).group(1)
