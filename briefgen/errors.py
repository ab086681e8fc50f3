"""The one error tree of briefgen.

Core code raises these and never prints or exits; the CLI turns them into
`path:line: message` lines and an exit code in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Every exit status of the command line (README, "Exit codes")."""

    OK = 0
    INVALID = 1  # invalid input, or a refusal that protects what the user has
    USAGE = 2  # a command given wrongly (typer's own usage errors exit 2 too)
    NOT_WRITTEN = 3  # could not write or send: disk, permissions, mail server
    INTERNAL = 70  # a bug: EX_SOFTWARE
    INTERRUPTED = 130  # Ctrl+C or SIGTERM


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file, and the 1-based line when known."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Problem:
    """One located finding; a check collects many before failing."""

    location: Location | None
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class BriefgenError(Exception):
    """Base of every error briefgen reports to a user. `exit_code` is what the CLI returns."""

    exit_code = ExitCode.INVALID

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    @property
    def problems(self) -> list[Problem]:
        return [Problem(self.location, self.message)]

    def __str__(self) -> str:
        return str(Problem(self.location, self.message))

    def __reduce__(self):
        # Pickled whole, every field as set (a writer process sends its error back): the default
        # would call the class again with `args` alone, losing the location and the problems.
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type, args: tuple, fields: dict) -> BriefgenError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(fields)
    return exc


class InvalidInput(BriefgenError):
    """Several located problems found at once (fact base, templates, options)."""

    def __init__(self, problems: list[Problem]):
        self._problems = sorted(problems, key=_problem_order)
        summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
        super().__init__(summary)

    @property
    def problems(self) -> list[Problem]:
        return self._problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self._problems)


class TemplateError(BriefgenError):
    """A template could not be found, parsed or rendered."""


class FontError(BriefgenError):
    """No usable font, or text the chosen fonts cannot show (`missing`: those characters)."""

    def __init__(self, message: str, location: Location | None = None, missing: str = "", font: str = "",
                 why: str = ""):
        super().__init__(message, location)
        self.missing = missing
        self.font = font
        self.why = why  # the message at each fact holding `missing` ("{chars}" is filled in); default: no glyph


class BriefgenWarning(UserWarning):
    """Something the user should know that did not stop the build (printed as `warning: ...`)."""


class UsageError(BriefgenError):
    """The command was given wrongly: a brief that is not in the workspace, or none named where
    several are."""

    exit_code = ExitCode.USAGE


class Refused(BriefgenError):
    """briefgen declines a step that would lose something the user has (overwriting their files)."""

    exit_code = ExitCode.INVALID


class OutputError(BriefgenError):
    """An output file could not be written (disk full, no permission...)."""

    exit_code = ExitCode.NOT_WRITTEN


class Interrupted(BriefgenError):
    """Stopped by Ctrl+C or SIGTERM; raised from the signal handler so every cleanup runs.

    The message is fixed: libraries that catch and re-raise exceptions with their own text
    (reportlab does) must not garble what the user reads."""

    exit_code = ExitCode.INTERRUPTED
    MESSAGE = "interrupted; unfinished files were not written and earlier ones were kept"

    def __init__(self, *_args, **_kwargs):
        super().__init__(self.MESSAGE)


def _problem_order(p: Problem):
    loc = p.location
    return (loc is None, loc.path if loc else "", (loc.line or 0) if loc else 0)


def relpath(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the workspace when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
