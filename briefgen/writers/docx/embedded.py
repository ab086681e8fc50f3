"""The theme's fonts inside the .docx, so Word and LibreOffice show the brief in PT Sans (or the
theme's families) on a machine that does not have them, and lay its pages out as the PDF does.

Each face is a subset of the characters the brief uses (fontTools, see fontsubset.py) and is
obfuscated as ECMA-376 Part 1, 17.8.1 requires of embedded fonts: a GUID key in the font table
(`w:fontKey`), and the first 32 bytes of the font XOR-ed with that key's bytes in reverse order.
The key is made from the subset's own bytes, so equal input still gives an equal file.
`w:embedTrueTypeFonts` and `w:saveSubsetFonts` in the settings say the document carries them.
"""

from __future__ import annotations

import hashlib
import uuid

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree
from lxml.etree import SubElement

from briefgen.writers.fontsubset import faces, subset
from briefgen.writers.theme import Theme

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_EMBED = {"regular": "embedRegular", "bold": "embedBold", "italic": "embedItalic", "bold_italic": "embedBoldItalic"}
# settings.xml children that come after w:embedTrueTypeFonts / w:saveSubsetFonts in schema order
_AFTER_EMBED = {qn(f"w:{tag}") for tag in (
    "embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges bordersDoNotSurroundHeader"
    " bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors hideGrammaticalErrors activeWritingStyle"
    " proofState formsDesign attachedTemplate linkStyles stylePaneFormatFilter stylePaneSortMethod"
    " documentType mailMerge revisionView trackRevisions doNotTrackMoves doNotTrackFormatting"
    " documentProtection autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop").split()}


def obfuscate(font: bytes, key: str) -> bytes:
    """ECMA-376's font obfuscation (its own inverse): the GUID `key` ("{XXXXXXXX-...}") as 16 bytes
    read from its last hex pair to its first, XOR-ed over the font's first 32 bytes."""
    digits = key.strip("{}").replace("-", "")
    mask = bytes(int(digits[i:i + 2], 16) for i in range(30, -1, -2))
    return bytes(b ^ mask[i % 16] for i, b in enumerate(font[:32])) + font[32:]


def embed_fonts(doc, theme: Theme, chars: str) -> None:
    """Embed the theme's families, each face cut down to `chars`, into the font table."""
    table_part = next((rel.target_part for rel in doc.part.rels.values()
                       if rel.reltype == RT.FONT_TABLE and not rel.is_external), None)
    if table_part is None:
        return
    for rel_id, rel in list(table_part.rels.items()):  # a reference.docx's own embedded faces go
        if rel.reltype == RT.FONT:
            table_part.drop_rel(rel_id)
    table = etree.fromstring(table_part.blob)
    for embed in table.iter(*(qn(f"w:{tag}") for tag in _EMBED.values())):
        embed.getparent().remove(embed)
    count = 0
    for family, styles in faces(theme).items():
        entry = next((f for f in table.findall(qn("w:font")) if f.get(qn("w:name")) == family), None)
        if entry is None:
            entry = SubElement(table, qn("w:font"))
            entry.set(qn("w:name"), family)
        for style in ("regular", "bold", "italic", "bold_italic"):  # the schema's order
            data = subset(styles[style], chars)
            key = "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"
            count += 1
            part = Part(PackURI(f"/word/fonts/font{count}.odttf"), OBFUSCATED_FONT, obfuscate(data, key),
                        doc.part.package)
            embed = SubElement(entry, qn(f"w:{_EMBED[style]}"))
            embed.set(qn("r:id"), table_part.relate_to(part, RT.FONT))
            embed.set(qn("w:fontKey"), key)
            embed.set(qn("w:subsetted"), "1")
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = doc.settings.element
    for tag in ("embedTrueTypeFonts", "saveSubsetFonts"):
        if settings.find(qn(f"w:{tag}")) is None:
            later = next((c for c in settings if c.tag in _AFTER_EMBED and c.tag != qn(f"w:{tag}")), None)
            element = settings.makeelement(qn(f"w:{tag}"), {})
            later.addprevious(element) if later is not None else settings.append(element)
