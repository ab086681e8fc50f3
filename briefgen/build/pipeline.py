"""The build pipeline: fact base -> Markdown -> Document -> bytes per format -> files.

    load_factbase -> render (Jinja2) -> parse (markdown-it) -> writers -> write_all

Nothing is written until every format has been produced in memory, so a failed build leaves
earlier outputs untouched and no partial file behind.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from briefgen.errors import (
    BriefgenError,
    BriefgenWarning,
    FontError,
    InvalidInput,
    Location,
    Problem,
    UsageError,
)
from briefgen.facts.factbase import FactBase, load_factbase
from briefgen.facts.suggest import did_you_mean
from briefgen.files.output import safe_name, write_all
from briefgen.workspace import Config, load_config

ALL_FORMATS = ("pdf", "docx", "md", "html")  # --format all
FORMATS = ALL_FORMATS + ("briefgen-md",)  # briefgen's own Markdown, as the templates render it


@dataclass(frozen=True)
class BuildRequest:
    workspace: Path = Path(".")
    brief: str | None = None
    formats: tuple[str, ...] = ("pdf",)
    out: Path | None = None
    marking: str | None = None
    as_of: date | None = None
    template: Path | None = None
    locale: str | None = None
    brief_file: str | None = None  # load only this data/briefs file (batch builds)
    pdf_standard: str | None = None  # ua-1, a-2b, a-2u; None: briefgen.toml's pdf_standard
    final: bool = False  # a meeting brief: refuse while anything is uncleared
    marking_limit: str | None = None  # a meeting brief: leave out sections marked above this
    changes: object | None = None  # a context.ChangesBox: the "Changes since the edition of" box on page 1


@dataclass
class Prepared:
    """Everything up to the document model, shared by build and email."""

    config: Config
    factbase: FactBase
    brief_id: str
    markdown: str
    document: object
    theme: object
    reference_docx: bytes | None  # the template set's reference.docx, as read
    stem: str
    templates: object  # the TemplateSet the brief was rendered from
    context: dict  # what the templates saw (the cover note reuses it)
    warnings: list[str] = field(default_factory=list)
    pdf_standard: str = "ua-1"
    cites: list = field(default_factory=list)  # every `cite` call of the render (context.Cited), in reading order
    top_sheet: bool = False  # a meeting brief: its top sheet (up to the first page break) fits two sides

    def for_writers(self) -> Prepared:
        """What a writer process is sent: without the facts, the templates and their context (which the
        writers do not read and which need not pickle); a missing glyph is located by the sender."""
        return replace(self, factbase=None, templates=None, context={}, markdown="", warnings=[], cites=[])


def build_time() -> tuple[datetime, bool]:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds (then True)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc), True
        except (ValueError, OverflowError, OSError):
            raise InvalidInput([Problem(None, f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'")]) from None
    return datetime.now(timezone.utc).replace(microsecond=0), False


def pick_brief(fb: FactBase, wanted: str | None) -> str:
    if wanted is None:
        if len(fb.briefs) == 1:
            return next(iter(fb.briefs))
        raise UsageError(f"this workspace has {len(fb.briefs)} briefs; name one (or build --all):"
                            + _listing(fb))
    if wanted not in fb.briefs:
        hint = did_you_mean(wanted, fb.briefs)
        raise UsageError(f"no brief '{wanted}' in {Location('data/briefs')}" + (f"; {hint}" if hint else "")
                            + "; the briefs are:" + _listing(fb))
    return wanted


def _listing(fb: FactBase) -> str:
    # one line: messages are printed with their control characters (line breaks too) escaped
    return " " + ("; ".join(f"{brief_id} ({fb.brief_files[brief_id]}: {fb.briefs[brief_id].title})"
                            for brief_id in sorted(fb.briefs)) or "none")


def load_inputs(workspace: Path, only: str | None = None, template: Path | None = None,
                settings: tuple[Config, list[Problem]] | None = None) -> tuple[Config, FactBase]:
    """briefgen.toml and the fact base, with the problems of both reported together. When they
    have problems no brief can be rendered, so the theme and the templates' syntax (of the set
    `template` heads, as the build would use), which need no facts, are checked as well and
    reported in the same run."""
    config, problems = settings or load_config(workspace)  # `settings`: as the caller already loaded them
    problems = list(problems)
    try:
        fb = load_factbase(workspace, only=only)
    except InvalidInput as exc:
        problems += exc.problems
        fb = None
    if problems:
        found = {str(p): p for p in problems + _problems_without_facts(workspace, config, template)}
        raise InvalidInput(list(found.values()))
    return config, fb


def check_workspace(workspace: Path, warn=None, template: Path | None = None, final: bool = False) -> FactBase:
    """What `briefgen check` proves: the fact base and briefgen.toml are valid, and every brief and
    meeting brief renders through its templates and theme (the set `template` heads, as `build
    --template` uses it). Only the writers (fonts, glyphs, files) are left to `build`.
    `warn(message)` is called once for each warning a build would give (currency, as of today; a
    meeting brief's draft state); with `final`, meeting briefs are checked as `build --final` builds them."""
    config, fb = load_inputs(workspace, template=template)
    problems: dict[str, Problem] = {}  # keyed by text: a broken template fails every brief the same way
    said: set[str] = set()  # a meeting brief repeats its country brief's warnings
    for brief_id in sorted(fb.briefs) + sorted(fb.meetings):
        try:
            prepared = prepare(BuildRequest(workspace, brief=brief_id, template=template, final=final),
                               loaded=(config, fb))
            for message in prepared.warnings:
                if message not in said:
                    said.add(message)
                    (warn or (lambda _m: None))(message)
        except BriefgenError as exc:
            problems.update((str(p), p) for p in exc.problems)
    if problems:
        raise InvalidInput(list(problems.values()))
    return fb


def _problems_without_facts(workspace: Path, config: Config, template: Path | None) -> list[Problem]:
    """The theme and the syntax of every template: what `check` can still prove when the fact base
    (which rendering needs) has problems."""
    from briefgen.render.environment import syntax_problems

    problems: list[Problem] = []
    try:
        tset = _template_set(config, workspace, template)
        try:
            _theme(tset)
        except BriefgenError as exc:
            problems += exc.problems
        locale = _check_locale(config.locale, config.at("locale"))
        problems += syntax_problems(_environment(tset, locale), tset)
    except BriefgenError as exc:
        problems += exc.problems
    return problems


def prepare(req: BuildRequest, loaded: tuple[Config, FactBase] | None = None) -> Prepared:
    """Validate, render and parse: everything but the writers. `loaded` skips reloading the inputs.
    `req.brief` names a country brief or a meeting brief (data/meetings, rendered from meeting.md.j2)."""
    from briefgen.document import markdown, model
    from briefgen.editorial.context import DEFAULT_SECTIONS, BuildInfo, build_context
    from briefgen.render.environment import render
    from briefgen.render.templateset import ENTRY_TEMPLATE, resolve_all

    ws = req.workspace
    config, fb = loaded or load_inputs(ws, only=req.brief_file, template=req.template)
    meeting = fb.meetings.get(req.brief) if req.brief else None
    brief_id = meeting.meeting.brief if meeting else pick_brief(fb, req.brief)
    brief = fb.briefs[brief_id]

    created, reproducible = build_time()
    as_of = req.as_of or created.date()
    locale = _check_locale(req.locale or config.locale, config.at("locale") if req.locale is None else None)
    marking = req.marking if req.marking is not None else (meeting and meeting.meeting.marking) or config.marking
    tset = _template_set(config, ws, req.template)
    theme = _theme(tset)
    organisation = config.organisation or theme.organisation
    codes = "-".join(fb.countries[c].iso3 for c in brief.countries)
    reference = "/".join(p for p in (config.reference_prefix, codes, as_of.isoformat()) if p)
    info = BuildInfo(issued=created.date(), as_of=as_of, marking=marking, organisation=organisation,
                     reference=reference, locale=locale, stale_after_months=config.stale_after_months)

    env = _environment(tset, locale)
    pending: list[Problem] = []  # what stops a final meeting brief
    advice: list[Problem] = []
    cites: list = []  # every cite() of the render (context.Cited): what the brief printed
    if meeting is None:
        sections = _sections(config, ws, {name for name, _ in resolve_all(tset)}) or DEFAULT_SECTIONS
        context = build_context(fb, brief, info, sections, cites=cites, changes=req.changes)
        text = render(env, ENTRY_TEMPLATE, context, tset)
        title, subject, kind = brief.title, brief.subject, "bilateral brief"
        stem = f"{safe_name(brief_id)}-brief-{as_of.isoformat()}"
    else:
        from briefgen.editorial.meeting import MEETING_TEMPLATE, meeting_brief_context

        context, pending, advice = meeting_brief_context(fb, meeting, info, config, codes, req.marking_limit)
        if req.final and pending:
            raise InvalidInput([Problem(p.location, f"--final: {p.message}") for p in pending])
        text = render(env, MEETING_TEMPLATE, context, tset)
        title, subject, kind = meeting.meeting.title, context["meeting"].subject, "meeting brief"
        stem = f"{safe_name(meeting.meeting.id)}-{meeting.meeting.meeting.date}"
        if req.marking_limit:  # the lower copy never replaces the full brief's file
            stem += f"-{safe_name(req.marking_limit).lower()}-copy"
        marking = context["build"].marking  # the highest the copy holds

    names = [fb.countries[c].name for c in brief.countries]
    meta = model.Meta(
        title=title,
        subject=subject,
        author=config.author or organisation or "briefgen",
        organisation=organisation,
        keywords=tuple(names) + (kind, marking) if marking else tuple(names) + (kind,),
        language=locale.replace("_", "-"),
        marking=marking,
        footer=" · ".join(x for x in (DRAFT if pending else "", theme.footer) if x),
        created=created,
        reproducible=reproducible,
    )
    with warnings.catch_warnings(record=True) as caught:  # a table's widths ignored, and the like
        warnings.simplefilter("always", BriefgenWarning)
        document = markdown.parse(text, meta)
    from briefgen.editorial.desk import as_warnings
    from briefgen.editorial.freshness import brief_freshness_warnings

    found = brief_freshness_warnings(fb, brief_id, as_of, config.stale_after_months, locale)
    return Prepared(config, fb, brief_id, text, document, theme, _reference_docx(tset), stem,
                    templates=tset, context=context, pdf_standard=req.pdf_standard or config.pdf_standard,
                    cites=cites,
                    warnings=list(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, BriefgenWarning)))
                    + [str(p) for p in found + as_warnings(pending) + advice], top_sheet=meeting is not None)


