"""Find TrueType fonts (regular, bold, italic, bold italic) for the PDF writer.

Fonts come from the theme (explicit TTF paths) or the system's font folders; none is shipped
with briefgen. The default families cover Latin-extended and Cyrillic (Liberation, DejaVu, Arial,
Noto), so names such as Tleuberdi or Тлеуберди set correctly.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.errors import BriefgenWarning, FontError
from briefgen.files import FileRefused, Root, printable
from briefgen.theme import FontFamily

STYLES = ("regular", "bold", "italic", "bold_italic")

# File names of the four styles of well-known families, in STYLES order.
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
FALLBACK_FAMILIES = ("liberation sans", "dejavu sans", "arial", "noto sans")


@dataclass(frozen=True)
class ResolvedFamily:
    name: str
    files: dict[str, Path]  # style -> TTF path


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


def _by_name(name: str) -> ResolvedFamily | None:
    key = name.strip().lower()
    stem = name.replace(" ", "")
    candidates = KNOWN_FAMILIES.get(key) or tuple(f"{stem}-{s}.ttf" for s in ("Regular", "Bold", "Italic", "BoldItalic"))
    fonts = _system_fonts()
    paths = [fonts.get(c.lower()) for c in candidates]
    if paths[0] is None:
        return None
    # a family without bold or italic files still works: reuse the regular face
    files = {style: (p or paths[0]) for style, p in zip(STYLES, paths)}
    return ResolvedFamily(name, files)


def resolve(family: FontFamily, base_dir: str = "", root: Root | None = None) -> ResolvedFamily:
    """The theme's family (explicit files first, then by name), else the first fallback found.
    Font files named in the theme must lie inside `root` (the theme's template folder)."""
    if family.regular:
        files = {}
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
        return ResolvedFamily(family.name or Path(family.regular).stem, files)
    for name in ([family.name] if family.name else []) + list(FALLBACK_FAMILIES):
        found = _by_name(name)
        if found:
            if family.name and name != family.name:
                warnings.warn(BriefgenWarning(f"font '{family.name}' not found on this system; using {found.name}"))
            return found
    searched = ", ".join(str(d) for d in font_dirs()) or "no font folders exist"
    raise FontError(
        f"no usable TrueType font found (wanted '{family.name}', then {', '.join(FALLBACK_FAMILIES)}; "
        f"searched {searched}). Install fonts-liberation2 or fonts-dejavu, or set font files in theme.toml"
    )
