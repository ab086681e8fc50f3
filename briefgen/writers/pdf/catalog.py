"""What the tagged PDF adds to reportlab's catalog at save: the StructTreeRoot (with ParentTree,
RoleMap and IDTree), MarkInfo, Lang, DisplayDocTitle, page labels, the XMP packet with the PDF/UA
and, on request, PDF/A-2 identification, and PDF/A's output intent."""

from __future__ import annotations

import re
import struct
import zlib
from functools import lru_cache
from html import escape  # not xml.sax.saxutils, which pulls in urllib, http and ssl

from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.pdfdoc import (
    XMP, PDFArray, PDFDate, PDFDictionary, PDFDocument, PDFName, PDFObject, PDFStream, PDFString, PDFZCompress,
)

from briefgen.writers.pdf.tags import Node, Tagger

# Structure types that PDF 1.7 (and so PDF/UA-1) does not define, mapped onto standard ones.
ROLE_MAP = {"Aside": "Div", "Title": "P", "Subtitle": "P", "Letterhead": "P", "DocInfo": "P",
            "DeskText": "P", "DeskLabel": "P"}


def write_catalog(tagger: Tagger, canv, page_refs: dict[int, object]):
    """The structure tree and metadata into the canvas's document (`page_refs`: page number -> page)."""
    doc = canv._doc
    catalog = doc.Catalog
    _prune(tagger.root)
    refs: dict[int, object] = {}
    nodes = list(_walk(tagger.root))
    elems = {}
    for node in nodes:
        elems[id(node)] = elem = _StructElem(node.role)
        refs[id(node)] = doc.Reference(elem)
    tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(tree_root)
    ids = []
    for node in nodes:
        elem = elems[id(node)]
        elem.parent = refs[id(node.parent)] if node.parent is not None else root_ref
        pages = [k[0] if k[0] != "annot" else k[2] for k in node.kids if isinstance(k, tuple)]
        page = min(pages) if pages else None
        if page is not None:
            elem.page = page_refs[page]
        for k in node.kids:
            if isinstance(k, Node):
                elem.kids.append(refs[id(k)])
            elif k[0] == "annot":
                elem.kids.append(("OBJR", tagger.annots[k[1]][1], page_refs[k[2]]))
            elif k[0] == page:
                elem.kids.append(k[1])
            else:
                elem.kids.append(("MCR", page_refs[k[0]], k[1]))
        if node.boxes and len({box[0] for box in node.boxes}) == 1:  # drawn on one page: its bounding box
            x0, y0, x1, y1 = (f(b[i] for b in node.boxes) for f, i in ((min, 1), (min, 2), (max, 3), (max, 4)))
            node.attrs["A"] = {"O": "/Layout", "BBox": [round(v, 2) for v in (x0, y0, x1, y1)]}
        for key, value in node.attrs.items():
            if key == "ID":
                ids.append((value, refs[id(node)]))
            elem.attrs[key] = _pdf_value(value)
    nums = []
    npages = len(page_refs)
    for key, (node, _) in enumerate(tagger.annots):
        nums += [key, refs[id(node)]]
    for number in sorted(page_refs):
        elements = tagger.mcids.get(number, [])
        nums += [tagger.page_key(number), PDFArray([refs[id(n)] for n in elements])]
    tree_root["K"] = refs[id(tagger.root)]
    tree_root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
    tree_root["ParentTreeNextKey"] = len(tagger.annots) + npages
    used = {n.role for n in nodes}
    tree_root["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in ROLE_MAP.items() if k in used})
    if ids:
        names = []
        for ident, ref in sorted(ids):
            names += [PDFString(ident), ref]
        tree_root["IDTree"] = PDFDictionary({"Names": PDFArray(names)})
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    catalog.Lang = PDFString(tagger.language)
    canv.setViewerPreference("DisplayDocTitle", "true")
    canv.addPageLabel(0, style="D", start=1)
    catalog.Metadata = xmp = XMP(creator=lambda d: _xmp(d, tagger.language, tagger.standard))
    xmp.filters = []  # PDF/A: the metadata stays readable (uncompressed)
    if tagger.standard.startswith("a-"):
        catalog.OutputIntents = PDFArray([_output_intent(doc)])
        if "OutputIntents" not in catalog.__NoDefault__:
            catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]


class _StructElem(PDFObject):
    """A structure element, formatted directly: a brief has hundreds, and reportlab's general
    dictionary formatting of them was most of the cost of tagging."""

    def __init__(self, role: str):
        self.role = role
        self.parent = self.page = None
        self.kids: list = []
        self.attrs: dict = {}

    def format(self, doc):
        out = [b"<< /S /", self.role.encode("ascii"), b" /P ", self.parent.format(doc)]
        if self.page is not None:
            out += [b" /Pg ", self.page.format(doc)]
        kids = []
        for k in self.kids:
            if isinstance(k, int):
                kids.append(b"%d" % k)
            elif isinstance(k, tuple) and k[0] == "MCR":
                kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (k[1].format(doc), k[2]))
            elif isinstance(k, tuple):
                kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>" % (k[1].format(doc), k[2].format(doc)))
            else:
                kids.append(k.format(doc))
        if len(kids) == 1:
            out += [b" /K ", kids[0]]
        elif kids:
            out += [b" /K [ ", b" ".join(kids), b" ]"]
        for key, value in self.attrs.items():
            out += [b" /", key.encode("ascii"), b" ", pdf_format(value, doc)]
        out.append(b" >>")
        return b"".join(out)


