"""TrueType fonts (regular, bold, italic, bold italic) for the PDF writer, and the family names
both writers use.

Where a face comes from, in this order:
1. font files named in the theme (relative to theme.toml);
2. a family that travels with briefgen as a Python dependency — PT Sans and PT Serif, from the
   `fontpkg-pt-sans` and `fontpkg-pt-serif` wheels (SIL OFL, static TTFs covering Latin Extended
   and Cyrillic including the Kazakh letters), read with `importlib.resources`;
3. the system's font folders, searched only when the theme names a family that is not packaged.
A family the theme names but this machine lacks falls back to PT Sans with one warning, so a
brief's page breaks never depend on which fonts happen to be installed.

Font bytes are read by `read_face` alone, through briefgen.files.root (regular files of a sensible
size); files named in the theme must lie inside the theme's root, packaged ones are read from
their package's folder (or from the wheel's zip, when installed as one).
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from briefgen.errors import BriefgenWarning, FontError
from briefgen.files.root import LIMITS, FileRefused, Root, package_root, printable, read_regular
from briefgen.writers.theme import FontFamily, Theme

STYLES = ("regular", "bold", "italic", "bold_italic")
_WEIGHT_STYLE = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
                 "bold_italic": (700, "italic")}

# Families that are Python dependencies of briefgen: lower-case name -> importable package.
PACKAGED = {"pt sans": "fontpkg_pt_sans", "pt serif": "fontpkg_pt_serif"}
DEFAULT_FAMILY = "PT Sans"

# File names of the four styles of well-known system families, in STYLES order.
KNOWN_FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "liberation sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"),
    "liberation serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
    "dejavu sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    "dejavu serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
    "arial": ("arial.ttf", "arialbd.ttf", "ariali.ttf", "arialbi.ttf"),
    "times new roman": ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    "noto sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf"),
    "noto serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"),
}

# A widely installed family for the DOCX font table's w:altName: what Word and LibreOffice show
# on a machine that has neither the named font nor an embedded copy.
ALT_NAMES = {"pt sans": "Arial", "pt serif": "Times New Roman"}


@dataclass(frozen=True)
class ResolvedFamily:
    name: str
    files: dict[str, Path | Traversable]  # style -> a TTF file on disk or inside a package
    source: str = "system"  # "theme" (files beside theme.toml), "package" or "system"


def read_face(file: Path | Traversable) -> io.BytesIO:
    """The bytes of one font file, named for messages (reportlab reads a file object's `name`).
    FontError when the file cannot be read (not a regular file, too large, unreadable)."""
    if isinstance(file, Path):  # on disk: through the door, never a FIFO or /dev/zero
        try:
            raw = read_regular(file, LIMITS["font"], None, f"font file {printable(file)}")
        except FileRefused as exc:
            raise FontError(exc.message) from None
    else:  # inside a zipped install: importlib.resources is the only way in
        raw = file.read_bytes()
    data = io.BytesIO(raw)
    data.name = file.name
    return data


# --- packaged families -------------------------------------------------------------


@lru_cache(maxsize=None)
def _packaged(key: str) -> ResolvedFamily | None:
    """A packaged family's four faces, chosen by weight and style from the wheel's metadata.json."""
    package = PACKAGED.get(key)
    if package is None:
        return None
    try:
        root = resources.files(package)
        if isinstance(root, Path):  # an ordinary install: read through the door, confined to the package
            inside = package_root(root)
            meta = json.loads(inside.read_text("metadata.json", "settings"))
            place = inside.locate
        else:  # a zipped install
            meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
            place = root.joinpath
        static = {(f.get("weight"), f.get("style")): f["path"] for f in meta.get("files", [])
                  if not f.get("variable")}
        files = {style: place(static[ws]) for style, ws in _WEIGHT_STYLE.items() if ws in static}
    except (ModuleNotFoundError, OSError, ValueError, KeyError, FileRefused) as exc:  # a broken install
        raise FontError(f"the font package {package.replace('_', '-')} is missing or damaged ({exc}); "
                        "reinstall briefgen") from None
    if "regular" not in files:
        return None
    return ResolvedFamily(meta.get("family", key), {s: files.get(s, files["regular"]) for s in STYLES}, "package")


# --- system fonts (only for a family the theme names that is not packaged) ----------


def font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    if sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"), home / "Library/Fonts"]
    if os.name == "nt":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    return [d for d in dirs if d.is_dir()]


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, Path]:
    """Every .ttf under the system font folders, by lower-case file name (first found wins)."""
    found: dict[str, Path] = {}
    for root in font_dirs():
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                if name.lower().endswith(".ttf"):
                    found.setdefault(name.lower(), Path(dirpath) / name)
    return found


def _on_system(name: str) -> ResolvedFamily | None:
    key = name.strip().lower()
    stem = name.replace(" ", "")
    candidates = KNOWN_FAMILIES.get(key) or tuple(f"{stem}-{s}.ttf" for s in ("Regular", "Bold", "Italic", "BoldItalic"))
    fonts = _system_fonts()
    paths = [fonts.get(c.lower()) for c in candidates]
    if paths[0] is None:
        return None
    # a family without bold or italic files still works: reuse the regular face
    return ResolvedFamily(name, {style: (p or paths[0]) for style, p in zip(STYLES, paths)}, "system")


# --- resolution ----------------------------------------------------------------------


def _from_theme_files(family: FontFamily, base_dir: str, root: Root | None) -> ResolvedFamily:
    """Font files named in the theme; they must lie inside `root` (the theme's template folder)."""
    files: dict[str, Path | Traversable] = {}
    root = root or Root(Path(base_dir or "."), None, "the theme's folder")
    for style in STYLES:
        given = getattr(family, style) or family.regular
        path = Path(base_dir, given) if base_dir else Path(given)
        try:
            root.locate(path)
        except FileRefused as exc:
            raise FontError(f"theme.toml: font file '{printable(given)}' ({style}): {exc.message}") from None
        if not root.is_file(path):
            where = f" (relative to {printable(base_dir)}, where theme.toml is)" if base_dir else ""
            what = "is not an ordinary file" if path.exists() else "not found"
            raise FontError(f"theme.toml: font file '{printable(given)}' ({style}) {what}{where}")
        files[style] = path
    return ResolvedFamily(family.name or Path(family.regular).stem, files, "theme")


def _find(family: FontFamily, base_dir: str, root: Root | None = None) -> tuple[ResolvedFamily, str | None]:
    """The family and, when the theme's name was not found, the name that was wanted."""
    if family.regular:
        return _from_theme_files(family, base_dir, root), None
    wanted = family.name.strip()
    found = _packaged(wanted.lower() or DEFAULT_FAMILY.lower()) or (_on_system(wanted) if wanted else None)
    if found:
        return found, None
    fallback = _packaged(DEFAULT_FAMILY.lower())
    if fallback is None:
        raise FontError(f"the font package for {DEFAULT_FAMILY} is missing; reinstall briefgen")
    return fallback, wanted


def resolve(family: FontFamily, base_dir: str = "", root: Root | None = None) -> ResolvedFamily:
    """The theme's family: its files (inside `root`), else the packaged family of that name, else
    the system's family of that name, else PT Sans (with a warning naming the font not found)."""
    found, missing = _find(family, base_dir, root)
    if missing:
        warnings.warn(BriefgenWarning(_not_found(missing, found.name)))
    return found


def _not_found(wanted: str, used: str) -> str:
    return f"font '{wanted}' not found on this system; using {used}"


def settle(theme: Theme) -> Theme:
    """The theme with each font family named as it will be used, so that the PDF and the DOCX name
    the same family; a family that is not found is reported once, however many writers run and
    whether it is the body font, the heading font or both."""
    changes, missing = {}, []
    for field in ("body_font", "heading_font"):
        family: FontFamily = getattr(theme, field)
        found, wanted = _find(family, theme.base_dir, theme.root)
        if wanted is not None:
            if wanted not in missing:
                missing.append(wanted)
            changes[field] = FontFamily(name=found.name)
        elif not family.name:
            changes[field] = family.model_copy(update={"name": found.name})
    for wanted in missing:
        warnings.warn(BriefgenWarning(_not_found(wanted, DEFAULT_FAMILY)))
    return theme.model_copy(update=changes) if changes else theme


@dataclass(frozen=True)
class FontTableEntry:
    """What a DOCX font table says about a family, so Word and LibreOffice can pick a close
    substitute where the family is not installed."""

    name: str
    alt_name: str | None = None  # a widely installed look-alike (w:altName)
    generic: str = "auto"  # w:family: swiss (sans serif), roman (serif) or auto
    panose: str | None = None  # the regular face's PANOSE classification, 20 hex digits


def font_table_entry(name: str) -> FontTableEntry:
    """The font-table facts of a family; only packaged families are looked into (no system search)."""
    key = name.strip().lower()
    family = _packaged(key) if key in PACKAGED else None
    panose = _panose(family.files["regular"].read_bytes()) if family else None
    generic = "auto"
    if panose and panose[:2] == "02":  # Latin text: serif styles 11-13 are the sans serifs
        generic = "swiss" if int(panose[2:4], 16) in (11, 12, 13) else "roman"
    return FontTableEntry(name, ALT_NAMES.get(key), generic, panose)


def _panose(ttf: bytes) -> str | None:
    """The 10-byte PANOSE of a TrueType file's OS/2 table, as hex (None if the table is absent)."""
    import struct

    (count,) = struct.unpack_from(">H", ttf, 4)
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", ttf, 12 + 16 * i)
        if tag == b"OS/2" and length >= 42:
            return ttf[offset + 32:offset + 42].hex().upper()
    return None
