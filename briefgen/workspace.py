"""Workspace settings from briefgen.toml, validated like the fact base (every error, located)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from briefgen.errors import InvalidInput, Location, Problem
from briefgen.files.root import Root
from briefgen.files.tomlfile import read_toml

# The workspace's layout: every name a command looks for, relative to the workspace folder.
CONFIG_FILE = "briefgen.toml"
COUNTRIES_FILE = "data/countries.yaml"
SOURCES_FILE = "data/sources.yaml"
BRIEFS_DIR = "data/briefs"
MEETINGS_DIR = "data/meetings"
SEEDS_DIR = "seeds"
TEMPLATES_DIR = "templates"


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
    markings: list[str] = Field(["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"], min_length=1,
                                description="Protective markings, lowest first (meeting briefs: --marking-limit)")
    pen_picture_max_age_months: int = Field(12, ge=1, description="A counterpart's title in a meeting brief's pen "
                                            "picture needs a source this recent before the meeting")
    stale_after_months: int = Field(12, ge=1, description="Warn when the newest dated source is more than this "
                                    "many months older than the as-of date")
    max_pages: int = Field(4, ge=1, le=1000, description="Warn when the PDF brief runs to more pages than this")
    _lines: dict = PrivateAttr(default_factory=dict)

    def at(self, key: str) -> Location:
        """Where a setting is written in briefgen.toml (the file alone when it is not written there)."""
        return Location(CONFIG_FILE, self._lines.get((key,)))


def load_config(workspace: Path) -> tuple[Config, list[Problem]]:
    """The workspace's settings (defaults when it has no briefgen.toml) and every problem, located.
    The file is read once: `Config.line_of` finds a setting's line for errors found later."""
    if not os.path.lexists(workspace / CONFIG_FILE):
        return Config(), []
    try:
        doc = read_toml(Root.of_workspace(workspace), CONFIG_FILE, "settings", CONFIG_FILE)
    except InvalidInput as exc:
        return Config(), list(exc.problems)
    try:
        config = Config.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            key = str(err["loc"][0]) if err["loc"] else ""
            where = doc.at(key)
            if err["type"] == "extra_forbidden":
                problems.append(Problem(where, f"unknown setting '{key}'"))
            else:
                problems.append(Problem(where, f"{key}: {err['msg']}"))
        return Config(), problems
    config._lines = doc.lines
    return config, []
