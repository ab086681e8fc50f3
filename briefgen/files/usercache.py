"""briefgen's per-user cache folder: what a build can keep between runs because it depends only on
bytes it can name (compiled templates, font subsets), never on the brief's facts alone.

An entry can never change an output, only skip work:
- the caller names each entry by a digest of everything the entry is made from, in a folder per
  generation of the code that makes it, so another input or another version is another entry;
- each entry carries a SHA-256 checksum of its bytes and is read through the one door (a regular
  file, never a FIFO that would block, size-capped): an entry altered on disk is a miss;
- a folder that other users could write into is not used at all, and an unreadable, corrupt or
  unwritable cache is the same as no cache: it never fails a build.

The folder is `$BRIEFGEN_CACHE_DIR` when set (empty: no cache), else the platform's per-user
cache folder (`$XDG_CACHE_HOME/briefgen` or `~/.cache/briefgen` on Linux).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from briefgen.files.root import FileRefused, read_regular

CACHE_DIR_ENV = "BRIEFGEN_CACHE_DIR"
_DIGEST = 32  # sha256 of the entry, written before it


def cache_root() -> Path | None:
    """briefgen's per-user cache folder, or None when the cache is switched off."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefgen", appauthor=False))


class CacheFolder:
    """One folder of checksummed entries. Created (private) when the first entry is stored; every
    failure is a miss."""

    def __init__(self, directory: Path, max_entry: int) -> None:
        self.directory = directory
        self.max_entry = max_entry
        self._usable: bool | None = None  # unknown until first needed

    def usable(self, create: bool) -> bool:
        """The folder exists (made when `create`) and only this user can write into it."""
        if self._usable is not None:
            return self._usable
        try:
            if create:
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = self.directory.stat()
        except OSError:
            return False  # not there yet (a load), or cannot be made (a store): try again next time
        mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
        self._usable = mine and not st.st_mode & 0o022
        return self._usable

    def load(self, name: str) -> bytes | None:
        """The entry's bytes, or None: missing, refused by the door, or its checksum does not match."""
        if not self.usable(create=False):
            return None
        try:
            data = read_regular(self.directory / name, self.max_entry + _DIGEST, None, "cache entry")
        except FileRefused:
            return None
        digest, body = data[:_DIGEST], data[_DIGEST:]
        if len(digest) != _DIGEST or not hmac.compare_digest(digest, hashlib.sha256(body).digest()):
            return None
        return body

    def store(self, name: str, body: bytes) -> None:
        """Write the entry whole or not at all (a temporary file renamed into place)."""
        if len(body) > self.max_entry or not self.usable(create=True):
            return
        target = self.directory / name
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=name, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(body).digest() + body)
            os.replace(tmp, target)
        except OSError:  # a full disk or a read-only folder: the build goes on without the cache
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prune(self, keep: int) -> None:
        """Remove all but the `keep` most recently written entries (a bound on the folder's size)."""
        try:
            entries = sorted(self.directory.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[keep:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass


def generation_folder(kind: str, package: str, module: str, max_entry: int) -> CacheFolder | None:
    """The cache folder for one generation of entries made by `module` with `package`'s help: named after
    a digest of the package's `__init__` (which names its version) and of the module; None when the
    cache is off. The package is located, not imported."""
    root = cache_root()
    return CacheFolder(root / kind / _generation(package, module), max_entry) if root else None


@lru_cache(maxsize=None)
def _generation(package: str, module: str) -> str:
    from importlib.util import find_spec

    spec = find_spec(package)
    return source_digest(spec.origin if spec else None, module)


def source_digest(*files: str | None) -> str:
    """A short digest of source files' bytes: part of a cache generation's name, so entries made by
    other code are never read."""
    digest = hashlib.sha256()
    for name in files:
        try:
            digest.update(Path(name).read_bytes() if name else b"-")
        except OSError:
            digest.update(str(name).encode())
    return digest.hexdigest()[:16]
