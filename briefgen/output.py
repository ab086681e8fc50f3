"""Writing output files: all or nothing, atomically, never a partial or stale file.

Every file of a build is first produced in memory; then each is written to a temp file in the
target folder and renamed over the old one only once all temp files exist.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from briefgen.errors import OutputError


def safe_name(text: str) -> str:
    """ASCII file-name stem: 'Pakistan–Kazakhstan brief' -> 'pakistan-kazakhstan-brief'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "brief"


def write_new(files: dict[Path, bytes], force: bool = False) -> list[Path]:
    """write_all for files the user will edit: refuse, naming them, to overwrite any unless `force`."""
    existing = [p for p in files if p.exists()]
    if existing and not force:
        listed = ", ".join(str(p) for p in existing)
        raise OutputError(f"not overwriting existing files (use --force to replace them): {listed}", exit_code=1)
    return write_all(files)


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically; on any failure remove the temp files and keep the old outputs."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                temps.append((Path(tmp), target))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        for tmp, target in temps:
            os.replace(tmp, target)
        return [target for _, target in temps]
    except BaseException:  # includes KeyboardInterrupt: never leave temp files behind
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
