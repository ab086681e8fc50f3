"""TOML settings files (briefgen.toml, theme.toml): the values and the line of every key, read once
through the one door, every syntax problem located."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import InvalidInput, Location, Problem
from briefgen.files.root import FileRefused, Root

_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", key))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each key (as a path: table parts, then the key's parts) and each table header is set."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        if m := _TABLE.match(line):
            table = _dotted(m.group(1))
            lines.setdefault(table, number)
        elif m := _KEY.match(line):
            lines.setdefault(table + _dotted(m.group(1)), number)
    return lines


@dataclass(frozen=True)
class TomlDoc:
    """A TOML file's values, its text and where each key is, as messages name the file (`shown`)."""

    data: dict
    shown: str
    text: str = ""
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def line_of(self, *path: object) -> int | None:
        """The line of a key path (e.g. ('margins_mm', 'top')), else of its nearest ancestor that is set."""
        parts = tuple(str(p) for p in path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def at(self, *path: object) -> Location:
        return Location(self.shown, self.line_of(*path))


def toml_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """(line, message) of a TOML syntax error (Python < 3.14 has them only in the text)."""
    text = str(exc)
    m = re.search(r"\(at line (\d+)", text)
    line = getattr(exc, "lineno", None) or (int(m.group(1)) if m else None)
    return line, getattr(exc, "msg", None) or re.sub(r"\s*\(at (line|end of document).*\)$", "", text)


def read_toml(root: Root, path: str | Path, kind: str, shown: str, what: str | None = None) -> TomlDoc:
    """Read and parse a TOML file through `root`; any problem is an InvalidInput located in `shown`."""
    try:
        text = root.read_text(path, kind, Location(shown), what=what or "file")
        data = tomllib.loads(text)
    except FileRefused as exc:
        raise InvalidInput([Problem(exc.location, exc.message)]) from None
    except UnicodeDecodeError:
        raise InvalidInput([Problem(Location(shown), f"{what or 'file'} is not valid UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        line, message = toml_error(exc)
        raise InvalidInput([Problem(Location(shown, line), f"TOML syntax error: {message}")]) from None
    except RecursionError:
        raise InvalidInput([Problem(Location(shown), "values nested too deeply to read")]) from None
    except ValueError:  # an integer of more than 4,300 digits (Python refuses to convert it)
        m = re.search(r"\d{4300,}", text)
        line = text.count("\n", 0, m.start()) + 1 if m else None
        raise InvalidInput([Problem(Location(shown, line), "a number with thousands of digits: no setting "
                                    "takes one")]) from None
    return TomlDoc(data, shown, text, key_lines(text))
