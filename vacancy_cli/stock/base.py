"""The StockManager variants, as ordinary asyncio code a service could run.

Each variant is the ADR's StockManager with one change: an ``await`` (a
*checkpoint*) between reading the stock and writing it back, standing for the
payment call or database round trip a real handler makes there. Without that
await asyncio cannot interleave two requests, which is why the ADR's own
``reserve`` could not lose an update even without its lock.

Whoever runs a manager supplies its ``Hooks``: the deterministic scheduler in a
simulation (a checkpoint parks the request until it is given the next step),
or the live load runner (a checkpoint is a real sleep). The locks are real
``asyncio.Lock`` and ``asyncio.Semaphore`` objects; ``hooks.hold`` only watches
them being taken and released.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import (
    ALL_STRATEGIES,
    SERVER_SUMMARIES,
    SQLITE_SUMMARIES,
    STRATEGY_HELP,
)

CACHE_TTL_S = 1.0  # the ADR's read cache: "slightly stale data (max 1s old)"
DEFAULT_PERMITS = 2
# The largest stock or quantity every store holds exactly: Redis runs the ADR's
# Lua script on doubles, PostgreSQL and SQLite on 64-bit integers.
MAX_COUNT = 2**53 - 1
# Connections a database strategy holds at once, as a service's pool would: a
# load of 1000 requests at once would otherwise open 1000 of them, past
# PostgreSQL's max_connections (100 by default) and, with SQLite's three files
# per connection, a 1024-file limit. The other requests wait for a free one.
POOL_SIZE = 50

Guard = asyncio.Lock | asyncio.Semaphore


class EventLoopBlocked(Exception):
    """A request would have blocked the loop's thread on a held threading.Lock.

    Raised by a runner's ``hold_thread`` instead of making that call: the run is
    frozen, and says so, rather than hanging.
    """


ThreadLock = threading.Lock


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

    def __init__(self, stock: int, hooks: Hooks, clock: Clock) -> None:
        self.attach(stock, hooks, clock)
        self.total = stock

    def attach(self, stock: int, hooks: Hooks, clock: Clock) -> None:
        """All but the store: what a manager joining a store set up elsewhere needs."""
        self.initial_stock = stock
        self.hooks = hooks
        self.clock = clock
        self._cache: int | None = None
        self._cache_time: float | None = None
        self.cache_ttl_s = CACHE_TTL_S  # 0 turns the cache off: the cache claim's baseline

    async def reserve(self, qty: int) -> tuple[bool, int]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the manager holds outside memory (files, connections, tasks)."""

    def audit_log(self) -> tuple[str, ...]:
        """The events a strategy recorded, if it keeps a log (event sourcing does)."""
        return ()

    def store_state(self) -> tuple[int, int | None, int | None]:
        """The shared state a request can observe: the stock, the cached value and its age.

        The age, not the fill time: two states whose cache entries have the same
        age behave alike from here on, whatever the clock says (in milliseconds,
        so that float noise does not split equal states).
        """
        if self._cache_time is None:
            return (self.total, self._cache, None)
        return (self.total, self._cache, round((self.clock.now() - self._cache_time) * 1000))

    async def available(self) -> int:
        raise NotImplementedError

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
        return self._cache

    def _fill_cache(self, seen: int) -> None:
        self._cache = seen
        self._cache_time = self.clock.now()
        self.hooks.record(trace.CACHES, seen)

    def _invalidate_cache(self) -> None:
        self._cache = None
        self._cache_time = None


