"""What the stores on a real server share: the URL, the pool, errors in one line.

A server store keeps its stock under a key or row of its own, so runs never
see each other. A synchronous client sets the stock up and reads it between
steps (``total``), outside any request. How a request reaches the server
depends on who runs it:

- A simulated run (``simulate``, ``explore``, ``play``) gives each request a
  connection of its own, opened for it and closed after it, at most
  ``POOL_SIZE`` at once: each request is its own client, which is the lesson.
- A live load (``reserve``) builds the store with ``pool_size``: a real pool
  of that many connections (at most ``POOL_SIZE``), all connected and
  authenticated by ``open()`` before the load's clock starts, and closed by
  ``aclose()`` on every way out. A request borrows one for its whole length,
  so no latency or lock wait a load measures includes a connect. A request
  waits for a free connection as long as it takes: a healthy load that queues
  longer than the timeout is not a stopped server, and a stopped one fails the
  requests holding the connections, which ends the load.

A server that stops answering (``kill -STOP``, a cable pulled) must not hang a
run: connecting and every command wait at most ``timeout_s`` (the URL's
``timeout`` parameter, ``model/urls.py``; 5 s by default), and then the run
ends with one line, ``ServerError``. Every URL and driver message shown is
redacted first: passwords never reach the terminal.

Extension points, filled by ``redis_store`` and ``postgres_store``:
``_connect`` (the synchronous client), ``_create``/``_drop`` (the stock's key
or row), ``_get_sync``/``_set_sync``, ``_session`` (a request's own
connection), ``_make_pool``/``_fill``/``_borrow``/``_close_pool`` (a live
load's pool: made with no I/O, filled, a connection lent, closed),
``_get``/``_set`` (within a connection), and ``_lost`` (the driver's errors).
``naive_reserve`` is the contrast each server shows: read, await, write back.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError, ServerError, ServerUrlError
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.model.urls import redact, scrub, split_timeout
from vacancy_cli.stock.base import POOL_SIZE, Hooks, StockManager


def driver(module: str, extra: str, client: str, loggers: tuple[str, ...] = ()) -> Any:
    """The server's client library, an optional extra: one clear line when it is missing.

    Its loggers (``module`` and ``loggers``) get a ``NullHandler``: a server lost
    mid-run makes psycopg log a warning for every request in flight, which,
    with no logging configured, Python's last-resort handler prints on stderr
    ahead of the one line the run ends with. A program that configures logging
    still receives every record (they propagate as before).
    """
    try:
        found = importlib.import_module(module)
    except ImportError:
        raise OptionError(
            f"the {extra} strategies need {client}: pip install 'vacancy[{extra}]' "
            f"(or '.[{extra}]')"
        ) from None
    for name in (module, *loggers):
        quiet(name)
    return found


def quiet(name: str) -> None:
    """Keep the logger ``name`` off Python's last-resort handler (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


async def settled(work: Awaitable[Any]) -> None:
    """Await ``work`` to its end even if this task is cancelled meanwhile, then let
    the cancellation go on: a borrowed connection goes back to its pool on a
    Ctrl-C too, before the next request may ask for it."""
    done = asyncio.ensure_future(work)
    try:
        await asyncio.shield(done)
    except asyncio.CancelledError:
        await done
        raise


def one_line(exc: BaseException) -> str:
    """Driver messages can span lines; an error here is one line."""
    return " ".join(str(exc).split())


