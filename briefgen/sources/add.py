"""`briefgen sources add`: register a new source document in a workspace in one step.

The document (a local file or an http(s) URL) becomes UTF-8 text under seeds/, its original
is kept under seeds/originals/ so the extraction can be redone, and a record is appended to
data/sources.yaml as text, so the file's comments and layout stay exactly as the user wrote
them. Everything is checked before anything is written, and the files are written together
or not at all: a failure leaves the workspace as it was. Nothing here overwrites a file or
reuses an id.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefgen.sources import intake, reporthead
from briefgen.errors import BriefgenError, InvalidInput, Location, Problem
from briefgen.workspace import SEEDS_DIR, SOURCES_FILE
from briefgen.files.root import LIMITS, MB, FileRefused, Root, read_regular, shown
from briefgen.files.output import safe_name, write_all
from briefgen.files.yamlfile import parse_yaml

ORIGINALS_DIR = "seeds/originals"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ID_MAX = 80
_SLUG_MAX = 48  # leaves room for '-YYYY-MM-DD' and a '-2' within the id limit


class SourceAddError(BriefgenError):
    """The document cannot be registered as asked; nothing was written."""


@dataclass
class Added:
    """What `add_source` did, for the user to review."""

    source_id: str
    text_file: str  # workspace-relative
    original: str | None  # workspace-relative; None when the text file is the original
    filled: list[tuple[str, str, str]]  # (field, value, where the value came from) written to the record
    to_check: list[str] = field(default_factory=list)
    lines: int = 0


def add_source(workspace: Path, target: str, source_id: str | None = None, *, source_type: str | None = None,
               today: date | None = None, timeout: float | None = None, max_bytes: int | None = None) -> Added:
    """Read or fetch `target`, extract its text, and register it; raise before writing anything."""
    from typing import get_args

    from briefgen.sources import fetch
    from briefgen.facts.schema import SourceType

    if source_type is not None and source_type not in get_args(SourceType):
        raise SourceAddError(f"'{source_type}' is not a source type: use one of {', '.join(get_args(SourceType))}")

    timeout = fetch.TIMEOUT if timeout is None else timeout
    max_bytes = fetch.MAX_BYTES if max_bytes is None else max_bytes
    today = today or date.today()
    root = Root.of_workspace(workspace)
    _, existing, _ = _read_registry(root)  # read again under the lock before writing
    if source_id is not None:
        _check_given_id(source_id, existing)  # before a download that would be in vain

    # 1. the document's bytes, and where they came from
    url = None
    if fetch.is_url(target):
        got = fetch.fetch(target, timeout=timeout, max_bytes=max_bytes)
        data, url, media_type, charset, name = got.data, got.url, got.content_type, got.charset, urlsplit(got.url).path
    else:
        data, name = _read_local(Path(target), max_bytes, workspace), target
        media_type, charset = "", None

    # 2. its text and metadata
    fmt = intake.detect_format(data, name, media_type)
    if fmt is None:
        raise SourceAddError(_unknown_format(name, media_type), Location(target))
    try:
        doc = intake.extract(data, fmt, url=url, charset=charset, max_bytes=max_bytes)
    except intake.ExtractError as exc:
        raise SourceAddError(exc.message, Location(target)) from None
    page_url = url or _canonical_url(data, fmt)
    text_bytes = doc.text.encode("utf-8")
    if len(text_bytes) > LIMITS["source"]:  # `check` and `build` would refuse it, and the workspace with it
        raise SourceAddError(f"its text is {len(text_bytes) / MB:,.1f} MB; a source may be at most "
                             f"{LIMITS['source'] // MB} MB of text (check and build read no more): add the part "
                             "the brief cites, or split the document", Location(target))
    with _registry_locked(root):  # several adds at once: each reads the registry the last one wrote
        return _register(root, workspace, target, source_id, source_type, doc, fmt, data, url, page_url, name,
                         text_bytes, today)


def _register(root: Root, workspace: Path, target: str, source_id: str | None, source_type: str | None,
              doc: intake.Extracted, fmt: str, data: bytes, url: str | None, page_url: str | None, name: str,
              text_bytes: bytes, today: date) -> Added:
    sources_path = root.locate(SOURCES_FILE)
    yaml_text, existing, bom = _read_registry(root)
    if source_id is not None:
        _check_given_id(source_id, existing)
    if page_url:
        _refuse_known_url(page_url, target, existing)
    _refuse_known_text(root, doc.text, existing)

    # 3. an id and file names that are free
    if source_id is None:
        source_id = _free_id(_id_stem(doc, page_url or name), workspace, existing, fmt)
    text_rel = f"{SEEDS_DIR}/{source_id}.txt"
    original_rel = None if fmt == intake.TEXT and data == text_bytes else \
        f"{ORIGINALS_DIR}/{source_id}{intake.SUFFIXES[fmt]}"
    targets = {rel: _target(root, rel) for rel in (text_rel, original_rel) if rel}
    taken = [rel for rel, real in targets.items() if os.path.lexists(real)]
    if taken:
        raise SourceAddError(f"not overwriting {', '.join(taken)}: choose another id with --id", Location(target))

    # 4. the record, checked by the schema, and data/sources.yaml with it appended
    record, added = _record(source_id, source_type, doc, fmt, url, page_url, text_rel, today)
    # a file written on Windows stays so: CRLF line ends and a byte-order mark are kept
    crlf = "\r\n" in yaml_text and "\n" not in yaml_text.replace("\r\n", "")
    new_yaml = append_record(yaml_text.replace("\r\n", "\n") if crlf else yaml_text, record, existing)
    new_yaml = new_yaml.replace("\n", "\r\n") if crlf else new_yaml
    added.lines = doc.text.count("\n")
    added.original = original_rel
    files = {targets[text_rel]: text_bytes, sources_path: bom + new_yaml.encode("utf-8")}
    if original_rel:
        files[targets[original_rel]] = data
    write_all(files)
    return added


@contextmanager
def _registry_locked(root: Root):
    """An exclusive lock on the registry's folder (data/) while it is read, extended and replaced:
    the file itself is replaced by a rename, so a lock on it would guard a file no longer there."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; adds there run one at a time anyway
        yield
        return
    fd = os.open(root.locate(SOURCES_FILE).parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# --- reading --------------------------------------------------------------------------------


def _read_registry(root: Root) -> tuple[str, list[dict], bytes]:
    """data/sources.yaml as text, its source entries as read (not schema-checked: a record
    elsewhere in the file with a mistake does not stop a new one being added), and its byte-order
    mark (b"" when it has none)."""
    if not root.is_file(SOURCES_FILE):
        raise SourceAddError(f"no {SOURCES_FILE} here: run this in a workspace folder, or give it with --workspace",
                             Location(SOURCES_FILE))
    try:
        raw = root.read_bytes(SOURCES_FILE, "facts")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceAddError("file is not valid UTF-8 text", Location(SOURCES_FILE)) from None
    bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
    doc, problems = parse_yaml(text, SOURCES_FILE)
    if problems or doc is None:
        raise InvalidInput(problems or [Problem(Location(SOURCES_FILE), "cannot read file")])
    value = doc.value
    if value is None:
        return text, [], bom
    if not isinstance(value, dict) or not isinstance(value.get("sources", []), (list, type(None))):
        raise SourceAddError("expected a 'sources:' list", Location(SOURCES_FILE, 1))
    entries = [e for e in value.get("sources") or [] if isinstance(e, dict)]
    for i, entry in enumerate(entries):
        entry["_line"] = doc.line_of(("sources", i))
    return text, entries, bom


def _read_local(path: Path, max_bytes: int, workspace: Path) -> bytes:
    """The document the user named: any ordinary file they can read (it is their choice, so it is
    not confined to the workspace), through the same checks as every read (no FIFOs, devices or
    files under /proc; the size cap)."""
    where = Location(shown(path, workspace))
    if not os.path.lexists(path):
        first = path.as_posix().split("/")[0]
        if re.match(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$", first, re.I):  # 'www.gov.kz/page'
            raise SourceAddError(f"file not found; for a web page give the whole address: https://{path.as_posix()}",
                                 where)
        raise SourceAddError("file not found", where)
    try:  # not confined to the workspace, but never a system file (a link to /proc/self/environ)
        real = Root(Path("/"), workspace, "the file system").locate(Path(os.path.abspath(path)), where)
    except FileRefused as exc:
        raise SourceAddError(exc.message, where) from None
    return read_regular(real, max_bytes, where)


def _target(root: Root, rel: str) -> Path:
    """Where `rel` really is; refused when a linked folder on the way leads out of the workspace."""
    try:
        return root.locate(rel)
    except FileRefused as exc:
        if exc.reason != "outside":
            raise
        raise SourceAddError(f"would be written outside the workspace (a folder on the way is a link); "
                             "nothing was written", Location(rel)) from None


def _unknown_format(name: str, media_type: str) -> str:
    suffix = Path(urlsplit(name).path).suffix.lower()
    if suffix in (".doc", ".rtf", ".odt"):
        return f"cannot read {suffix} files: open it in Word or LibreOffice and save it as .docx, then add that"
    what = f" (the server calls it {media_type})" if media_type else ""
    return (f"cannot tell what kind of document this is{what}: briefgen reads web pages (.html), PDF, "
            "Word (.docx) and plain text (.txt) files")


def _canonical_url(data: bytes, fmt: str) -> str | None:
    """The address a saved web page names for itself (its canonical link or og:url), if any."""
    if fmt != intake.HTML:
        return None
    from trafilatura.metadata import extract_metadata

    try:
        meta = extract_metadata(data)
    except Exception:  # metadata is a bonus: the text was extracted already
        return None
    url = getattr(meta, "url", None) if meta is not None else None
    if not isinstance(url, str) or len(url) > _URL_MAX or any(c.isspace() for c in url):
        return None  # a page's own link that no reader could use is left out, not an error
    try:
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None


_URL_MAX = 2000  # as the schema's url field


# --- ids and duplicates ---------------------------------------------------------------------


def _check_given_id(source_id: str, existing: list[dict]) -> None:
    if not _ID.match(source_id) or len(source_id) > _ID_MAX:
        raise SourceAddError(f"'{source_id}' cannot be a source id: use lower-case letters, digits and hyphens "
                             f"(at most {_ID_MAX}), starting with a letter or digit")
    for entry in existing:
        if entry.get("id") == source_id:
            raise SourceAddError(f"a source with id '{source_id}' exists already: choose another id with --id",
                                 Location(SOURCES_FILE, entry["_line"]))


def _refuse_known_url(url: str, asked: str, existing: list[dict]) -> None:
    for entry in existing:
        if entry.get("url") in (url, asked):
            raise SourceAddError(f"this address is registered already as source '{entry.get('id')}'",
                                 Location(SOURCES_FILE, entry["_line"]))


def _refuse_known_text(root: Root, text: str, existing: list[dict]) -> None:
    """The same document added twice would split its quotes over two ids."""
    size = len(text.encode("utf-8"))
    for entry in existing:
        rel = entry.get("file")
        if not isinstance(rel, str):
            continue
        try:
            if os.stat(root.locate(rel)).st_size == size and root.read_text(rel, "source") == text:
                raise SourceAddError(f"this document's text is registered already as source '{entry.get('id')}' "
                                     f"({rel})", Location(SOURCES_FILE, entry["_line"]))
        except (FileRefused, OSError, UnicodeDecodeError):
            continue  # `check` reports an unreadable source; here it only cannot be compared


def _id_stem(doc: intake.Extracted, name: str) -> str:
    """A readable id from the title (else the file or page name), cut at a word boundary."""
    # a headline read from the text is long and may be wrong: a file's own name is the better id then
    title = doc.title if not doc.origins.get("title", "").startswith("line ") else None
    base = title or Path(unquote(urlsplit(name).path)).stem or doc.publisher or "source"
    slug = safe_name(base)
    if slug == "brief" and "brief" not in base.lower():  # safe_name's stand-in for a name with no ASCII letters
        slug = "source"
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("-", 1)[0] or slug[:_SLUG_MAX]
    # a page's publication date tells versions of a story apart; a file's creation date may be any date
    if doc.format == intake.HTML and doc.date and len(doc.date) == 10 and not slug.endswith(doc.date):
        slug = f"{slug}-{doc.date}"
    return slug


def _free_id(stem: str, workspace: Path, existing: list[dict], fmt: str) -> str:
    ids = {e.get("id") for e in existing if isinstance(e.get("id"), str)}  # `id: [x]` is the schema's to report
    for n in range(1, 1000):
        candidate = stem if n == 1 else f"{stem}-{n}"
        files = (f"{SEEDS_DIR}/{candidate}.txt", f"{ORIGINALS_DIR}/{candidate}{intake.SUFFIXES[fmt]}")
        if candidate not in ids and not any(os.path.lexists(workspace / f) for f in files):
            return candidate
    raise SourceAddError(f"no free id like '{stem}': choose one with --id")


# --- the record -----------------------------------------------------------------------------


def _record(source_id: str, source_type: str | None, doc: intake.Extracted, fmt: str, url: str | None, page_url: str | None,
            text_rel: str, today: date) -> tuple[dict[str, str | None], Added]:
    """The new entry (only fields this version's schema has), checked by the schema, and the
    notes for the user: what was filled from where, and what only a person can check."""
    from pydantic import ValidationError

    from briefgen.facts.schema import Source

    known = set(Source.model_fields)
    check: list[str] = []
    values: dict[str, str | None] = {
        "id": source_id,
        "label": doc.title or f"{intake.KINDS[fmt].capitalize()} {Path(text_rel).stem}",
        "type": source_type,
        "title": doc.title,
        "kind": intake.KINDS[fmt],
        "publisher": doc.publisher,
        "place": doc.place,
        "author": doc.author,
        "date": doc.date or "undated",
        "url": page_url,
        "accessed": today.isoformat() if url else None,
        "file": text_rel,
    }
    # every field of the schema in its order, null where the document does not say (as the file
    # writes it by hand): the user sees at once what is left to fill in
    record = {k: values.get(k) for k in Source.model_fields if k in values or not Source.model_fields[k].is_required()}
    try:
        Source.model_validate(record)
    except ValidationError as exc:  # each field's reason, never pydantic's report with the whole input
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg'].removeprefix('Value error, ')}"
                            for e in exc.errors(include_url=False, include_input=False))
        raise SourceAddError(f"the record this document gives is not valid: {reasons[:500]}") from None

    news = next((how for how in (doc.origins.get("publisher", ""), doc.origins.get("author", ""))
                 if how.startswith(("the agency tag", "the byline"))), None)
    if doc.title:
        check.append("label: now the title; shorten it to a description if you like (source notes print the "
                     "title; the label stands where a document has none)")
    else:
        check.append(f"label: '{record['label']}' is a placeholder: write a short description for the source notes; "
                     "`check` warns until you do")
    check.append(f"kind: '{record['kind']}' says only the file type: write what the document is, e.g. 'news report', "
                 "'press release', 'joint statement'" + (f" (it reads like a news report: {news})" if news else "")
                 + "; `check` warns until you do")
    if "type" in known and record.get("type") is None:
        check.append("type: official, news, research or commentary (or give --type); `check` warns until it is set")
    for name, why in (("title", "the document's own headline"), ("publisher", "who published it"),
                      ("author", "who wrote it"), ("place", "where it was issued")):
        if name in known and record.get(name) is None:
            check.append(f"{name}: not found; add it if the document names {why}"
                         + "".join(f"; seen: {c}" for c in doc.candidates.get(name, [])))
    if not doc.date:
        seen = doc.candidates.get("date", [])
        check.append("date: not proved, written as 'undated'" + "".join(f"; seen: {c}" for c in seen)
                     + "; write the date the document was issued (date: YYYY-MM-DD), or keep 'undated' if it has none"
                     + ("; `check` warns while the text states a full date" if reporthead.text_dates(doc.text) else ""))
    check += [f"note: {note}" for note in doc.notes]
    others = [d for d in reporthead.text_dates(doc.text) if d.iso != doc.date]
    if others:
        shown = list({d.iso: d for d in others}.values())[:5]
        listed = "; ".join(f"line {d.line}: {d.written}" for d in shown)
        more = f" and {len(others) - len(shown)} more" if len(others) > len(shown) else ""
        if doc.date:
            check.append(f"dates in the text differ from {doc.date}: {listed}{more}")
        else:
            check.append(f"dates in the text: {listed}{more}")
    if page_url and not url:
        check.append("url: taken from the saved page's own link; open it to make sure it is the page")
        if "accessed" in known:
            check.append("accessed: when the page was saved")
    check += doc.damage
    check.append(f"{text_rel}: read it through; extraction can keep a caption or drop a paragraph")
    origins = doc.origins | {"label": doc.origins.get("title", ""), "accessed": "",
                             "url": "" if url else "the saved page's own link"}
    filled = [(k, v, origins.get(k, "")) for k, v in record.items() if k not in ("id", "file") and v is not None]
    return record, Added(source_id, text_rel, None, filled, check)


def intake_dates(doc: intake.Extracted) -> list:
    return reporthead.text_dates(doc.text)


def _scalar(key: str, value: str | None) -> str:
    """A YAML scalar as a person would write it: ids, file paths, kinds and dates plain or simply
    quoted, free text double-quoted (JSON string syntax is valid YAML and escapes everything)."""
    if value is None:
        return "null"
    if key in ("id", "file") and re.match(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", value):
        return value
    if key in ("kind", "type") and re.match(r"^[A-Za-z][A-Za-z ]*[A-Za-z]$", value):
        return value
    if key == "date" or key == "accessed":
        return value if value == "undated" else f'"{value}"'
    return json.dumps(value, ensure_ascii=False)


def append_record(yaml_text: str, record: dict[str, str | None], existing: list[dict]) -> str:
    """`yaml_text` with `record` added at the end of its `sources:` list, every other byte kept.

    The result is parsed again and must read as the old entries plus the new one; a layout this
    cannot extend (a flow list `[...]`, the list not last in the file) is refused, not rewritten."""
    dash, key_indent = _item_indent(yaml_text)
    head = yaml_text
    empty_list = re.compile(r"^sources:[ \t]*(\[[ \t]*\])?[ \t]*(#[^\n]*)?$", re.M)
    if not existing:
        m = empty_list.search(yaml_text)
        if m:
            head = yaml_text[: m.start()] + "sources:" + (f"  {m.group(2)}" if m.group(2) else "") + yaml_text[m.end():]
        elif not yaml_text.strip() or all(l.lstrip().startswith("#") for l in yaml_text.splitlines() if l.strip()):
            head = yaml_text + ("\n" if yaml_text and not yaml_text.endswith("\n") else "") + "sources:\n"
    if head and not head.endswith("\n"):
        head += "\n"
    keys = list(record)
    block = [f"{dash}{keys[0]}: {_scalar(keys[0], record[keys[0]])}"]
    block += [f"{key_indent}{k}: {_scalar(k, record[k])}" for k in keys[1:]]
    new_text = head + "\n".join(block) + "\n"

    doc, problems = parse_yaml(new_text, SOURCES_FILE)
    got = (doc.value or {}).get("sources") if doc is not None and isinstance(doc.value, dict) else None
    old = [{k: v for k, v in e.items() if k != "_line"} for e in existing]
    if problems or not isinstance(got, list) or got[:-1] != old or got[-1:] != [record]:
        listing = "\n".join(block)
        raise SourceAddError("cannot append to this file's layout (the sources list must be the last thing in "
                             f"it, one '- id:' item after another); add this record by hand:\n{listing}",
                             Location(SOURCES_FILE))
    return new_text


def _item_indent(yaml_text: str) -> tuple[str, str]:
    """The dash and key indentation of the list's items as the file writes them (default: 2 and 4)."""
    m = re.search(r"^( *)(- +)[A-Za-z_]+:", yaml_text, re.M)
    if not m:
        return "  - ", "    "
    return m.group(1) + m.group(2), " " * (len(m.group(1)) + len(m.group(2)))