DRAFT = "DRAFT — NOT CLEARED"
"""The footer of every page of a meeting brief while anything in it is not cleared."""


def _template_set(config: Config, workspace: Path, override: Path | None):
    """The template search path: `--template`, else `template =` in briefgen.toml (errors located
    at that setting), then the workspace's templates/ and the built-ins."""
    from briefgen.render.templateset import template_set

    if override is not None:
        return template_set(override, workspace)
    if config.template:
        return template_set(workspace / config.template, workspace, config.at("template"),
                            confine_to_workspace=True)
    return template_set(None, workspace)


def _theme(tset):
    """The theme.toml of the template set (the first folder that has one), or the default theme."""
    from briefgen.writers.theme import THEME_FILE, load_theme

    path = tset.find_file(THEME_FILE)
    if path is None:
        return load_theme(None)
    return load_theme(path, tset.shown(path), tset.root_of(path.parent))


def _reference_docx(tset) -> bytes | None:
    """The template set's reference.docx, read through its folder's root (size-capped, no FIFO)."""
    from briefgen.files.root import FileRefused

    path = tset.find_file("reference.docx")
    if path is None:
        return None
    try:
        return tset.read_file(path, "reference")
    except FileRefused as exc:
        raise InvalidInput([Problem(exc.location, f"reference.docx: {exc.message}")]) from None


