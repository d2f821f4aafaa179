"""The StockManager interface: the ADR's class, with named places for each store to fill.

Each variant is the ADR's StockManager with one change: an ``await`` (a
*checkpoint*) between reading the stock and writing it back, standing for the
payment call or database round trip a real handler makes there. Without that
await asyncio cannot interleave two requests, which is why the ADR's own
``reserve`` could not lose an update even without its lock.

Whoever runs a manager supplies its ``Hooks``: the deterministic scheduler in a
simulation (a checkpoint parks the request until it is given the next step),
or the live load runner (a checkpoint is a real sleep). Locks are real
``asyncio.Lock`` and ``asyncio.Semaphore`` objects; ``hooks.hold`` only watches
them being taken and released.

The base class holds what every store shares, as SimPy's ``resources/base.py``
does: the 1 s read cache and ``available()`` written once. A store fills in
named extension points:

- ``reserve(qty)``: the strategy itself (the one method every store writes);
- ``_fetch()``: read the stock for ``available()`` (memory: the attribute;
  a database: a query), recording the ``read``;
- ``_reading()``: what ``available()`` holds while it reads (the lock, for the
  ADR's decision; nothing by default);
- ``join(first, hooks, clock)``: another pod of the same service: by default
  a fresh manager with its own copy of the stock (memory is per process); a
  database joins the store ``first`` made;
- ``close()``: release files, connections, tasks.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Protocol, runtime_checkable

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.strategies import Strategy

CACHE_TTL_S = 1.0  # the ADR's read cache: "slightly stale data (max 1s old)"
# Connections a database strategy holds at once, as a service's pool would: a
# load of 1000 requests at once would otherwise open 1000 of them, past
# PostgreSQL's max_connections (100 by default) and, with SQLite's three files
# per connection, a 1024-file limit. The other requests wait for a free one.
POOL_SIZE = 50

Guard = asyncio.Lock | asyncio.Semaphore
ThreadLock = threading.Lock


class EventLoopBlocked(Exception):
    """A request would have blocked the loop's thread on a held threading.Lock.

    Raised by a runner's ``hold_thread`` instead of making that call: the run is
    frozen, and says so, rather than hanging.
    """


class Hooks(Protocol):
    """What a StockManager asks of whoever runs it."""

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        """Note what the current request just did (for the trace)."""
        ...

    async def checkpoint(self) -> None:
        """The await between read and write: where a request may be preempted."""
        ...

    def hold(self, guard: Guard) -> AbstractAsyncContextManager[None]:
        """Acquire ``guard`` for the body and release it after, observed."""
        ...

    async def wait_for(self, answer: asyncio.Future[tuple[bool, int]]) -> tuple[bool, int]:
        """Await work another task does for this request (the event-sourced writer)."""
        ...


@runtime_checkable
class ThreadHooks(Hooks, Protocol):
    """Hooks that can also watch a ``threading.Lock`` (alternative 2)."""

    def hold_thread(self, lock: ThreadLock) -> AbstractContextManager[None]:
        """Take ``lock`` for the body; a runner must never let it block the loop."""
        ...


class StockManager:
    """The ADR's StockManager state: the stock, and its 1 s read cache."""

    total: int

    def __init__(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        self.attach(stock, hooks, clock, strategy)
        self.total = stock

    def attach(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        """All but the store: what a manager joining a store set up elsewhere needs."""
        self.initial_stock = stock
        self.hooks = hooks
        self.clock = clock
        self.strategy = strategy
        self._cache: int | None = None
        self._cache_time: float | None = None
        self.cache_ttl_s = CACHE_TTL_S  # 0 turns the cache off: the cache claim's baseline
        # Whether the cache has served a value that was no longer the stock. A
        # property of the path, kept here so that the explorer's state carries it.
        self.served_stale = False
        # Judging a hit reads the stock: free in memory, a query on a database. A
        # live load, which never asks, may turn it off (as it turns off the cache).
        self.judges_reads = True

    @classmethod
    def join(cls, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        """Another pod of ``first``'s service: its own manager, lock and copy of the stock."""
        return cls(first.initial_stock, hooks, clock, first.strategy)

    async def reserve(self, qty: int) -> tuple[bool, int]:
        raise NotImplementedError

    async def available(self) -> int:
        """The stock as a page shows it: cached while fresh, else read through the I/O."""
        cached = self._cached()
        if cached is not None:
            return cached
        async with self._reading():
            seen = await self._fetch()
            await self.hooks.checkpoint()  # I/O: the answer on its way
            self._fill_cache(seen)
        return seen

    def close(self) -> None:
        """Release what the manager holds outside memory (files, connections, tasks)."""

    def audit_log(self) -> tuple[str, ...]:
        """The events a strategy recorded, if it keeps a log (event sourcing does)."""
        return ()

    def store_state(self) -> tuple[int, int | None, int | None, bool]:
        """The shared state: the stock, the cached value and its age, and whether the
        cache has served a stale value.

        The age, not the fill time: two states whose cache entries have the same
        age behave alike from here on, whatever the clock says (in milliseconds,
        so that float noise does not split equal states). No request observes
        ``served_stale``, but a run's outcome does (a ``stale_read``): two paths
        that meet with and without one must stay two states for the explorer.
        """
        if self._cache_time is None:
            return (self.total, self._cache, None, self.served_stale)
        age = round((self.clock.now() - self._cache_time) * 1000)
        return (self.total, self._cache, age, self.served_stale)

    # -- extension points and helpers for the stores ---------------------------------

    async def _fetch(self) -> int:
        """Read the stock for ``available()``; a store with a server queries it."""
        return self._read()

    def _reading(self) -> AbstractAsyncContextManager[None]:
        """What ``available()`` holds while it reads: nothing, unless the store guards it."""
        return _NOTHING_HELD

    def _read(self) -> int:
        self.hooks.record(trace.READ, self.total)
        return self.total

    def _write(self, seen: int, qty: int) -> tuple[bool, int]:
        """Grant if the value read covered ``qty``; write back ``seen - qty``."""
        if seen >= qty:
            self.total = seen - qty
            self._invalidate_cache()
            self.hooks.record(trace.WRITE, seen, self.total)
            return True, self.total
        self.hooks.record(trace.REJECTED, seen)
        return False, self.total

    def _cached(self) -> int | None:
        if self._cache is None or self._cache_time is None:
            return None
        age = self.clock.now() - self._cache_time
        if age >= self.cache_ttl_s:
            return None
        self.hooks.record(trace.CACHE_HIT, self._cache, round(age * 1000))
        if self.judges_reads and not self.served_stale:
            self.served_stale = trace.served_stale(self._cache, self.total)
        return self._cache

    def _fill_cache(self, seen: int) -> None:
        self._cache = seen
        self._cache_time = self.clock.now()
        self.hooks.record(trace.CACHES, seen)

    def _invalidate_cache(self) -> None:
        self._cache = None
        self._cache_time = None


class _NothingHeld:
    """An ``async with`` that holds nothing and never suspends."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


_NOTHING_HELD = _NothingHeld()
