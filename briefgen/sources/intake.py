"""Turning a source document (web page, PDF, Word file, plain text) into quotable text and metadata.

Each format goes through a well-kept library, imported only when a document of that format
arrives: trafilatura for HTML (main text without navigation, related-article links, comments and
footers; title, author, site name and date from the page's metadata), pypdf for PDF, python-docx
for DOCX. The text is kept as the document words it: nothing is reworded, so quotes copied from
it are verbatim.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from briefgen.errors import BriefgenError

# The document kinds briefgen reads, with the `kind` a source record gets and the original's suffix.
HTML, PDF, DOCX, TEXT = "html", "pdf", "docx", "text"
KINDS = {HTML: "web page", PDF: "PDF document", DOCX: "Word document", TEXT: "text document"}
SUFFIXES = {HTML: ".html", PDF: ".pdf", DOCX: ".docx", TEXT: ".txt"}
_BY_SUFFIX = {".html": HTML, ".htm": HTML, ".xhtml": HTML, ".pdf": PDF, ".docx": DOCX, ".txt": TEXT, ".text": TEXT,
              ".md": TEXT}
_BY_MEDIA = {"text/html": HTML, "application/xhtml+xml": HTML, "application/pdf": PDF, "text/plain": TEXT,
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX}


MAX_INFLATED = 50 * 2**20  # as fetch.MAX_BYTES: what a document may unpack to


class ExtractError(BriefgenError):
    """A document could not be read or held no text; nothing was written."""


@dataclass
class Extracted:
    """What a document gave: its text and whatever metadata it carries (None where it has none)."""

    format: str
    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None  # ISO, possibly partial
    place: str | None = None  # from a dateline
    origins: dict[str, str] = field(default_factory=dict)  # field -> where its value came from, said to the user
    candidates: dict[str, list[str]] = field(default_factory=dict)  # field -> what was seen but not proved
    notes: list[str] = field(default_factory=list)  # what the user should know about the extraction
    damage: list[str] = field(default_factory=list)  # what the reading library found wrong with the file

    def fill(self, name: str, value: str, origin: str) -> None:
        setattr(self, name, value)
        self.origins[name] = origin

    def from_metadata(self, where: str) -> Extracted:
        """Say that the values set so far came from the file's metadata."""
        for name in ("title", "author", "publisher"):
            if getattr(self, name) is not None:
                self.origins.setdefault(name, where)
        return self


def detect_format(data: bytes, name: str = "", media_type: str = "") -> str | None:
    """The document's format from its first bytes, else its media type, else its file suffix."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
        return None
    lowered = head.lower().lstrip(b"\xef\xbb\xbf")
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:512]:
        return HTML
    if media_type in _BY_MEDIA:
        return _BY_MEDIA[media_type]
    suffix = name[name.rfind("."):].lower() if "." in name.rsplit("/", 1)[-1] else ""
    return _BY_SUFFIX.get(suffix)


def extract(data: bytes, fmt: str, url: str | None = None, charset: str | None = None,
            max_bytes: int = MAX_INFLATED) -> Extracted:
    """The text and metadata of a document of format `fmt` (see detect_format). A Word file may
    unpack to `max_bytes` at most (the cap on what is read, as for a compressed download)."""
    if fmt == DOCX:
        _refuse_zip_bomb(data, "Word file", max_bytes)
    extracted = {HTML: _html, PDF: _pdf, DOCX: _docx, TEXT: _text}[fmt](data, url, charset)
    extracted.text = clean_text(extracted.text)
    if not extracted.text.strip():
        raise ExtractError(_EMPTY[fmt])
    _use_head(extracted)
    return extracted


def _use_head(doc: Extracted) -> None:
    """What the report's head states (headline, byline, date line, dateline: see reporthead) fills
    what the file's metadata left empty. What the text states is the document's own word: a byline
    is taken over a PDF's or Word file's author (who made the file, often not who wrote it), a date
    over its creation date (when the file was made), never over a web page's own metadata; either
    way the other value is kept in the notes."""
    from briefgen.sources import reporthead  # slow to compile; `check` imports this module for KINDS alone

    head = reporthead.read_head(doc.text)
    for name, found in (("title", head.title), ("author", head.author), ("place", head.place)):
        if found is None or getattr(doc, name) == found.value:
            continue
        if getattr(doc, name) is None:
            doc.fill(name, found.value, found.how)
        elif name == "author" and doc.format != HTML:
            doc.notes.append(f"{doc.origins['author']} says {doc.author}")
            doc.fill(name, found.value, found.how)
    if head.agency is not None:
        tag = head.agency.value
        named = reporthead.AGENCIES.get(tag.upper())
        if doc.publisher is None:
            known = f"; {tag} is {named}" if named and named != tag else ""
            doc.fill("publisher", tag, f"the agency tag in {head.agency.how}{known}")
        elif tag.casefold() not in doc.publisher.casefold():
            doc.notes.append(f"{head.agency.how} names the agency {tag}: the report is the agency's, published by "
                             f"{doc.publisher}")
    if head.date is not None:
        when = head.date
        if doc.date == when.value:
            doc.origins["date"] += f" and {when.how}"
        elif doc.date is None or doc.format != HTML:
            if doc.date:
                doc.notes.append(f"{doc.origins['date']} says {doc.date}")
            doc.fill("date", when.value, when.how)
    for name, seen in head.candidates.items():
        if getattr(doc, name) is None:
            doc.candidates.setdefault(name, []).extend(seen)
    doc.notes += head.notes


_EMPTY = {
    HTML: "no article text found in this page (is it a list of links, or built by scripts in the browser? "
          "save the page from the browser with File > Save as and add that file)",
    PDF: "no text found in this PDF (a scanned image needs OCR first)",
    DOCX: "no text found in this Word file",
    TEXT: "the file is empty",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # as the schema refuses in quotes


def clean_text(text: str) -> str:
    """One newline convention, no control characters (a quote could not contain them), no trailing
    blanks, and the file ends with one newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


