"""The ADR's future option 1: the stock in PostgreSQL (optional: ``.[postgres]``).

- ``postgres-conditional`` is the ADR's statement, as printed there:
  ``UPDATE stock SET qty = qty - $1 WHERE qty >= $1 RETURNING qty``; the row
  lock the update takes makes check and write one step for the server.
- ``postgres-naive`` is its contrast: ``SELECT``, await, ``UPDATE`` with what
  was read; each statement in its own transaction, so the gap stays open.

Through psycopg 3: its synchronous side sets the stock up and reads it between
steps, its asynchronous side serves the requests. Each manager owns a row of
its own in a shared ``vacancy_stock`` table. The URL, the pool and the errors
are the server base's (``server.py``).

psycopg waits for a server with no deadline once connected, so a stopped
server (``kill -STOP``) would hang a run for ever. Both sides use a connection
class of ours whose ``wait`` (the one place psycopg waits for the socket) has
one: the asynchronous side runs psycopg's own wait under ``asyncio.timeout``
and, if it gives up or is cancelled, drops the connection instead of sending
psycopg's polite cancel request (which a stopped server would not answer
either: 10 s more per request in flight, and a warning each); the synchronous
side passes the timeout to psycopg's ``wait`` (psycopg 3.3 and later).

A live load's pool is ``psycopg_pool``'s ``AsyncConnectionPool`` (part of the
``postgres`` extra, imported only for a pool: ``simulate`` does without it),
of that same timed connection class, with as many connections at least as at
most, so ``open(wait=True)`` returns once every one is connected. It logs a
warning for each failed connect and reports only that time ran out; so its
logger is kept quiet, and the class notes the first refusal for the error.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.model.urls import DEFAULT_TIMEOUT_S
from vacancy_cli.stock.server import ServerStockManager, driver, settled

_TABLE = "CREATE TABLE IF NOT EXISTS vacancy_stock (id TEXT PRIMARY KEY, qty BIGINT NOT NULL)"
_SELECT = "SELECT qty FROM vacancy_stock WHERE id = %s"
_UPDATE = "UPDATE vacancy_stock SET qty = %s WHERE id = %s"


_INTERVAL_S = 0.1  # psycopg's own poll interval (it lets Ctrl-C through)
# How long a request may wait for a free pooled connection: as long as the load
# lasts (a stopped server ends the load through the requests holding them).
_QUEUE_S = 7 * 24 * 3600.0
_CONNECTING = 8  # the pool's workers: connections made at once while it fills
_STOP_WORKERS_S = 0.5  # how long closing the pool waits for its workers


def _psycopg() -> Any:
    return driver("psycopg", "postgres", "psycopg 3", ("psycopg.pool",))


def _psycopg_pool() -> Any:
    _psycopg()
    return driver("psycopg_pool", "postgres", "psycopg-pool", ("psycopg.pool",))


@functools.cache
def _connections() -> tuple[Any, Any]:
    """psycopg's connection classes with a deadline on every wait (see the module's doc)."""
    psycopg = _psycopg()
    from psycopg import waiting

    async def wait_async(self: Any, gen: Any, interval: float = _INTERVAL_S, **_: Any) -> Any:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await waiting.wait_async(gen, self.pgconn.socket, interval)
        except (TimeoutError, asyncio.CancelledError):
            self.pgconn.finish()  # no cancel request: the server may not answer it either
            raise

    def wait_sync(self: Any, gen: Any, interval: float = _INTERVAL_S, **_: Any) -> Any:
        return base_wait(self, gen, interval, self.timeout_s)

    base_wait = psycopg.Connection.wait
    has_deadline = "timeout" in inspect.signature(base_wait).parameters
    attrs = {"timeout_s": DEFAULT_TIMEOUT_S}
    sync = type("TimedConnection", (psycopg.Connection,), {**attrs, "wait": wait_sync})
    return (
        sync if has_deadline else psycopg.Connection,
        type("TimedAsyncConnection", (psycopg.AsyncConnection,), {**attrs, "wait": wait_async}),
    )


class PostgresStockManager(ServerStockManager):
    """The stock as the row ``key`` of ``vacancy_stock``."""

    example_url = "postgresql://USER@HOST:PORT/DB"

    def _connect(self, server: str) -> Any:
        psycopg = _psycopg()
        try:
            db = _connections()[0].connect(self.url, **self._options())
        except psycopg.ProgrammingError as exc:
            raise self._malformed(exc) from None
        except psycopg.Error as exc:
            raise self._unreachable(exc) from None
        db.timeout_s = self.timeout_s
        return db

    def _options(self) -> dict[str, Any]:
        # libpq's connect_timeout is whole seconds, at least 2: the asynchronous
        # side bounds its connect by timeout_s itself.
        return {"autocommit": True, "connect_timeout": max(2, math.ceil(self.timeout_s))}

    def _lost(self) -> tuple[type[BaseException], ...]:
        return (_psycopg().Error,)

    def _timed_out(self, exc: BaseException) -> bool:
        errors = _psycopg().errors
        timeouts = tuple(
            found
            for found in (
                getattr(errors, name, None) for name in ("ConnectionTimeout", "_WaitTimeout")
            )
            if isinstance(found, type)
        )
        return isinstance(exc, (TimeoutError, *timeouts))

    def _create(self, stock: int) -> None:
        self._sync.execute(_TABLE)
        self._sync.execute("INSERT INTO vacancy_stock VALUES (%s, %s)", (self.key, stock))

    def _drop(self) -> None:
        self._sync.execute("DELETE FROM vacancy_stock WHERE id = %s", (self.key,))

    def _get_sync(self) -> int:
        return int(self._sync.execute(_SELECT, (self.key,)).fetchone()[0])

    def _set_sync(self, value: int) -> None:
        self._sync.execute(_UPDATE, (value, self.key))

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[Any]:
        async with asyncio.timeout(self.timeout_s):
            db = await _connections()[1].connect(self.url, **self._options())
        db.timeout_s = self.timeout_s
        async with db:
            yield db

    def _make_pool(self, size: int) -> Any:
        return _psycopg_pool().AsyncConnectionPool(
            self.url,
            connection_class=self._pooled_class(),
            kwargs=self._options(),
            min_size=size,
            max_size=size,
            open=False,
            name=f"vacancy-{self.key[:8]}",
            timeout=_QUEUE_S,
            num_workers=min(size, _CONNECTING),
        )

    def _pooled_class(self) -> Any:
        """The timed connection class with this store's deadline, noting the first
        connect that failed (the pool itself only logs it)."""
        timed = _connections()[1]
        manager = self

        async def connect(cls: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await timed.connect.__func__(cls, *args, **kwargs)
            except Exception as exc:
                if manager._refused is None:
                    manager._refused = exc
                raise

        pooled: Any = type(
            "PooledConnection",
            (timed,),
            {"timeout_s": self.timeout_s, "connect": classmethod(connect)},
        )
        return pooled

    async def _fill(self, pool: Any, size: int) -> None:
        await pool.open(wait=True, timeout=_QUEUE_S)  # the base bounds it by the timeout

    @asynccontextmanager
    async def _borrow(self, pool: Any) -> AsyncIterator[Any]:
        """One of the pool's connections, given back on every way out (settled: a
        cancellation landing in the return would lose it from the pool). One is
        free when asked for (see server.py): psycopg_pool's own queue, which can
        hand a connection to a client cancelled meanwhile, is never used. Each
        statement commits itself, so there is no transaction to end; a connection
        a timeout or cancellation closed is replaced by the pool."""
        db = await pool.getconn()
        try:
            yield db
        finally:
            await settled(pool.putconn(db))

    async def _close_pool(self, pool: Any) -> None:
        # Connections still in use are closed as they come back; a worker still
        # connecting to a stopped server is not waited for beyond a moment.
        await pool.close(timeout=min(self.timeout_s, _STOP_WORKERS_S))

    async def _get(self, session: Any) -> int:
        cursor = await session.execute(_SELECT, (self.key,))
        return int((await cursor.fetchone())[0])

    async def _set(self, session: Any, value: int) -> None:
        await session.execute(_UPDATE, (value, self.key))


class PostgresConditionalStockManager(PostgresStockManager):
    """The ADR's conditional UPDATE ... RETURNING: one statement, one step."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as db:
            cursor = await db.execute(
                "UPDATE vacancy_stock SET qty = qty - %s WHERE id = %s AND qty >= %s RETURNING qty",
                (qty, self.key, qty),
            )
            row = await cursor.fetchone()
            if row is None:
                seen = await self._get(db)
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, row[0] + qty, row[0])
        return True, int(row[0])


class PostgresNaiveStockManager(PostgresStockManager):
    """SELECT, await, UPDATE: two statements, two transactions, a gap between."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        return await self.naive_reserve(qty)
