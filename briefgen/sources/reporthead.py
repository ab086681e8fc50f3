"""What the top of a report says about itself: headline, byline, date line and dateline.

News is written to a few conventions, and a report states its own metadata in them before the
story starts::

    Pakistan, Kazakhstan sign 37 agreements          <- headline
    By Aidana Serikova                               <- byline
    Wed Feb 04 2026 / Updated 04 February 2026       <- date line
    ISLAMABAD, Feb 4 (PTI) – Pakistan and …          <- dateline: place, date, agency tag

`read_head` reads those lines and gives each value with the line it came from; what it cannot prove
stays None, with the candidates it saw, for a person to decide. The rules that keep it honest: a
weekday or a month is never a place; a dateline without a year takes its year only from a full date
the text itself states (never from today's date), and says which; a date line whose weekday does not
fall on its date proves nothing. Official texts often date themselves at the end instead ("Done in
Islamabad on 4 February 2026", or a closing "Islamabad / 04 February 2026"): such a date is offered
as a candidate, since it may date a signing rather than the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from briefgen import dates

# --- full dates written in a text ------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+(?P<year>\d{4})\b", re.I),
    # 04.02.2026: day first, as the outlets that write dates with dots do
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>\d{4})(?![\d.]?\d)"),
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_WORDS = {w: i for i, w in enumerate(WEEKDAYS)} | {w[:3]: i for i, w in enumerate(WEEKDAYS)} | \
    {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_WEEKDAY = r"\b(?P<weekday>" + "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True)) + r")\b\.?"


@dataclass(frozen=True)
class TextDate:
    line: int
    written: str  # as the text has it
    iso: str


def text_dates(text: str, limit: int = 200) -> list[TextDate]:
    """Full dates (day, month and year) written in the text, in order, with their line numbers.

    Only the first `limit` lines are read: a publication date stands near the top; dates deep in
    a long report are events, not its date."""
    found: list[TextDate] = []
    for number, line in enumerate(text.split("\n")[:limit], 1):
        hits = []
        for pattern in DATE_PATTERNS:
            for m in pattern.finditer(line):
                if any(s < m.end() and m.start() < e for s, e, _ in hits):
                    continue
                groups = m.groupdict()
                month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get(groups["month"].lower().rstrip("."))
                try:
                    iso = date(int(groups["year"]), month, int(groups["day"])).isoformat()
                except (ValueError, TypeError):
                    continue
                hits.append((m.start(), m.end(), TextDate(number, m.group(0), iso)))
        found += [hit for _, _, hit in sorted(hits, key=lambda h: h[0])]
    return found


# --- the head's lines ------------------------------------------------------------------------

# Agency tags as datelines write them, with the agency's name (said to the user; the tag is recorded).
AGENCIES = {
    "PTI": "Press Trust of India", "APP": "Associated Press of Pakistan", "TDI": "The Diplomatic Insight",
    "AFP": "Agence France-Presse", "AP": "The Associated Press", "REUTERS": "Reuters", "AA": "Anadolu Agency",
    "XINHUA": "Xinhua", "TASS": "TASS", "IANS": "Indo-Asian News Service", "ANI": "Asian News International",
    "UNI": "United News of India", "DPA": "Deutsche Presse-Agentur", "EFE": "EFE", "ANSA": "ANSA",
    "KAZINFORM": "Kazinform", "IRNA": "Islamic Republic News Agency", "BERNAMA": "Bernama", "YONHAP": "Yonhap",
    "KYODO": "Kyodo News", "BSS": "Bangladesh Sangbad Sangstha", "TREND": "Trend", "APA": "APA",
    "SPUTNIK": "Sputnik", "INTERFAX": "Interfax", "KABAR": "Kabar", "AKIPRESS": "AKIpress", "NNI": "NNI",
    "ONLINE": "Online", "INP": "INP", "UNA": "UNA", "WAM": "WAM", "SPA": "Saudi Press Agency", "QNA": "QNA",
}
# Capitalised words that open a line with a colon or dash and are not places.
_NOT_PLACES = {
    "also", "read", "note", "source", "sources", "photo", "photos", "caption", "update", "updated", "breaking",
    "exclusive", "analysis", "opinion", "editorial", "comment", "factbox", "explainer", "watch", "video", "live",
    "corrected", "correction", "refile", "urgent", "flash", "advisory", "editors", "editor", "summary",
    "background", "disclaimer", "published", "posted", "date", "dated", "issued", "subject", "re", "by",
    "tags", "topics", "share", "related", "more", "see", "listen", "q", "a", "the", "this", "today", "yesterday",
    "file", "image", "credit", "reporting", "writing", "editing", "copyright", "press", "release", "statement",
    # titles that open a speaker's line ('President Tokayev: …')
    "president", "prime", "minister", "foreign", "deputy", "ambassador", "chairman", "chairperson", "spokesperson",
    "spokesman", "secretary", "senator", "general", "king", "queen", "prince", "sheikh", "mr", "mrs", "ms", "dr",
} | set(_WEEKDAY_WORDS) | set(MONTHS)
_GENERIC_BYLINES = re.compile(r"^(?:(?:our|a|the)\s+)?(?:staff|special)?\s*(?:reporter|correspondent|writer|"
                              r"web desk|news desk|monitoring desk|desk|agencies|agency|news service|bureau|"
                              r"staff|editorial board|reporters?)(?:\s+report)?$", re.I)

_CAPS_WORD = r"[A-Z][A-Z'’.\-]*[A-Z]"
_TITLE_WORD = r"[A-Z][a-z'’]+(?:-[A-Z]?[a-z'’]+)*"
_PLACE = rf"(?P<place>{_CAPS_WORD}(?: {_CAPS_WORD}){{0,3}}|{_TITLE_WORD}(?: {_TITLE_WORD}){{0,3}})"
_MONTHS_RE = "(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_REGION = rf"(?:,\s*(?!{_MONTHS_RE}\b)(?P<region>{_TITLE_WORD}(?: {_TITLE_WORD})?|{_CAPS_WORD}))?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_FULL = (rf"\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTHS_RE},?\s+\d{{4}}|{_MONTHS_RE}\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}"
         r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}")
_MONTH_DAY = rf"(?P<dl_month>{_MONTHS_RE})\s+(?P<dl_day>\d{{1,2}}){_ORDINAL}"
_DAY_MONTH = rf"(?P<dl_day2>\d{{1,2}}){_ORDINAL}\s+(?P<dl_month2>{_MONTHS_RE})"
_TAG = r"(?:\s*\((?P<agency>[^()\n]{2,30})\)|\s*/(?P<agency_slash>[A-Za-z][\w .-]{1,20})/)"
_SEP = r"\s*(?P<sep>:|--|[–—-]|\.)(?:\s+|$)"
DATELINE = re.compile(
    rf"^{_PLACE}{_REGION}(?:,?\s+(?:(?P<full>{_FULL})|{_MONTH_DAY}|{_DAY_MONTH}))?"
    rf"(?:\.?{_TAG}|\.\s+(?P<agency_caps>[A-Z]{{3,}}))?{_SEP}")


@dataclass(frozen=True)
class Found:
    """A value the head states, with where: said to the user as 'from <how>'."""

    value: str
    line: int
    how: str


@dataclass
class Head:
    title: Found | None = None
    author: Found | None = None
    agency: Found | None = None  # the tag as written: 'PTI'
    place: Found | None = None
    date: Found | None = None
    body_line: int | None = None  # where the story starts
    candidates: dict[str, list[str]] = field(default_factory=dict)  # field -> what was seen but not proved
    dated_itself: list[TextDate] = field(default_factory=list)  # full dates where it dates itself, not taken
    notes: list[str] = field(default_factory=list)

    def offer(self, name: str, text: str) -> None:
        self.candidates.setdefault(name, []).append(text)


_HEAD_LINES = 8  # a head is a few lines; the dateline opens the first paragraph at the latest


def read_head(text: str) -> Head:
    """The report's own word on its headline, author, agency, place and date (see the module doc)."""
    head = Head()
    lines = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    dated: list[tuple[int, str, date, str]] = []  # date lines: (line number, the line, day, label)
    dl: tuple[int, re.Match, str] | None = None  # the dateline's line, match and date text
    for index, (number, line) in enumerate(lines[:_HEAD_LINES]):
        when = date_line(line)
        if when is not None:
            written, day, label, clash = when
            if clash:
                head.offer("date", f"line {number}: '{line}' ({clash})")
                head.dated_itself.append(TextDate(number, written, day.isoformat()))
            else:
                dated.append((number, line, day, label))
            continue
        byline = _byline(line)
        if byline is not None:
            _use_byline(head, number, line, byline)
            continue
        m = _dateline(line) or _place_and_date(line)
        if m is not None:
            dl = (number, m, line[: m.end()].strip())
            head.body_line = number
            break
        if index == 0 and _headline(line, len(lines)):
            head.title = Found(line, number, f"line {number}, read as the headline")
            continue
        if len(line.split()) < 8 and not line.endswith("."):
            continue  # a kicker, a standfirst's label, 'Press Release': not the story yet
        head.body_line = number  # the story starts here, with no dateline
        break
    if dl is not None:
        _use_dateline(head, text, dl, dated)
    if head.date is None and dated:
        _use_date_lines(head, dated)
    if head.date is None and head.body_line is not None:
        for found, why in closing_dates([ln for ln in lines if ln[0] > head.body_line]):
            head.offer("date", f"line {found.line}: '{found.written}' ({why})")
            head.dated_itself.append(found)
    return head


