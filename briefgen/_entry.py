"""The console entry point. It is tiny on purpose: it makes Ctrl+C and SIGTERM end the process
quietly (exit 130) before the command line's imports begin, which take a noticeable moment;
`briefgen.cli.main` then installs the handlers that clean up after a build.

A command of the console script is short-lived, so two of the interpreter's chores are skipped:
- garbage collection (a tenth of a build's CPU time, a fifth at 50× content, for ~15 MB more peak
  memory at 50×): reference counting frees all but cycles, and the process ends soon. The
  long-running paths (`build --watch`, the `build --all` workers) switch it back on.
- the interpreter's shutdown (~100 ms of freeing every module and object): once the command has
  returned, every output file has been written, fsync'd, closed and renamed into place
  (`output.write_all`), the `--all` worker pool has been shut down, and only stdout and stderr
  remain to flush; then the process exits at once.
`briefgen.cli.main` itself (what tests and other programs call) does neither.
"""

import gc
import os
import signal
import sys


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: os._exit(130))  # nothing has been written yet
    gc.disable()
    from briefgen.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        _exit(exc.code)
    _exit(0)


def _exit(code: object) -> None:
    """Exit as the interpreter would with `sys.exit(code)`, without its shutdown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message goes to stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`briefgen ... | head`): nothing more can be said
            status = status or 120  # what the interpreter returns when it cannot flush stdout
    os._exit(status)
