"""Workspace settings from briefgen.toml, validated like the fact base (every error, located)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefgen.errors import Location, Problem
from briefgen.files.root import FileRefused, Root

CONFIG_FILE = "briefgen.toml"


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field("", description="Letterhead: the office issuing the brief")
    author: str = Field("", description="Author recorded in document properties")
    marking: str = Field("OFFICIAL", description="Protective marking at the top and bottom of every page")
    reference_prefix: str = Field("", description="Prefix of the brief's reference, e.g. 'CAD'")
    out: str = Field("out", description="Output folder, relative to the workspace")
    template: str | None = Field(None, description="Template folder searched before the workspace's templates/")
    locale: str = Field("en_GB", description="Locale for dates")
    pdf_standard: Literal["ua-1", "a-2b", "a-2u"] = Field(
        "ua-1", description="PDF flavour: tagged PDF/UA-1, or also PDF/A-2b / PDF/A-2u for archiving")
    sections: list[str] | None = Field(None, description="Which sections appear, in order (names of sections/*.md.j2)")
    from_address: str = Field("", description="Sender of `briefgen email`, e.g. 'Central Asia Desk <cad@example.org>'")
    outbox: str = Field("outbox", description="Folder for email drafts (and messages that could not be sent)")
    stale_after_months: int = Field(12, ge=1, description="Warn when the newest dated source is more than this "
                                    "many months older than the as-of date")


def load_config(workspace: Path) -> tuple[Config, list[Problem]]:
    path = workspace / CONFIG_FILE
    if not os.path.lexists(path):
        return Config(), []
    try:
        text = Root(workspace, workspace).read_text(CONFIG_FILE, "settings", Location(CONFIG_FILE))
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return Config(), [Problem(Location(CONFIG_FILE), "file is not valid UTF-8 text")]
    except FileRefused as exc:
        return Config(), [Problem(exc.location, exc.message)]
    except tomllib.TOMLDecodeError as exc:
        line, msg = toml_error(exc)
        return Config(), [Problem(Location(CONFIG_FILE, line), f"TOML syntax error: {msg}")]
    except RecursionError:
        return Config(), [Problem(Location(CONFIG_FILE), "values nested too deeply to read")]
    try:
        return Config.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            key = str(err["loc"][0]) if err["loc"] else ""
            loc = Location(CONFIG_FILE, _line_of_key(text, key))
            if err["type"] == "extra_forbidden":
                problems.append(Problem(loc, f"unknown setting '{key}'"))
            else:
                problems.append(Problem(loc, f"{key}: {err['msg']}"))
        return Config(), problems


def line_of_setting(workspace: Path, key: str) -> int | None:
    """The line of a setting in the workspace's briefgen.toml (for errors found after loading)."""
    try:
        return _line_of_key(Root(workspace, workspace).read_text(CONFIG_FILE, "settings"), key)
    except (FileRefused, UnicodeDecodeError):
        return None


def _line_of_key(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def toml_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """(line, message) of a TOML syntax error (Python < 3.14 has them only in the text)."""
    text = str(exc)
    m = re.search(r"\(at line (\d+)", text)
    line = getattr(exc, "lineno", None) or (int(m.group(1)) if m else None)
    return line, getattr(exc, "msg", None) or re.sub(r"\s*\(at (line|end of document).*\)$", "", text)
