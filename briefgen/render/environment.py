"""The sandboxed Jinja environment that renders a brief (Markdown) or a cover note (text, HTML),
and `render`, which turns every failure into a TemplateError naming the template file and line.

The environment is sandboxed (templates are shared between offices and must only render),
undefined variables are errors, and a render runs under a time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from markupsafe import Markup

from briefgen.errors import BriefgenError, Location, Problem, TemplateError
from briefgen.files.root import FileRefused, package_root
from briefgen.render.jinja_cache import bytecode_cache
from briefgen.render.markup import escape_markdown, finalize, markdown_join, markdown_join_filter, plain_result
from briefgen.render.templateset import BUILTIN_PREFIX, ConfinedLoader, TemplateSet, builtin_dir, resolve_all
from briefgen.runtime import TimeLimit, time_limit


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
        finalize=finalize if markdown else (lambda value: "" if value is None else value),
        # markdown: autoescape on so that Markup (super(), macros, our helpers) passes as it is and
        # everything else goes through finalize's Markdown escaping
        autoescape=True if markdown else jinja2.select_autoescape(
            enabled_extensions=("html.j2", "htm.j2", "html", "htm"), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # a long-lived environment (--watch) picks up edited templates
    )
    if markdown:
        # escaping means Markdown escaping here, and fact text stays data even through |safe
        env.filters.update(e=finalize, escape=finalize, safe=finalize,
                           forceescape=lambda value: Markup(escape_markdown(str(value))),
                           join=markdown_join_filter)
        for name in ("replace", "format", "urlize", "tojson", "xmlattr", "indent", "wordwrap", "center"):
            env.filters[name] = plain_result(env.filters[name])
    env.filters.update(filters)
    env.globals["templates_searched"] = templates.searched
    env.bytecode_cache = bytecode_cache(type(env))  # compiled templates kept between runs
    return env


RENDER_SECONDS = 60
"""How long one template may render. The shipped brief takes milliseconds and 5,000 records a few
seconds; a template still running after a minute holds an endless or runaway loop."""


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


