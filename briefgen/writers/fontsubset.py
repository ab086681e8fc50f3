"""The theme's faces cut down to the characters a brief uses, for the formats that carry their fonts
inside the file: the DOCX (embedded, obfuscated fonts) and the HTML page (`@font-face` data).

fontTools' subsetter keeps the glyphs of those characters and the layout tables (kerning,
ligatures), so Word, LibreOffice and browsers set the text as the PDF does; the whole four faces
of PT Sans would add about 1.4 MB to every file.

Cutting a face takes fontTools about 0.1–0.3 s, eight times in a build of every format (four faces,
TrueType for the DOCX, WOFF for the page). So each subset is kept in briefgen's per-user cache
(`files/usercache.py`), named by a digest of the face's bytes, the characters and the flavour, in a
folder per generation of fontTools and of this module; fontTools is imported only on a miss. The
characters always include printable ASCII and common typographic marks, so an edit that brings in
a new letter rarely needs a new subset (each face grows by about 3 KB).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from functools import lru_cache

from briefgen.document import model as m
from briefgen.files.usercache import CacheFolder, generation_folder
from briefgen.writers.fonts import STYLES, read_face, resolve
from briefgen.writers.theme import Theme

# What the writers add beside the text: "Page 3 of 12" (its digits Word computes), list bullets.
FIELD_CHARS = "0123456789 Pageof\u2022"  # and the bullet of the DOCX box lists
# Always in a subset (see above): printable ASCII, no-break space, and the marks news and briefs use.
BASE_CHARS = "".join(map(chr, range(0x20, 0x7F))) + "\u00a0\u00a3\u00a9\u00b0\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac"
MAX_SUBSET = 8 * 2**20  # a subset is tens of kilobytes; a larger entry is not one of ours
KEEP_SUBSETS = 256  # entries kept per generation folder (a few MB)


def document_chars(document: m.Document) -> str:
    """Every character the document can show: its text, titles, captions and the page furniture."""
    found: set[str] = set(FIELD_CHARS + BASE_CHARS)

    def walk(node):
        if isinstance(node, str):
            found.update(node)
        elif isinstance(node, tuple):
            for item in node:
                walk(item)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            for f in dataclasses.fields(node):
                if f.name not in ("href", "anchor", "style", "kind", "line", "created", "language"):
                    walk(getattr(node, f.name))

    walk(document.blocks)
    meta = document.meta
    for text in (meta.title, meta.marking, meta.footer, meta.organisation, meta.author):
        found.update(text)
    # characters a font can hold: no surrogates (the DOCX writer replaces them), no control characters
    return "".join(sorted(c for c in found if c >= " " and not "\ud800" <= c <= "\udfff"))


def faces(theme: Theme) -> dict[str, dict[str, bytes]]:
    """family name -> {style: TrueType bytes} for the theme's body and heading families."""
    out: dict[str, dict[str, bytes]] = {}
    for family in (theme.body_font, theme.heading_font):
        resolved = resolve(family, theme.base_dir, theme.root)
        if resolved.name not in out:
            out[resolved.name] = {style: read_face(resolved.files[style]).getvalue() for style in STYLES}
    return out


@lru_cache(maxsize=32)
def subset(data: bytes, chars: str, flavor: str | None = None) -> bytes:
    """`data` (a TrueType face) with only the glyphs for `chars`; `flavor` "woff" for the web."""
    folder = _cache_folder()
    name = hashlib.sha256(b"\0".join([hashlib.sha256(data).digest(), (flavor or "ttf").encode(),
                                      chars.encode("utf-8", "surrogatepass")])).hexdigest()
    cached = folder.load(name) if folder else None
    if cached is not None:
        return cached
    made = _make_subset(data, chars, flavor)
    if folder:
        folder.store(name, made)
        folder.prune(KEEP_SUBSETS)
    return made


def _cache_folder() -> CacheFolder | None:
    """One folder per generation of fontTools and of this module."""
    return generation_folder("fonts", "fontTools", __file__, MAX_SUBSET)


def _make_subset(data: bytes, chars: str, flavor: str | None) -> bytes:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.layout_features = ["*"]  # kerning and ligatures, as the PDF sets them
    options.name_IDs = ["*"]  # the family name, which Word and LibreOffice match on
    options.hinting = False  # hinting is for small screen sizes; it doubled the subsets
    options.notdef_outline = True
    options.flavor = flavor
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out, reorderTables=False)
    return out.getvalue()