def _check_locale(locale: str, where: Location | None) -> str:
    """A locale Babel knows (en_GB, en_US, fr_FR...), or a clear error naming where it was set."""
    from briefgen.render.cldr import known_locale

    if isinstance(locale, str) and known_locale(locale):
        return locale
    raise InvalidInput([Problem(where, f"unknown locale '{locale}' (use a form such as en_GB or en_US)")])


_environments: dict[tuple, object] = {}


def environment_of(prepared: Prepared):
    """The Jinja environment `prepared` was rendered in (kept for the process, see below)."""
    return _environment(prepared.templates, prepared.context["build"].locale)


def _environment(tset, locale: str):
    """One Jinja environment per template set and locale, kept for the life of the process so that
    repeated builds (--watch, --all workers) reuse parsed templates; Jinja re-reads changed files."""
    from briefgen.editorial.context import filters
    from briefgen.render.environment import make_environment

    key = (tset.dirs, locale)
    if key not in _environments:
        _environments[key] = make_environment(tset, filters(locale))
    return _environments[key]


PAGE_ONE = ("sections/title.md.j2", "sections/changes.md.j2")  # always first: not sections to order


def _sections(config: Config, workspace: Path, available: set[str]) -> tuple[str, ...] | None:
    """The section order from briefgen.toml, each checked against the template set."""
    if config.sections is None:
        return None
    known = sorted(n.removeprefix("sections/").removesuffix(".md.j2") for n in available
                   if n.startswith("sections/") and n not in PAGE_ONE)
    unknown = [s for s in config.sections if s not in known]
    if unknown:
        where = config.at("sections")
        raise InvalidInput([Problem(where, f"unknown section '{name}' (sections: {', '.join(known)})") for name in unknown])
    return tuple(config.sections)


