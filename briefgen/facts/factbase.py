"""Load a workspace's fact base: every file, every record, every quote, all problems at once.

`load_factbase` is the shared front door of `check`, `build` and `email`: it either returns a
fully validated `FactBase` or raises `InvalidInput` listing every problem found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from briefgen.errors import InvalidInput, Location, Problem
from briefgen.facts.meetings import LoadedMeeting, load_meetings
from briefgen.facts.disagree import attribution_problems
from briefgen.facts.people import PEOPLE_FILE, People, PeopleFile
from briefgen.facts.people import index as index_people
from briefgen.facts.people_check import PeopleCheck, check_registry, resolve_participants
from briefgen.facts.provenance import check_brief as check_provenance
from briefgen.facts.statements import quote_problem
from briefgen.facts.quotes import SourceText
from briefgen.facts.schema import (
    Brief,
    CountriesFile,
    Country,
    Record,
    Source,
    SourcesFile,
    iter_records,
)
from briefgen.facts.suggest import close_matches, did_you_mean, nearest_passage
from briefgen.facts.validate import validate
from briefgen.files.root import FileRefused, Root, printable
from briefgen.files.yamlfile import YamlDoc, load_yaml
from briefgen.workspace import BRIEFS_DIR, COUNTRIES_FILE, SOURCES_FILE


@dataclass
class FactBase:
    workspace: Path
    countries: dict[str, Country] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    briefs: dict[str, Brief] = field(default_factory=dict)
    brief_files: dict[str, str] = field(default_factory=dict)
    quotes_verified: int = 0
    docs: dict[str, YamlDoc] = field(default_factory=dict)  # each file as read, for locating values later
    people: People = field(default_factory=People)  # data/people.yaml: who is who (briefgen/facts/people.py)
    documents: dict[str, SourceText] = field(default_factory=dict)  # each source's text, by source id
    meetings: dict[str, LoadedMeeting] = field(default_factory=dict)  # data/meetings, by id
    notes: list[Problem] = field(default_factory=list)  # how check read what it proved ('on Tuesday' -> a date)

    def records_of(self, brief_id: str) -> dict[str, Record]:
        """Every record of a brief by its id."""
        return {r.id: r for _, r in iter_records(self.briefs[brief_id])}
    echoes: object = None  # attribution.Echoes of this fact base, made when first asked for

    def locate(self, predicate) -> list[tuple[Location, str]]:
        """Every text value in the fact base for which `predicate(text)` holds, with its location."""
        found = []

        def walk(value, loc, doc):
            if isinstance(value, str):
                if predicate(value):
                    found.append((doc.at(loc), value))
            elif isinstance(value, dict):
                for k, v in value.items():
                    walk(v, loc + (k,), doc)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, loc + (i,), doc)

        for doc in self.docs.values():
            walk(doc.value, (), doc)
        return found

    @property
    def record_count(self) -> int:
        return sum(1 for brief in self.briefs.values() for _ in iter_records(brief))


def brief_files(workspace: Path) -> list[str]:
    """The brief files of a workspace, workspace-relative, in name order."""
    brief_dir = workspace / BRIEFS_DIR
    if not brief_dir.is_dir():
        return []
    paths = sorted(brief_dir.glob("*.yaml")) + sorted(brief_dir.glob("*.yml"))
    return [f"{BRIEFS_DIR}/{p.name}" for p in paths]


def load_factbase(workspace: Path, only: str | None = None) -> FactBase:
    """Load and validate everything under `workspace`; raise InvalidInput with every problem.

    `only` (a path from `brief_files`) loads just that brief with the shared registries, so that
    a batch build can build each brief on its own and one broken file does not stop the others.
    """
    fb = FactBase(workspace)
    problems: list[Problem] = []

    countries_doc, countries = _load(workspace, COUNTRIES_FILE, CountriesFile, problems, fb)
    sources_doc, sources = _load(workspace, SOURCES_FILE, SourcesFile, problems, fb)
    if countries:
        fb.countries = _index(countries.countries, "code", "country", countries_doc, ("countries",), problems)
    documents: dict[str, SourceText] = {}
    if sources:
        fb.sources = _index(sources.sources, "id", "source", sources_doc, ("sources",), problems)
        for i, src in enumerate(sources.sources):
            doc = _read_source(workspace, src, sources_doc.at(("sources", i, "file")), problems)
            if doc is not None:
                documents[src.id] = doc
    fb.documents = documents
    _load_people(workspace, fb, documents, sources is not None, problems)
    people_check = PeopleCheck(fb.people, fb.countries)

    paths = [only] if only is not None else brief_files(workspace)
    if not paths:
        problems.append(Problem(Location(BRIEFS_DIR), "no brief found: add a data/briefs/<name>.yaml file"))
    for rel in paths:
        doc, brief = _load(workspace, rel, Brief, problems, fb)
        unproven: set[tuple] = set()  # records with a quote that failed: fix the quote first
        if doc is not None and isinstance(doc.value, dict):
            # quotes are checked even when the schema fails, so that one run reports both
            problems += _check_quotes(doc, fb, documents, sources is not None, unproven)
        if brief is None:
            continue
        if brief.id in fb.briefs:
            problems.append(Problem(doc.at(("id",)), f"duplicate brief id '{brief.id}' (also in {fb.brief_files[brief.id]})"))
            continue
        problems += _check_brief(brief, doc, fb, countries is not None)
        problems += check_provenance(brief, doc, fb.countries, skip=unproven, people=people_check,
                                     sources=fb.sources, notes=fb.notes)
        problems += attribution_problems(brief, fb.sources, doc.at)
        brief, unfilled = resolve_participants(brief, fb.people, doc.at)
        problems += unfilled
        fb.briefs[brief.id] = brief
        fb.brief_files[brief.id] = rel
    if only is None:
        load_meetings(workspace, fb, lambda rel, model: _load(workspace, rel, model, problems, fb), problems)

    if problems:
        raise InvalidInput(problems)
    return fb


def _load_people(workspace: Path, fb: FactBase, documents: dict[str, SourceText], sources_known: bool,
                 problems: list[Problem]) -> None:
    """data/people.yaml, when the workspace has one: validated, its quotes found, every name, spelling
    and office proved by them."""
    if not (workspace / PEOPLE_FILE).exists() and not (workspace / PEOPLE_FILE).is_symlink():
        return
    doc, people_file = _load(workspace, PEOPLE_FILE, PeopleFile, problems, fb)
    unproven: set[tuple] = set()
    if doc is not None and isinstance(doc.value, dict):
        problems += _check_quotes(doc, fb, documents, sources_known, unproven)
    if people_file is None:
        return
    fb.people = index_people(people_file, fb.sources, doc.at, problems)
    problems += check_registry(fb.people, doc.at, fb.countries, skip=unproven)


def _load(workspace: Path, rel: str, model: type[BaseModel], problems: list[Problem], fb: FactBase | None = None):
    path = workspace / rel
    if path.is_dir() and not path.is_symlink():
        problems.append(Problem(Location(rel), "is a folder, not a file"))
        return None, None
    # the root joins a relative path to the workspace itself: give it the workspace-relative name
    doc, found = load_yaml(path.absolute(), rel, Root.of_workspace(workspace))
    problems += found
    if doc is not None and fb is not None:
        fb.docs[rel] = doc
    if doc is None or found:
        return doc, None
    if doc.value is None:
        problems.append(Problem(Location(rel), "file is empty"))
        return doc, None
    value, found = validate(model, doc)
    problems += found
    return doc, value


def _index(items, key: str, what: str, doc: YamlDoc, loc: tuple, problems: list[Problem]) -> dict:
    out = {}
    for i, item in enumerate(items):
        k = getattr(item, key)
        if k in out:
            problems.append(Problem(doc.at(loc + (i, key)), f"duplicate {what} '{k}'"))
        else:
            out[k] = item
    return out


def _read_source(workspace: Path, src: Source, where: Location, problems: list[Problem]) -> SourceText | None:
    """A source's text, read through the workspace's door: inside the workspace, a regular file,
    at most 20 MB (a seed is an article or a statement, not a library)."""
    name = printable(src.file)
    try:
        raw = Root.of_workspace(workspace).read_bytes(src.file, "source", where, what=f"source file '{name}'")
    except FileRefused as exc:
        message = exc.message
        if exc.reason == "outside":
            message = f"source file '{name}' is outside the workspace" + (" (it is a link)" if "link" in message else "")
        problems.append(Problem(where, message))
        return None
    try:
        return SourceText(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(where, f"source file '{name}' is not valid UTF-8 (line {line} of that file)"))
        return None


def _check_brief(brief: Brief, doc: YamlDoc, fb: FactBase, countries_known: bool) -> list[Problem]:
    problems: list[Problem] = []
    if countries_known:
        for loc, code in _country_codes(brief):
            if code not in fb.countries:
                problems.append(Problem(doc.at(loc), f"unknown country code '{code}' (not in {COUNTRIES_FILE}; "
                                                     f"{_nearest_countries(code, fb.countries)})"))
    seen: dict[str, int | None] = {}
    for loc, record in iter_records(brief):
        where = doc.at(loc + ("id",))
        if record.id in seen:
            problems.append(Problem(where, f"duplicate record id '{record.id}' (first on line {seen[record.id]})"))
        else:
            seen[record.id] = where.line
    return problems


def _citations(value, loc: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """Every `{source, quote}` pair under a `sources:` list of the raw YAML, with its path. Read from
    the raw value rather than the model so that a brief failing the schema is quote-checked too;
    pairs that are not two strings are left to the schema's report."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("sources", "also_reported") and isinstance(item, list):
                for i, cite in enumerate(item):
                    if isinstance(cite, dict) and isinstance(cite.get("source"), str) and isinstance(cite.get("quote"), str) \
                            and cite["quote"].strip():
                        yield loc + (key, i), cite["source"], cite["quote"]
            else:
                yield from _citations(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _citations(item, loc + (i,))


def _check_quotes(doc: YamlDoc, fb: FactBase, documents: dict[str, SourceText], sources_known: bool,
                  unproven: set[tuple]) -> list[Problem]:
    """Every citation's quote against its document; adds the path of each record with a failing
    quote to `unproven`, whose fields are then not checked against quotes that are wrong anyway."""
    problems: list[Problem] = []
    for cite_loc, source, quote in _citations(doc.value):
        weak = quote_problem(quote)
        if weak:
            problems.append(Problem(doc.at(cite_loc + ("quote",)), weak))
            unproven.add(cite_loc[:-2])
        if source not in fb.sources:
            if sources_known:
                hint = did_you_mean(source, fb.sources)
                problems.append(Problem(doc.at(cite_loc + ("source",)),
                                        f"unknown source id '{source}' (not in {SOURCES_FILE}{'; ' + hint if hint else ''})"))
                unproven.add(cite_loc[:-2])
            continue
        document = documents.get(source)
        if document is None or weak:
            continue  # the unreadable source file, or the quote, is reported already
        if document.contains(quote):
            fb.quotes_verified += 1
        else:
            unproven.add(cite_loc[:-2])
            problems.append(Problem(doc.at(cite_loc + ("quote",)), _not_found(quote, source, fb.sources[source].file, document)))
    return problems


def _country_codes(brief: Brief) -> Iterator[tuple[tuple, str]]:
    for i, code in enumerate(brief.countries):
        yield ("countries", i), code
    for loc, record in iter_records(brief):
        fields = type(record).model_fields  # asking a pydantic model for a field it lacks is slow
        for name in ("supporter", "supported", "exporter", "importer", "host", "origin", "owner"):
            value = getattr(record, name) if name in fields else None
            if value and value.isupper() and len(value) == 2:
                yield loc + (name,), value
        for i, code in enumerate(record.members if "members" in fields else ()):
            yield loc + ("members", i), code
        for i, p in enumerate(record.participants if "participants" in fields else ()):
            if getattr(p, "country", None):
                yield loc + ("participants", i, "country"), p.country


def _not_found(quote: str, source: str, file: str, document: SourceText) -> str:
    """The whole quote, then the source's nearest passage with what differs marked."""
    message = f"quote not found in source '{source}' ({file}): \"{quote.strip()}\""
    passage = nearest_passage(document.text, quote)
    return message + (f"; {passage.describe(file)}" if passage else "; no passage of the source shares its words")


def _nearest_countries(code: str, countries: dict[str, Country]) -> str:
    near = close_matches(code, countries, n=3, cutoff=0.5)
    near += [c for c in sorted(countries) if c[0] == code[:1] and c not in near]
    near.sort(key=lambda c: c[0] != code[:1])  # KG: KZ before PK
    if not near:
        near = sorted(countries)[:5]
    if not near:
        return "the file lists no country"
    listed = ", ".join(f"{c} ({countries[c].name})" for c in near[:3])
    return f"did you mean {listed}?" if len(near) == 1 else f"nearest: {listed}"
