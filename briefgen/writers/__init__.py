"""Writers turn a Document into the bytes of one format: `write(document, options) -> bytes`.
Each is imported only when used, so that reportlab and python-docx load only for the formats
being built."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from briefgen.document.model import Document, Meta
    from briefgen.writers.theme import Theme

# format -> the module (under briefgen.writers) whose `write` makes it
FORMATS = {"pdf": "pdf.writer", "docx": "docx.writer", "md": "md", "html": "html", "briefgen-md": "briefgen_md"}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "md": ".md", "html": ".html", "briefgen-md": ".briefgen.md"}


@dataclass(frozen=True)
class WriterOptions:
    """Everything a writer is told besides the document, as one value (Pandoc's writers take
    WriterOptions likewise): the build fills it once and every writer reads what concerns it."""

    theme: Theme
    pdf_standard: str = "ua-1"  # PDF: ua-1, or PDF/A-2 as well with a-2b / a-2u
    tagged: bool = True  # PDF: False draws the same pages without structure, links or metadata
    reference_docx: bytes | None = None  # DOCX: a reference.docx whose styles the document takes


Writer = Callable[["Document", WriterOptions], bytes]


class Paged(bytes):
    """A paged format's bytes that know their page count (the PDF writer's), so a caller that needs
    only the count does not parse the file again. Equal to, and used as, the plain bytes."""

    pages: int

    def __new__(cls, data: bytes, pages: int) -> Paged:
        made = super().__new__(cls, data)
        made.pages = pages
        return made

    def __reduce__(self):  # pickled (to and from worker processes) with its count
        return Paged, (bytes(self), self.pages)


def logo_text(theme: Theme, meta: Meta) -> str:
    """The logo's alternative text in every format: the theme's `logo_alt`, else "<organisation>
    logo"; empty when neither is known (the logo is then decoration)."""
    if theme.logo_alt:
        return theme.logo_alt
    organisation = meta.organisation or theme.organisation
    return f"{organisation} logo" if organisation else ""


def get_writer(fmt: str) -> Writer:
    return _module(fmt).write


def get_ready(fmt: str) -> None:
    """Let the format's writer do now what does not depend on the next document (its module's own
    `get_ready`, if it has one): for a process that waits for its job with time to spare."""
    ready = getattr(_module(fmt), "get_ready", None)
    if ready is not None:
        ready()


def _module(fmt: str):
    from briefgen.runtime import signals_held

    # Ctrl+C during the import is delivered once it is done: lxml, which python-docx loads, catches
    # every exception while it starts (so the interruption would be lost) and prints to stdout.
    with signals_held():
        return import_module(f"briefgen.writers.{FORMATS[fmt]}")
