"""Tagged PDF (PDF/UA-1) for the reportlab writer: marked content, the structure tree, metadata.

reportlab has no structure-tree API, so the tagging is done in three places:

- **While the story is made** (`Tagger.add`, `Tagger.tag`): `writers/pdf.py` builds the structure
  tree from the document model, in reading order, and attaches each leaf element (a heading,
  paragraph, table cell, list label) to the flowable that draws it. The tree's order is the
  model's order, not the order things happen to be drawn in.
- **While pages are drawn** (`TaggingCanvas`): every page's content is an `/Artifact` by default
  (page furniture, rules, table backgrounds and lines, a table header row repeated on a later
  page); a text object drawn for a tagged flowable closes the artifact and is wrapped in
  `/<Role> <</MCID n>> BDC … EMC` inside its `BT … ET`. Links inside a paragraph switch the
  marked content to a `Link` (or `Reference` → `Link` for a note marker) through reportlab's
  `<onDraw>` callback, so every text-showing operator is inside marked content, tagged or artifact.
  Each line of a paragraph ends with a real space, which reportlab drops at line breaks, so that
  the tagged text reads "in December", not "inDecember".
- **When the canvas saves** (`TaggingCanvas.save`): the StructTreeRoot, ParentTree, RoleMap,
  IDTree, MarkInfo, DisplayDocTitle, page labels and the XMP packet (with the PDF/UA, and on
  request PDF/A, identification) are written into reportlab's own catalog, in the same pass.

Writing into reportlab's document rather than rewriting the finished file (e.g. with pikepdf)
keeps one pass, no extra runtime dependency, and reportlab's reproducible (invariant) output; the
page and annotation keys the ParentTree needs are set as reportlab creates those objects.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from html import escape  # not xml.sax.saxutils, which pulls in urllib, http and ssl

from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.pdfdoc import (
    XMP, PDFArray, PDFDate, PDFDictionary, PDFName, PDFObject, PDFPage, PDFStream, PDFString,
)
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.textobject import PDFTextObject

STANDARDS = ("ua-1", "a-2b", "a-2u")

# Structure types that PDF 1.7 (and so PDF/UA-1) does not define, mapped onto standard ones.
ROLE_MAP = {"Aside": "Div", "Title": "P", "Subtitle": "P", "Letterhead": "P", "DocInfo": "P"}

# Elements that hold text directly; a text object drawn while one of these is current is tagged.
# Containers (Table, L, Aside...) are built in the tree but never own marked content.
_ARTIFACT = object()
_CB_NAME = "briefgen_tag"


class Node:
    """A structure element: its role (`S`), children in reading order (nodes, marked-content
    references `(page, mcid)` and annotation references `("annot", key, page)`) and attributes."""

    __slots__ = ("role", "parent", "kids", "attrs", "href", "open_inline")

    def __init__(self, role: str, parent: Node | None = None, **attrs):
        self.role = role
        self.parent = parent
        self.kids: list = []
        self.attrs = attrs
        self.href = None
        self.open_inline: list[Node] = []  # inline elements still open when a split paragraph's part ends
        if parent is not None:
            parent.kids.append(self)

    def __repr__(self):
        return f"<{self.role} {len(self.kids)} kids>"

    def has_content(self) -> bool:
        return any(not isinstance(k, Node) or k.has_content() for k in self.kids)


# --- markup for inline elements -------------------------------------------------------


def _begin(role: str, href: str = "") -> str:
    label = escape(f"{role}|{href}")
    return f'<onDraw name="{_CB_NAME}" label="{label}"/>'


_END = f'<onDraw name="{_CB_NAME}" label="end"/>'


class NoteLinks:
    """Paragraph markup for tagged links and note markers. Knows which notes a document defines
    and which it refers to, so that every link has a target. The `<onDraw>` callbacks it adds are
    zero-width and leave the layout as it was."""

    def __init__(self, document):
        from briefgen.document import model as m

        self.defined: set[int] = set()
        self.referenced: set[int] = set()
        self.anchored: set[int] = set()

        def walk(node):
            if isinstance(node, m.Notes):
                self.defined.update(n.number for n in node.items)
            if isinstance(node, m.NoteRef):
                self.referenced.add(node.number)
            if isinstance(node, tuple):
                for n in node:
                    walk(n)
            elif hasattr(node, "__dataclass_fields__"):
                for name in node.__dataclass_fields__:
                    walk(getattr(node, name))

        walk(document.blocks)

    @staticmethod
    def link(href: str, inner: str) -> str:
        """A link whose text is tagged `Link`."""
        return _begin("Link", href) + inner + _END

    def ref(self, number: int, separator: str = "") -> str:
        """A note marker, tagged `Reference` (with the comma that separates it from the one before):
        a superscript number that links to its note when the document has it. The first marker of
        each note is also the target of the note's link back."""
        mark = f"<super>{number}</super>"
        if number not in self.defined:
            return _begin("Reference") + separator + mark + _END
        anchor = "" if number in self.anchored else f'<a name="noteref-{number}"/>'
        self.anchored.add(number)
        href = f"#note-{number}"
        return anchor + _begin("Reference") + separator + self.link(href, f'<link href="{href}">{mark}</link>')

    def label(self, number: int) -> str:
        """A note's number, the target of its markers' links, and a link back to its first marker."""
        if number not in self.referenced:
            return f'<a name="note-{number}"/>{number}.'
        href = f"#noteref-{number}"
        return f'<a name="note-{number}"/>' + self.link(href, f'<link href="{href}">{number}.</link>')


