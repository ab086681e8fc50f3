"""The template set: where a brief's templates are looked up (`--template DIR`, the workspace's
templates/, the built-ins; `builtin/NAME` always means the built-in) and the loader that reads each
through its folder's root."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import jinja2

from briefgen.errors import Location, TemplateError
from briefgen.files.root import FileRefused, Root, package_root, printable, walk_names

BUILTIN_PREFIX = "builtin"
ENTRY_TEMPLATE = "brief.md.j2"


def builtin_dir() -> Path:
    """The default template set: inside the wheel when installed, the top-level folder in a checkout."""
    here = Path(__file__).resolve().parents[1]  # the briefgen package folder
    packaged = here / "_builtin_templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


@dataclass(frozen=True)
class TemplateSet:
    """Where templates are looked up, first match wins; `builtin/NAME` always means the built-in.
    Each folder reads only inside its root (`roots`, parallel to `dirs`): the workspace for its
    templates/ and a `template =` folder, the folder itself for `--template DIR`, briefgen's package
    for the built-ins."""

    dirs: tuple[Path, ...]
    root: Path = Path(".")  # the workspace: paths in messages are shown relative to it, like the facts'
    roots: tuple[Root, ...] = ()

    @property
    def searched(self) -> str:
        return ", ".join(printable(d) for d in self.dirs)

    def shown(self, path: str | Path) -> str:
        """A template folder's file as messages name it: relative to the workspace when inside it."""
        try:
            return printable(Path(path).resolve().relative_to(self.root.resolve()).as_posix())
        except (ValueError, OSError):
            return printable(path)

    def root_of(self, directory: Path) -> Root:
        for d, r in zip(self.dirs, self.roots):
            if d == directory:
                return r
        return Root(directory, self.root, f"the template folder {printable(directory)}")

    def find_file(self, name: str) -> Path | None:
        """A non-template file of the set (theme.toml, reference.docx), first match wins. A file that
        is there but would be refused (a link out of its root, a FIFO) still matches, so that reading
        it says why rather than silently taking the next folder's."""
        for d in self.dirs:
            try:
                if not stat.S_ISDIR(os.lstat(d / name).st_mode):
                    return d / name
            except OSError:
                continue
        return None

    def read_file(self, path: Path, kind: str) -> bytes:
        """The bytes of a file found by `find_file`, read through its folder's root."""
        for d in self.dirs:
            if path.parent == d or d in path.parents:
                return self.root_of(d).read_bytes(path, kind, Location(self.shown(path)))
        raise FileRefused(f"'{printable(path)}' is not in the template folders", Location(self.shown(path)), "outside")


def template_set(override: Path | None, workspace: Path, where: Location | None = None,
                 confine_to_workspace: bool = False) -> TemplateSet:
    """The search path; `where` locates the setting that named `override` (for the error).
    `confine_to_workspace`: the override comes from briefgen.toml, so it must lie inside the
    workspace (a shared workspace must not point a build at /proc/self or a colleague's files);
    a `--template DIR` from the command line is the user's own choice, a root of its own."""
    ws_root = Root.of_workspace(workspace)
    dirs: list[tuple[Path, Root]] = []
    if override is not None:
        # files found in the folder are named by paths that start with it; a relative folder would
        # be joined to itself when its root reads them ('my/my/theme.toml')
        override = override.absolute()
        if confine_to_workspace:
            try:
                ws_root.locate(override, where)
            except FileRefused:
                raise TemplateError(f"template folder '{ws_root.shown(override)}' is outside the workspace; a "
                                    "template folder set in briefgen.toml must be inside it (use --template "
                                    "for a folder elsewhere)", where) from None
        try:
            is_dir = override.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            raise TemplateError(f"template folder '{printable(override)}' does not exist", where)
        if not os.access(override, os.R_OK | os.X_OK):
            raise TemplateError(f"template folder '{printable(override)}' cannot be read (permission denied)", where)
        dirs.append((override, ws_root if confine_to_workspace else
                     Root(override, workspace, f"the template folder {printable(override)}")))
    if os.path.lexists(workspace / "templates"):
        try:  # a templates/ linked out of the workspace is refused, not silently passed over
            ws_root.locate(workspace / "templates")
        except FileRefused as exc:
            raise TemplateError(exc.message, Location("templates")) from None
    if ws_root.is_dir(workspace / "templates"):
        dirs.append((workspace / "templates", ws_root))
    dirs.append((builtin_dir(), package_root(builtin_dir())))
    unique: list[tuple[Path, Root]] = []
    for d, r in dirs:
        if d.resolve() not in [u.resolve() for u, _ in unique]:
            unique.append((d, r))
    return TemplateSet(tuple(d for d, _ in unique), workspace, tuple(r for _, r in unique))


class ConfinedLoader(jinja2.BaseLoader):
    """Jinja's file loader, but every template is read through the door of its folder's root:
    a link leaving the root, a FIFO or an oversized file is refused with the reason."""

    def __init__(self, folders: list[tuple[Path, Root]]):
        self.folders = folders

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..' and absolute names
        for index, (directory, root) in enumerate(self.folders):
            path = directory.joinpath(*pieces)
            try:
                os.lstat(path)
            except OSError:
                continue
            where = Location(root.shown(path))
            raw = root.read_bytes(path, "template", where)
            try:
                source = raw.decode("utf-8-sig")  # a BOM is not text
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise FileRefused("template is not valid UTF-8 text", Location(where.path, line), "unreadable") from None
            real = root.locate(path)
            mtime = os.stat(real).st_mtime
            # the template stays current while its file is unchanged and no folder searched before
            # it has gained a file of that name (an override added while --watch runs)
            earlier = [d.joinpath(*pieces) for d, _ in self.folders[:index]]
            return source, str(path), lambda: _unchanged(real, mtime) and not any(map(os.path.lexists, earlier))
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        names: set[str] = set()
        for directory, _ in self.folders:
            names.update(walk_names(directory, (".j2",)))
        return sorted(names)


def _unchanged(path: Path, mtime: float) -> bool:
    try:
        return os.stat(path).st_mtime == mtime
    except OSError:
        return False


TEMPLATE_SUFFIXES = (".j2", ".toml")


def template_names(directory: Path) -> list[str]:
    """Templates and theme files under `directory`, as lookup names (posix, relative)."""
    if not directory.is_dir():
        return []
    return walk_names(directory, TEMPLATE_SUFFIXES)


def resolve_all(templates: TemplateSet) -> list[tuple[str, Path]]:
    """Every template name in the set with the folder it resolves from (first match wins)."""
    found: dict[str, Path] = {}
    for d in templates.dirs:
        for name in template_names(d):
            found.setdefault(name, d)
    return sorted(found.items())


def builtin_source(name: str) -> str:
    path = builtin_dir() / name
    if name not in template_names(builtin_dir()):
        available = ", ".join(template_names(builtin_dir()))
        raise TemplateError(f"no built-in template '{name}' (built-ins: {available})")
    return path.read_text(encoding="utf-8")


