"""Compiled templates kept between runs: Jinja's bytecode cache in a per-user cache folder.

Compiling the brief's templates is most of the first render's time (~40 ms of a cold build); a
cached template loads in a fraction of that. The cache can never change an output:
- Jinja keys every entry by template name and file, and checks a checksum of the template's
  source when it loads one, so an edited template is compiled again (a stale entry is ignored);
- the code Jinja generates depends on the environment's class, its code generator and its
  settings, so each environment gets its own folder, named after its class, Jinja's version and a
  digest of the modules that define them (the brief's and the cover note's environments compile
  the same template names differently); Jinja's own header carries the Python version;
- each entry carries a SHA-256 checksum of its bytes, and is read through the one door (regular
  files only, never a FIFO that would block a render); an entry altered on disk is a miss;
- it never fails a build: an unreadable, corrupt or unwritable cache is the same as no cache, and
  a folder that other users could write into is not used at all (a cache entry is executable
  code).

The folder is `$BRIEFGEN_CACHE_DIR` when set (empty: no cache), else the platform's per-user
cache folder (`$XDG_CACHE_HOME/briefgen` or `~/.cache/briefgen` on Linux).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
import tempfile
from pathlib import Path

from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

CACHE_DIR_ENV = "BRIEFGEN_CACHE_DIR"


def cache_root() -> Path | None:
    """briefgen's per-user cache folder, or None when the cache is switched off."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefgen", appauthor=False))


def bytecode_cache(env_class: type) -> BytecodeCache | None:
    """The bytecode cache for environments of `env_class` (None when the cache is switched off)."""
    root = cache_root()
    if root is None:
        return None
    return _SafeCache(root / "jinja" / _generation(env_class))


def _generation(env_class: type) -> str:
    """A folder name that changes whenever the code Jinja generates for `env_class` could."""
    digest = hashlib.sha256()
    for cls in (env_class, env_class.code_generator_class):
        source = getattr(sys.modules.get(cls.__module__), "__file__", None)
        try:
            digest.update(Path(source).read_bytes() if source else cls.__qualname__.encode())
        except OSError:
            digest.update(cls.__qualname__.encode())
    return f"{env_class.__name__}-jinja{jinja_version}-{digest.hexdigest()[:16]}"


class _SafeCache(FileSystemBytecodeCache):
    """A FileSystemBytecodeCache that creates its folder (private) when it first stores an entry,
    refuses a folder others can write into, and treats every failure as a cache miss."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self._usable: bool | None = None  # unknown until first needed

    def _folder_ok(self, create: bool) -> bool:
        if self._usable is not None:
            return self._usable
        folder = Path(self.directory)
        try:
            if create:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = folder.stat()
        except OSError:
            return False  # not there yet (a load), or cannot be made (a store): try again next time
        mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
        self._usable = mine and not st.st_mode & 0o022
        return self._usable

    def load_bytecode(self, bucket: Bucket) -> None:
        """An entry is read through the one door (a regular file, never a FIFO that would block,
        size-capped) and used only when its checksum matches: an entry altered on disk
        ("Summary" -> "Sumxary") is a miss, never a changed brief."""
        from briefgen.files.root import FileRefused, read_regular

        if not self._folder_ok(create=False):
            return
        try:
            data = read_regular(Path(self._get_cache_filename(bucket)), MAX_ENTRY, None, "cache entry")
        except FileRefused:
            return
        digest, body = data[:_DIGEST], data[_DIGEST:]
        if len(digest) != _DIGEST or not hmac.compare_digest(digest, hashlib.sha256(body).digest()):
            return
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # an entry of another Jinja or Python: compile as if there were none
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not self._folder_ok(create=True):
            return
        name = self._get_cache_filename(bucket)
        body = bucket.bytecode_to_string()
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(name), prefix=os.path.basename(name), suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(body).digest() + body)
            os.replace(tmp, name)
        except OSError:  # a full disk or a read-only folder: the build goes on without the cache
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


MAX_ENTRY = 16 * 2**20  # a compiled template is kilobytes; a larger entry is not one of ours
_DIGEST = 32  # sha256 of the entry, written before it
