"""Render a brief's Markdown from Jinja2 templates.

The environment is sandboxed (templates are shared between offices and must only render),
undefined variables are errors, and every `{{ value }}` is escaped for Markdown unless it is
already Markdown (`MarkdownText`), so fact text is data, never markup. Errors name the template
file and line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import stat
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from markupsafe import Markup

from briefgen.errors import BriefgenError, Location, Problem, TemplateError
from briefgen.files.root import FileRefused, Root, package_root, printable, walk_names
from briefgen.render.jinja_cache import bytecode_cache

BUILTIN_PREFIX = "builtin"
ENTRY_TEMPLATE = "brief.md.j2"


def builtin_dir() -> Path:
    """The default template set: inside the wheel when installed, the top-level folder in a checkout."""
    here = Path(__file__).resolve().parents[1]  # the briefgen package folder
    packaged = here / "_builtin_templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


class MarkdownText(Markup):
    """A string that already is Markdown (made by briefgen's helpers): not escaped again.

    It is a markupsafe `Markup`, so Jinja passes it (and `super()`, macro and `caller()` output)
    through as it is. Whatever plain text is joined to it (`+`, `%`, `.join`, `~`) is escaped for
    Markdown, not for HTML."""

    @classmethod
    def escape(cls, s):
        return cls(s) if hasattr(s, "__html__") else cls(escape_markdown(s))


def markdown_join(parts) -> str:
    """`a ~ b` in a brief template: Markdown joins Markdown, plain text is escaped."""
    parts = list(parts)
    if any(hasattr(p, "__html__") for p in parts):
        return MarkdownText("").join(parts)
    return "".join(str(p) for p in parts)


def _markdown_join_filter(value, d: str = "", attribute=None):
    if attribute is not None:
        value = [getattr(v, attribute) if not isinstance(v, dict) else v[attribute] for v in value]
    return markdown_join(_interleave(list(value), d))


def _interleave(items: list, separator) -> list:
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(separator)
        out.append(item)
    return out


def _plain_result(f):
    """A filter whose Markup result may hold HTML-escaped (not Markdown-escaped) data: demote it to
    plain text so that finalize escapes all of it."""

    def wrapped(*args, **kwargs):
        result = f(*args, **kwargs)
        return str(result) if isinstance(result, Markup) and not isinstance(result, MarkdownText) else result

    return functools.update_wrapper(wrapped, f)  # keeps Jinja's pass_eval_context marker


class _MarkdownCodeGenerator(CodeGenerator):
    """`~` joins through `markdown_join` (Jinja's own join escapes for HTML)."""

    def visit_Concat(self, node, frame):
        self.write("environment.markdown_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _TextEnvironment(ImmutableSandboxedEnvironment):
    """The cover note's environment: the sandbox, and no method that changes a list or dict of the
    context (`countries.pop('PK')`, clearing a record's sources) is callable."""


class _MarkdownEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = _MarkdownCodeGenerator
    markdown_join = staticmethod(markdown_join)


_ALWAYS = re.compile(r"([\\`*_\[\]<>&|~{}])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>:]|\d+[.)])")
_SPACE = re.compile(r"\s+")


def escape_markdown(value: object) -> str:
    """Make text literal in Markdown: escape what would otherwise be syntax, fold line breaks."""
    text = _SPACE.sub(" ", str(value))
    text = _ALWAYS.sub(r"\\\1", text)
    return _LINE_START.sub(lambda mm: mm.group(1) + "\\" + mm.group(2), text)


def _finalize(value: object) -> object:
    """Every `{{ value }}` of the brief: data is escaped for Markdown; Markup (already Markdown) is not."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(escape_markdown(value))


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
    ws_root = Root(workspace, workspace, "the workspace")
    dirs: list[tuple[Path, Root]] = []
    if override is not None:
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


def make_environment(templates: TemplateSet, filters: Mapping[str, Callable] = {},
                     markdown: bool = True) -> SandboxedEnvironment:
    """The sandboxed environment over the template search path.

    `markdown=True` (the brief): every value is escaped for Markdown. `markdown=False` (the cover
    note): `.html.j2` templates are HTML-autoescaped and other templates are plain text.
    """
    builtin = builtin_dir()
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: ConfinedLoader([(builtin, package_root(builtin))])}),
        ConfinedLoader([(d, templates.root_of(d)) for d in templates.dirs]),
    ])
    env = (_MarkdownEnvironment if markdown else _TextEnvironment)(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize if markdown else (lambda value: "" if value is None else value),
        # markdown: autoescape on so that Markup (super(), macros, our helpers) passes as it is and
        # everything else goes through _finalize's Markdown escaping
        autoescape=True if markdown else jinja2.select_autoescape(
            enabled_extensions=("html.j2", "htm.j2", "html", "htm"), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # a long-lived environment (--watch) picks up edited templates
    )
    if markdown:
        # escaping means Markdown escaping here, and fact text stays data even through |safe
        env.filters.update(e=_finalize, escape=_finalize, safe=_finalize,
                           forceescape=lambda value: Markup(escape_markdown(str(value))),
                           join=_markdown_join_filter)
        for name in ("replace", "format", "urlize", "tojson", "xmlattr", "indent", "wordwrap", "center"):
            env.filters[name] = _plain_result(env.filters[name])
    env.filters.update(filters)
    env.globals["templates_searched"] = templates.searched
    env.bytecode_cache = bytecode_cache(type(env))  # compiled templates kept between runs
    return env


RENDER_SECONDS = 60
"""How long one template may render. The shipped brief takes milliseconds and 5,000 records a few
seconds; a template still running after a minute holds an endless or runaway loop."""


class TimeLimit(Exception):
    """Raised inside a rendering template when RENDER_SECONDS have passed."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit in the running code after `seconds` (then every second, in case a filter
    swallows it). SIGALRM exists on POSIX and reaches only the main thread; elsewhere no limit."""
    state = types.SimpleNamespace(expired=False)  # code that catches TimeLimit and raises its own error
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield state
        return

    def expire(_signum, _frame):
        state.expired = True
        raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield state
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


def render(env: SandboxedEnvironment, name: str, context: Mapping[str, object], templates: TemplateSet) -> str:
    """Render template `name`; every failure becomes a TemplateError naming file and line."""
    shown, searched = templates.shown, templates.searched
    try:
        with time_limit(RENDER_SECONDS):
            return env.get_template(name).render(**context)
    except TimeLimit as exc:
        raise TemplateError(f"template still running after {RENDER_SECONDS} s: is a loop endless or far too "
                            "large?", _template_frame(exc, name, shown)) from None
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc, name, shown)
        raise TemplateError(f"template '{exc.name}' not found (searched: {searched})",
                            where if where.line else None) from None
    except jinja2.TemplateSyntaxError as exc:
        where = Location(shown(exc.filename or exc.name or name), exc.lineno)
        raise TemplateError(f"template syntax error: {exc.message}", where) from None
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", _template_frame(exc, name, shown)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"undefined: {exc.message}", _template_frame(exc, name, shown)) from None
    except RecursionError as exc:
        if _while_compiling(exc):
            raise TemplateError("an expression is nested too deeply to read (brackets or lists inside each "
                                "other hundreds of levels deep)", _compiling(exc, shown) or _template_frame(exc, name, shown)) from None
        raise TemplateError("template includes or extends itself (endless recursion)", _template_frame(exc, name, shown)) from None
    except FileRefused as exc:  # an include the door refused: at the include line, saying why
        where = _template_frame(exc, name, shown)
        raise TemplateError(f"cannot read template: {exc.message}", where if where.line else exc.location) from None
    except BriefgenError:  # a helper's own error, or Interrupted from a signal: pass it on as it is
        raise
    except Exception as exc:  # an error raised by a filter or helper while rendering
        raise TemplateError(f"{type(exc).__name__}: {exc}", _template_frame(exc, name, shown)) from None


def syntax_problems(env: SandboxedEnvironment, templates: TemplateSet) -> list[Problem]:
    """The syntax error of every template in the set that has one, located; nothing is rendered."""
    problems = []
    for name, _ in resolve_all(templates):
        if name.endswith(".j2"):
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                where = Location(templates.shown(exc.filename or name), exc.lineno)
                problems.append(Problem(where, f"template syntax error: {exc.message}"))
            except FileRefused as exc:
                problems.append(Problem(exc.location, f"template: {exc.message}"))
            except RecursionError:
                problems.append(Problem(Location(templates.shown(name)), "an expression is nested too deeply to "
                                        "read (brackets or lists inside each other hundreds of levels deep)"))
    return problems


def _compiling(exc: BaseException, shown: Callable[[str], str]) -> Location | None:
    """The template Jinja was compiling when `exc` was raised (its file, no line)."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.replace("\\", "/").endswith("/jinja2/environment.py"):
            filename = frame.f_locals.get("filename")
            if isinstance(filename, str) and filename:
                found = Location(shown(filename))
        tb = tb.tb_next
    return found


def _while_compiling(exc: BaseException) -> bool:
    """True when a RecursionError came from Jinja's lexer, parser or compiler (a deeply nested
    expression), not from rendering (a template that includes itself)."""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        if "/jinja2/" in filename and filename.rsplit("/", 1)[-1] in ("parser.py", "compiler.py", "lexer.py",
                                                                       "optimizer.py", "idtracking.py", "visitor.py"):
            return True
        tb = tb.tb_next
    return False


def _template_frame(exc: BaseException, fallback: str, shown: Callable[[str], str]) -> Location:
    """The innermost template frame of a rendering error (Jinja maps frames to template lines)."""
    found = Location(fallback)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename.endswith(".jinja"):
            found = Location(shown(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


# --- the template set as files: listing, showing, ejecting --------------------------

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


def eject(dest: Path, force: bool = False) -> list[Path]:
    """Copy the built-in set (and a reference.docx made from the DOCX writer's styles) into `dest`.
    Refuses, naming the files, when any would be overwritten and `force` is not given."""
    from briefgen.files.output import write_new

    return write_new(template_files(dest), force)


def template_files(dest: Path) -> dict[Path, bytes]:
    """The built-in template set as it would be ejected into `dest`."""
    files = {dest / name: (builtin_dir() / name).read_bytes() for name in template_names(builtin_dir())}
    files[dest / "reference.docx"] = reference_docx()
    return files


def reference_docx() -> bytes:
    """A Word document carrying the styles the DOCX writer uses, for users to restyle in Word."""
    from briefgen.document import model as m
    from briefgen.writers.theme import Theme
    from briefgen.writers.docx import write

    sample = m.Document(
        m.Meta(title="Reference styles", subject="Restyle these in Word; briefgen builds follow them"),
        (
            m.Paragraph((m.Text("Organisation"),), style="letterhead"),
            m.Paragraph((m.Text("Title"),), style="title"),
            m.Paragraph((m.Text("Subtitle"),), style="subtitle"),
            m.Paragraph((m.Text("Date and reference line"),), style="meta"),
            m.Heading(1, (m.Text("Heading 1"),)),
            m.Heading(2, (m.Text("Heading 2"),)),
            m.Heading(3, (m.Text("Heading 3"),)),
            m.Paragraph((m.Text("Body text with a note"), m.NoteRef(1), m.Text(".")),),
            m.BulletList((m.ListItem((m.Paragraph((m.Text("List Bullet"),)),)),)),
            m.OrderedList((m.ListItem((m.Paragraph((m.Text("List Number"),)),)),)),
            m.Table(((( m.Text("Header"),), (m.Text("Header"),)),), (((m.Text("Cell"),), (m.Text("Cell"),)),),
                    caption="Caption"),
            m.Callout("keyfacts", "Key Facts Title", (
                m.Paragraph((m.Text("Key Facts"),)),
                m.BulletList((m.ListItem((m.Paragraph((m.Text("Key Facts Bullet"),)),)),)),
            )),
            m.Quote((m.Paragraph((m.Text("Quote"),)),)),
            m.Paragraph((m.Text("Small print"),), style="small"),
            m.Notes((m.Note(1, (m.Paragraph((m.Text("Source note"),)),)),)),
        ),
    )
    return write(sample, Theme())
