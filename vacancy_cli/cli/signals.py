"""SIGTERM and SIGHUP stop a command exactly as Ctrl-C does.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt``, and everything in
vacancy is written for that one path: each ``finally`` and context manager
removes what it made (the SQLite temporary databases, the pods' folder, the
pod processes), a live load's event loop cancels the load first
(``asyncio.Runner``), and ``common.call`` turns what is left into the one line
``vacancy: interrupted`` and exit status 130. SIGTERM (``kill``, a container
stopping, a CI timeout) and SIGHUP (the terminal closed) would instead end
the process on the spot, leaving ``/tmp/vacancy-*`` behind. ``install`` sends
them down the Ctrl-C path, so there is one way to be stopped, and it is tested.

The exit status is 130 for all three, not 128 + the signal's number (143 for
SIGTERM): the process is not killed by the signal, it stops on request and
cleans up, and one status for "stopped from outside" keeps scripts simple.

A signal the process was started ignoring stays ignored: ``nohup vacancy ...``
keeps running when its terminal closes.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

# The signals that mean "stop": SIGHUP does not exist on Windows.
STOPPING: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def install() -> None:
    """Make SIGTERM and SIGHUP act as Ctrl-C for the rest of the process.

    Called once, first thing in ``main()``. Only the main thread may set
    handlers: elsewhere (a command run inside a test's worker thread) nothing
    changes.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for number in STOPPING:
        if signal.getsignal(number) is signal.SIG_IGN:
            continue  # ignored by whoever started us (nohup): keep it so
        signal.signal(number, as_ctrl_c)


def as_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """Do what Ctrl-C would do now.

    That is the SIGINT handler in force at this moment: Python's (raise
    ``KeyboardInterrupt`` here), or, while a live load runs, asyncio's (cancel
    the load, so its tasks stop where they are and its store is closed; a
    second signal raises). When SIGINT is ignored (a background job of a
    script), stopping is still asked for, so ``KeyboardInterrupt`` is raised.
    """
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
        return
    raise KeyboardInterrupt
