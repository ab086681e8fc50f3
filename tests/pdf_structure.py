"""Reading a tagged PDF back, for the tagging tests: content streams, marked content, the
structure tree and the text each element holds (decoded through the fonts' ToUnicode maps).

Independent of the writer: it knows PDF, not reportlab or briefgen's pdf_tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def _cmap(font) -> dict[int, str]:
    """One-byte code -> text, from a simple font's /ToUnicode CMap (bfchar and bfrange)."""
    out: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return out
    data = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + i)
    return out


@dataclass
class PageContent:
    """What one page's content stream says about marked content."""

    text_by_mcid: dict[int, str] = field(default_factory=dict)
    artifact_text: list[str] = field(default_factory=list)
    unmarked_text: list[str] = field(default_factory=list)  # text-showing operators outside marked content
    problems: list[str] = field(default_factory=list)  # nesting errors
    mcid_tags: dict[int, str] = field(default_factory=dict)
    images: list = field(default_factory=list)  # the marked-content stack (tag, mcid) where each XObject is drawn


def read_page(page: pikepdf.Page) -> PageContent:
    fonts = {}
    resources = page.obj.get("/Resources", {})
    for name, font in resources.get("/Font", {}).items():
        fonts[name] = _cmap(font)
    result = PageContent()
    stack: list[tuple[str, int | None]] = []  # (tag, mcid)
    cmap: dict[int, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            cmap = fonts.get(str(operands[0]), {})
        elif op in ("BMC", "BDC"):
            tag = str(operands[0])
            mcid = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
            if mcid is not None and any(m is not None or t == "/Artifact" for t, m in stack):
                result.problems.append(f"MCID {mcid} nested inside {stack}")
            if mcid is not None:
                if mcid in result.text_by_mcid:
                    result.problems.append(f"MCID {mcid} used twice")
                result.text_by_mcid[mcid] = ""
                result.mcid_tags[mcid] = tag
            stack.append((tag, mcid))
        elif op == "EMC":
            if not stack:
                result.problems.append("EMC without BMC/BDC")
            else:
                stack.pop()
        elif op == "Do":
            result.images.append(list(stack))
        elif op in TEXT_OPERATORS:
            strings = operands[0] if op == "TJ" else operands[-1:]
            text = "".join("".join(cmap.get(b, "\ufffd") for b in bytes(s))
                           for s in strings if isinstance(s, pikepdf.String))
            if not stack:
                result.unmarked_text.append(text)
            elif stack[0][0] == "/Artifact":
                result.artifact_text.append(text)
            else:
                mcid = next((m for _, m in reversed(stack) if m is not None), None)
                if mcid is None:
                    result.problems.append(f"text {text!r} in marked content without an MCID")
                else:
                    result.text_by_mcid[mcid] += text
    if stack:
        result.problems.append(f"marked content left open at the end of the page: {stack}")
    return result


@dataclass
class Element:
    role: str
    obj: pikepdf.Dictionary
    kids: list = field(default_factory=list)  # Element | ("mcid", page_index, mcid) | ("annot", annot)
    parent: Element | None = None

    def text(self, pages: list[PageContent], skip: tuple[str, ...] = ()) -> str:
        out = []
        for k in self.kids:
            if isinstance(k, Element):
                if k.role not in skip:
                    out.append(k.text(pages, skip))
            elif k[0] == "mcid":
                out.append(pages[k[1]].text_by_mcid.get(k[2], ""))
        return "".join(out)

    def walk(self):
        yield self
        for k in self.kids:
            if isinstance(k, Element):
                yield from k.walk()


class TaggedPdf:
    def __init__(self, data_or_path):
        self.pdf = pikepdf.open(data_or_path) if not isinstance(data_or_path, bytes) else pikepdf.open(
            __import__("io").BytesIO(data_or_path))
        self.page_index = {p.objgen: i for i, p in enumerate(self.pdf.pages)}
        self.pages = [read_page(p) for p in self.pdf.pages]
        root = self.pdf.Root.StructTreeRoot
        self.role_map = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        assert len(kids) == 1
        self.root = self._element(kids[0], None, None)

    def _element(self, obj, parent, page):
        element = Element(str(obj.S)[1:], obj, parent=parent)
        page = self.page_index[obj.Pg.objgen] if "/Pg" in obj else page
        kids = obj.get("/K")
        if kids is None:
            kids = []
        elif not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for k in kids:
            if isinstance(k, int):
                element.kids.append(("mcid", page, int(k)))
            elif k.get("/Type") == "/MCR":
                element.kids.append(("mcid", self.page_index[k.Pg.objgen] if "/Pg" in k else page, int(k.MCID)))
            elif k.get("/Type") == "/OBJR":
                element.kids.append(("annot", k.Obj))
            else:
                element.kids.append(self._element(k, element, page))
        return element

    def elements(self, role: str | None = None):
        return [e for e in self.root.walk() if role is None or e.role == role]

    def parent_tree(self) -> dict[int, object]:
        nums = self.pdf.Root.StructTreeRoot.ParentTree.Nums
        return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
