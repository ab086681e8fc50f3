"""Who is who: the names, titles and countries a brief gives people, proved from what the quotes say
of each person.

A quote proves a title of a person when the title's words stand next to the person's name in one
sentence: in the run of title words, country names and "of"/"the"/"and" just before the name
("Kazakhstan's Foreign Minister Mukhtar Tleuberdi", "the President of Pakistan, Asif Ali Zardari"),
or, when nothing stands before it, in an apposition just after ("Asif Ali Zardari, the President of
Pakistan,"). A run stops at another person's name, so "President Asif Ali Zardari and Prime Minister
Shehbaz Sharif" gives each his own title. A person's name in a sentence is proved by the quotes or
by a spelling the people registry records for the same person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefgen.facts.quotes import fold
from briefgen.facts.schema import Country

TITLE_HEADS = frozenset("""president minister secretary secretary-general ambassador chairman chairperson speaker
senator governor king queen emir premier chancellor mr mrs ms dr sheikh prince envoy pm""".split())
"""Words that make a title: a name may follow them ("President Tokayev", "PM Shahbaz")."""
TITLE_WORDS = TITLE_HEADS | frozenset("foreign deputy vice general prime state head first crown special".split())
"""Every word of a title run before a name ("Deputy Prime Minister")."""
_NOT_NAMES = frozenset("""office house secretariat palace cabinet council ministry ministries division
spokesperson spokesman said says""".split())

_LINKS = frozenset({"of", "the", "and", ","})
_PARTICLES = frozenset({"bin", "ibn", "ul", "ud", "al", "el", "van", "von", "de", "da", "du", "bint"})
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|,")
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Mr|Ms|Dr|St)\.)(?<!\bMrs\.)[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])"
                       r"|\s*\n\s*")
_MAX_RUN = 14


def sentences(text: str) -> list[str]:
    """A text's sentences; a line break ends one too (headlines and datelines have no full stop)."""
    return [fold(s) for s in _SENTENCE.split(text) if s.strip()]


def _name_pattern(name: str) -> re.Pattern:
    words = re.findall(r"[^\W_]+", fold(name))
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?:'s)?(?![^\W_])", re.IGNORECASE)


@dataclass(frozen=True)
class Who:
    """One person as the checks see them: every form of the name a sentence may use."""

    name: str
    forms: tuple[str, ...]  # the name, its registered spellings, and a surname no one else shares
    names: tuple[str, ...] = ()  # the name and its registered spellings: what proves a name

    def spans(self, sentence: str) -> list[tuple[int, int]]:
        found = []
        for form in self.forms:
            found += [m.span() for m in _name_pattern(form).finditer(sentence)]
        # the longest form wins where forms overlap ("Shehbaz Sharif" over "Sharif")
        found.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int]] = []
        for s in found:
            if not out or s[0] >= out[-1][1]:
                out.append(s)
        return out


def people_of(names: dict[str, tuple[str, ...]]) -> dict[str, Who]:
    """`Who` for each person (key -> name and spellings); a surname stands for a person only when no
    other person in `names` has it."""
    surnames: dict[str, set[str]] = {}
    for key, forms in names.items():
        for form in forms:
            words = re.findall(r"[^\W_]+", fold(form))
            if len(words) > 1 and len(words[-1]) > 2 and words[-1].lower() not in TITLE_WORDS:
                surnames.setdefault(words[-1].lower(), set()).add(key)
    out = {}
    for key, forms in names.items():
        extra = []
        for form in forms:
            words = re.findall(r"[^\W_]+", fold(form))
            if len(words) > 1 and surnames.get(words[-1].lower()) == {key} and words[-1] not in extra:
                extra.append(words[-1])
        names = tuple(dict.fromkeys(forms))
        out[key] = Who(forms[0], names + tuple(extra), names)
    return out


def _tokens(text: str) -> list[list[re.Match]]:
    """The words of `text` in groups that nothing but spaces and commas separate: a bracket, colon or
    dash ends a group ("ISLAMABAD, Feb 4 (APP): Prime Minister ..." is three)."""
    groups: list[list[re.Match]] = [[]]
    last = 0
    for m in _TOKEN.finditer(text):
        if text[last:m.start()].strip():
            groups.append([])
        groups[-1].append(m)
        last = m.end()
    return groups


def _in_run(token: str) -> bool:
    low = token.lower()
    if token.isupper() and len(token) > 2 and low not in TITLE_WORDS:
        return False  # a dateline's city or an agency tag, not part of a title
    return token[0].isupper() or low in _LINKS or low in TITLE_WORDS


def _trim(run: list[str]) -> str:
    while run and run[0] in ("and", "of", ","):
        run = run[1:]
    return " ".join(run)


def _run_before(sentence: str, start: int, floor: int) -> str:
    run: list[str] = []
    for m in reversed(_tokens(sentence[floor:start])[-1]):
        word = m.group()
        if not run and word in (",", "is", "was"):
            continue  # between a title and its name: "President of Kazakhstan, Tokayev", "… Minister is A. Khan"
        if not _in_run(word) or len(run) >= _MAX_RUN or word == ",":
            break
        run.append(word)
    return _trim(list(reversed(run)))


