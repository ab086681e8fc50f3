"""Process helpers every stage may use: signals held over a critical step, a time limit on
running code, and garbage collection for a long-running process. No briefgen imports."""

from __future__ import annotations

import contextlib
import gc
import signal
import threading
import types


def long_running() -> None:
    """Garbage collection back on, for a process that builds again and again (`--watch`, `--all`).
    What exists by now (imports, the first build's caches) is frozen first: the collections that
    follow leave it alone, so they stay short."""
    gc.freeze()
    gc.enable()



@contextlib.contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM (delivered when the block ends) where the platform allows it."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


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
