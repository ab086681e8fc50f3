"""The theme: page, fonts, colours and letterhead shared by the PDF and DOCX writers.

Read from `theme.toml` beside the templates; every field has a default so a theme file
only says what it changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from briefgen.errors import InvalidInput, Problem
from briefgen.files.root import FileRefused, Root, printable
from briefgen.files.tomlfile import TomlDoc, read_toml

THEME_FILE = "theme.toml"
LOGO_MAX_PIXELS = 16_000_000  # 4000 x 4000: far beyond a letterhead crest, far below a decompression bomb
PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
MIN_TEXT_MM = 60.0  # the text area left between the margins, each way
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FontFamily(_Strict):
    """A font family by name (PT Sans and PT Serif are packaged; other names are looked up among
    the system's fonts) or by explicit TTF files."""

    name: str = Field("", max_length=100)
    regular: str | None = None
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None

    @field_validator("*")
    @classmethod
    def _no_controls(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL.search(value):
            raise ValueError(f"'{printable(value)}' contains a control character")
        return value


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


def _mm(default: float):
    return Field(default, ge=0, le=100, allow_inf_nan=False, description="millimetres, 0 to 100")


class Margins(_Strict):
    top: float = _mm(22)
    bottom: float = _mm(20)
    left: float = _mm(22)
    right: float = _mm(22)


class Theme(_Strict):
    page_size: Literal["A4", "Letter"] = "A4"
    margins_mm: Margins = Margins()
    # PT Sans travels with briefgen (a Python dependency): the same page breaks on every machine
    body_font: FontFamily = FontFamily(name="PT Sans")
    heading_font: FontFamily = FontFamily(name="PT Sans")
    body_size: float = Field(10.5, ge=6, le=20, allow_inf_nan=False)
    colours: Colours = Colours()
    organisation: str = Field("", max_length=200)
    logo: str = ""  # PNG or JPEG, relative to the theme file
    logo_alt: str = Field("", max_length=200)  # the logo's description for screen readers (else the organisation)
    footer: str = Field("", max_length=200)
    base_dir: str = ""  # where relative paths in the theme resolve from (set by the loader)
    _root: Root | None = PrivateAttr(None)  # the folder the theme's files are confined to
    _logo: bytes | None = PrivateAttr(None)  # the logo as checked when loading

    @model_validator(mode="after")
    def _fits_the_page(self):
        width, height = PAGE_MM[self.page_size]
        m = self.margins_mm
        if width - m.left - m.right < MIN_TEXT_MM:
            raise ValueError(f"margins_mm: left {m.left:g} + right {m.right:g} leave less than {MIN_TEXT_MM:g} mm "
                             f"of the {width:g} mm wide page for text")
        if height - m.top - m.bottom < MIN_TEXT_MM:
            raise ValueError(f"margins_mm: top {m.top:g} + bottom {m.bottom:g} leave less than {MIN_TEXT_MM:g} mm "
                             f"of the {height:g} mm high page for text")
        return self

    @field_validator("organisation", "footer", "logo", "logo_alt")
    @classmethod
    def _no_controls(cls, value: str) -> str:
        if _CONTROL.search(value):
            raise ValueError(f"'{printable(value)}' contains a control character")
        return value

    @property
    def root(self) -> Root:
        """Where the theme's logo and font files must lie (the template folder's root)."""
        return self._root or Root(Path(self.base_dir or "."), None, "the theme's folder")

    def logo_path(self) -> Path | None:
        return Path(self.base_dir, self.logo) if self.logo else None

    def logo_bytes(self) -> bytes | None:
        """The logo's bytes, as checked when the theme was loaded (read through the theme's root)."""
        if not self.logo:
            return None
        if self._logo is None:
            self._logo = self.root.read_bytes(Path(self.base_dir, self.logo), "logo", what=f"logo file '{self.logo}'")
        return self._logo


def load_theme(path: Path | None, display: str | None = None, root: Root | None = None) -> Theme:
    """Load a theme file (every problem at once, located); a missing path gives the default theme.
    `root`: the folder the theme, its logo and its font files must lie in (default: the theme's folder)."""
    if path is None:
        return Theme()
    root = root or Root(path.parent, None, "the theme's folder")
    doc = read_toml(root, path, "theme", display or printable(path), what="theme file")
    data = dict(doc.data, base_dir=str(path.parent))
    logo, problems = _logo(data.get("logo"), path, doc, root)
    try:
        theme = Theme.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(doc.at(*e["loc"]) if e["loc"] else doc.at("margins_mm"),
                    (f"{'.'.join(map(str, e['loc']))}: " if e["loc"] else "")
                    + ("unknown setting" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, ")))
            for e in exc.errors(include_url=False)
        ] + problems
    if problems:
        raise InvalidInput(problems)
    theme._root = root
    theme._logo = logo
    return theme


def _logo(logo: object, path: Path, doc: TomlDoc, root: Root) -> tuple[bytes | None, list[Problem]]:
    """The logo's bytes when it is a sound PNG or JPEG of sensible size, else the problem."""
    if not isinstance(logo, str) or not logo:
        return None, []
    where = doc.at("logo")
    name = printable(logo)
    try:
        data = root.read_bytes(path.parent / logo, "logo", where, what=f"logo file '{name}'")
    except FileRefused as exc:
        if exc.reason == "missing":
            return None, [Problem(where, f"logo file '{name}' not found (relative to {printable(path.parent)})")]
        return None, [Problem(where, exc.message)]
    problem = image_problem(data, f"logo '{name}'")
    return (None, [Problem(where, problem)]) if problem else (data, [])


def image_problem(data: bytes, what: str) -> str | None:
    """Why `data` is not a usable PNG or JPEG (None when it is): checked with Pillow, whose pixel
    limit refuses decompression bombs before decoding, then decoded in full so that a truncated or
    garbled file fails here and not inside a writer."""
    import io
    import warnings

    if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")):
        return f"{what} is not a PNG or JPEG image"
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if img.format not in ("PNG", "JPEG"):
                    return f"{what} is not a PNG or JPEG image"
                if width * height > LOGO_MAX_PIXELS or width == 0 or height == 0:
                    return (f"{what} is {width} x {height} pixels: too many pixels (a logo may have at most "
                            f"{LOGO_MAX_PIXELS:,}): scale it down")
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"{what} has too many pixels (far over {LOGO_MAX_PIXELS:,}, the most a logo may have): scale it down"
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError... for broken files
        return f"{what} is damaged or not a complete image ({printable(exc)})"
    return None
