"""The steps the commands take: the brief as the workspace makes it now compared with an edition, the
changes box put on its page 1, and an edition recorded once a brief is written or sent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefgen.build.pipeline import BuildRequest, Prepared, prepare, produce, write
from briefgen.editions.diff import Changes, compare
from briefgen.editions.record import is_country_brief, record_edition
from briefgen.editions.report import box_items
from briefgen.editions.store import list_editions, pick, write_edition
from briefgen.editorial.context import ChangesBox


def changes_since(workspace: Path, prepared: Prepared, since: str, pages: bool = False) -> Changes:
    """What changed in `prepared` (the brief as it is now) since the edition `since` names ('last' or
    a date). With `pages`, the PDF is made in memory to compare the page count."""
    old = pick(list_editions(workspace, prepared.brief_id), since, prepared.brief_id)
    data = produce(prepared, ("pdf",)) if pages and old.manifest.get("pages") else {}
    return compare(old.manifest, record_edition(prepared, data, "diff"), old.path)


def with_changes_box(req: BuildRequest, prepared: Prepared, since: str | None) -> Prepared:
    """`prepared` again with the box of changes since the edition `since` names on page 1 (the fact
    base is not read again); `prepared` itself when `since` is None."""
    if since is None:
        return prepared
    changes = changes_since(req.workspace, prepared, since)
    box = ChangesBox(changes.since, box_items(changes, prepared.context["build"].locale))
    return prepare(replace(req, changes=box), loaded=(prepared.config, prepared.factbase))


def build_and_record(req: BuildRequest, since: str | None, record: bool, warn=None) -> tuple[list[Path], Path | None]:
    """`build`, with the changes box (`since`) and an edition recorded (`record`) once every file is
    written. Returns (the paths written, the edition's path or None)."""
    prepared = prepare(req)
    if not is_country_brief(prepared):  # refused before anything is written
        record_edition(prepared, {}, "build")
    prepared = with_changes_box(req, prepared, since)
    data = produce(prepared, req.formats)
    paths = write(req, prepared, data, warn)
    return paths, record_from(req.workspace, prepared, data, "build") if record else None


def record_from(workspace: Path, prepared: Prepared, data: dict[str, bytes], recorded_by: str) -> Path | None:
    """Record the edition a country brief went out in (`email`: once the draft is written or the message
    sent); None for a meeting brief."""
    if not is_country_brief(prepared):
        return None
    return write_edition(workspace, record_edition(prepared, data, recorded_by))
