"""Meeting briefs (docs/meetings.md): the shipped example in every format, desk text and sourced text
told apart by reading the outputs back, placeholders, typed figures, clearance, --final and
--marking-limit, `list`, `templates init`."""

from __future__ import annotations

import io
import re
from html import unescape
from datetime import date
from pathlib import Path

import pytest

from briefgen.build.pipeline import BuildRequest, prepare, produce
from briefgen.document import model as m
from conftest import REPO_ROOT

MEETING = "pakistan-kazakhstan-fm-meeting"
MEETING_FILE = f"data/meetings/{MEETING}.yaml"
AS_OF = date(2026, 12, 3)


@pytest.fixture(scope="module")
def built():
    prepared = prepare(BuildRequest(workspace=REPO_ROOT, brief=MEETING, as_of=AS_OF))
    data = produce(prepared, ("pdf", "docx", "briefgen-md", "html"))
    data["md"] = data.pop("briefgen-md")  # the Markdown the templates rendered, in briefgen's dialect
    return prepared, data


def desk_items(workspace: Path = REPO_ROOT) -> list[str]:
    """Every desk text of the meeting file, as written (placeholders and all)."""
    import yaml

    data = yaml.safe_load((workspace / MEETING_FILE).read_text(encoding="utf-8"))
    out = []
    for section in data["sections"].values():
        items = section["items"] if isinstance(section, dict) else section
        for item in items:
            if isinstance(item, str):
                out.append(item)
            elif "ask" in item:
                out += [item["ask"], item["response"]]
            else:
                out += [item["subject"], *item["lines"]]
    return out


def without_placeholders(text: str) -> str:
    """The words of desk text around its placeholders (what every format must show as written)."""
    return max(re.split(r"\{[^{}]*\}", text), key=len).strip(" .;,").replace("'", "’")  # as typeset


# --- the shipped example ------------------------------------------------------------------------


def test_the_example_is_plainly_an_example_and_types_no_figure():
    from briefgen.facts.desktext import typed_figures

    items = desk_items()
    assert items and all(i.startswith("Example desk text: replace before use.") for i in items
                         if not re.fullmatch(r"[A-Z][a-z ]+", i))  # if-raised subjects are a few words
    assert [f for i in items for f in typed_figures(i)] == []
    assert sum(i.count("{") for i in items) >= 5  # its figures and dates come through placeholders


def test_top_sheet_fits_two_sides_and_annexes_follow(built):
    from pypdf import PdfReader

    _, data = built
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data["pdf"])).pages]
    first = lambda text: next(i for i, p in enumerate(pages) if text in p)  # noqa: E731
    assert first("agreed to strengthen trade") <= 1  # the press line, the last desk section, is on side 1 or 2
    assert first("Annex A: Key figures") == first("agreed to strengthen trade") + 1  # the annexes start on a page of their own
    assert first("Source notes") - first("Annex A: Key figures") <= 2  # annexes: at most two sides
    assert "DRAFT — NOT CLEARED" in pages[0] and all("DRAFT — NOT CLEARED" in p for p in pages)


def test_desk_text_is_marked_in_every_format_and_sourced_text_is_not(built):
    from docx import Document

    prepared, data = built
    items = [without_placeholders(i) for i in desk_items()]
    summary = [r.text for r in prepared.factbase.briefs["pakistan-kazakhstan"].summary]

    md = data["md"].decode()
    desk_md = re.findall(r"^\{\.desk\}\n(.+)$", md, flags=re.M)
    assert all(any(i in d for d in desk_md) for i in items)
    assert not any(s[:40] in d for s in summary for d in desk_md)

    html = data["html"].decode()
    text = lambda fragment: unescape(re.sub(r"<[^>]+>", "", fragment))  # noqa: E731
    desk_html = [text(d) for d in re.findall(r'<p class="desk" data-text="desk">(.*?)</p>', html)]
    assert all(any(i in d for d in desk_html) for i in items)
    assert not any(s[:40] in d for s in summary for d in desk_html)
    plain_items = [text(li) for li in re.findall(r"<li>(.*?)</li>", html)]  # sourced: no data attribute
    assert all(any(s[:40] in li for li in plain_items) for s in summary)

    doc = Document(io.BytesIO(data["docx"]))
    styles = {p.text: p.style.name for p in doc.paragraphs}
    for i in items:
        assert [s for t, s in styles.items() if i in t] in (["Desk Text"], ["Desk Text", "Desk Text"]), i
    assert all(s != "Desk Text" for t, s in styles.items() if any(x[:40] in t for x in summary))
    labels = [t for t, s in styles.items() if s == "Desk Label"]
    assert labels and all(t.startswith("Desk — EX, 1 December 2026; not cleared") for t in labels)