def date_line(line: str) -> tuple[str, date, str, str] | None:
    """(the date as written, the day, its label, a clash) when the whole line is a date: 'Wednesday,
    04 February 2026', 'Wed Feb 04 2026', 'Updated 04 February 2026', 'February 5, 2026 10:14 AM GMT+5',
    '4 February 2026, 17:40'. The label is 'updated' or 'published' when the line says so; the clash
    says why the date cannot be taken (a weekday it does not fall on), else ''."""
    found = text_dates(line)
    if not found or len(line) > 120:
        return None
    rest = line
    for d in found:
        rest = rest.replace(d.written, " ", 1)
    weekday = re.search(_WEEKDAY, rest, re.I)
    rest = re.sub(_WEEKDAY, " ", rest, flags=re.I)
    rest = re.sub(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", " ", rest, flags=re.I)  # a time
    rest = re.sub(r"\b(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?", " ", rest)  # a time zone
    rest = re.sub(r"\b[A-Z]{2,5}T\b|\bIST\b", " ", rest)  # PKT, ALMT, CET
    label = "updated" if re.search(r"\b(?:last\s+)?updated\b|\bmodified\b", rest, re.I) else \
        "published" if re.search(r"\b(?:first\s+)?published|posted|issued|released\b", rest, re.I) else ""
    rest = re.sub(r"\b(?:first|last|published|updated|modified|posted|issued|released|date|dated|on|at)\b", " ",
                  rest, flags=re.I)
    if re.sub(r"[\s,|:;·•/()\-–—]+", "", rest):
        return None  # words besides the date: a sentence, not a date line
    first = found[0]
    if label == "updated" and len(found) > 1:  # 'Published 4 Feb 2026 | Updated 5 Feb 2026': the first is published
        label = "published"
    day = date.fromisoformat(first.iso)
    clash = ""
    if weekday:
        named = _WEEKDAY_WORDS[weekday.group("weekday").lower()]
        if named != day.weekday():
            clash = f"{day.day} {_month_name(day.month)} {day.year} is a {WEEKDAYS[day.weekday()].capitalize()}, " \
                    f"not a {WEEKDAYS[named].capitalize()}"
    return first.written, day, label, clash


def _month_name(month: int) -> str:
    return list(MONTHS)[month - 1].capitalize()


def _dateline(line: str) -> re.Match | None:
    """The dateline opening `line`, or None. A place in capitals stands alone ('ALMATY –',
    'ISLAMABAD:'); a place written in ordinary case needs a date or an agency tag after it
    ('Islamabad (TDI):', 'Astana, 1 March 2024:'), or a colon, so that a sentence's first words are
    not taken for a place. The story follows on the same line."""
    m = DATELINE.match(line)
    if m is None or len(line[m.end():].split()) < 4:
        return None
    place, region = m.group("place"), m.group("region") or ""
    words = [w.lower().strip(".'’") for w in (place + " " + region).replace("-", " ").split()]
    if words[0] in _NOT_PLACES or any(w in _WEEKDAY_WORDS or w in MONTHS for w in words):
        return None
    tag = m.group("agency") or m.group("agency_slash") or m.group("agency_caps")
    if m.group("agency_caps") and m.group("agency_caps") not in AGENCIES:
        return None
    if m.group("agency") and not _agency_like(m.group("agency")):
        return None
    dated = m.group("full") or m.group("dl_month") or m.group("dl_month2")
    capitals = place.isupper()
    sep = m.group("sep")
    if sep == "." and not (tag or dated):
        return None  # 'Pakistan.' ends a sentence
    if not (capitals or tag or dated) and (sep != ":" or len(place.split()) > 2):
        return None  # 'Prime Minister Shehbaz Sharif – …' is a sentence
    return m


_PLACE_AND_DATE = re.compile(rf"^{_PLACE}{_REGION},?\s+(?P<full>{_FULL})\s*[:.]?$")


def _place_and_date(line: str) -> re.Match | None:
    """A line that is only 'Place, date', as official texts head themselves: 'Islamabad, 12 June 2023'."""
    m = _PLACE_AND_DATE.match(line)
    if m is None or m.group("place").lower() in _NOT_PLACES:
        return None
    return m


def _agency_like(tag: str) -> bool:
    """'(PTI)', '(Reuters)', '(WE News)': a short name, not a parenthesis of the sentence."""
    tag = tag.strip()
    return tag.upper() in AGENCIES or bool(re.fullmatch(r"[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,3}", tag))


def _headline(line: str, total_lines: int) -> bool:
    """A first line that reads as a headline: a few words, not a sentence of the story."""
    words = line.split()
    return total_lines > 1 and 3 <= len(words) <= 25 and len(line) <= 200 and not line.endswith((".", ":", ";", ",")) \
        and not _READ_MORE.match(line)


_READ_MORE = re.compile(r"(?:also read|read also|read more|see also|related)\b", re.I)


_NAME_WORD = r"(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|ul|ud|de|van|von|der|da|du|le|la)-?)"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}"
_BYLINE = re.compile(rf"^(?:written\s+|story\s+|reported\s+)?by\s+(?P<names>.+?)\s*$", re.I)


