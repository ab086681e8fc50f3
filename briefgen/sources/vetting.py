"""Warnings about what a fact base's sources can vouch for, beyond the quotes.

- A source record still carrying what `sources add` left for a person to fill: the placeholder
  label ('Text document <id>') or kind ('text document', 'web page', …); a missing type is warned
  about with the attribution rules (facts.attribution).
- A source written 'undated' although its text dates itself: in its head (a date line, a dateline)
  or where an official text closes ('Done in Islamabad on 4 February 2026'). Dates the story only
  mentions are events, not the document's date, and are not warned about.
- A record dated later than every dated source it cites: a report cannot tell what had not yet
  happened, so either the date or the citation is wrong. A plan announced for 'next month' is the
  one honest exception: its text says so ('is to meet', 'will visit', 'scheduled'), and it is not warned about.
"""

from __future__ import annotations

import re

from briefgen import dates
from briefgen.render import cldr
from briefgen.errors import Location, Problem
from briefgen.facts.schema import iter_records
from briefgen.files.root import FileRefused, Root
from briefgen.sources import intake
from briefgen.workspace import SOURCES_FILE

PLACEHOLDER_KINDS = frozenset(intake.KINDS.values())
# A record whose text says it is a plan may be dated after its sources: the date is announced.
_PLAN = re.compile(r"\b(?:will|shall|is to|are to|is due|are due|scheduled|planned|plans? to|expected to|agreed to "
                   r"(?:hold|meet))\b", re.I)


def placeholder_label(kind: str, source_id: str) -> str:
    """The label `sources add` writes when a document has no headline: 'Text document <id>'."""
    return f"{kind.capitalize()} {source_id}"


def source_warnings(fb) -> list[Problem]:
    """Every warning of this module for a loaded fact base, in file order."""
    doc = fb.docs.get(SOURCES_FILE)
    at = doc.at if doc is not None else (lambda _p: Location(SOURCES_FILE))
    found: list[Problem] = []
    for i, source in enumerate(fb.sources.values()):
        if source.label in {placeholder_label(k, source.id) for k in PLACEHOLDER_KINDS}:
            found.append(Problem(at(("sources", i, "label")),
                                 f"source '{source.id}': label '{source.label}' is the placeholder `sources add` "
                                 "wrote; describe the document for the source notes, e.g. 'News report of the "
                                 "state visit'"))
        if source.kind in PLACEHOLDER_KINDS:
            found.append(Problem(at(("sources", i, "kind")),
                                 f"source '{source.id}': kind '{source.kind}' is the file type `sources add` wrote; "
                                 "say what the document is, e.g. 'news report', 'press release', 'joint statement'"))
        if source.date == "undated":
            seen = _dates_it_states(fb.workspace, source.file)
            if seen:
                found.append(Problem(at(("sources", i, "date")),
                                     f"source '{source.id}' is undated, but its text dates itself: {seen}; write that "
                                     "date (YYYY-MM-DD) if it is when the document was issued"))
    for brief_id in sorted(fb.briefs):
        found += later_than_sources(fb, brief_id)
    return found


def _dates_it_states(workspace, rel: str) -> str:
    """The date the head or the closing lines of a source's text state, as said to the user; '' if none."""
    try:
        text = Root.of_workspace(workspace).read_text(rel, "source")
    except (FileRefused, OSError, UnicodeDecodeError):
        return ""  # `check` reports an unreadable source already
    from briefgen.sources import reporthead  # compiled only when a source is undated

    head = reporthead.read_head(text)
    if head.date is not None:
        return f"{cldr.format_partial_date(head.date.value)} ({head.date.how})"
    return "; ".join(f"line {d.line}: '{d.written}'" for d in head.dated_itself)


def later_than_sources(fb, brief_id: str) -> list[Problem]:
    """Records whose `date` starts after the last day of every dated source they cite."""
    rel = fb.brief_files[brief_id]
    doc = fb.docs.get(rel)
    found: list[Problem] = []
    for loc, record in iter_records(fb.briefs[brief_id]):
        if record.date is None:
            continue
        cited = [fb.sources[c.source] for c in record.sources if c.source in fb.sources]
        dated = [s for s in cited if s.date != "undated"]
        if not dated:
            continue
        newest = max(dated, key=lambda s: dates.last_day(s.date))
        if dates.first_day(record.date) > dates.last_day(newest.date) and not _PLAN.search(record.text):
            where = doc.at(loc + ("date",)) if doc is not None else Location(rel)
            found.append(Problem(where, f"'{record.id}' is dated {cldr.format_partial_date(record.date)}, later than "
                                        f"every source it cites (the newest, '{newest.id}', is of "
                                        f"{cldr.format_partial_date(newest.date)}): check the date, or cite a report "
                                        "of the event; a plan says so in its text ('is to meet', 'will visit')"))
    return found
