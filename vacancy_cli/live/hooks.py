"""The Hooks of a live run: real awaits, timed lock waits, counted cache hits.

Lock wait is the time an acquisition spent queued. An acquisition that cannot
block (the guard is free and nobody is queued for it: ``asyncio.Lock`` and
``asyncio.Semaphore`` then take their fast path without suspending) counts as
a wait of exactly 0, reads no clock, and goes through the guard itself, exactly
as the ADR's ``async with self.lock`` does; every other one is timed with
``perf_counter`` into a preallocated array. That keeps the ADR's uncontended
case as cheap as the bare lock, and the percentiles exact.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from time import perf_counter

from vacancy_cli.model import trace
from vacancy_cli.stock.base import EventLoopBlocked, Guard, ThreadLock


class MonotonicClock:
    """Real time, for live runs: what the read cache's TTL is measured in."""

    def now(self) -> float:
        return time.monotonic()


class LiveHooks:
    """The Hooks of a live run: real awaits, timed lock waits, counted cache hits."""

    def __init__(self, capacity: int, latency_s: float, yields: bool) -> None:
        self.waits = array("d", bytes(8 * capacity))  # the timed waits, in seconds
        self.timed = 0  # how many of ``waits`` are filled
        self.untimed = 0  # acquisitions that could not block: waits of exactly 0
        self.queued = 0  # acquisitions under way that may block
        self.cache_hits = 0
        self.oldest_hit_ms: int | None = None
        self.latency_s = latency_s
        self.yields = yields or latency_s > 0
        self._hold: _TimedHold | None = None

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        if action == trace.CACHE_HIT:  # value: the cached value's age in ms
            self.cache_hits += 1
            if value is not None and (self.oldest_hit_ms is None or value > self.oldest_hit_ms):
                self.oldest_hit_ms = value

    async def checkpoint(self) -> None:
        if self.yields:
            await asyncio.sleep(self.latency_s)

    @property
    def acquisitions(self) -> int:
        return self.untimed + self.timed

    def hold(self, guard: Guard) -> Guard | _TimedHold:
        if not guard.locked() and not self.queued:
            # Free, and nobody queued: ``async with`` acquires it before anything
            # else can run, without suspending, so the wait is 0 and needs no timing.
            self.untimed += 1
            return guard
        held = self._hold
        if held is None or held.guard is not guard:
            held = self._hold = _TimedHold(self, guard)
        return held

    def hold_thread(self, lock: ThreadLock) -> _ThreadHold:
        return _ThreadHold(self, lock)

    async def wait_for(self, answer: asyncio.Future[tuple[bool, int]]) -> tuple[bool, int]:
        """A wait on the event-sourced writer, timed like a lock wait: the queue's cost."""
        start = perf_counter()
        result = await answer
        self.waits[self.timed] = perf_counter() - start
        self.timed += 1
        return result


class _ThreadHold:
    """``with hooks.hold_thread(lock)``: a real threading.Lock, never blocking the loop.

    Blocking ``acquire()`` while another request holds the lock across an
    await would hang the loop for good (the holder can only release it when
    the loop runs again); the run stops there and reports it instead.
    """

    __slots__ = ("hooks", "lock")

    def __init__(self, hooks: LiveHooks, lock: ThreadLock) -> None:
        self.hooks = hooks
        self.lock = lock

    def __enter__(self) -> None:
        if not self.lock.acquire(blocking=False):
            raise EventLoopBlocked()
        self.hooks.untimed += 1

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


class _TimedHold:
    """``async with hooks.hold(guard)`` when the guard may block: the wait, timed.

    A class, not ``@asynccontextmanager``: one instance serves every request
    (no per-request state lives in it).
    """

    __slots__ = ("hooks", "guard")

    def __init__(self, hooks: LiveHooks, guard: Guard) -> None:
        self.hooks = hooks
        self.guard = guard

    async def __aenter__(self) -> None:
        hooks = self.hooks
        hooks.queued += 1
        start = perf_counter()
        try:
            await self.guard.acquire()
        finally:
            hooks.queued -= 1
        hooks.waits[hooks.timed] = perf_counter() - start
        hooks.timed += 1

    async def __aexit__(self, *exc: object) -> None:
        self.guard.release()