class ServerStockManager(StockManager):
    """The stock on a server the strategy row names, at the URL the command gave."""

    example_url = ""  # shown when no URL was given

    def __init__(
        self,
        stock: int,
        hooks: Hooks,
        clock: Clock,
        strategy: Strategy,
        key: str | None = None,
        *,
        pool_size: int = 0,
    ) -> None:
        server = strategy.server or "a"
        if not strategy.url:
            raise ServerUrlError(
                server, f"not given: {strategy.name} needs one, e.g. {self.example_url}"
            )
        try:
            self.url, self.timeout_s = split_timeout(strategy.url)
        except ValueError as exc:
            raise ServerUrlError(server, f"{redact(strategy.url)}: {exc}") from None
        self.server = server
        self.shown_url = redact(self.url)
        self._gone = False  # the server stopped answering: close() asks it nothing more
        self.key = key or uuid.uuid4().hex
        self._owns_key = key is None
        # A live load's pool: made here (no I/O yet, so a missing extra fails
        # before anything is created), filled by open(), closed by aclose().
        self.pool_size = min(max(pool_size, 0), POOL_SIZE)
        self._shared: Any = self._make_pool(self.pool_size) if self.pool_size else None
        self._opened = self._drained = False
        self._refused: BaseException | None = None  # why a pooled connect failed, if one did
        self._sync = self._connect(server)
        if self._owns_key:
            try:
                self._create(stock)
            except self._lost() as exc:  # silent now (exit 1), or refusing our key or table
                self._sync.close()
                raise self._unreachable(exc) from None
        self.attach(stock, hooks, clock, strategy)
        # The queue for a connection: a request waits here, never inside the
        # pool, so a pooled connection is always free when one is asked for and
        # a cancelled request can never hold one the pool has lost track of.
        self._pool = asyncio.Semaphore(self.pool_size or POOL_SIZE)

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
        try:
            self._set_sync(value)
        except self._lost() as exc:
            raise self._stopped(exc) from None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """This request's connection: borrowed from the open pool, or else one of its
        own (once one of the ``POOL_SIZE`` slots is free); a lost server becomes one
        clear error."""
        lost: tuple[type[BaseException], ...] = (*self._lost(), OSError)
        try:
            if self._shared is None:
                async with self._pool, self._session() as session:
                    yield session
            else:
                if not self._opened or self._drained:
                    raise RuntimeError(
                        "a pooled server store is used before open() or after aclose()"
                    )
                async with self._pool, self._borrow(self._shared) as session:
                    yield session
        except lost as exc:
            raise self._stopped(exc) from None

    async def open(self) -> None:
        """Connect (and authenticate) every connection of the pool now, within the
        URL's timeout. A live load calls it before its clock starts, so that no
        request waits for a connect; without a pool there is nothing to open.

        A server that says nothing is a stopped server (exit 1); one that refuses
        (too many clients) says why. Either way, or cancelled (Ctrl-C), what was
        opened is closed before the error goes up.
        """
        if self._shared is None or self._opened:
            return
        self._opened = True
        failed: tuple[type[BaseException], ...] = (TimeoutError, OSError, *self._lost())
        try:
            async with asyncio.timeout(self.timeout_s):
                await self._fill(self._shared, self.pool_size)
        except failed as exc:
            await self._drain()
            raise self._unfilled(exc) from None
        except BaseException:
            await self._drain()
            raise

    async def aclose(self) -> None:
        """Close the pool's connections, then what ``close()`` releases (the key or
        row, the synchronous client): how a live load ends, on every path."""
        try:
            await self._drain()
        finally:
            self.close()

    async def _drain(self) -> None:
        """Close the pool once, waiting at most the timeout: a stopped server's side
        of the connections is not worth waiting for."""
        if self._shared is None or self._drained:
            return
        self._drained = True
        failed: tuple[type[BaseException], ...] = (TimeoutError, OSError, *self._lost())
        try:
            async with asyncio.timeout(self.timeout_s):
                await self._close_pool(self._shared)
        except failed:
            pass

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
            if self._owns_key and not self._gone:  # a stopped server would be waited for again
                self._drop()
        except self._lost():
            pass  # the server is gone: nothing of ours is left to clean
        finally:
            try:
                self._sync.close()
            except self._lost():
                pass

    def _stopped(self, exc: BaseException) -> ServerError:
        """The one line a run ends with when the server stops answering mid-run."""
        self._gone = True
        return ServerError(
            f"the {self.server} server at {self.shown_url} stopped answering: {self._why(exc)}"
        )

    def _unreachable(self, exc: BaseException) -> ServerUrlError | ServerError:
        """A server that cannot be reached at all (refused, unknown host, bad password):
        the URL is wrong, exit 2. One that accepted the connection, or whose network
        did, and then said nothing within the timeout stopped answering: exit 1."""
        if self._timed_out(exc):
            return self._stopped(exc)
        return ServerUrlError(
            self.server, f"{self.shown_url}: cannot reach the server: {self._why(exc)}"
        )

    def _unfilled(self, exc: BaseException) -> ServerError:
        """Why the pool could not be filled: the first refusal a connect met (the
        pool's own error says only that time ran out), else a silent server."""
        cause = self._refused if self._refused is not None and self._timed_out(exc) else exc
        if self._timed_out(cause):
            return self._stopped(cause)
        return ServerError(
            f"the {self.server} server at {self.shown_url} would not open the load's "
            f"{self.pool_size} connections: {self._why(cause)}"
        )

    def _malformed(self, exc: BaseException) -> ServerUrlError:
        return ServerUrlError(self.server, f"{self.shown_url!r}: {self._why(exc)}")

    def _why(self, exc: BaseException) -> str:
        """The driver's words, one line, without a password (drivers echo the URL)."""
        if self._timed_out(exc):
            return f"no answer within {self.timeout_s:g} s"
        return scrub(one_line(exc), self.url) or type(exc).__name__

    def _timed_out(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the driver (or asyncio) giving up on a silent server."""
        return isinstance(exc, TimeoutError)

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

    def _make_pool(self, size: int) -> Any:
        raise NotImplementedError

    async def _fill(self, pool: Any, size: int) -> None:
        raise NotImplementedError

    def _borrow(self, pool: Any) -> AbstractAsyncContextManager[Any]:
        raise NotImplementedError

    async def _close_pool(self, pool: Any) -> None:
        raise NotImplementedError

    async def _get(self, session: Any) -> int:
        raise NotImplementedError

    async def _set(self, session: Any, value: int) -> None:
        raise NotImplementedError