_MIN_WORDS = 10  # fewer words than a sentence or two is a menu, not an article

# --- HTML -----------------------------------------------------------------------------------


# "Also read: <a>Another story</a>" inside the article body: the extractor keeps such a paragraph
# as text, but it is the site's navigation, not the article's.
_READ_MORE = re.compile(r"^(?:also read|read also|read more|see also|related(?: articles?| stories| news| posts)?"
                        r"|more on this(?: story)?|you may also like|recommended(?: for you)?|don'?t miss)"
                        r"\s*(?:[:\-–—»>|]|$)", re.I)


def _drop_read_more(tree) -> None:
    """Remove blocks that are a "read more" cue followed by (mostly) a link."""
    doomed = []
    for el in tree.iter("p", "div", "li", "section", "h2", "h3", "h4", "h5", "h6"):
        text = " ".join(el.text_content().split())
        cue = _READ_MORE.match(text)
        if cue is None or el.find(".//a") is None:
            continue
        linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
        if linked >= 0.6 * len(text[cue.end():].strip()):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _html(data: bytes, url: str | None, charset: str | None) -> Extracted:
    import trafilatura  # about 0.5 s to import: only when a page is added
    from trafilatura.utils import load_html

    try:
        tree = load_html(data)
        if tree is None:
            raise ExtractError(_EMPTY[HTML])
        _drop_read_more(tree)
        doc = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, deduplicate=False,
        )
    except ExtractError:
        raise
    except Exception as exc:  # a parser failure deep in lxml: say it about this page, not as a crash
        raise ExtractError(f"cannot read this page as HTML: {exc}") from None
    if doc is None or len((doc.text or "").split()) < _MIN_WORDS:
        # on a page with no article the extractor falls back to whatever text there is ('Home')
        raise ExtractError(_EMPTY[HTML])
    out = Extracted(HTML, doc.text, title=_clean(doc.title), author=_clean(doc.author),
                    publisher=_named_publisher(doc.sitename, url)).from_metadata("the page's metadata")
    if doc.date and _iso(doc.date):
        out.fill("date", _iso(doc.date), "the page's metadata")
    return out


def _named_publisher(sitename, url: str | None) -> str | None:
    """The site's name as the page states it; never one guessed from the address (the extractor
    falls back to the host name, "dawn.com", which docs/facts.md says not to record as a publisher)."""
    name = _clean(sitename)
    if name is None or not url:
        return name
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return name
    bare = host.removeprefix("www.")
    return None if name.lower() in (host, bare) else name


# --- PDF ------------------------------------------------------------------------------------


