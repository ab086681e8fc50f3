"""The peers, run on briefgen's own output of the shipped brief (Markdown, HTML, DOCX).

pandoc (from pypandoc-binary) reads briefgen's Markdown as it is, and renders some of its markup
literally: the `{.style}` lines, `::: keyfacts Key facts` (a fenced div takes no title) and the
`{caption=... widths=...}` line, which also keeps the table under it from being read as a table.
`pandoc_dialect` rewrites those three into pandoc's own syntax, so the peers are also measured
on a document with the same tables and boxes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from benchmarks.timing import Figure, cold, in_process

_STYLE_LINE = re.compile(r"^\{\.([\w-]+)\}$")
_TABLE_ATTRS = re.compile(r'^\{(?:caption="([^"]*)")?\s*(?:widths="[^"]*")?\}$')
_CONTAINER = re.compile(r"^::: ?([\w-]+) (.+)$")


def pandoc_dialect(markdown: str) -> str:
    """briefgen's Markdown with its markdown-it extensions spelt the way pandoc reads them."""
    out, open_div = [], False
    for line in markdown.splitlines():
        if open_div and not line.strip():
            out.append(":::")
            open_div = False
        if m := _STYLE_LINE.match(line):
            out.append(f"::: {{.{m.group(1)}}}")
            open_div = True
        elif m := _TABLE_ATTRS.match(line):
            out += [f": {m.group(1)}", ""] if m.group(1) else []
        elif m := _CONTAINER.match(line):
            out += [f"::: {{.{m.group(1)}}}", "", f"**{m.group(2)}**"]
        else:
            out.append(line)
    if open_div:
        out.append(":::")
    return "\n".join(out) + "\n"


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def typst_compile(md: Path, tmp: Path, repeats: int, label: str) -> Figure:
    """pandoc -t typst once (untimed), then the typst package's compile alone, median of `repeats`.

    Each run compiles a fresh copy of the file: typst memoises a file it has compiled before in the
    same process, and recompiling the same path measures that cache (~10× faster), not a compile.
    """
    typ = tmp / f"{md.stem}.typ"
    try:
        import typst

        subprocess.run([pandoc_path(), str(md), "-s", "-t", "typst", "-o", str(typ)], check=True,
                       capture_output=True, timeout=120)
    except Exception as exc:
        return Figure(f"Typst compile ({label})", error=f"{type(exc).__name__}: {exc}"[:200])
    copies = []
    for i in range(repeats + 1):
        copy = tmp / f"{md.stem}-{i}.typ"
        shutil.copyfile(typ, copy)
        copies.append(copy)
    it = iter(copies)
    return in_process(f"Typst compile, in process ({label})", lambda: typst.compile(str(next(it))), repeats,
                      note="`typst.compile` of a fresh copy of pandoc's .typ; fonts found once per process")


def weasyprint_pdf(html: Path, repeats: int) -> Figure:
    try:
        from weasyprint import HTML
    except Exception as exc:  # OSError when pango is missing
        return Figure("WeasyPrint HTML → PDF, in process", error=f"cannot import weasyprint: {exc}"[:200])
    text = html.read_text(encoding="utf-8")
    return in_process("WeasyPrint HTML → PDF, in process",
                      lambda: HTML(string=text, base_url=str(html.parent)).write_pdf(), repeats)


def libreoffice_pdf(docx: Path, tmp: Path, repeats: int) -> Figure:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    name = "LibreOffice DOCX → PDF, cold"
    if not soffice:
        return Figure(name, error="soffice not installed")
    profile = tmp / "lo-profile"  # its own profile: no clash with another soffice; the warm-up run creates it
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(tmp / "lo"), str(docx)]
    return cold(name, cmd, repeats, warmup=1, note="`soffice --headless --convert-to pdf` of briefgen's DOCX")
