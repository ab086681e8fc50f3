"""The one door for every file a build or an email reads.

A build reads files from a few roots: the workspace (settings, fact base, sources, the workspace's
templates and a `template =` folder inside it), a template folder given on the command line
(`--template DIR`, the user's own choice, a root of its own), and briefgen's package (built-in
templates, fonts shipped with it). Every read goes through a `Root`, which

- resolves the real path (following links) and refuses a file whose real path leaves the root, so a
  link in a shared template folder cannot reach `/proc/self/environ` or `/etc/passwd`;
- reads only regular files, never FIFOs, devices or sockets (the file is opened without blocking and
  checked with `fstat` before anything is read, so a FIFO cannot stall a build), and nothing under
  `/proc`, `/sys` or `/dev`;
- caps the size of what it reads (checked before reading, and again while reading);
- names the file for messages relative to the workspace, with control characters escaped so that a
  file name cannot forge lines of output.

Problems become `FileRefused`, a located `BriefgenError` the caller can re-locate (a source file is
blamed at its line in data/sources.yaml, an included template at the `include` line).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import BriefgenError, Location

MB = 1024 * 1024  # what MB means everywhere in briefgen: file caps and every --max-size option

# What each kind of file may weigh. Chosen well above real use and well below what would exhaust
# memory or make a writer crawl (see docs/reliability.md).
LIMITS = {
    "settings": 1 * MB,
    "facts": 20 * MB,
    "source": 20 * MB,
    "template": 2 * MB,
    "theme": 1 * MB,
    "logo": 10 * MB,
    "font": 64 * MB,
    "reference": 20 * MB,
    "edition": 20 * MB,
}

# Kernel pseudo-file systems: their "regular" files (/proc/self/environ) are views of the machine.
_PSEUDO = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))


class FileRefused(BriefgenError):
    """A file a build may not or cannot read. `reason` is one of: missing, folder, outside,
    special, too-large, unreadable."""

    def __init__(self, message: str, location: Location | None, reason: str):
        super().__init__(message, location)
        self.reason = reason


# bidirectional controls: raw on a terminal they reorder what follows ("Trojan Source")
_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def printable(text: object) -> str:
    """`text` with control characters escaped (a newline in a file name must not start a new
    `error:` line of its own; a right-to-left override must not reverse the rest of the line)."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if code in _BIDI:
            out.append(f"\\u{code:04x}")
        elif code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
            out.append(repr(ch)[1:-1] if ch not in "\t" else "\\t")
        else:
            out.append(ch)
    return "".join(out)


def shown(path: str | Path, workspace: Path | None) -> str:
    """A path as messages name it: relative to the workspace when inside it, control characters escaped."""
    p = Path(path)
    if workspace is not None:
        try:
            ws = Path(os.path.realpath(workspace))
            full = p if p.is_absolute() else Path.cwd() / p
            real_parent = Path(os.path.realpath(full.parent)) / full.name
            return printable(real_parent.relative_to(ws).as_posix())
        except (ValueError, OSError):
            pass
    return printable(str(p))


