"""The command line: a thin typer layer over briefgen's stages.

Commands import the heavy parts of briefgen inside their bodies so that `briefgen --help`
and `briefgen check` stay fast. Errors are turned into output in exactly one place: `main`.
"""

from __future__ import annotations

import signal
import sys

import typer

from briefgen.cli import build, editions, mail, preview, sources, templates  # noqa: F401  (each registers its commands on `app`)
from briefgen.cli.app import app, safe, state


def _handle_signals() -> dict:
    """Ctrl+C and SIGTERM raise Interrupted, so temp files are removed on the way out.
    Returns the previous handlers, restored when `main` returns."""
    from briefgen.errors import Interrupted

    def stop(_signum, _frame):
        state["interrupted"] = True
        raise Interrupted()

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, stop)
        except ValueError:  # not the main thread (e.g. embedded in another program)
            break
    return previous


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn briefgen errors into `error: path:line: message` lines.

    Usage errors are typer's (exit 2); invalid input exits 1; anything unexpected exits 70 with a
    one-line message, and a traceback only with --debug.
    """
    from briefgen.errors import BriefgenError, ExitCode, Interrupted

    state["interrupted"] = False
    previous = _handle_signals()
    try:
        app(args=argv, prog_name="briefgen")
    except BriefgenError as exc:
        if state["debug"]:
            raise
        for problem in exc.problems:
            typer.echo(f"error: {safe(problem)}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if state["debug"]:
            raise
        if state.get("interrupted"):
            # a library caught Interrupted inside its own code and raised its own error (reportlab
            # does while saving): the cause is still the interruption, and cleanup has run
            typer.echo(f"error: {Interrupted.MESSAGE}", err=True)
            sys.exit(Interrupted.exit_code)
        typer.echo(f"internal error: {type(exc).__name__}: {safe(exc)} (run with --debug for a traceback)", err=True)
        sys.exit(ExitCode.INTERNAL)
    finally:
        if argv is not None:  # called as a library (tests): give the caller its handlers back
            for sig, handler in previous.items():
                signal.signal(sig, handler)