def _byline(line: str) -> tuple[list[str], str] | None:
    """(the names, what follows them) of a 'By <Name>[ and <Name>][, <role or outlet>]' line."""
    m = _BYLINE.match(line)
    if m is None or len(line) > 120:
        return None
    text = m.group("names")
    parts = [p.strip() for p in re.split(r"\s*\|\s*", text)]
    names, rest = parts[0], " | ".join(parts[1:])
    if not re.search(r"\s(?:and|&)\s", names):  # 'By Aidana Serikova, TRT World': one name, then who
        names, _, more = names.partition(",")
        rest = ", ".join(p.strip() for p in (more, rest) if p.strip())
    listed = [n.strip() for n in re.split(r"\s+(?:and|&)\s+|\s*,\s*", names) if n.strip()]
    return listed, rest


def _use_byline(head: Head, number: int, line: str, byline: tuple[list[str], str]) -> None:
    names, rest = byline
    if len(names) == 1 and names[0].upper() in AGENCIES:
        if head.agency is None:
            head.agency = Found(names[0], number, f"the byline on line {number}")
        return
    if all(_GENERIC_BYLINES.match(n) for n in names):
        head.offer("author", f"line {number}: '{line}' names no person")
        return
    people = [n for n in names if re.fullmatch(_NAME, n) and not _GENERIC_BYLINES.match(n)]
    if len(people) != len(names):
        head.offer("author", f"line {number}: '{line}'")
        return
    if head.author is None:
        head.author = Found(" and ".join(people) if len(people) < 3 else ", ".join(people[:-1]) + " and " + people[-1],
                            number, f"the byline on line {number}")
        if rest:
            head.notes.append(f"the byline on line {number} also says '{rest}' (left out of author)")


