"""What the stores on a real server share: the URL, the pool, errors in one line.

A server store keeps its stock under a key or row of its own, so runs never
see each other; each request talks over a connection of its own, at most
``POOL_SIZE`` at once, as a service's pool would allow. A synchronous client
sets the stock up and reads it between steps (``total``), outside any request.

Extension points, filled by ``redis_store`` and ``postgres_store``:
``_connect`` (the synchronous client), ``_create``/``_drop`` (the stock's key
or row), ``_get_sync``/``_set_sync``, ``_session`` (a request's connection),
``_get``/``_set`` (within it), and ``_lost`` (the driver's errors).
``naive_reserve`` is the contrast each server shows: read, await, write back.
"""

from __future__ import annotations

import asyncio
import importlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError, ServerError, ServerUrlError
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import POOL_SIZE, Hooks, StockManager


def driver(module: str, extra: str, client: str) -> Any:
    """The server's client library, an optional extra: one clear line when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise OptionError(
            f"the {extra} strategies need {client}: pip install 'vacancy[{extra}]' "
            f"(or '.[{extra}]')"
        ) from None


def one_line(exc: BaseException) -> str:
    """Driver messages can span lines; an error here is one line."""
    return " ".join(str(exc).split())


class ServerStockManager(StockManager):
    """The stock on a server the strategy row names, at the URL the command gave."""

    example_url = ""  # shown when no URL was given

    def __init__(
        self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy, key: str | None = None
    ) -> None:
        server = strategy.server or "a"
        if not strategy.url:
            raise ServerUrlError(
                server, f"not given: {strategy.name} needs one, e.g. {self.example_url}"
            )
        self.url = strategy.url
        self.key = key or uuid.uuid4().hex
        self._owns_key = key is None
        self._sync = self._connect(server)
        if self._owns_key:
            self._create(stock)
        self.attach(stock, hooks, clock, strategy)
        self._pool = asyncio.Semaphore(POOL_SIZE)

    @classmethod
    def join(cls, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        """Another pod on the same key or row."""
        assert isinstance(first, ServerStockManager)
        return cls(first.initial_stock, hooks, clock, first.strategy, first.key)

    @property
    def total(self) -> int:
        try:
            return self._get_sync()
        except self._lost() as exc:
            raise self._stopped(exc) from None

    @total.setter
    def total(self, value: int) -> None:
        self._set_sync(value)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A connection of this request's own (once one of the pool's slots is free);
        a lost server becomes one clear error."""
        lost: tuple[type[BaseException], ...] = (*self._lost(), OSError)
        try:
            async with self._pool, self._session() as session:
                yield session
        except lost as exc:
            raise self._stopped(exc) from None

    async def _fetch(self) -> int:
        async with self.connection() as session:
            seen = await self._get(session)
        self.hooks.record(trace.READ, seen)
        return seen

    async def naive_reserve(self, qty: int) -> tuple[bool, int]:
        """Read, await, write back what was read minus ``qty``: each command atomic,
        the reservation not."""
        async with self.connection() as session:
            seen = await self._get(session)
            self.hooks.record(trace.READ, seen)
            await self.hooks.checkpoint()  # I/O between the two commands
            if seen < qty:
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
            await self._set(session, seen - qty)
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, seen, seen - qty)
        return True, seen - qty

    def close(self) -> None:
        try:
            if self._owns_key:
                self._drop()
            self._sync.close()
        except self._lost():
            pass  # the server is gone: nothing of ours is left to clean

    def _stopped(self, exc: BaseException) -> ServerError:
        return ServerError(f"the {self.strategy.server} server stopped answering: {one_line(exc)}")

    # -- extension points --------------------------------------------------------------

    def _connect(self, server: str) -> Any:
        raise NotImplementedError

    def _lost(self) -> tuple[type[BaseException], ...]:
        raise NotImplementedError

    def _create(self, stock: int) -> None:
        raise NotImplementedError

    def _drop(self) -> None:
        raise NotImplementedError

    def _get_sync(self) -> int:
        raise NotImplementedError

    def _set_sync(self, value: int) -> None:
        raise NotImplementedError

    def _session(self) -> AbstractAsyncContextManager[Any]:
        raise NotImplementedError

    async def _get(self, session: Any) -> int:
        raise NotImplementedError

    async def _set(self, session: Any, value: int) -> None:
        raise NotImplementedError
