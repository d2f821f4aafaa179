"""The stock in memory: the ADR's decision and the alternatives that need no store.

``none`` (alternative 1), ``asyncio-lock`` (the decision), ``semaphore:N``
(alternative 5) and ``threading-lock`` (alternative 2), each the ADR's
StockManager with the await between read and write that a real handler has.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import Guard, Hooks, StockManager, ThreadHooks


class UnlockedStockManager(StockManager):
    """ADR alternative 1, "no synchronization": fastest, and wrong."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self._read()
        await self.hooks.checkpoint()  # I/O: the payment call
        return self._write(seen, qty)


class GuardedStockManager(StockManager):
    """The ADR's decision: read, await and write inside ``async with self.lock``.

    ``lock`` is an ``asyncio.Lock`` (the decision) or, for a strategy with
    permits, an ``asyncio.Semaphore`` (alternative 5): with more than one
    permit, two requests are inside at once and the read-then-write race is back.
    """

    def __init__(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        super().__init__(stock, hooks, clock, strategy)
        permits = strategy.permits
        self.lock: Guard = asyncio.Lock() if permits is None else asyncio.Semaphore(permits)

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.hooks.hold(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()  # I/O, inside the lock
            return self._write(seen, qty)

    def _reading(self) -> AbstractAsyncContextManager[None]:
        return self.hooks.hold(self.lock)  # a cache miss reads under the lock


class ThreadLockedStockManager(StockManager):
    """ADR alternative 2: a ``threading.Lock`` around the same read, await and write.

    It works across threads, but here every request runs on one event loop
    thread. While A holds the lock across its await, B's ``acquire()`` blocks
    that thread, so the loop can never resume A to release it: the service is
    frozen. ``hooks.hold_thread`` reports that instead of hanging.
    """

    def __init__(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        if not isinstance(hooks, ThreadHooks):
            raise OptionError(
                f"strategy {strategy.name!r} cannot run here: this runner has no hold_thread"
            )
        super().__init__(stock, hooks, clock, strategy)
        self.thread_hooks = hooks
        self.lock = threading.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        with self.thread_hooks.hold_thread(self.lock):
            seen = self._read()
            await self.hooks.checkpoint()  # I/O, holding a thread lock
            return self._write(seen, qty)

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[None]:
        with self.thread_hooks.hold_thread(self.lock):
            yield
