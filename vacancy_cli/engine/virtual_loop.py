"""An event loop that is never run: a user's coroutines are sent to by hand, on it.

asyncio's primitives need a loop: ``asyncio.Lock`` binds to the running loop
the first time it must queue a waiter, ``asyncio.sleep`` sets a timer on it,
a future schedules its callbacks on it. ``VirtualLoop`` is that loop. It is
made the running loop only while a coroutine is being sent to (``send``), so
it never competes with a loop that is really running in the thread (pytest-
asyncio's, or the explorer's). Its time is virtual: ``loop.time()`` reads
``now``, which only the scheduler moves; timers fire when ``now`` passes them.

A send is bounded: an alarm interrupts a step that has run for
``STEP_LIMIT_S`` of real time without giving control back (a CPU loop, or
``time.sleep`` under a ``threading.Lock``), by raising ``StepTooLong`` into
it. Alarms exist on the main thread only, where the platform has them (not on
Windows), and are not set when another tool's real-time timer runs; elsewhere a
send is not bounded.
"""

from __future__ import annotations

import asyncio
import heapq
import signal
import sys
import threading
from asyncio import events
from collections import deque
from collections.abc import Coroutine, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

STEP_LIMIT_S = 2.0  # real seconds one step may run before it is stopped and reported
MAX_CALLBACKS = 100_000  # callbacks one step may schedule (a task loop that never ends)


class StepTooLong(Exception):
    """Raised into a request by the alarm: it never gave control back."""


class VirtualLoop(asyncio.BaseEventLoop):
    """A loop that is never run: futures, locks and timers bind to it; its time is virtual."""

    _scheduled: list[asyncio.TimerHandle]  # BaseEventLoop's, which typeshed does not list
    _ready: deque[asyncio.Handle]

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        self.clock_read = False  # code outside asyncio read the time: see time()

    def time(self) -> float:
        """``now``; noting when code outside asyncio read it (``loop.time()`` in a
        user's manager): what such a step does depends on the time itself, so the
        explorer does not learn it. asyncio's own reads (a sleep's timer) are
        relative, and the timers are part of the state."""
        if not self.clock_read:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            self.clock_read = caller.partition(".")[0] != "asyncio"
        return self.now

    def _write_to_self(self) -> None:  # call_soon_threadsafe: nothing sleeps to wake
        pass

    def _process_events(self, event_list: list[Any]) -> None:
        pass

    def send(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Resume ``coro`` once, as the running loop, bounded; then run what it scheduled.

        Returns what it yielded (None for a bare yield, or the future it awaits);
        raises StopIteration when it returns, or whatever it raised.
        """
        if not _handler_depth:  # no exploration installed the handler: one for this send
            with bounded_steps():
                if _handler_depth:
                    return self.send(coro)
            with self.running():  # no alarm can be set here: the send is not bounded
                yielded = coro.send(None)
                self._drain()
            return yielded
        with self.running():
            signal.setitimer(signal.ITIMER_REAL, STEP_LIMIT_S)
            try:
                yielded = coro.send(None)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            self._drain()
        return yielded

    def send_trusted(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """``send`` without the alarm: for vacancy's own StockManagers, which always
        give control back (two timer calls per step would cost more than the step)."""
        outer = events._get_running_loop()
        events._set_running_loop(self)
        try:
            yielded = coro.send(None)
            if self._ready:
                self._drain()
        finally:
            events._set_running_loop(outer)
        return yielded

    def advance_to(self, seconds: float) -> None:
        """Move time forward (never back) and fire the timers now due."""
        self.now = max(self.now, seconds)
        while self._scheduled and self._scheduled[0].when() <= self.now:
            handle = heapq.heappop(self._scheduled)
            if not handle.cancelled():
                self._ready.append(handle)
        if self._ready:
            with self.running():
                self._drain()

    def shut(self, unfinished: Iterable[Coroutine[Any, Any, Any]]) -> None:
        """Close the requests that have not finished (their ``finally`` blocks run on
        this loop; what that clean-up raises changes nothing now), cancel the tasks
        they started, and close the loop."""
        for coro in unfinished:
            try:
                with self.running():
                    coro.close()
            except Exception:
                pass
        self.cancel_tasks()
        self.close()

    def cancel_tasks(self) -> None:
        """Cancel the tasks the code started (a writer it feeds through a queue) and
        let them unwind, before the loop closes: none is left pending to be destroyed."""
        with self.running():
            for task in asyncio.all_tasks(self):
                task.cancel()
            self._drain()

    def next_timer(self) -> float | None:
        """When the earliest pending timer fires, if any."""
        pending = [h.when() for h in self._scheduled if not h.cancelled()]
        return min(pending) if pending else None

    def timers(self) -> tuple[float, ...]:
        """Pending timers as delays from now: part of a state's fingerprint."""
        return tuple(sorted(round(h.when() - self.now, 6) for h in self._scheduled))

    def _drain(self) -> None:
        """Run what the step scheduled (tasks the code started, done-callbacks)."""
        for _ in range(MAX_CALLBACKS):
            if not self._ready:
                return
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()

    def running(self) -> _Running:
        """``with loop.running():`` this loop is the running loop for the block."""
        return _Running(self)


class _Running:
    """``with``: this loop is the running loop, and the outer one is put back after."""

    __slots__ = ("loop", "outer")

    def __init__(self, loop: VirtualLoop) -> None:
        self.loop = loop
        self.outer: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> None:
        self.outer = events._get_running_loop()
        events._set_running_loop(self.loop)

    def __exit__(self, *exc: object) -> None:
        events._set_running_loop(self.outer)


_handler_depth = 0  # how many ``bounded_steps`` are open (on the main thread)


@contextmanager
def bounded_steps() -> Iterator[None]:
    """Install the step alarm's handler for a whole run of sends (an exploration),
    so that each send only sets and clears the timer: two signal.signal calls per
    step cost more than the step. Does nothing where an alarm may not be set."""
    global _handler_depth
    if _handler_depth or not _may_set_alarm():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _too_long)
    _handler_depth += 1
    try:
        yield
    finally:
        _handler_depth -= 1
        signal.signal(signal.SIGALRM, previous)


def _may_set_alarm() -> bool:
    """On the main thread, where signals exist, and when nobody else's real-time timer
    is set (pytest-timeout's, say): never replace what another tool set up."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        return False
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


def _too_long(signum: int, frame: object) -> None:
    raise StepTooLong()
