"""Ctrl-C during a live run: stop once, at once, clean up, and say nothing more.

Python's own answer to Ctrl-C is ``KeyboardInterrupt``, raised wherever the
main thread happens to be. Inside a running event loop that may be the loop's
own bookkeeping, losing a task's next step: the shutdown then waits for that
task for ever, or asyncio prints a report per unfinished task ("Task
exception was never retrieved"). ``asyncio.run`` avoids it for the first
Ctrl-C (it cancels the main task instead) but raises on the second, and a
second Ctrl-C is what an impatient person sends.

So while a live run is under way, SIGINT is handled here (and SIGTERM and
SIGHUP too: ``cli/signals.py`` sends them down the SIGINT path):

- the first one cancels the run's task (``run_interruptible``), whose
  workers stop before their next request (``load.py``), and every ``finally``
  closes its store; or, with no loop running (the parent of ``--pods``), it
  raises ``KeyboardInterrupt`` as Python would;
- another one within ``FORCE_AFTER_S`` is the same request, sent twice: it is
  ignored, so it cannot break the cleanup under way;
- one after that means the run is stuck (a user's manager that never gives
  control back): it raises ``KeyboardInterrupt``, as Python would.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")

FORCE_AFTER_S = 1.0  # a stop takes milliseconds: a Ctrl-C this much later means it is stuck


class Interrupt:
    """The SIGINT handler while a live run is under way."""

    def __init__(self) -> None:
        self.task: asyncio.Task[Any] | None = None  # the run to cancel, once it has started
        self.asked_at: float | None = None  # ``time.monotonic()`` of the first signal

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.asked_at is not None:
            if now - self.asked_at < FORCE_AFTER_S:
                return  # the first one is being handled
            raise KeyboardInterrupt
        self.asked_at = now
        task = self.task
        if task is not None and not task.done():
            task.cancel()
            task.get_loop().call_soon_threadsafe(_nothing)  # wake the loop if it waits
            return
        raise KeyboardInterrupt

    async def watch(self, main: Coroutine[Any, Any, T]) -> T:
        """Run ``main`` as the task a signal cancels."""
        self.task = asyncio.current_task()
        return await main


def _nothing() -> None:
    """A callback that only wakes the loop."""


@contextmanager
def handling(interrupt: Interrupt) -> Iterator[Interrupt]:
    """SIGINT goes to ``interrupt`` for the body, if Python's own handler was in force.

    Only the main thread may set handlers, and a handler someone else set
    (a test runner's, an application embedding vacancy) is left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield interrupt
        return
    signal.signal(signal.SIGINT, interrupt)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def run_interruptible(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``; a Ctrl-C stops it as above and raises ``KeyboardInterrupt``
    once ``main`` has stopped and its ``finally`` blocks have run."""
    with handling(Interrupt()) as interrupt, asyncio.Runner() as runner:
        runner.get_loop().set_exception_handler(_quiet_when_interrupted)
        try:
            return runner.run(interrupt.watch(main))
        except asyncio.CancelledError:
            if interrupt.asked_at is None:
                raise
            raise KeyboardInterrupt from None


@contextmanager
def stopping_once() -> Iterator[None]:
    """For work with no event loop: the first Ctrl-C raises ``KeyboardInterrupt``,
    and the cleanup it starts is not broken by a second one."""
    with handling(Interrupt()):
        yield


def _quiet_when_interrupted(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's report of a task an interrupt stopped: the command says it once."""
    found = context.get("exception")
    if isinstance(found, KeyboardInterrupt | SystemExit | asyncio.CancelledError):
        return
    loop.default_exception_handler(context)
