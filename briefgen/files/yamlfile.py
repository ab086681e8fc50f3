"""Read YAML into plain Python values while remembering the line of every key and item.

PyYAML's composer gives nodes with marks; we build the values ourselves so that every
duplicate key in a file is reported (not just the first) and so that scalars such as
`2022-07-30` stay the text the author wrote (dates are validated by the schema, which
accepts partial dates a YAML timestamp cannot express).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.errors import Location, Problem

try:  # libyaml makes large fact bases several times faster to read
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _Loader

Path_ = tuple[str | int, ...]

MAX_FILE_BYTES = 20 * 1024 * 1024  # a fact file is hand-edited text; beyond this it is a mistake
MAX_VALUES = 500_000  # YAML aliases can expand a small file into billions of values ("billion laughs")


class _TooLarge(Exception):
    pass


class _Recursive(Exception):
    def __init__(self, line: int):
        self.line = line


@dataclass
class YamlDoc:
    """A parsed file: its value and the 1-based line of each path into it."""

    path: str
    value: object
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def at(self, loc: Path_) -> Location:
        return Location(self.path, self.line_of(loc))


_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": lambda s: None,
    "tag:yaml.org,2002:bool": lambda s: s.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda s: int(s.replace("_", ""), 0) if s.lstrip("+-")[:2].lower() in ("0x", "0o") else int(s.replace("_", "")),
    "tag:yaml.org,2002:float": lambda s: float(s.replace("_", "")),
}


def parse_yaml(text: str, display_path: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document. Returns the document (None if unreadable) and its problems."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [Problem(Location(display_path, _error_line(exc, text)), f"YAML syntax error: {_error_text(exc, text)}")]
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(Location(display_path, line), f"control character U+{ord(char):04X} is not allowed in YAML")]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(display_path), f"YAML error: {exc}")]
    if node is None:
        return YamlDoc(display_path, None, {(): 1}), []
    doc = YamlDoc(display_path, None)
    problems: list[Problem] = []
    if node is not None:
        try:
            doc.value = _build(node, (), doc, problems, [0])
        except _Recursive as exc:
            return None, [Problem(Location(display_path, exc.line), "an alias (*name) refers to the value that "
                                                                    "contains it; YAML values cannot contain themselves")]
        except RecursionError:
            return None, [Problem(Location(display_path), "values nested too deeply to read")]
        except _TooLarge:
            return None, [Problem(Location(display_path), f"too many values (more than {MAX_VALUES:,}); "
                                                          "are YAML aliases (*name) expanding without end?")]
        doc.lines[()] = node.start_mark.line + 1
    return doc, problems


def _error_line(exc: yaml.MarkedYAMLError, text: str) -> int | None:
    """The line to blame: where the problem is, unless that is the end of the file (an unclosed
    bracket or quote), then where the unfinished construct began."""
    problem, context = exc.problem_mark, exc.context_mark
    last_line = len(text.rstrip("\n").split("\n")) - 1
    if problem is not None and (problem.line <= last_line or context is None):
        return min(problem.line, last_line) + 1
    return context.line + 1 if context is not None else None


def _error_text(exc: yaml.MarkedYAMLError, text: str) -> str:
    mark = exc.problem_mark
    if mark is not None:
        lines = text.split("\n")
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: len(line) - len(line.lstrip())] or line[mark.column : mark.column + 1] == "\t":
            return "tab character: YAML indentation must use spaces"
    return exc.problem or exc.context or "invalid YAML"


def load_yaml(path: Path, display_path: str, root=None) -> tuple[YamlDoc | None, list[Problem]]:
    """Read and parse one fact file through `root` (a files.Root; default: the file's folder)."""
    from briefgen.files.root import FileRefused, Root

    root = root or Root(path.parent, None)
    try:
        raw = root.read_bytes(path, "facts", Location(display_path))
    except FileRefused as exc:
        if exc.reason == "too-large":
            size = os.stat(path).st_size
            return None, [Problem(Location(display_path), f"file is {size / 2**20:.0f} MB; fact files may be "
                                                          f"at most {MAX_FILE_BYTES // 2**20} MB (split it into several briefs)")]
        return None, [Problem(exc.location, exc.message)]
    key = (str(path), display_path)
    last = _last_parse.get(key)
    if last is not None and last[0] == raw:
        return last[1], list(last[2])
    doc, problems = _parse_bytes(raw, display_path)
    _last_parse[key] = (raw, doc, tuple(problems))
    return doc, problems


# The last parse of each file: a process that loads the fact base again (`--watch` after a save, an
# `--all` worker brief after brief, `check` of several briefs) parses again only the files whose bytes
# changed. The file is still read, through its door, every time; an entry is used only when the bytes
# are the same, so it is never stale, and there is one entry per file, so the memo cannot grow.
_last_parse: dict[tuple[str, str], tuple[bytes, YamlDoc | None, tuple[Problem, ...]]] = {}


def _parse_bytes(raw: bytes, display_path: str) -> tuple[YamlDoc | None, list[Problem]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(Location(display_path, line), "file is not valid UTF-8 text")]
    return parse_yaml(text, display_path)


def _build(node: yaml.Node, loc: Path_, doc: YamlDoc, problems: list[Problem], count: list[int],
           open_nodes: frozenset = frozenset()) -> object:
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _TooLarge
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in open_nodes:  # `a: &a [*a]`: an alias inside its own anchor
            raise _Recursive(node.start_mark.line + 1)
        open_nodes = open_nodes | {id(node)}
    if isinstance(node, yaml.MappingNode):
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is None:
                problems.append(Problem(Location(doc.path, line), "mapping keys must be plain text"))
                continue
            if key in out:
                first = doc.lines.get(loc + (key,))
                problems.append(
                    Problem(Location(doc.path, line), f"duplicate key '{key}' (first defined on line {first})")
                )
                continue
            doc.lines[loc + (key,)] = line
            out[key] = _build(value_node, loc + (key,), doc, problems, count, open_nodes)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[loc + (i,)] = item.start_mark.line + 1
            items.append(_build(item, loc + (i,), doc, problems, count, open_nodes))
        return items
    convert = _SCALAR_TAGS.get(node.tag)
    if convert is not None and not node.style:  # plain (unquoted) scalars only
        try:
            return convert(node.value)
        except ValueError:
            return node.value
    return node.value
