"""The canvas of the tagged PDF: page content is an `/Artifact` unless a tagged flowable draws it;
text drawn for a tagged element is wrapped in marked content (MCIDs); link annotations get their
StructParent and description; at save the catalog is written (`catalog.write_catalog`)."""

from __future__ import annotations

import re
from contextlib import contextmanager

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObject, PDFPage, PDFString
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.textobject import PDFTextObject

from briefgen.writers.pdf.catalog import ConformingDocument, write_catalog
from briefgen.writers.pdf.tags import CB_NAME, Tagger


class _TextObject(PDFTextObject):
    def _textOut(self, text, TStar=0):
        # reportlab breaks lines at spaces and drops them; a real space at each line's end keeps
        # words apart in the tagged text (it draws nothing and comes after the line's last glyph)
        if TStar and getattr(self, "_tag_stack", None):
            text = text + " "
        super()._textOut(text, TStar)


class TaggingCanvas(rl_canvas.Canvas):
    """A canvas whose page content is an artifact unless a tagged flowable draws it."""

    def __init__(self, *args, tagger: Tagger, **kw):
        super().__init__(*args, **kw)
        self._doc.__class__ = ConformingDocument  # EOL before every endstream
        self._tagger = tagger
        self._page_refs: dict[int, object] = {}
        self._annot_keys: list = []
        cb = tagger.inline
        if hasattr(self, "setNamedCB"):
            self.setNamedCB(CB_NAME, cb)
        setattr(self, CB_NAME, cb)  # older reportlab looks callbacks up as canvas attributes

    def beginText(self, x=0, y=0, direction=None):
        if not self._tagger.enabled:
            return super().beginText(x, y, direction)
        tx = _TextObject(self, x, y, direction=direction)
        self._tagger.begin_text(tx, self._pageNumber)
        return tx

    def drawText(self, aTextObject):
        if getattr(aTextObject, "_tag_stack", None) is None:
            return super().drawText(aTextObject)
        self._tagger.end_text(aTextObject)
        self._code.append("EMC")  # leave the page's artifact for tagged content
        super().drawText(aTextObject)
        self._code.append("/Artifact BMC")

    def drawImage(self, *args, **kw):
        """An image drawn for a tagged flowable (the logo, a `Figure`) is marked content too."""
        node = self._tagger.current() if self._tagger.enabled else None
        if node is None:
            return super().drawImage(*args, **kw)
        self._code.append("EMC " + self._tagger.mcid(self._pageNumber, node))
        try:
            return super().drawImage(*args, **kw)
        finally:
            self._code.append("EMC /Artifact BMC")

    @contextmanager
    def content(self, node):
        """What is drawn in this block is marked content of `node` (drawn outside any flowable)."""
        if not self._tagger.enabled:
            yield
            return
        self._code.append("EMC " + self._tagger.mcid(self._pageNumber, node))
        try:
            yield
        finally:
            self._code.append("EMC /Artifact BMC")

    @contextmanager
    def artifact(self, kind: str, subtype: str | None = None):
        """Mark page furniture with its artifact type (Pagination: header, footer, page numbers)."""
        if not self._tagger.enabled:
            yield
            return
        extra = f" /Subtype /{subtype}" if subtype else ""
        self._code.append(f"EMC /Artifact <</Type /{kind}{extra}>> BDC")
        try:
            yield
        finally:
            self._code.append("EMC /Artifact BMC")

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        if self._tagger.enabled and self._tagger.repeating():
            return  # a link in a repeated header row: the row is an artifact, its link too
        href = _annotation_target(annotation)
        node = self._tagger.annotation(href) if href is not None else None
        if node is not None:
            key = len(self._tagger.annots)
            entries = {"StructParent": key, "F": 4, "Contents": PDFString(_describe(href))}
            if isinstance(annotation, PDFDictionary):
                annotation.dict.update(entries)
            else:
                annotation.Contents = entries.pop("Contents")
                annotation.otherkw.update(entries)
                annotation.permitted = (*annotation.permitted, "StructParent")
            name = name or f"NUMBER{self._annotationCount + 1}"
        super()._addAnnotation(annotation, name, addtopage)
        if node is not None:
            self._tagger.annots.append((node, self._doc.refAnnotation(name)))
            node.kids.append(("annot", key, self._pageNumber))

    def showPage(self):
        if not self._tagger.enabled:
            return super().showPage()
        # the page's content is an artifact wherever tagged content does not interrupt it
        self._code.insert(0, "/Artifact BMC")
        self._code.append("EMC")
        self._page_refs[self._pageNumber] = self._doc.thisPageRef()
        super().showPage()

    def _setAnnotations(self, page):
        super()._setAnnotations(page)
        if not self._tagger.enabled:
            return
        page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = _PageKey(self._tagger, self._pageNumber)
        page.Tabs = PDFName("S")  # annotations in structure order

    def save(self):
        if self._tagger.enabled:
            write_catalog(self._tagger, self, self._page_refs)
        super().save()


class _PageKey(PDFObject):
    """A page's ParentTree key, known only once every annotation has its key (at save)."""

    def __init__(self, tagger: Tagger, number: int):
        self.tagger, self.number = tagger, number

    def format(self, document):
        return str(self.tagger.page_key(self.number)).encode("ascii")


def _annotation_target(annotation) -> str | None:
    """The href a link annotation was made for: '#name' for a destination in the document."""
    if isinstance(annotation, PDFDictionary):
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
        return getattr(uri, "s", None) if uri is not None else None
    dest = getattr(annotation, "Destination", None)
    name = getattr(dest, "name", None)
    return f"#{name}" if name else None


def _describe(href: str) -> str:
    """The alternate description a link annotation carries (PDF/UA wants one on every link)."""
    if m := re.fullmatch(r"#note-(\d+)", href):
        return f"Source note {m.group(1)}"
    if m := re.fullmatch(r"#noteref-(\d+)", href):
        return f"Back to the first reference to source note {m.group(1)}"
    if href.startswith("#"):
        return f"Go to {href[1:]}"
    return href