@dataclass(frozen=True)
class Root:
    """A folder every read below it is confined to. `workspace` is where messages are relative to."""

    path: Path
    workspace: Path | None = None
    label: str = "the workspace"
    real: Path = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "real", Path(os.path.realpath(self.path)))

    @classmethod
    def of_workspace(cls, folder: Path) -> Root:
        """The workspace as a root: reads confined to it, messages relative to it."""
        return cls(folder, folder, "the workspace")

    def shown(self, path: str | Path) -> str:
        return shown(path, self.workspace)

    def locate(self, rel: str | Path, where: Location | None = None) -> Path:
        """The real path of `rel` (relative to the root, or absolute); refused when it leaves the root."""
        candidate = Path(rel)
        if not candidate.is_absolute():
            candidate = self.path / candidate
        real = Path(os.path.realpath(candidate))
        name = self.shown(candidate)
        if real != self.real and not real.is_relative_to(self.real):
            linked = " (it is a link)" if _is_link_on_the_way(candidate, self.path) else ""
            raise FileRefused(f"'{name}' is outside {self.label}{linked}; briefgen reads only files inside it",
                              where or Location(self.shown(candidate)), "outside")
        if any(real == p or real.is_relative_to(p) for p in _PSEUDO) and not any(
                self.real == p or self.real.is_relative_to(p) for p in _PSEUDO):
            raise FileRefused(f"'{name}' is a system file ({real}); briefgen reads only ordinary files",
                              where or Location(self.shown(candidate)), "special")
        return real

    def is_file(self, rel: str | Path) -> bool:
        """True when `rel` is a regular file inside the root (no error when it is not)."""
        try:
            real = self.locate(rel)
            return stat.S_ISREG(os.stat(real).st_mode)
        except (FileRefused, OSError):
            return False

    def is_dir(self, rel: str | Path) -> bool:
        try:
            return stat.S_ISDIR(os.stat(self.locate(rel)).st_mode)
        except (FileRefused, OSError):
            return False

    def read_bytes(self, rel: str | Path, kind: str, where: Location | None = None, what: str = "file") -> bytes:
        """The bytes of a regular file inside the root, at most LIMITS[kind]; FileRefused otherwise.
        `where` locates the problem (default: the file itself); `what` names the file in messages
        ("source file 'seeds/a.txt'")."""
        real = self.locate(rel, where)
        where = where or Location(self.shown(self.path / rel if not Path(rel).is_absolute() else rel))
        return read_regular(real, LIMITS[kind], where, what if what != "file" else "file")

    def read_text(self, rel: str | Path, kind: str, where: Location | None = None, what: str = "file") -> str:
        """read_bytes decoded as UTF-8 (a BOM is dropped); UnicodeDecodeError is left to the caller,
        who knows how to locate it."""
        return self.read_bytes(rel, kind, where, what).decode("utf-8-sig")


def _is_link_on_the_way(candidate: Path, root: Path) -> bool:
    p = candidate
    while p != p.parent:
        if p.is_symlink():
            return True
        if p == root:
            return False
        p = p.parent
    return False


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_regular(real: Path, limit: int, where: Location | None, what: str = "file") -> bytes:
    """Read a regular file of at most `limit` bytes. Opened without blocking (a FIFO opens at once
    and is then refused by fstat), never followed through a link swapped in after resolving."""
    try:
        fd = os.open(real, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise FileRefused(f"{what} not found", where, "missing") from None
    except PermissionError:
        raise FileRefused(f"cannot read {what}: permission denied", where, "unreadable") from None
    except OSError as exc:
        raise FileRefused(f"cannot read {what}: {exc.strerror or exc}", where, "unreadable") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileRefused(f"{what} is a folder, not a file", where, "folder")
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                    "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                    "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise FileRefused(f"{what} is {kind}, not an ordinary file; briefgen reads only ordinary files",
                              where, "special")
        if st.st_size > limit:
            raise FileRefused(f"{what} is {_size(st.st_size)}; at most {_size(limit)} is read", where, "too-large")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 * MB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while we read it
                raise FileRefused(f"{what} is over {_size(limit)}; at most {_size(limit)} is read", where, "too-large")
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(f"cannot read {what}: {exc.strerror or exc}", where, "unreadable") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{max(1, round(n / 1024))} KB"


def package_root(path: Path) -> Root:
    """briefgen's own files (built-in templates, fonts shipped with it) as a root."""
    return Root(path, None, "briefgen's own files")


def walk_names(directory: Path, suffixes: tuple[str, ...], limit: int = 10_000) -> list[str]:
    """Relative posix names of the regular files under `directory` ending in `suffixes`, not
    following linked folders, skipping unreadable folders; at most `limit` entries are looked at
    (a template folder set to `/` must not walk the whole machine)."""
    found: list[str] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(directory, onerror=lambda _e: None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            seen += 1
            if seen > limit:
                raise FileRefused(f"folder '{printable(directory)}' holds more than {limit:,} files; is it "
                                  "the right folder?", Location(printable(directory)), "too-large")
            if name.endswith(suffixes) and not name.startswith("."):
                full = Path(dirpath, name)
                try:
                    if stat.S_ISREG(os.stat(full).st_mode):
                        found.append(full.relative_to(directory).as_posix())
                except OSError:
                    continue
    return sorted(found)