WRITE_SECONDS = 300
"""How long one writer may work on one brief. The shipped brief takes a second, 5,000 records about
ten; a writer still busy after five minutes is laying out something no reader could use."""


def produce(prepared: Prepared, formats: tuple[str, ...], early: dict | None = None) -> dict[str, bytes]:
    """Run the writers; returns each format's bytes (nothing is written here). The formats in
    `early` (build/early.py) are written by their forked processes, alongside the others here."""
    early = early or {}
    before = len(prepared.warnings)
    for writer in early.values():
        writer.hand(prepared)
    here = tuple(f for f in formats if f not in early)
    out = _produce_here(prepared, here) if here else {}
    for fmt, writer in early.items():
        try:
            out[fmt], said = writer.result()
        except FontError as exc:
            raise located(exc, prepared.factbase) from None
        prepared.warnings += said
    prepared.warnings[before:] = dict.fromkeys(prepared.warnings[before:])  # each process settles the same fonts
    return {fmt: out[fmt] for fmt in formats}


def _produce_here(prepared: Prepared, formats: tuple[str, ...]) -> dict[str, bytes]:
    from briefgen.runtime import TimeLimit, time_limit
    from briefgen.writers import WriterOptions, get_writer

    out = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BriefgenWarning)
        theme = prepared.theme
        if {"pdf", "docx", "html"} & set(formats):
            from briefgen.writers.fonts import settle

            theme = settle(theme)  # the writers name the same family; a missing font warns once
        options = WriterOptions(theme, pdf_standard=prepared.pdf_standard, reference_docx=prepared.reference_docx)
        for fmt in formats:
            write = get_writer(fmt)
            limit = None
            try:
                with time_limit(WRITE_SECONDS) as limit:
                    out[fmt] = write(prepared.document, options)
            except FontError as exc:
                raise located(exc, prepared.factbase) from None
            except Exception as exc:
                # reportlab turns some exceptions raised inside its layout into its own (LayoutError)
                if not (isinstance(exc, TimeLimit) or (limit is not None and limit.expired)):
                    raise
                raise BriefgenError(f"the {fmt.upper()} writer was still working after {WRITE_SECONDS} s: the brief "
                                    "is far too long (is a fact or a template producing megabytes of text?)") from None
    prepared.warnings += [str(w.message) for w in caught if issubclass(w.category, BriefgenWarning)]
    if "pdf" in out:  # a meeting brief's limit is its top sheet; a country brief's, its length
        from briefgen.build.length import length_warning
        from briefgen.build.topsheet import top_sheet_warning

        too_long = (top_sheet_warning(prepared.document, out["pdf"]) if prepared.top_sheet
                    else length_warning(out["pdf"], prepared.config.max_pages))
        if too_long:
            prepared.warnings.append(too_long)
    return out


def located(exc: FontError, fb: FactBase) -> BriefgenError:
    """A missing glyph reported at the facts that contain it (else as the writer said it; also
    without the fact base, in a writer process that was sent the document alone)."""
    if not exc.missing or fb is None:
        return exc
    found = fb.locate(lambda text: any(c in text for c in exc.missing))
    if not found:
        return exc
    problems = []
    for where, text in found:
        chars = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in list(dict.fromkeys(c for c in text if c in exc.missing))[:8])
        problems.append(Problem(where, exc.why.format(chars=chars) if exc.why else
                                f"the font {exc.font} cannot show {chars}; change the text or choose a "
                                "font that covers it in theme.toml"))
    return InvalidInput(problems)


def build(req: BuildRequest, warn=None, jobs: int | None = 1) -> list[Path]:
    """Build the requested formats and write them atomically; returns the paths written.
    `warn(message)` is called for each warning (characters left out, and the like). With `jobs`
    other than 1 (the command line's one-shot build), the PDF and DOCX writers start early in
    processes of their own (build/early.py)."""
    from briefgen.build import early

    writers = early.start(req.formats, jobs, produce)
    try:
        prepared = prepare(req)
        data = produce(prepared, req.formats, writers)
    finally:
        for writer in writers.values():
            writer.stop()
    return write(req, prepared, data, warn)


def write(req: BuildRequest, prepared: Prepared, data: dict[str, bytes], warn=None) -> list[Path]:
    """Report the build's warnings, then write every format made, all or nothing."""
    from briefgen.writers import EXTENSIONS

    for message in prepared.warnings:
        (warn or (lambda _m: None))(message)
    out_dir = req.out if req.out is not None else req.workspace / prepared.config.out
    return write_all({out_dir / f"{prepared.stem}{EXTENSIONS[fmt]}": data[fmt] for fmt in req.formats})
