"""What changed between two editions, in the brief's own terms.

Records are matched by id: added, removed (no longer in the brief) and changed (their sentence word by
word, each value as the brief words it, their sources, their section). Then what a reader of the
first page notices: key figures, the latest contact, sources added or retired, the currency line and
the "Not current" warning, titles that now read "then", and the page count. A change of templates or
theme with no change of data is "wording only"; nothing at all is "no changes".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from briefgen.editions.wording import date_words, shown_values

NOT_GIVEN = "not given"


Words = tuple[tuple[str, str], ...]
"""A sentence's change word by word: ('=', 'same words'), ('-', 'old'), ('+', 'new')."""


@dataclass(frozen=True)
class RecordChange:
    id: str
    section: str
    kind: str  # its place in the fact base: 'meetings', 'summary', …
    change: str  # 'added', 'removed' or 'changed'
    text: str  # the newer sentence (the old one when removed)
    words: Words | None = None  # a changed sentence
    label: tuple[str, str] | None = None  # (old, new) short form
    values: tuple[tuple[str, str, str], ...] = ()  # (field, old, new) in the brief's words
    sources: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (dropped, added) source ids
    moved_from: str | None = None  # the section it was in


@dataclass(frozen=True)
class Change:
    """A figure or line of the brief, before and after."""

    what: str
    old: str
    new: str


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    records: tuple[RecordChange, ...]


@dataclass(frozen=True)
class Changes:
    brief: str
    since: str  # the older edition's date
    since_file: str  # its manifest, as the workspace names it
    sections: tuple[Section, ...] = ()
    key_figures: tuple[Change, ...] = ()
    latest_contact: Change | None = None
    sources_added: tuple[dict, ...] = ()
    sources_retired: tuple[dict, ...] = ()
    sources_changed: tuple[Change, ...] = ()
    currency: Change | None = None  # the currency line ('Sources current to …')
    newest: Change | None = None  # the newest source's date, worded
    not_current: Change | None = None
    then: tuple[str, ...] = ()  # contacts whose participants' titles now read "then"
    no_longer_then: tuple[str, ...] = ()
    pages: Change | None = None
    wording: tuple[str, ...] = ()  # 'templates', 'theme', 'locale' when they differ
    data_changed: bool = False

    @property
    def wording_only(self) -> bool:
        return not self.data_changed and bool(self.wording)

    @property
    def empty(self) -> bool:
        return not self.data_changed and not self.wording and self.pages is None


def word_diff(old: str, new: str) -> Words:
    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(b[j1:j2])))
    return tuple(ops)


def compare(old: dict, new: dict, since_file: str = "") -> Changes:
    locale = new.get("locale", "en_GB")
    names = {**old.get("countries", {}), **new.get("countries", {})}
    before = {r["id"]: r for r in old.get("records", [])}
    after = {r["id"]: r for r in new.get("records", [])}
    headings = {s["name"]: s["heading"] for s in old.get("sections", [])}
    headings.update({s["name"]: s["heading"] for s in new.get("sections", [])})
    order = [s["name"] for s in new.get("sections", [])]
    order += [s["name"] for s in old.get("sections", []) if s["name"] not in order]

    found: list[RecordChange] = []
    for rid, rec in after.items():
        if rid not in before:
            found.append(RecordChange(rid, rec["section"], rec.get("kind", ""), "added", rec["text"]))
        else:
            change = _record_change(before[rid], rec, names, locale)
            if change:
                found.append(change)
    found += [RecordChange(rid, rec["section"], rec.get("kind", ""), "removed", rec["text"])
              for rid, rec in before.items() if rid not in after]
    position = {rid: i for i, rid in enumerate(list(after) + [r for r in before if r not in after])}
    for name in {c.section for c in found} - set(order):
        order.append(name)
    sections = tuple(Section(name, headings.get(name, name.capitalize()),
                             tuple(sorted((c for c in found if c.section == name), key=lambda c: position[c.id])))
                     for name in order if any(c.section == name for c in found))

    key_figures = _key_figures(old.get("key_figures", []), new.get("key_figures", []))
    contact = _contact(old.get("latest_contact"), new.get("latest_contact"), locale)
    old_sources = {s["id"]: s for s in old.get("sources", [])}
    new_sources = {s["id"]: s for s in new.get("sources", [])}
    added = tuple(s for sid, s in new_sources.items() if sid not in old_sources)
    retired = tuple(s for sid, s in old_sources.items() if sid not in new_sources)
    changed_sources = tuple(Change(sid, source_line(old_sources[sid], locale), source_line(s, locale))
                            for sid, s in new_sources.items()
                            if sid in old_sources and old_sources[sid] != s)
    cur_old, cur_new = old.get("currency", {}), new.get("currency", {})
    currency = Change("currency", cur_old.get("line", ""), cur_new.get("line", "")) \
        if cur_old.get("line") != cur_new.get("line") else None
    newest = Change("newest source", date_words(cur_old.get("newest"), locale) or "none dated",
                    date_words(cur_new.get("newest"), locale) or "none dated") \
        if cur_old.get("newest") != cur_new.get("newest") else None
    stale = Change("not current", _shown(cur_old.get("not_current")), _shown(cur_new.get("not_current"))) \
        if bool(cur_old.get("not_current")) != bool(cur_new.get("not_current")) else None
    then_old, then_new = old.get("then", {}), new.get("then", {})
    contacts = {r["id"]: r for r in old.get("records", [])} | after
    now_then = tuple(_contact_name(contacts[m], locale) for m, v in then_new.items() if v and then_old.get(m) is False)
    not_then = tuple(_contact_name(contacts[m], locale) for m, v in then_new.items() if not v and then_old.get(m))
    pages = Change("pages", str(old["pages"]), str(new["pages"])) \
        if old.get("pages") and new.get("pages") and old["pages"] != new["pages"] else None
    wording = tuple(k for k in ("templates", "theme", "locale") if old.get(k) != new.get(k))
    data_changed = bool(sections or key_figures or contact or added or retired or changed_sources or currency
                        or newest or stale or now_then or not_then)
    return Changes(new.get("brief", ""), old.get("date", ""), since_file, sections, key_figures, contact, added,
                   retired, changed_sources, currency, newest, stale, now_then, not_then, pages, wording, data_changed)