def test_the_tagged_pdf_marks_desk_text_and_passes_the_country_brief_checks(built, tmp_path):
    from pdf_structure import TaggedPdf
    from test_pdf_tags import assert_well_tagged

    prepared, data = built
    tagged = TaggedPdf(data["pdf"])
    assert_well_tagged(prepared.document, tagged)
    assert tagged.role_map["/DeskText"] == "/P" and tagged.role_map["/DeskLabel"] == "/P"
    desk_pdf = [re.sub(r"\s+", " ", e.text(tagged.pages)) for e in tagged.elements("DeskText")]
    for i in desk_items():
        assert any(without_placeholders(i) in d for d in desk_pdf), i
    from pdfua import validate

    path = tmp_path / "meeting.pdf"
    path.write_bytes(data["pdf"])
    assert [(f.rule_id, f.message) for f in validate(str(path)).findings] == []


def test_placeholders_print_the_sourced_value_with_its_note(built):
    prepared, _ = built
    desk = [b for b in prepared.document.blocks if isinstance(b, m.Paragraph) and b.style == "desk"]
    text = " ".join(m.plain_text(b.children) for b in desk)
    assert "Some 559[1] Pakistani citizens" in text  # the news report, note 1
    assert "in December 1991[1][2]" in text and "last met on 30 July 2022[1]" in text
    labelled = [b for b in prepared.document.blocks if isinstance(b, m.Paragraph) and b.style == "desk-label"]
    assert len(labelled) == 6


def test_annexes_come_from_the_fact_base(built):
    prepared, data = built
    md = data["md"].decode()
    assert "| Pakistani citizens in Kazakhstan | 559" in md and "stale: more than 4 years" in md
    assert "US$250" not in md.split("# Annex A")[1].split("# Annex B")[0]  # commentary-only figure left out
    assert "Last met 30 July 2022, 52 months before this meeting." in md
    assert "Kazakhstan’s then Deputy Prime Minister and Foreign Minister, Mukhtar Tleuberdi" in md
    assert "— confirm with post (last confirmed 30 July 2022)" in md
    assert "The fact base records no event after 30 July 2022." in md


# --- the command line ------------------------------------------------------------------------------