def _run_after(sentence: str, end: int, ceiling: int) -> str:
    tokens = _tokens(sentence[end:ceiling])[0]
    if not tokens or tokens[0].group() not in (",", "of") or sentence[end:tokens[0].start()].strip():
        return ""
    run = []
    for m in tokens:
        if not _in_run(m.group()) or len(run) >= _MAX_RUN or m.group() == "and":
            break  # "… of Pakistan and Foreign Minister X": what follows "and" is the next person's
        run.append(m.group())
    return " ".join(run).lstrip(", ")


def _has_title(run: str) -> bool:
    return any(w.lower() in TITLE_WORDS for w in _TOKEN.findall(run))


def what_is_said(who: Who, others: Iterable[Who], text: str) -> list[str]:
    """The title runs the quotes put next to this person's name, one a mention, sentence by sentence."""
    runs = []
    others = list(others)
    for sentence in sentences(text):
        mine = who.spans(sentence)
        if not mine:
            continue
        stops = sorted(s for o in others for s in o.spans(sentence)
                       if not any(a < s[1] and s[0] < b for a, b in mine))
        stops += sorted(title_name_spans(sentence, exclude=mine))
        for start, end in mine:
            floor = max((e for s, e in stops if e <= start), default=0)
            ceiling = min((s for s, e in stops if s >= end), default=len(sentence))
            before = _run_before(sentence, start, floor)
            after = _run_after(sentence, end, ceiling)
            # "President Tokayev of Kazakhstan" always; an apposition ", the President of Pakistan," only
            # when no title stands before the name (a list of "title, name, title, name" pairs goes forward)
            runs.append((before + " " + after).strip() if after.startswith("of") or not _has_title(before) else before)
    return runs


def title_in(title: str, run: str) -> bool:
    """Every capitalised word and every number ("23rd") of `title` stands in `run` (singular or
    plural, any case)."""
    words = {w.lower() for w in _TOKEN.findall(run)}
    for word in _TOKEN.findall(fold(title)):
        if not (word[0].isupper() or word[0].isdigit()) or word == ",":
            continue
        low = word.lower()
        if not any(w in words for w in (low, low + "s", low.removesuffix("s"), low + "'s")):
            return False
    return True


def country_in(country: Country, run: str) -> bool:
    return any(re.search(rf"(?<![^\W_]){re.escape(n)}", run) for n in (country.name, country.adjective))


# --- names the brief prints ------------------------------------------------------------------------

_COUNTRYISH = frozenset({"republic", "islamic", "federal", "kingdom", "united", "people's", "democratic"})


def _is_title_word(word: str) -> bool:
    return word[0].isupper() and word.lower() in TITLE_WORDS


def title_name_spans(text: str, exclude: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where a name follows a capitalised title: "President Asif Ali Zardari", "Prime Minister of
    Pakistan, Shehbaz Sharif", "PM Shahbaz"; the title itself is not part of the span."""
    out = []
    for tokens in _tokens(text):
        words = [m.group() for m in tokens]
        i = 0
        while i < len(words):
            if not _is_title_word(words[i]):
                i += 1
                continue
            j = i
            while j < len(words) and _is_title_word(words[j]):
                j += 1
            if words[j - 1].lower() not in TITLE_HEADS:  # "Foreign Office", "Prime Minister's House"
                i = j
                continue
            # "of Kazakhstan", "of the Islamic Republic of Pakistan", then an optional comma
            while j < len(words) and words[j] in ("of", "the"):
                j += 1
                while j < len(words) and (words[j].lower() in _COUNTRYISH or words[j] in ("of", "the")):
                    j += 1
                if j < len(words) and words[j][0].isupper():
                    j += 1
            if j < len(words) and words[j] == ",":
                j += 1
            k = j
            while k < len(words) and (words[k][0].isupper() and not _is_title_word(words[k])
                                      and words[k].lower().removesuffix("'s") not in _NOT_NAMES
                                      or k > j and words[k].lower() in _PARTICLES):
                k += 1
            if k > j:
                start, end = tokens[j].start(), tokens[k - 1].end()
                if not any(a < end and start < b for a, b in exclude):
                    out.append((start, end))
            i = max(k, i + 1)
    return out


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words (particles inside allowed): where names can be."""
    out = []
    for tokens in _tokens(text):
        words = [m.group() for m in tokens]
        i = 0
        while i < len(words):
            k = i
            while k < len(words) and (words[k][0].isupper() or k > i and words[k].lower() in _PARTICLES):
                k += 1
            if k - i >= 2:
                out.append((tokens[i].start(), tokens[k - 1].end()))
            i = max(k, i + 1)
    return out


def strip_title(text: str) -> str:
    words = [w for w in text.split() if w.lower() not in TITLE_WORDS]
    return " ".join(words).removesuffix("'s")


def printed_names(text: str, known_words: set[str], country_words: set[str]) -> list[str]:
    """The people's names a sentence prints: a name after a title, and any run of capitalised words
    that shares a word with a registered person's name (titles and countries left out)."""
    text = fold(text)
    names = [strip_title(text[s:e]) for s, e in title_name_spans(text)]
    for s, e in capitalised_runs(text):
        run = strip_title(text[s:e])
        words = [w for w in run.split() if w.lower().removesuffix("'s") not in country_words]
        if len(words) >= 2 and any(w.lower().removesuffix("'s") in known_words for w in words):
            names.append(" ".join(words).removesuffix("'s"))
    out = []
    for name in names:
        name = name.strip(" ,")
        if name and name.lower() not in country_words and name not in out:
            out.append(name)
    return out