class UnlockedStockManager(StockManager):
    """ADR alternative 1, "no synchronization": fastest, and wrong."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self._read()
        await self.hooks.checkpoint()  # I/O: the payment call
        return self._write(seen, qty)

    async def available(self) -> int:
        cached = self._cached()
        if cached is not None:
            return cached
        seen = self._read()
        await self.hooks.checkpoint()  # I/O: the database read
        self._fill_cache(seen)
        return seen


class GuardedStockManager(StockManager):
    """The ADR's decision: read, await and write inside ``async with self.lock``.

    ``lock`` is an ``asyncio.Lock`` (the decision) or an ``asyncio.Semaphore``
    (alternative 5): with more than one permit, two requests are inside at once
    and the read-then-write race is back.
    """

    def __init__(self, stock: int, hooks: Hooks, clock: Clock, lock: Guard) -> None:
        super().__init__(stock, hooks, clock)
        self.lock = lock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.hooks.hold(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()  # I/O, inside the lock
            return self._write(seen, qty)

    async def available(self) -> int:
        cached = self._cached()  # a hit takes no lock
        if cached is not None:
            return cached
        async with self.hooks.hold(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()
            self._fill_cache(seen)
        return seen


class ThreadLockedStockManager(StockManager):
    """ADR alternative 2: a ``threading.Lock`` around the same read, await and write.

    It works across threads, but here every request runs on one event loop
    thread. While A holds the lock across its await, B's ``acquire()`` blocks
    that thread, so the loop can never resume A to release it: the service is
    frozen. ``hooks.hold_thread`` reports that instead of hanging.
    """

    def __init__(self, stock: int, hooks: ThreadHooks, clock: Clock) -> None:
        super().__init__(stock, hooks, clock)
        self.thread_hooks = hooks
        self.lock = threading.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        with self.thread_hooks.hold_thread(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()  # I/O, holding a thread lock
            return self._write(seen, qty)

    async def available(self) -> int:
        cached = self._cached()
        if cached is not None:
            return cached
        with self.thread_hooks.hold_thread(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()
            self._fill_cache(seen)
        return seen


@dataclass(frozen=True)
class Strategy:
    """A named way to build a StockManager, as users write it on the command line."""

    name: str
    summary: str
    claims_safety: bool
    build: Callable[[int, Hooks, Clock], StockManager]
    # Another pod of the same service: by default a fresh manager with its own copy
    # of the stock (memory is per process); a database strategy joins the store.
    join: Callable[[StockManager, Hooks, Clock], StockManager] | None = None

    @property
    def shared_store(self) -> bool:
        return self.join is not None

    def another_pod(self, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        if self.join is None:
            return self.build(first.initial_stock, hooks, clock)
        return self.join(first, hooks, clock)


def _unlocked(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
    return UnlockedStockManager(stock, hooks, clock)


def _locked(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
    return GuardedStockManager(stock, hooks, clock, asyncio.Lock())


def _thread_locked(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
    if not isinstance(hooks, ThreadHooks):
        raise OptionError(
            "strategy 'threading-lock' cannot run here: this runner has no hold_thread"
        )
    return ThreadLockedStockManager(stock, hooks, clock)


def _sqlite(kind: str) -> Callable[[int, Hooks, Clock], StockManager]:
    def build(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
        from vacancy_cli.stock import sqlite as sqlite_store  # it builds on this module

        return sqlite_store.VARIANTS[kind](stock, hooks, clock)

    return build


def _join_sqlite(kind: str) -> Callable[[StockManager, Hooks, Clock], StockManager]:
    def join(first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        from vacancy_cli.stock import sqlite as sqlite_store

        assert isinstance(first, sqlite_store.SqliteStockManager)
        return sqlite_store.VARIANTS[kind](first.initial_stock, hooks, clock, first.folder)

    return join


def _event_sourced(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
    from vacancy_cli.stock.event_sourced import EventSourcedStockManager  # it builds on this module

    return EventSourcedStockManager(stock, hooks, clock)


def _server(module: str, kind: str) -> Callable[[int, Hooks, Clock], StockManager]:
    """A strategy on a real server (an optional extra), imported only when used."""

    def build(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
        variants: dict[str, Any] = importlib.import_module(f"vacancy_cli.stock.{module}").VARIANTS
        return variants[kind](stock, hooks, clock)  # type: ignore[no-any-return]

    return build


def _join_server(module: str, kind: str) -> Callable[[StockManager, Hooks, Clock], StockManager]:
    def join(first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        variants: dict[str, Any] = importlib.import_module(f"vacancy_cli.stock.{module}").VARIANTS
        key = getattr(first, "key", None) or getattr(first, "row", None)
        return variants[kind](first.initial_stock, hooks, clock, key)  # type: ignore[no-any-return]

    return join


def _semaphore(permits: int) -> Callable[[int, Hooks, Clock], StockManager]:
    def build(stock: int, hooks: Hooks, clock: Clock) -> StockManager:
        return GuardedStockManager(stock, hooks, clock, asyncio.Semaphore(permits))

    return build


def strategy_names(texts: list[str] | tuple[str, ...]) -> list[str]:
    """Canonical names, each once, in order; ``all`` stands for every strategy
    (the server ones too, when their server was given)."""
    names: list[str] = []
    for text in texts:
        names += every_strategy() if text.strip() == "all" else [parse_strategy(text).name]
    return list(dict.fromkeys(names))


def every_strategy() -> list[str]:
    servers = [
        name
        for name, (_, _, module) in SERVER_SUMMARIES.items()
        if os.environ.get(f"VACANCY_{module.split('_')[0].upper()}_URL")
    ]
    return [*ALL_STRATEGIES, *servers]


def parse_strategy(text: str) -> Strategy:
    """Turn a strategy name from a file or the command line into a Strategy."""
    name = text.strip()
    if name == "none":
        return Strategy("none", "no synchronization", False, _unlocked)
    if name == "asyncio-lock":
        return Strategy("asyncio-lock", "the ADR's asyncio.Lock", True, _locked)
    if name in SQLITE_SUMMARIES:
        summary, safe = SQLITE_SUMMARIES[name]
        return Strategy(name, summary, safe, _sqlite(name), _join_sqlite(name))
    if name in SERVER_SUMMARIES:
        summary, safe, module = SERVER_SUMMARIES[name]
        return Strategy(name, summary, safe, _server(module, name), _join_server(module, name))
    if name == "event-sourced":
        return Strategy("event-sourced", "a single writer and an event log", True, _event_sourced)
    if name == "threading-lock":
        return Strategy("threading-lock", "a threading.Lock", False, _thread_locked)
    if name == "semaphore" or name.startswith("semaphore:"):
        count = name.partition(":")[2] or str(DEFAULT_PERMITS)
        if not count.isdigit() or int(count) < 1:
            raise OptionError(
                f"strategy {text!r}: the permit count must be a whole number >= 1, "
                f"as in semaphore:2"
            )
        permits = int(count)
        return Strategy(
            f"semaphore:{permits}",
            f"asyncio.Semaphore({permits})",
            permits == 1,
            _semaphore(permits),
        )
    raise OptionError(f"unknown strategy {text!r}: expected {STRATEGY_HELP}")
