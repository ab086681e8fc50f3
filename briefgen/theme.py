"""The theme: page, fonts, colours and letterhead shared by the PDF and DOCX writers.

Read from `theme.toml` beside the templates; every field has a default so a theme file
only says what it changes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from briefgen.errors import InvalidInput, Location, Problem

THEME_FILE = "theme.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FontFamily(_Strict):
    """A font family by name (found among the system's fonts) or by explicit TTF files."""

    name: str = ""
    regular: str | None = None
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None


class Colours(_Strict):
    heading: str = "#1F3864"
    text: str = "#1A1A1A"
    accent: str = "#2E5C8A"
    rule: str = "#8EA9C1"
    table_header: str = "#DCE6F0"
    table_stripe: str = "#F4F7FA"
    callout: str = "#EEF3F8"
    marking: str = "#000000"

    @field_validator("*")
    @classmethod
    def _hex(cls, value: str) -> str:
        v = value.strip()
        if not (len(v) == 7 and v.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in v[1:])):
            raise ValueError(f"colour '{value}' must be #RRGGBB")
        return v.upper()


class Margins(_Strict):
    top: float = 22
    bottom: float = 20
    left: float = 22
    right: float = 22


class Theme(_Strict):
    page_size: Literal["A4", "Letter"] = "A4"
    margins_mm: Margins = Margins()
    body_font: FontFamily = FontFamily(name="Liberation Sans")
    heading_font: FontFamily = FontFamily(name="Liberation Sans")
    body_size: float = Field(10.5, ge=6, le=20)
    colours: Colours = Colours()
    organisation: str = ""
    logo: str = ""  # PNG or JPEG, relative to the theme file
    footer: str = ""
    base_dir: str = ""  # where relative paths in the theme resolve from (set by the loader)

    def logo_path(self) -> Path | None:
        return Path(self.base_dir, self.logo) if self.logo else None


def load_theme(path: Path | None, display: str | None = None) -> Theme:
    """Load a theme file (every problem at once, located); a missing path gives the default theme."""
    from briefgen.config import toml_error

    if path is None or not path.is_file():
        return Theme()
    shown = display or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, OSError) as exc:
        raise InvalidInput([Problem(Location(shown), f"cannot read theme: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        line, message = toml_error(exc)
        raise InvalidInput([Problem(Location(shown, line), f"TOML syntax error: {message}")]) from None
    data["base_dir"] = str(path.parent)
    problems = _logo_problems(data.get("logo"), path, shown)
    try:
        theme = Theme.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(Location(shown, _line_of(path, str(e["loc"][-1])) or _line_of(path, str(e["loc"][0]))),
                    f"{'.'.join(map(str, e['loc']))}: "
                    + ("unknown setting" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, ")))
            for e in exc.errors(include_url=False)
        ] + problems
    if problems:
        raise InvalidInput(problems)
    return theme


def _logo_problems(logo: object, path: Path, shown: str) -> list[Problem]:
    if not isinstance(logo, str) or not logo:
        return []
    where = Location(shown, _line_of(path, "logo"))
    file = path.parent / logo
    if not file.is_file():
        return [Problem(where, f"logo file '{logo}' not found (relative to {path.parent})")]
    head = file.read_bytes()[:8]
    if not (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8")):
        return [Problem(where, f"logo '{logo}' is not a PNG or JPEG image")]
    return []


def _line_of(path: Path, key: str) -> int | None:
    """The line where `key = ...` (or the table `[key]`) is set in a TOML file."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        stripped = line.strip()
        if re.match(rf"{re.escape(key)}\s*=", stripped) or stripped == f"[{key}]":
            return number
    return None
