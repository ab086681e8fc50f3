"""Writing output files: all or nothing, atomically, never a partial or stale file.

Every file of a build is first produced in memory; then each is written to a temp file in the
target folder and renamed over the old one only once all temp files exist.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import unicodedata
from pathlib import Path

from briefgen.errors import Location, OutputError, Refused
from briefgen.runtime import signals_held


def safe_name(text: str) -> str:
    """ASCII file-name stem: 'Pakistan–Kazakhstan brief' -> 'pakistan-kazakhstan-brief'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "brief"


def write_new(files: dict[Path, bytes], force: bool = False) -> list[Path]:
    """write_all for files the user will edit: refuse, naming them, to overwrite any unless `force`."""
    existing = [p for p in files if p.exists()]
    if existing and not force:
        listed = ", ".join(str(p) for p in existing)
        raise Refused(f"not overwriting existing files (use --force to replace them): {listed}")
    return write_all(files)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive, leave its files alone
    return True


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?:[A-Za-z0-9_]+\.tmp|bak)$")


def clean_leftovers(folder: Path, names: set[str]) -> None:
    """Remove temp and backup files (`.NAME.PID.xxx.tmp`, `.NAME.PID.bak`) of `names` left in
    `folder` by builds that were killed (kill -9, a power cut) and whose process is gone. A backup
    whose target is missing is put back rather than removed."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if not m or m.group("name") not in names or _pid_alive(int(m.group("pid"))):
            continue
        path = Path(entry.path)
        try:
            target = folder / m.group("name")
            if entry.name.endswith(".bak") and not os.path.lexists(target):
                os.rename(path, target)
            else:
                path.unlink()
        except OSError:
            pass



def _temp_copy(target: Path, data: bytes) -> Path:
    """`data` in a complete, synced temp file beside `target` (named after it and this process, so a
    later build can clean it up if this one is killed); the caller renames or links it into place."""
    folder = target.parent
    if folder.is_symlink() and not folder.exists():
        raise OutputError(f"is a link to a folder that does not exist ({os.readlink(folder)})", Location(str(folder)))
    if folder.exists() and not folder.is_dir():
        raise OutputError("is a file, not a folder: cannot write into it", Location(str(folder)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_leftovers(folder, {target.name})
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", Location(str(folder))) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror or exc}", Location(str(target))) from None
        raise
    return tmp


def _remove_own_temps(target: Path) -> None:
    """This process's temp files for `target` (the signal that ends a build can land inside mkstemp)."""
    prefix = f".{target.name}.{os.getpid()}."
    try:
        entries = [e for e in os.scandir(target.parent) if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        Path(entry.path).unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """A replaced file keeps its mode (a data/sources.yaml kept at 0600 stays private); a new one
    gets what the umask allows, as any program's new file (mkstemp's 0600 would hide it)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
        os.umask(mask)
        return 0o666 & ~mask


def write_exclusive(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` as `stem + suffix` in `folder`, or `stem-2`, `stem-3`... : never over an existing
    file, even when several processes pick a name at once (the complete temp file is hard-linked to
    its name, which fails if the name is taken; without hard links, O_EXCL creates it)."""
    tmp = _temp_copy(folder / f"{stem}{suffix}", data)
    try:
        n = 1
        while True:
            target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            n += 1
            try:
                try:
                    os.link(tmp, target)
                except (AttributeError, PermissionError, NotImplementedError) as exc:
                    if isinstance(exc, FileExistsError):
                        raise
                    with open(target, "xb") as fh:  # a file system without hard links: O_EXCL
                        fh.write(data)
                return target
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror or exc}", Location(str(target))) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write every file, all or nothing: each goes to a temp file beside its target; only when all
    exist are they renamed into place, and if any rename fails (or a signal arrives) the files
    already replaced are put back from backups. Old outputs survive every failure."""
    temps: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path | None]] = []  # (target, its previous version or None)
    try:
        for target, data in files.items():
            if target.is_dir():
                raise OutputError("cannot write the file: a folder of that name is in the way", Location(str(target)))
            temps.append((_temp_copy(target, data), target))
        with signals_held():  # the renames are one step: a Ctrl+C arrives after them, not between
            for tmp, target in temps:
                backup = None
                if target.exists():
                    backup = target.with_name(f".{target.name}.{os.getpid()}.bak")
                    backup.unlink(missing_ok=True)  # a leftover of an earlier build that had this PID
                    os.link(target, backup) if hasattr(os, "link") else shutil.copy2(target, backup)
                backups.append((target, backup))
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise OutputError(f"cannot write: {exc.strerror or exc}", Location(str(target))) from None
        return [target for _, target in temps]
    except BaseException:  # includes Interrupted and KeyboardInterrupt: put back what was replaced
        with signals_held():  # a second Ctrl+C must not cut the rollback short
            for target, backup in reversed(backups):
                try:
                    if backup is not None:
                        os.rename(backup, target)
                    elif target.exists():
                        target.unlink()
                except OSError:
                    pass
        raise
    finally:
        with signals_held():  # nor the clean-up: a signal now is delivered once it is done
            for tmp, _ in temps:
                tmp.unlink(missing_ok=True)
            for target in files.keys() - {target for _, target in temps}:
                _remove_own_temps(target)  # a signal came after its temp file was made, before it was listed
            for _, backup in backups:
                if backup is not None:
                    backup.unlink(missing_ok=True)