def edit(workspace: Path, old: str, new: str) -> None:
    path = workspace / MEETING_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(workspace: Path, needle: str) -> int:
    lines = (workspace / MEETING_FILE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_build_and_list(run_cli, repo_workspace, tmp_path):
    code, out, err = run_cli("build", MEETING, "--format", "all", "--workspace", str(repo_workspace),
                             "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert sorted(Path(p).suffix for p in out.split()) == [".docx", ".html", ".md", ".pdf"]
    assert "not cleared: Objectives (line 28), Points to make (line 31)" in err and "confirm with post" in err
    code, out, _ = run_cli("list", "--workspace", str(repo_workspace))
    assert code == 0
    assert out.splitlines()[0].startswith("pakistan-kazakhstan\tPakistan–Kazakhstan: bilateral brief\t")
    assert out.splitlines()[1] == (f"{MEETING}\tExample meeting brief: Foreign Minister of Kazakhstan (meeting brief: "
                                   f"2026-12-15, Islamabad; facts from pakistan-kazakhstan)\t({MEETING_FILE})")


def test_final_refuses_with_every_reason_at_its_line(run_cli, repo_workspace, tmp_path):
    edit(repo_workspace, "Some {dia-pakistanis-in-kazakhstan.count}", "Some {vol-2026}")
    code, out, err = run_cli("build", MEETING, "--final", "--workspace", str(repo_workspace),
                             "--out", str(tmp_path / "out"))
    assert code == 1 and out == "" and not (tmp_path / "out").exists()
    at = f"{MEETING_FILE}:"
    assert f"{at}{line_of(repo_workspace, 'objectives:')}: --final: Objectives: not cleared" in err
    assert f"{at}{line_of(repo_workspace, '{vol-2026}')}: --final: {{vol-2026}}: no record 'vol-2026'" in err
    assert f"{at}{line_of(repo_workspace, '- name: Mukhtar Tleuberdi')}: --final: Pen picture of Mukhtar" in err
    # `check --final` says the same; plain `check` warns and passes, and the draft shows the gap
    code, _, err2 = run_cli("check", "--final", "--workspace", str(repo_workspace))
    assert code == 1 and "--final: Objectives: not cleared" in err2
    code, _, err3 = run_cli("check", "--workspace", str(repo_workspace))
    assert code == 0 and f"warning: {at}{line_of(repo_workspace, '{vol-2026}')}: {{vol-2026}}" in err3
    assert f"warning: {at}{line_of(repo_workspace, 'objectives:')}: not cleared: Objectives" in err3
    prepared = prepare(BuildRequest(workspace=repo_workspace, brief=MEETING, as_of=AS_OF))
    shown = " ".join(m.plain_text(b.children) for b in prepared.document.blocks if isinstance(b, m.Paragraph))
    assert "Some [missing figure: {vol-2026}] Pakistani citizens" in shown


def test_cleared_and_confirmed_builds_final(run_cli, repo_workspace, tmp_path):
    edit(repo_workspace, "# cleared: {by: Head of Desk, date: 2026-12-02}", "cleared: {by: Head of Desk, date: 2026-12-02}")
    (repo_workspace / "briefgen.toml").write_text(
        (repo_workspace / "briefgen.toml").read_text() + "pen_picture_max_age_months = 60\n")
    code, out, err = run_cli("build", MEETING, "--final", "--format", "md", "--workspace", str(repo_workspace),
                             "--out", str(tmp_path / "out"))
    assert code == 0, err
    md = Path(out.strip()).read_text(encoding="utf-8")
    assert "DRAFT" not in md and "confirm with post" not in md
    assert "cleared by Head of Desk, 2 December 2026" in md


@pytest.mark.parametrize("typed, figure", [
    ("some 559 Pakistani citizens", "559"), ("trade of US$ 250 million", "US$ 250"),
    ("since December", "December"), ("thirty-eight officers", "thirty-eight"),
])
def test_check_catches_a_figure_typed_into_desk_text(run_cli, repo_workspace, typed, figure):
    edit(repo_workspace, "we would like to discuss connectivity", f"we would like to discuss {typed}")
    code, _, err = run_cli("check", "--workspace", str(repo_workspace))
    line = line_of(repo_workspace, typed)
    assert code == 1
    assert f"error: {MEETING_FILE}:{line}: '{figure}' typed in desk text" in err


def test_bad_placeholders_are_errors_at_their_line(run_cli, repo_workspace):
    edit(repo_workspace, "{rel-recognition.date}", "{rel-recognition.count}")
    edit(repo_workspace, "propose that officials", "propose {Trade figures} officials")
    code, _, err = run_cli("check", "--workspace", str(repo_workspace))
    assert code == 1
    assert (f"{MEETING_FILE}:{line_of(repo_workspace, 'rel-recognition.count')}: {{rel-recognition.count}}: "
            "record 'rel-recognition' has no count (it has date)") in err
    assert f"{MEETING_FILE}:{line_of(repo_workspace, '{Trade figures}')}: " in err


def test_marking_limit_builds_the_lower_copy_and_says_so(run_cli, repo_workspace, tmp_path):
    code, out, err = run_cli("build", MEETING, "--format", "briefgen-md", "--marking-limit", "OFFICIAL",
                             "--workspace", str(repo_workspace), "--out", str(tmp_path / "low"))
    assert code == 0, err
    assert Path(out.strip()).name == f"{MEETING}-2026-12-15-official-copy.briefgen.md"  # beside the full brief, not over it
    low = Path(out.strip()).read_text(encoding="utf-8")
    assert "Sensitivities" not in low.replace("leaves out Sensitivities", "")
    assert "training numbers" not in low
    assert "::: note Copy marked OFFICIAL\n\nThis copy leaves out Sensitivities (OFFICIAL-SENSITIVE)" in low
    code, out, _ = run_cli("build", MEETING, "--format", "pdf", "--marking-limit", "OFFICIAL",
                           "--workspace", str(repo_workspace), "--out", str(tmp_path / "low"))
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(out.strip()).pages]
    # the page marking is the copy's; only the note on page 1 names the full brief's marking
    assert pages[0].count("OFFICIAL-SENSITIVE") == 2 and all("OFFICIAL-SENSITIVE" not in p for p in pages[1:])
    assert all(p.count("OFFICIAL") >= 2 for p in pages)
    code, _, err = run_cli("build", MEETING, "--marking-limit", "RESTRICTED", "--workspace", str(repo_workspace),
                           "--out", str(tmp_path / "low"))
    assert code == 1 and "unknown marking 'RESTRICTED'" in err


def test_templates_init_ejects_the_meeting_templates(run_cli, tmp_path):
    code, out, _ = run_cli("templates", "init", str(tmp_path / "my"))
    assert code == 0
    assert (tmp_path / "my/meeting.md.j2").is_file() and (tmp_path / "my/meeting/desk.md.j2").is_file()


def test_a_placeholder_to_a_commentary_only_figure_is_flagged(run_cli, repo_workspace):
    edit(repo_workspace, "Pakistan's ports offer Central Asia a route to the sea",
         "Some {trn-armed-forces-since-2005.count} Kazakh officers trained in Pakistan")
    code, _, err = run_cli("check", "--workspace", str(repo_workspace))
    line = line_of(repo_workspace, "trn-armed-forces-since-2005")
    assert code == 0
    assert f"warning: {MEETING_FILE}:{line}: {{trn-armed-forces-since-2005.count}} rests only on commentary" in err


def test_email_names_the_meeting_brief(run_cli, repo_workspace, tmp_path):
    import email

    code, out, err = run_cli("email", MEETING, "--to", "desk@example.org", "--outbox", str(tmp_path / "outbox"),
                             "--workspace", str(repo_workspace))
    assert code == 0, err
    message = email.message_from_binary_file(open(out.strip(), "rb"), policy=email.policy.default)
    assert message["Subject"] == "[OFFICIAL-SENSITIVE] Example meeting brief (as of " + message["Subject"].split("(as of ")[1]
    assert [p.get_filename() for p in message.iter_attachments()] == [f"{MEETING}-2026-12-15.pdf"]


def test_the_readme_meeting_commands_work_on_the_shipped_workspace(run_cli, repo_workspace, tmp_path):
    import shlex

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.split("#")[0].split()[3:] for line in readme.splitlines()
                if line.startswith(f"uv run briefgen build {MEETING}")]
    assert len(commands) == 3
    for args in commands:
        code, out, err = run_cli(*args, "--workspace", str(repo_workspace), "--out", str(tmp_path / "out"))
        # --final refuses the example (a draft): exit 1, every reason, nothing written
        assert (code, bool(out)) == ((1, False) if "--final" in args else (0, True)), (shlex.join(args), err)