# --- the tagger ------------------------------------------------------------------------


class Tagger:
    """The structure tree of one PDF and the bookkeeping that ties it to marked content."""

    def __init__(self, language: str, standard: str = "ua-1", enabled: bool = True):
        if standard not in STANDARDS:
            raise ValueError(f"unknown PDF standard {standard!r}")
        self.language = language
        self.standard = standard
        self.enabled = enabled
        self.root = Node("Document")
        self._containers: list[Node] = [self.root]
        self._drawing: list = []  # the element (or _ARTIFACT) whose flowable is being drawn
        self.mcids: dict[int, list[Node]] = {}  # page number -> element of each MCID on it
        self.annots: list[tuple[Node, object]] = []  # StructParent key -> (Link element, annotation ref)
        self.heading_level = 0
        self._tx = None  # the tagged text object being drawn, if any
        self._pending: dict[str, list[Node]] = {}  # href -> Link elements begun, not yet given an annotation
        self._last_link: dict[str, Node] = {}

    # building the tree (from pdf.py, in reading order)

    @property
    def container(self) -> Node:
        return self._containers[-1]

    def add(self, role: str, parent: Node | None = None, **attrs) -> Node:
        return Node(role, parent or self.container, **attrs)

    def heading(self, level: int) -> str:
        """The role of a document heading (`H1`…`H6`); remembered for the headings of boxes."""
        self.heading_level = min(level, 6)
        return f"H{self.heading_level}"

    def box_heading(self) -> str:
        """The role of a box's title: one level below the section it is in. Before the first heading
        (a banner in the title block) it is a paragraph: an H1 there would have no bookmark, and the
        document's headings would start inside an aside."""
        return f"H{min(self.heading_level + 1, 6)}" if self.heading_level else "P"

    @contextmanager
    def inside(self, node: Node):
        """Elements added (and flowables tagged) in this block become children of `node`."""
        self._containers.append(node)
        try:
            yield node
        finally:
            self._containers.pop()

    def group(self, role: str, **attrs):
        """`with tagger.group("L"):` — a new container element, current for the block."""
        return self.inside(self.add(role, **attrs))

    def list_element(self, bullet: bool) -> Node:
        return self.add("L", A={"O": "/List", "ListNumbering": "/Disc" if bullet else "/Decimal"})

    def cell(self, head: bool) -> Node:
        """A table cell, attached to its row by `row`; header cells head their column."""
        if head:
            return Node("TH", None, A={"O": "/Table", "Scope": "/Column"})
        return Node("TD", None)

    def row(self, cells: list) -> list:
        tr = self.add("TR")
        for flowable in cells:
            struct = (flowable[0] if isinstance(flowable, list) else flowable)._struct  # a long cell: pieces of one TD
            struct.parent = tr
            tr.kids.append(struct)
        return cells

    def tag(self, flowable, what: str | Node):
        """Attach a leaf element (a new one of role `what`, or `what` itself) to the flowable that
        draws its text; returns the flowable."""
        node = what if isinstance(what, Node) else self.add(what)
        flowable._struct = node
        if not self.enabled:
            return flowable
        flowable.__class__ = _tagged_class(type(flowable))
        return flowable

    def label_bullets(self, list_flowable, labels: list[Node]):
        """Tag the bullets or numbers a ListFlowable draws, one `Lbl` element per item in order."""
        if not self.enabled:
            return list_flowable
        bullets = [ind._bullet for ind in list_flowable._content if getattr(ind, "_bullet", None)]
        for bullet, label in zip(bullets, labels):
            bullet._struct = label
            bullet.__class__ = _tagged_bullet_class(type(bullet))
        return list_flowable

    # drawing (from the canvas)

    @contextmanager
    def drawing(self, flowable):
        """While a tagged flowable draws: its element is current. A flowable drawn a second time
        (a table's header row repeated on the next page) is an artifact the second time."""
        again = getattr(flowable, "_tag_drawn", False)
        flowable._tag_drawn = True
        self._drawing.append(_ARTIFACT if again else flowable._struct)
        try:
            yield
        finally:
            self._drawing.pop()

    def current(self) -> Node | None:
        node = self._drawing[-1] if self._drawing else None
        return None if node is _ARTIFACT else node

    def _mcid(self, page: int, node: Node) -> str:
        """Open marked content for `node` on `page`: the BDC operator, and the MCID in the tree."""
        ids = self.mcids.setdefault(page, [])
        node.kids.append((page, len(ids)))
        ids.append(node)
        return f"/{node.role} <</MCID {len(ids) - 1}>> BDC"

    def begin_text(self, tx, page: int):
        node = self.current()
        if node is None:
            return
        tx._tag_page = page
        tx._tag_stack = [node] + node.open_inline  # resume a link a split paragraph left open
        node.open_inline = []
        tx._code.append(self._mcid(page, tx._tag_stack[-1]))
        tx._tag_open = len(tx._code)
        self._tx = tx

    def _close(self, tx):
        """End the current marked content; one that showed no text is taken back instead."""
        if tx._tag_open == len(tx._code):
            tx._code.pop()
            page = tx._tag_page
            node = self.mcids[page].pop()
            node.kids.remove((page, len(self.mcids[page])))
        else:
            tx._code.append("EMC")

    def _open(self, tx, node):
        tx._code.append(self._mcid(tx._tag_page, node))
        tx._tag_open = len(tx._code)

    def end_text(self, tx):
        stack = tx._tag_stack
        self._close(tx)
        stack[0].open_inline = stack[1:]
        self._tx = None

    def inline(self, canvas, kind, label):
        """The `<onDraw>` callback: switch the marked content to a new inline element or back."""
        tx = canvas._curr_tx_info["tx"]
        stack = getattr(tx, "_tag_stack", None)
        if not stack:  # drawn as an artifact
            return
        self._close(tx)
        if label == "end":
            if len(stack) > 1:
                closed = stack.pop()
                if closed.role == "Link" and stack[-1].role == "Reference" and len(stack) > 1:
                    stack.pop()  # a note marker ends with its link
        else:
            role, _, href = label.partition("|")
            node = Node(role, stack[-1])
            stack.append(node)
            if role == "Link":
                node.href = href
                self._pending.setdefault(href, []).append(node)
        self._open(tx, stack[-1])

    def annotation(self, href: str) -> tuple[int, Node] | None:
        """The Link element a new link annotation belongs to, and its StructParent key."""
        if self._tx is None:
            return None
        pending = self._pending.get(href)
        node = pending.pop(0) if pending else self._last_link.get(href)
        if node is None:  # a link reportlab drew without our callbacks: tag the annotation alone
            node = Node("Link", self._tx._tag_stack[-1])
            node.href = href
        self._last_link[href] = node
        return node

    # writing (at save)

    def page_key(self, number: int) -> int:
        """A page's ParentTree key (`StructParents`): after every annotation's key."""
        return len(self.annots) + number - 1

    def write(self, canv: TaggingCanvas, page_refs: dict[int, object]):
        doc = canv._doc
        catalog = doc.Catalog
        _prune(self.root)
        refs: dict[int, object] = {}
        nodes = list(_walk(self.root))
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
                    elem.kids.append(("OBJR", self.annots[k[1]][1], page_refs[k[2]]))
                elif k[0] == page:
                    elem.kids.append(k[1])
                else:
                    elem.kids.append(("MCR", page_refs[k[0]], k[1]))
            for key, value in node.attrs.items():
                if key == "ID":
                    ids.append((value, refs[id(node)]))
                elem.attrs[key] = _pdf_value(value)
        nums = []
        npages = len(page_refs)
        for key, (node, _) in enumerate(self.annots):
            nums += [key, refs[id(node)]]
        for number in sorted(page_refs):
            elements = self.mcids.get(number, [])
            nums += [self.page_key(number), PDFArray([refs[id(n)] for n in elements])]
        tree_root["K"] = refs[id(self.root)]
        tree_root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
        tree_root["ParentTreeNextKey"] = len(self.annots) + npages
        used = {n.role for n in nodes}
        tree_root["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in ROLE_MAP.items() if k in used})
        if ids:
            names = []
            for ident, ref in sorted(ids):
                names += [PDFString(ident), ref]
            tree_root["IDTree"] = PDFDictionary({"Names": PDFArray(names)})
        catalog.StructTreeRoot = tree_root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Lang = PDFString(self.language)
        canv.setViewerPreference("DisplayDocTitle", "true")
        canv.addPageLabel(0, style="D", start=1)
        catalog.Metadata = xmp = XMP(creator=lambda d: _xmp(d, self.language, self.standard))
        xmp.filters = []  # PDF/A: the metadata stays readable (uncompressed)
        if self.standard.startswith("a-"):
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
    if isinstance(value, str) and value.startswith("/"):
        return PDFName(value[1:])
    if isinstance(value, str):
        return PDFString(value)
    return value


# --- flowable hooks ----------------------------------------------------------------------

_classes: dict[type, type] = {}


def _tagged_class(cls: type) -> type:
    """A subclass of a flowable class whose drawing makes its element current. reportlab makes
    the parts of a split paragraph with `self.__class__`, so the parts stay tagged; `split` passes
    the element on to them."""
    if getattr(cls, "_briefgen_tagged", False):
        return cls
    if cls not in _classes:

        def drawOn(self, canvas, x, y, _sW=0):
            tagger = getattr(canvas, "_tagger", None)
            if tagger is None:
                return cls.drawOn(self, canvas, x, y, _sW)
            with tagger.drawing(self):
                return cls.drawOn(self, canvas, x, y, _sW)

        def split(self, availWidth, availHeight):
            parts = cls.split(self, availWidth, availHeight)
            for part in parts:
                if part is not self and not hasattr(part, "_struct"):
                    part._struct = self._struct
                    part.__class__ = _tagged_class(type(part))
            return parts

        _classes[cls] = type(f"Tagged{cls.__name__}", (cls,), {
            "drawOn": drawOn, "split": split, "_briefgen_tagged": True, "__module__": __name__})
    return _classes[cls]


def _tagged_bullet_class(cls: type) -> type:
    if cls not in _classes:

        def drawOn(self, indenter, canv, x, y, _sW=0):
            tagger = getattr(canv, "_tagger", None)
            if tagger is None:
                return cls.drawOn(self, indenter, canv, x, y, _sW)
            with tagger.drawing(self):
                return cls.drawOn(self, indenter, canv, x, y, _sW)

        _classes[cls] = type(f"Tagged{cls.__name__}", (cls,), {"drawOn": drawOn, "__module__": __name__})
    return _classes[cls]


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
        self._tagger = tagger
        self._page_refs: dict[int, object] = {}
        self._annot_keys: list = []
        cb = tagger.inline
        if hasattr(self, "setNamedCB"):
            self.setNamedCB(_CB_NAME, cb)
        setattr(self, _CB_NAME, cb)  # older reportlab looks callbacks up as canvas attributes

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
        self._code.append("EMC " + self._tagger._mcid(self._pageNumber, node))
        try:
            return super().drawImage(*args, **kw)
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
            self._tagger.write(self, self._page_refs)
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
   <pdf:Trapped>{_x(info.trapped)}</pdf:Trapped>
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
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    stream = PDFStream(PDFDictionary({"N": 3}), profile.tobytes())
    return PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB"), "Info": PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": doc.Reference(stream),
    })
