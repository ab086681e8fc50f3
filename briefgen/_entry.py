"""The console entry point. It is tiny on purpose: it makes Ctrl+C and SIGTERM end the process
quietly (exit 130) before the command line's imports begin, which take a noticeable moment;
`briefgen.cli.main` then installs the handlers that clean up after a build."""

import os
import signal


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: os._exit(130))  # nothing has been written yet
    from briefgen.cli import main as cli_main

    cli_main()
