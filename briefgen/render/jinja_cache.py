"""Compiled templates kept between runs: Jinja's bytecode cache in briefgen's per-user cache folder
(`files/usercache.py`, which says why an entry can never change an output).

Compiling the brief's templates is most of the first render's time (~40 ms of a cold build); a
cached template loads in a fraction of that. What is particular to templates:
- Jinja keys every entry by template name and file, and checks a checksum of the template's
  source when it loads one, so an edited template is compiled again (a stale entry is ignored);
- the code Jinja generates depends on the environment's class, its code generator and its
  settings, so each environment gets its own folder, named after its class, Jinja's version and a
  digest of the modules that define them (the brief's and the cover note's environments compile
  the same template names differently); Jinja's own header carries the Python version;
- an entry is executable code, so a folder that other users could write into is never used.
"""

from __future__ import annotations

import sys

from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from briefgen.files.usercache import CACHE_DIR_ENV, CacheFolder, cache_root, source_digest

__all__ = ["CACHE_DIR_ENV", "bytecode_cache", "cache_root"]


def bytecode_cache(env_class: type) -> BytecodeCache | None:
    """The bytecode cache for environments of `env_class` (None when the cache is switched off)."""
    root = cache_root()
    if root is None:
        return None
    return _SafeCache(root / "jinja" / _generation(env_class))


def _generation(env_class: type) -> str:
    """A folder name that changes whenever the code Jinja generates for `env_class` could."""
    modules = [getattr(sys.modules.get(cls.__module__), "__file__", None)
               for cls in (env_class, env_class.code_generator_class)]
    return f"{env_class.__name__}-jinja{jinja_version}-{source_digest(*modules)}"


class _SafeCache(FileSystemBytecodeCache):
    """Jinja's file cache, its entries kept by a `CacheFolder`: every failure is a cache miss."""

    def __init__(self, directory) -> None:
        super().__init__(str(directory))
        self.folder = CacheFolder(directory, MAX_ENTRY)

    def _folder_ok(self, create: bool) -> bool:
        return self.folder.usable(create)

    def _name(self, bucket: Bucket) -> str:
        return self.pattern % (bucket.key,)

    def load_bytecode(self, bucket: Bucket) -> None:
        """An entry altered on disk ("Summary" -> "Sumxary") is a miss, never a changed brief."""
        body = self.folder.load(self._name(bucket))
        if body is None:
            return
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # an entry of another Jinja or Python: compile as if there were none
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.folder.store(self._name(bucket), bucket.bytecode_to_string())


MAX_ENTRY = 16 * 2**20  # a compiled template is kilobytes; a larger entry is not one of ours