def _shown(flag) -> str:
    return "shown" if flag else "not shown"


def _record_change(old: dict, new: dict, names: dict, locale: str) -> RecordChange | None:
    words = word_diff(old["text"], new["text"]) if old["text"] != new["text"] else None
    label = (old.get("label", ""), new.get("label", "")) if old.get("label") != new.get("label") else None
    was, now = shown_values(old.get("values", {}), names, locale), shown_values(new.get("values", {}), names, locale)
    values = tuple((k, was.get(k, NOT_GIVEN), now.get(k, NOT_GIVEN)) for k in dict.fromkeys([*was, *now])
                   if was.get(k) != now.get(k))
    a, b = old.get("sources", []), new.get("sources", [])
    sources = (tuple(s for s in a if s not in b), tuple(s for s in b if s not in a)) if set(a) != set(b) else None
    moved = old["section"] if old["section"] != new["section"] else None
    if not (words or label or values or sources or moved):
        return None
    return RecordChange(new["id"], new["section"], new.get("kind", ""), "changed", new["text"], words, label,
                        values, sources, moved)


def _key_figures(old: list[dict], new: list[dict]) -> tuple[Change, ...]:
    was = {f["label"]: f["value"] for f in old}
    now = {f["label"]: f["value"] for f in new}
    return tuple(Change(label, was.get(label, NOT_GIVEN), now.get(label, NOT_GIVEN))
                 for label in dict.fromkeys([*now, *was]) if was.get(label) != now.get(label))


def contact_words(contact: dict | None, locale: str) -> str:
    if not contact:
        return "none recorded"
    out = date_words(contact.get("date"), locale)
    if contact.get("place"):
        out += f", {contact['place']}"
    if contact.get("participants"):
        people = contact["participants"]
        out += ": " + (", ".join(people[:-1]) + " and " + people[-1] if len(people) > 1 else people[0])
    return out


def _contact(old: dict | None, new: dict | None, locale: str) -> Change | None:
    a, b = contact_words(old, locale), contact_words(new, locale)
    return Change("latest contact", a, b) if a != b else None


def _contact_name(record: dict, locale: str) -> str:
    values = record.get("values", {})
    return ", ".join(p for p in (date_words(values.get("date"), locale), values.get("place")) if p) or record["id"]


def source_line(source: dict, locale: str) -> str:
    """A source as a list names it: its title (else label), publisher and date."""
    parts = [source.get("title") or source.get("label", ""), source.get("publisher"),
             date_words(source.get("date"), locale) if source.get("date") != "undated" else "undated"]
    return ", ".join(p for p in parts if p)