def place_name(written: str) -> str:
    """'ISLAMABAD' -> 'Islamabad', 'NEW DELHI' -> 'New Delhi', 'NUR-SULTAN' -> 'Nur-Sultan'."""
    if not written.isupper():
        return written
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in written.split())


def _use_dateline(head: Head, text: str, dl: tuple[int, re.Match, str], dated: list) -> None:
    number, match, written = dl
    m = match.groupdict()
    where = f"the dateline on line {number} ('{written}')"
    head.place = Found(place_name(m["place"]), number, where)
    tag = m.get("agency") or m.get("agency_slash") or m.get("agency_caps")
    if tag and head.agency is None:
        head.agency = Found(tag.strip(), number, where)
    if m["full"]:
        d = text_dates(m["full"])[0]
        head.date = Found(d.iso, number, where)
        for line, written_date, stated, _label in dated:
            if stated.isoformat() != d.iso:
                head.notes.append(f"line {line} says '{written_date}'; the dateline's date is taken")
        return
    month = m.get("dl_month") or m.get("dl_month2")
    if month is None:
        return
    day = int(m.get("dl_day") or m.get("dl_day2"))
    month_no = MONTHS[month.lower().rstrip(".")]
    # the year only from a full date the text states: a date line of the head, else a date of
    # the same day and month anywhere in the text
    for line, written_date, stated, _label in dated:
        year = dates.year_near(month_no, day, stated)
        if year is not None:
            head.date = Found(date(year, month_no, day).isoformat(), number,
                              f"{where}, the year from line {line} ('{written_date}')")
            return
    same = {d.iso[:4]: d for d in text_dates(text, 10_000) if d.iso[5:] == f"{month_no:02d}-{day:02d}"}
    if len(same) == 1:
        d = next(iter(same.values()))
        head.date = Found(d.iso, number, f"{where}, the year from line {d.line} ('{d.written}')")
        return
    others = "; ".join(f"line {d.line}: {d.written}" for d in text_dates(text, 10_000)[:3])
    head.offer("date", f"{where} gives {_month_name(month_no)} {day} without a year, and the text states no "
                       f"full date of that day to take the year from" + (f" (it has {others})" if others else ""))


def _use_date_lines(head: Head, dated: list) -> None:
    published = [d for d in dated if d[3] != "updated"]
    number, written, day, label = (published or dated)[0]
    how = f"the date line on line {number} ('{written}')" + (", the date it was updated; the text gives no earlier date"
                                            if label == "updated" and not published else "")
    head.date = Found(day.isoformat(), number, how)


_DONE = re.compile(r"\b(?:done|signed|issued|adopted)\s+(?:in|at)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?,?\s+(?:on|this)\s+",
                   re.I)


def closing_dates(lines: list[tuple[int, str]]) -> list[tuple[TextDate, str]]:
    """(date, what it is) for dates an official text closes with, among its (number, line) pairs:
    'Done in Islamabad on 4 February 2026', or a last line that is a date or 'Place, date'."""
    out = []
    for number, line in lines[-3:]:
        for d in text_dates(line):
            found = TextDate(number, d.written, d.iso)
            if _DONE.search(line[: line.find(d.written)]):
                out.append((found, "where the text says it was done or signed"))
            elif date_line(line) is not None or _place_and_date(line) is not None:
                out.append((found, "a date the text closes with"))
    return out
