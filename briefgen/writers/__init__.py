"""Writers turn a Document into the bytes of one format. Each is imported only when used,
so that reportlab and python-docx load only for the formats being built."""

from __future__ import annotations

from importlib import import_module
from typing import Callable

FORMATS = {"pdf": "pdf", "docx": "docx", "md": "md", "html": "html"}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "md": ".md", "html": ".html"}


def get_writer(fmt: str) -> Callable[..., bytes]:
    from briefgen.runtime import signals_held

    # Ctrl+C during the import is delivered once it is done: lxml, which python-docx loads, catches
    # every exception while it starts (so the interruption would be lost) and prints to stdout.
    with signals_held():
        return import_module(f"briefgen.writers.{FORMATS[fmt]}").write