def test_pen_pictures_come_from_the_people_registry():
    from types import SimpleNamespace

    from briefgen.editorial.meeting import pen_picture
    from briefgen.facts.meetings import Person as Attendee
    from briefgen.facts.people import Office, People, Person
    from briefgen.facts.schema import Brief, Citation, Source

    cite = [Citation(source="s", quote="Deputy Prime Minister Ishaq Dar said so today.")]
    old = [Citation(source="old", quote="Finance Minister Ishaq Dar said so in 2023.")]
    sources = {"s": Source(id="s", label="L", kind="k", date="2026-02-20", file="f"),
               "old": Source(id="old", label="L", kind="k", date="2023-05", file="g")}
    dar = Person(id="dar", name="Ishaq Dar", offices=[
        Office(title="Finance Minister", country="PK", **{"from": "2022-09"}, to="2024-03", sources=old),
        Office(title="Foreign Minister", country="PK", **{"from": "2024-03"}, sources=cite)])
    fb = SimpleNamespace(people=People({"dar": dar}, sources), sources=sources)
    brief = Brief(id="b", title="T", subject="S", countries=["PK", "KZ"])

    pic = pen_picture(Attendee(person="dar"), brief, fb, date(2026, 6, 1), 12)
    assert (pic.name, pic.title, pic.since, pic.confirmed, pic.as_of) == (
        "Ishaq Dar", "Foreign Minister", "2024-03", True, "2026-02-20")
    assert [(o.title, o.period) for o in pic.previous] == [("Finance Minister", "2022-09/2024-03")]
    # found by name too; a year later the newest source is too old to confirm the title
    late = pen_picture(Attendee(name="ishaq dar", title="Foreign Minister", country="PK"), brief, fb, date(2027, 6, 1), 12)
    assert late.title == "Foreign Minister" and not late.confirmed


