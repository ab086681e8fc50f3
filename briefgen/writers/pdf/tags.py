"""Tagged PDF (PDF/UA-1) for the reportlab writer: the structure tree and the bookkeeping that ties
it to marked content.

reportlab has no structure-tree API, so the tagging is done in three places:

- **While the story is made** (`Tagger.add`, `Tagger.tag`, this module): `story.py` builds the structure
  tree from the document model, in reading order, and attaches each leaf element (a heading,
  paragraph, table cell, list label) to the flowable that draws it. The tree's order is the
  model's order, not the order things happen to be drawn in.
- **While pages are drawn** (`canvas.TaggingCanvas`): every page's content is an `/Artifact` by default
  (page furniture, rules, table backgrounds and lines, a table header row repeated on a later
  page); a text object drawn for a tagged flowable closes the artifact and is wrapped in
  `/<Role> <</MCID n>> BDC … EMC` inside its `BT … ET`. Links inside a paragraph switch the
  marked content to a `Link` (or `Reference` → `Link` for a note marker) through reportlab's
  `<onDraw>` callback, so every text-showing operator is inside marked content, tagged or artifact.
  Each line of a paragraph ends with a real space, which reportlab drops at line breaks, so that
  the tagged text reads "in December", not "inDecember".
- **When the canvas saves** (`catalog.write_catalog`): the StructTreeRoot, ParentTree, RoleMap,
  IDTree, MarkInfo, DisplayDocTitle, page labels and the XMP packet (with the PDF/UA, and on
  request PDF/A, identification) are written into reportlab's own catalog, in the same pass.

Writing into reportlab's document rather than rewriting the finished file (e.g. with pikepdf)
keeps one pass, no extra runtime dependency, and reportlab's reproducible (invariant) output; the
page and annotation keys the ParentTree needs are set as reportlab creates those objects.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from html import escape  # not xml.sax.saxutils, which pulls in urllib, http and ssl

STANDARDS = ("ua-1", "a-2b", "a-2u")

# Elements that hold text directly; a text object drawn while one of these is current is tagged.
# Containers (Table, L, Aside...) are built in the tree but never own marked content.
_ARTIFACT = object()
CB_NAME = "briefgen_tag"
STYLE_ROLES = {"desk": "DeskText", "desk-label": "DeskLabel"}
"""Paragraph styles with a structure type of their own (role-mapped to P in the catalog): a meeting
brief's desk text, the desk's judgement, stays apart from sourced text for assistive technology."""


class Node:
    """A structure element: its role (`S`), children in reading order (nodes, marked-content
    references `(page, mcid)` and annotation references `("annot", key, page)`) and attributes."""

    __slots__ = ("role", "parent", "kids", "attrs", "href", "open_inline", "boxes")

    def __init__(self, role: str, parent: Node | None = None, **attrs):
        self.role = role
        self.parent = parent
        self.kids: list = []
        self.attrs = attrs
        self.href = None
        self.open_inline: list[Node] = []  # inline elements still open when a split paragraph's part ends
        self.boxes: list[tuple[int, float, float, float, float]] = []  # (page, x0, y0, x1, y1) where it was drawn
        if parent is not None:
            parent.kids.append(self)

    def __repr__(self):
        return f"<{self.role} {len(self.kids)} kids>"

    def has_content(self) -> bool:
        return any(not isinstance(k, Node) or k.has_content() for k in self.kids)


# --- markup for inline elements -------------------------------------------------------


def _begin(role: str, href: str = "") -> str:
    label = escape(f"{role}|{href}")
    return f'<onDraw name="{CB_NAME}" label="{label}"/>'


_END = f'<onDraw name="{CB_NAME}" label="end"/>'


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
        """The role of a box's title: a heading one level below the heading before it (the brief's
        title, for a banner in the title block), so a screen reader's list of headings finds the
        "Not current" warning as it finds "Key facts"; `H1` before any heading."""
        return f"H{min(self.heading_level + 1, 6)}"

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

    def repeating(self) -> bool:
        """A flowable is being drawn again (a header row repeated on a later page): an artifact,
        whose links are left out rather than made into annotations no element owns."""
        return bool(self._drawing) and self._drawing[-1] is _ARTIFACT

    def place(self, flowable, node: Node):
        """Record where `flowable` is drawn as `node`'s bounding box (PDF/UA wants one on figures
        and tables); a table drawn over several pages gets none. Returns the flowable."""
        flowable._placed = node
        if self.enabled:
            flowable.__class__ = _placed_class(type(flowable))
        return flowable

    def mcid(self, page: int, node: Node) -> str:
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
        tx._code.append(self.mcid(page, tx._tag_stack[-1]))
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
        tx._code.append(self.mcid(tx._tag_page, node))
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

    def page_key(self, number: int) -> int:
        """A page's ParentTree key (`StructParents`): after every annotation's key."""
        return len(self.annots) + number - 1


# --- flowable hooks ----------------------------------------------------------------------

_classes: dict[type, type] = {}


def _split_passing_on(cls: type, attribute: str, subclass: Callable[[type], type]) -> Callable:
    """A `split` for a subclass of `cls`: the parts reportlab makes of a flowable carry its `attribute`
    (its element, or where it is placed) and are made `subclass(type(part))`, so they draw as it does."""
    def split(self, availWidth, availHeight):
        parts = cls.split(self, availWidth, availHeight)
        for part in parts:
            if part is not self and not hasattr(part, attribute):
                setattr(part, attribute, getattr(self, attribute))
                part.__class__ = subclass(type(part))
        return parts
    return split


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

        _classes[cls] = type(f"Tagged{cls.__name__}", (cls,), {
            "drawOn": drawOn, "split": _split_passing_on(cls, "_struct", _tagged_class), "_briefgen_tagged": True,
            "__module__": __name__})
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


def _placed_class(cls: type) -> type:
    """A subclass of a flowable class that records where it is drawn (see `Tagger.place`); the
    parts of a split table record into the same element."""
    key = ("placed", cls)
    if getattr(cls, "_briefgen_placed", False):
        return cls
    if key not in _classes:

        def drawOn(self, canvas, x, y, _sW=0):
            width = getattr(self, "_width", None) or getattr(self, "drawWidth", None) or self.width
            height = getattr(self, "_height", None) or getattr(self, "drawHeight", None) or self.height
            left = self._hAlignAdjust(x, _sW) if hasattr(self, "_hAlignAdjust") else x
            self._placed.boxes.append((canvas._pageNumber, left, y, left + width, y + height))
            return cls.drawOn(self, canvas, x, y, _sW)

        _classes[key] = type(f"Placed{cls.__name__}", (cls,), {
            "drawOn": drawOn, "split": _split_passing_on(cls, "_placed", _placed_class), "_briefgen_placed": True,
            "__module__": __name__})
    return _classes[key]
