"""Render a brief's Markdown from Jinja2 templates.

The environment is sandboxed (templates are shared between offices and must only render),
undefined variables are errors, and every `{{ value }}` is escaped for Markdown unless it is
already Markdown (`MarkdownText`), so fact text is data, never markup. Errors name the template
file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from briefgen.errors import Location, TemplateError

BUILTIN_PREFIX = "builtin"
ENTRY_TEMPLATE = "brief.md.j2"


def builtin_dir() -> Path:
    """The default template set: inside the wheel when installed, the top-level folder in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_builtin_templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


class MarkdownText(str):
    """A string that already is Markdown (made by briefgen's helpers): not escaped again."""


_ALWAYS = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>:]|\d+[.)])")
_SPACE = re.compile(r"\s+")


def escape_markdown(value: object) -> str:
    """Make text literal in Markdown: escape what would otherwise be syntax, fold line breaks."""
    text = _SPACE.sub(" ", str(value))
    text = _ALWAYS.sub(r"\\\1", text)
    return _LINE_START.sub(lambda mm: mm.group(1) + "\\" + mm.group(2), text)


def _finalize(value: object) -> object:
    if isinstance(value, MarkdownText):
        return value
    if value is None:
        return ""
    return escape_markdown(value)


@dataclass(frozen=True)
class TemplateSet:
    """Where templates are looked up, first match wins; `builtin/NAME` always means the built-in."""

    dirs: tuple[Path, ...]

    @property
    def searched(self) -> str:
        return ", ".join(str(d) for d in self.dirs)

    def find_file(self, name: str) -> Path | None:
        """A non-template file of the set (theme.toml, reference.docx), first match wins."""
        for d in self.dirs:
            if (d / name).is_file():
                return d / name
        return None


def template_set(override: Path | None, workspace: Path) -> TemplateSet:
    dirs = []
    if override is not None:
        if not override.is_dir():
            raise TemplateError(f"template folder '{override}' does not exist")
        dirs.append(override)
    if (workspace / "templates").is_dir():
        dirs.append(workspace / "templates")
    dirs.append(builtin_dir())
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return TemplateSet(tuple(unique))


def make_environment(templates: TemplateSet, filters: Mapping[str, Callable] = {}) -> SandboxedEnvironment:
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(str(builtin_dir()))}),
        jinja2.FileSystemLoader([str(d) for d in templates.dirs]),
    ])
    env = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(filters)
    env.globals["templates_searched"] = templates.searched
    return env


def render(env: SandboxedEnvironment, name: str, context: Mapping[str, object], searched: str) -> str:
    """Render template `name`; every failure becomes a TemplateError naming file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found (searched: {searched})") from None
    except jinja2.TemplateSyntaxError as exc:
        where = Location(_shown(exc.filename or exc.name or name), exc.lineno)
        raise TemplateError(f"template syntax error: {exc.message}", where) from None
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", _template_frame(exc, name)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"undefined: {exc.message}", _template_frame(exc, name)) from None
    except RecursionError:
        raise TemplateError("template includes or extends itself (endless recursion)", Location(name)) from None
    except TemplateError:
        raise
    except Exception as exc:  # an error raised by a filter or helper while rendering
        raise TemplateError(f"{type(exc).__name__}: {exc}", _template_frame(exc, name)) from None


def _template_frame(exc: BaseException, fallback: str) -> Location:
    """The innermost template frame of a rendering error (Jinja maps frames to template lines)."""
    found = Location(fallback)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename.endswith(".jinja"):
            found = Location(_shown(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(filename: str) -> str:
    """A template path as the user should see it (relative to the current folder when inside it)."""
    try:
        return Path(filename).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return filename