def _walk(node: Node):
    yield node
    for k in node.kids:
        if isinstance(k, Node):
            yield from _walk(k)


# Elements that mean something when empty: table cells keep a table's grid regular.
_KEEP_EMPTY = {"TD", "TH", "TR", "THead", "TBody", "Table", "Document"}


def _prune(node: Node):
    """Leave out elements that drew nothing (an empty paragraph, a list item's spacer)."""
    for k in list(node.kids):
        if isinstance(k, Node):
            _prune(k)
            if not k.kids and k.role not in _KEEP_EMPTY:
                node.kids.remove(k)


def _pdf_value(value):
    if isinstance(value, dict):
        return PDFDictionary({k: _pdf_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return PDFArray([_pdf_value(v) for v in value])
    if isinstance(value, str) and value.startswith("/"):
        return PDFName(value[1:])
    if isinstance(value, str):
        return PDFString(value)
    return value


# --- metadata ----------------------------------------------------------------------------


def _xmp_date(doc) -> str:
    """The Info dictionary's date, in XMP form: PDF/A wants the two to agree."""
    raw = PDFDate(ts=doc._timeStamp).format(doc).decode("latin-1")
    m = re.search(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-]\d\d)'(\d\d)'", raw)
    y, mo, d, h, mi, s, tzh, tzm = m.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tzh}:{tzm}"


def _x(text: str) -> str:
    return escape(text or "", quote=False)


def _xmp(doc, language: str, standard: str) -> bytes:
    info = doc.info
    date = _xmp_date(doc)
    pdfa = ""
    extension = ""
    if standard.startswith("a-"):
        pdfa = f"""
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>{standard[-1].upper()}</pdfaid:conformance>
  </rdf:Description>"""
        # PDF/A accepts only schemas it predefines or that the file describes: describe pdfuaid
        extension = """
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>"""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_x(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{_x(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_x(info.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{_x(language)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{_x(info.producer)}</pdf:Producer>
   <pdf:Keywords>{_x(info.keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{_x(info.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>{pdfa}{extension}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")


def _output_intent(doc):
    """An sRGB output intent (PDF/A): the ICC profile is made by Pillow, not shipped."""
    stream = PDFStream(PDFDictionary({"N": 3}), _srgb_profile(doc._timeStamp.YMDhms))
    return PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB"), "Info": PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": doc.Reference(stream),
    })


def _srgb_profile(when) -> bytes:
    """Pillow's sRGB profile, dated `when` (the document's date) instead of now, so reproducible
    builds stay byte for byte equal; its profile ID, a digest that covered the date, is left zero
    ("not computed", as the ICC header allows)."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = struct.pack(">6H", *when[:6])  # the header's dateTimeNumber
    data[84:100] = bytes(16)
    return bytes(data)


# --- PDF/A's stream syntax --------------------------------------------------------------


class ConformingDocument(PDFDocument):
    """reportlab's document, writing an end-of-line before each `endstream` (PDF/A-2, 6.1.7.1; PDF
    1.7 advises it). reportlab's streams end with the data then `endstream`; every object goes
    through `Reference` to get its number, so each stream is given the EOL there, once, by its
    class: one place for page contents, fonts, images, XMP and the ICC profile alike, and the
    stream's /Length still counts the data alone, as the standard wants. The canvas makes its
    document one of these (`TaggingCanvas.__init__`)."""

    def Reference(self, obj, name=None):
        if isinstance(obj, PDFStream) and not isinstance(obj, _EndOfLine):
            obj.__class__ = _with_end_of_line(type(obj))
        return super().Reference(obj, name)


class _EndOfLine:
    """Marks a stream class whose `format` ends the data with an EOL."""


_END = b"endstream\n"
_eol_classes: dict[type, type] = {}


def _with_end_of_line(cls: type) -> type:
    if cls not in _eol_classes:
        def format(self, document):
            if self.filters:  # the one place every stream is formatted: Flate remembers here too
                self.filters = [_FLATE if f is PDFZCompress else f for f in self.filters]
            out = cls.format(self, document)
            return out[: -len(_END)] + b"\n" + _END if out.endswith(_END) else out

        _eol_classes[cls] = type(cls.__name__, (_EndOfLine, cls), {"format": format, "__module__": __name__})
    return _eol_classes[cls]


class _RememberedFlate:
    """reportlab's Flate filter, remembering its last outputs. A process that writes build after build
    (serve's writer, --watch) compresses the same font subsets each time, the largest streams of the
    file: a tenth of the PDF writer's time. zlib's output is a function of the bytes alone."""

    pdfname = PDFZCompress.pdfname

    @staticmethod
    def encode(content: bytes | str) -> bytes:
        return _deflate(content.encode("utf8") if isinstance(content, str) else bytes(content))

    decode = staticmethod(zlib.decompress)


@lru_cache(maxsize=16)
def _deflate(content: bytes) -> bytes:
    return zlib.compress(content)


_FLATE = _RememberedFlate()