def test_a_person_not_in_the_registry_is_an_error_at_its_line(run_cli, repo_workspace):
    edit(repo_workspace, "    - name: Mukhtar Tleuberdi\n      title: Deputy Prime Minister and Foreign Minister\n",
         "    - person: mukhtar-tleuberdi\n")
    code, _, err = run_cli("check", "--workspace", str(repo_workspace))
    assert code == 1
    assert f"error: {MEETING_FILE}:{line_of(repo_workspace, 'person: mukhtar')}: no person 'mukhtar-tleuberdi' in " \
           "data/people.yaml" in err


def test_an_empty_marking_limit_is_an_unknown_marking_not_a_crash(run_cli, repo_workspace, tmp_path):
    code, out, err = run_cli("build", "pakistan-kazakhstan-fm-meeting", "--marking-limit", "", "--workspace",
                             str(repo_workspace), "--out", str(tmp_path / "out"))
    assert code == 1 and "--marking-limit: unknown marking ''" in err and "internal error" not in err, err


def test_a_top_sheet_longer_than_two_sides_is_warned_about(run_cli, repo_workspace, tmp_path):
    from briefgen.build.topsheet import top_sheet_sides

    prepared = prepare(BuildRequest(workspace=repo_workspace, brief=MEETING, as_of=AS_OF))
    assert top_sheet_sides(prepared.document, produce(prepared, ("pdf",))["pdf"]) == 2
    point = ("    - \"Example desk text: replace before use. " + "Press for practical steps on transit, energy and "
             "education cooperation, and ask what the Kazakh side expects of the commission. " * 4 + "\"\n")
    edit(repo_workspace, "  likely_asks:\n", point * 12 + "  likely_asks:\n")
    code, out, err = run_cli("build", MEETING, "--workspace", str(repo_workspace), "--out", str(tmp_path))
    assert code == 0
    assert re.search(r"warning: the top sheet runs to [34] sides of the PDF; a minister's top sheet fits 2: shorten "
                     r"the desk sections \(longest: Points to make \(\d+ words\), ", err), err
    code, out, err = run_cli("build", MEETING, "--format", "md", "--workspace", str(repo_workspace), "--out", str(tmp_path))
    assert code == 0 and "top sheet" not in err  # only the PDF has sides