def _pdf(data: bytes, url: str | None, charset: str | None) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    logged = _PypdfLog()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("this PDF is protected by a password; save an unprotected copy and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except ExtractError:
        raise
    except RecursionError:  # objects nested thousands deep
        raise ExtractError("cannot read this PDF: its objects are nested too deeply") from None
    except LimitReachedError:  # content that inflates past pypdf's limits (millions of tokens)
        raise ExtractError("cannot read this PDF: its content is far larger than a document's (a decompression "
                           "bomb or a damaged file)") from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise ExtractError(f"cannot read this PDF: {exc}") from None
    finally:
        logged.close()
    # pypdf starts a line with a space where the next text run begins apart from the last
    text = "\n\n".join("\n".join(line.strip() for line in p.strip().split("\n")) for p in pages)
    out = Extracted(PDF, text)
    if logged.messages:
        out.damage.append(f"the PDF is damaged in places (pypdf: {'; '.join(logged.messages[:3])}); compare the "
                         "text with the original")
    if info is not None:
        out.title, out.author = _clean(info.title), _clean(info.author)
        out.from_metadata("the PDF's document information")
        try:
            created = info.creation_date
        except (ValueError, TypeError, OverflowError):  # a malformed date in the information dictionary
            created = None
        if created is not None:
            out.fill("date", created.date().isoformat(), "the PDF's creation date")
    return out


class _PypdfLog(logging.Handler):
    """pypdf's log lines, kept while a PDF is read instead of reaching stderr raw (outside the
    `warning:` form); they become one note for the user."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.logger = logging.getLogger("pypdf")
        self.propagate = self.logger.propagate
        self.logger.addHandler(self)
        self.logger.propagate = False

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())[:200]
        if message not in self.messages:
            self.messages.append(message)

    def close(self) -> None:
        self.logger.removeHandler(self)
        self.logger.propagate = self.propagate
        super().close()


# --- DOCX -----------------------------------------------------------------------------------


def _docx(data: bytes, url: str | None, charset: str | None) -> Extracted:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a broken package
        raise ExtractError(f"cannot read this Word file: {exc}") from None
    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                lines.append("\t".join(dict.fromkeys(c for c in cells if c)))  # merged cells repeat
        else:
            lines.append(block.text)
    props = document.core_properties
    out = Extracted(DOCX, "\n".join(lines), title=_clean(props.title),
                    author=_clean(props.author)).from_metadata("the Word file's properties")
    try:
        created = props.created
    except (ValueError, TypeError, OverflowError):  # an empty or malformed <dcterms:created>
        created = None
    if created is not None:
        out.fill("date", created.date().isoformat(), "the Word file's creation date")
    return out


def _refuse_zip_bomb(data: bytes, what: str, most: int) -> None:
    """A small file whose parts unpack to more than `most` bytes together is a zip bomb (the zip
    reader stops at each part's declared size, so the declared sizes bound what is read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inflated = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractError(f"cannot read this {what}: {exc}") from None
    if inflated > most:
        raise ExtractError(f"cannot read this {what}: it unpacks to {inflated / 2**20:,.1f} MB, more than the "
                           f"{most / 2**20:,.1f} MB allowed (--max-size); a zip bomb or a damaged file")


# --- plain text -----------------------------------------------------------------------------


def _text(data: bytes, url: str | None, charset: str | None) -> Extracted:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        charset = "utf-16"
    elif b"\x00" in data[:4096]:
        # UTF-16 without a byte-order mark is valid UTF-8 ("T\0h\0e\0"): tell it by where the zeros are
        sample = data[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > len(sample) // 4 and min(even, odd) < max(even, odd) // 8:
            charset = "utf-16-le" if odd > even else "utf-16-be"
        else:
            raise ExtractError("the file holds zero bytes, so it is not text: save it as UTF-8 text "
                               "(in Notepad: Save as > Encoding: UTF-8)")
    order = [charset, "utf-8-sig"] if charset and charset.startswith("utf-16") else ["utf-8-sig", charset or "utf-8-sig"]
    for encoding in dict.fromkeys(order):
        try:
            return Extracted(TEXT, data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    raise ExtractError("the file is not UTF-8 text: save it as UTF-8 (in Notepad: Save as > Encoding: UTF-8)")


# --- metadata values -----------------------------------------------------------------------


def _iso(value: str | None) -> str | None:
    """'2024-03-14', '2024-03-14T09:30:00+05:00' -> '2024-03-14'; anything else -> None."""
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not m:
        return None
    try:
        datetime.strptime(m.group(0), {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(m.group(0))])
    except ValueError:
        return None
    return m.group(0)


def _clean(value) -> str | None:
    """A metadata string worth recording: stripped, one line, not empty."""
    if not isinstance(value, str):
        return None
    value = " ".join(_CONTROL.sub(" ", value).split())
    return value or None
