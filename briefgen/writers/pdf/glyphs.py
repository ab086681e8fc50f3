"""The PDF's fonts and what they can show: each family's four faces registered with reportlab once
per process, and the document checked against their glyphs before anything is drawn (right-to-left
letters refused, invisible format characters the fonts lack left out with a warning)."""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
import warnings

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from briefgen.document import model as m
from briefgen.errors import BriefgenError, BriefgenWarning, FontError
from briefgen.files.root import printable
from briefgen.writers.fonts import ResolvedFamily, read_face

_registered: dict[tuple, ResolvedFamily] = {}


def register_family(family: ResolvedFamily) -> ResolvedFamily:
    """Register the four faces once per process (TTFs are embedded as subsets). Keyed by the files,
    so a theme that keeps a family's name but changes its files (under --watch) gets the new ones."""
    key = (family.name, tuple(sorted((style, str(path)) for style, path in family.files.items())))
    if key in _registered:
        return _registered[key]
    name = family.name if not any(k[0] == family.name for k in _registered) else f"{family.name}~{len(_registered)}"
    names = {style: f"{name}-{style}" for style in family.files}
    for style, path in family.files.items():
        data = read_face(path)  # through the door: a regular file of sensible size, never a FIFO
        try:
            font = TTFont(names[style], data)
            _remember_subsets(font.face)
            pdfmetrics.registerFont(font)
        except BriefgenError:  # Interrupted from a signal while the font is read: not a font problem
            raise
        except Exception:  # reportlab raises TTFError and others for unusable files; their text
            # quotes the file's first bytes, which mean nothing to a reader
            kind = "a TrueType font (.ttf) reportlab can use" if data.getvalue()[:4] in (b"\0\1\0\0", b"true") else \
                "a TrueType font (.ttf): OpenType/CFF (.otf), collections (.ttc) and other files cannot be used"
            raise FontError(f"cannot use font file {printable(path)}: it is not {kind}") from None
    pdfmetrics.registerFontFamily(name, normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bold_italic"])
    _registered[key] = ResolvedFamily(name, family.files, family.source)
    return _registered[key]


def _remember_subsets(face) -> None:
    """reportlab cuts each face's subset anew at every save; a process that writes build after build
    (serve's writer, --watch) asks for the same glyphs each time, so a face keeps its last few subsets
    (a function of the face and the characters alone)."""
    cut = face.makeSubset

    @functools.lru_cache(maxsize=4)
    def remembered(subset: tuple[int, ...]) -> bytes:
        return cut(list(subset))

    face.makeSubset = lambda subset: remembered(tuple(subset))


def refuse_right_to_left(document: m.Document) -> None:
    """Refuse right-to-left letters (Arabic script, Hebrew, Syriac, Thaana, N'Ko...) rather than print
    them wrong: reportlab, as briefgen uses it, neither joins Arabic letters nor orders right-to-left
    runs, so Urdu or Arabic would come out as separate letters in reverse order, unreadable.
    The DOCX, Markdown and HTML writers carry such text, and Word and browsers set it correctly."""
    rtl = "".join(sorted({ch for text, _ in _texts(document) for ch in text
                          if unicodedata.bidirectional(ch) in ("R", "AL")}))
    if rtl:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in rtl[:8])
        raise FontError(f"right-to-left text cannot be set in the PDF yet: {shown}", missing=rtl, font="",
                        why=RTL_REASON)


RTL_REASON = ("right-to-left text (Arabic script or Hebrew: {chars}) cannot be set in the PDF yet: its letters "
              "would print unjoined and in reverse order; build --format docx, html or md for this brief, or "
              "give the text in Latin transliteration")


def check_glyphs(document: m.Document, *families: ResolvedFamily) -> m.Document:
    """Refuse text the fonts cannot show rather than print empty boxes.

    Invisible format characters (zero-width and direction marks, U+FEFF) that the font lacks are
    left out of the PDF with a warning; any other missing character is an error naming it.
    """
    covered: set[int] | None = None
    for fam in families:
        cmap = set(pdfmetrics.getFont(f"{fam.name}-regular").face.charToGlyph)
        covered = cmap if covered is None else covered & cmap
    missing = {ch for text, _ in _texts(document) for ch in text
               if ord(ch) not in covered and not ch.isspace() and ord(ch) >= 0x20}
    invisible = "".join(sorted(ch for ch in missing if unicodedata.category(ch) == "Cf"))
    visible = "".join(sorted(missing - set(invisible)))
    names = " / ".join(dict.fromkeys(f.name for f in families))
    if visible:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, '')})".replace(" )", ")") for c in visible[:8])
        raise FontError(f"the font {names} has no glyph for {shown}; choose a font that covers them in theme.toml",
                        missing=visible, font=names)
    if invisible:
        listed = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in invisible)
        warnings.warn(BriefgenWarning(f"invisible characters left out of the PDF (the font {names} lacks them): {listed}"))
        return _strip(document, invisible)
    return document


def _strip(document: m.Document, chars: str) -> m.Document:
    """The document with `chars` removed from every text node (used for invisible characters only)."""
    table = {ord(c): None for c in chars}

    def fix(node):
        if isinstance(node, m.Text):
            return m.Text(node.text.translate(table))
        if isinstance(node, str):
            return node.translate(table)
        if isinstance(node, tuple):
            return tuple(fix(n) for n in node)
        if dataclasses.is_dataclass(node):
            return dataclasses.replace(node, **{f.name: fix(getattr(node, f.name)) for f in dataclasses.fields(node)})
        return node

    return fix(document)


def _texts(document: m.Document):
    yield document.meta.marking, None
    yield document.meta.footer, None

    def inl(nodes, line):
        for n in nodes:
            match n:
                case m.Text(text=t):
                    yield t, line
                case m.Strong(children=c) | m.Emph(children=c) | m.Link(children=c):
                    yield from inl(c, line)

    def blocks(items):
        for b in items:
            line = getattr(b, "line", None)
            match b:
                case m.Heading(children=c) | m.Paragraph(children=c):
                    yield from inl(c, line)
                case m.BulletList(items=its) | m.OrderedList(items=its):
                    for it in its:
                        yield from blocks(it.blocks)
                case m.Table():
                    yield b.caption or "", line
                    for row in b.header + b.rows:
                        for cell in row:
                            yield from inl(cell, line)
                case m.Callout() | m.Quote():
                    yield getattr(b, "title", ""), line
                    yield from blocks(b.blocks)
                case m.Notes(items=notes):
                    for note in notes:
                        yield from blocks(note.blocks)

    yield from blocks(document.blocks)
