"""The ADR's future option 1: the stock in PostgreSQL (optional: ``.[postgres]``).

- ``postgres-conditional`` is the ADR's statement, as printed there:
  ``UPDATE stock SET qty = qty - $1 WHERE qty >= $1 RETURNING qty``; the row
  lock the update takes makes check and write one step for the server.
- ``postgres-naive`` is its contrast: ``SELECT``, await, ``UPDATE`` with what
  was read; each statement in its own transaction, so the gap stays open.

Through psycopg 3, whose synchronous side sets the stock up and reads it
between steps, and whose asynchronous side serves the requests, each on a
connection of its own, at most ``POOL_SIZE`` at once. The server comes from
``--postgres-url`` (or ``VACANCY_POSTGRES_URL``). Each manager owns a row of
its own in a shared ``vacancy_stock`` table, so runs never see each other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError, ServerError
from vacancy_cli.stock.base import POOL_SIZE, Hooks, StockManager

URL_VARIABLE = "VACANCY_POSTGRES_URL"
_TABLE = "CREATE TABLE IF NOT EXISTS vacancy_stock (id TEXT PRIMARY KEY, qty BIGINT NOT NULL)"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise OptionError(
            "the postgres strategies need psycopg 3: pip install 'vacancy[postgres]' "
            "(or '.[postgres]')"
        ) from None
    return psycopg


class PostgresStockManager(StockManager):
    def __init__(self, stock: int, hooks: Hooks, clock: Clock, row: str | None = None) -> None:
        psycopg = _psycopg()
        self.url = os.environ.get(URL_VARIABLE, "")
        if not self.url:
            raise OptionError(
                "the postgres strategies need a server: give --postgres-url postgresql://..."
            )
        self.row = row or uuid.uuid4().hex
        self._owns_row = row is None
        try:
            self._sync = psycopg.connect(self.url, autocommit=True, connect_timeout=3)
        except psycopg.ProgrammingError as exc:
            raise OptionError(f"--postgres-url {self.url!r}: {_one_line(exc)}") from None
        except psycopg.Error as exc:
            raise OptionError(
                f"--postgres-url {self.url}: cannot reach the server: {_one_line(exc)}"
            ) from None
        if self._owns_row:
            self._sync.execute(_TABLE)
            self._sync.execute("INSERT INTO vacancy_stock VALUES (%s, %s)", (self.row, stock))
        self.attach(stock, hooks, clock)
        self._pool = asyncio.Semaphore(POOL_SIZE)

    @property
    def total(self) -> int:
        try:
            cursor = self._sync.execute("SELECT qty FROM vacancy_stock WHERE id = %s", (self.row,))
            return int(cursor.fetchone()[0])
        except _psycopg().Error as exc:
            raise ServerError(f"the postgres server stopped answering: {_one_line(exc)}") from None

    @total.setter
    def total(self, value: int) -> None:
        self._sync.execute("UPDATE vacancy_stock SET qty = %s WHERE id = %s", (value, self.row))

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A connection of this request's own (once one of the pool's slots is free);
        a lost server becomes one clear error."""
        psycopg = _psycopg()
        try:
            async with self._pool:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as db:
                    yield db
        except psycopg.OperationalError as exc:
            raise ServerError(f"the postgres server stopped answering: {_one_line(exc)}") from None

    async def available(self) -> int:
        cached = self._cached()
        if cached is not None:
            return cached
        async with self.connection() as db:
            seen = await self._select(db)
        self.hooks.record(trace.READ, seen)
        await self.hooks.checkpoint()
        self._fill_cache(seen)
        return seen

    async def _select(self, db: Any) -> int:
        cursor = await db.execute("SELECT qty FROM vacancy_stock WHERE id = %s", (self.row,))
        return int((await cursor.fetchone())[0])

    def close(self) -> None:
        try:
            if self._owns_row:
                self._sync.execute("DELETE FROM vacancy_stock WHERE id = %s", (self.row,))
            self._sync.close()
        except _psycopg().Error:
            pass  # the server is gone: nothing of ours is left to clean


class PostgresConditionalStockManager(PostgresStockManager):
    """The ADR's conditional UPDATE ... RETURNING: one statement, one step."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as db:
            cursor = await db.execute(
                "UPDATE vacancy_stock SET qty = qty - %s WHERE id = %s AND qty >= %s RETURNING qty",
                (qty, self.row, qty),
            )
            row = await cursor.fetchone()
            if row is None:
                seen = await self._select(db)
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, row[0] + qty, row[0])
        return True, int(row[0])


class PostgresNaiveStockManager(PostgresStockManager):
    """SELECT, await, UPDATE: two statements, two transactions, a gap between."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as db:
            seen = await self._select(db)
            self.hooks.record(trace.READ, seen)
            await self.hooks.checkpoint()  # I/O between the two statements
            if seen < qty:
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
            await db.execute(
                "UPDATE vacancy_stock SET qty = %s WHERE id = %s", (seen - qty, self.row)
            )
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, seen, seen - qty)
        return True, seen - qty


VARIANTS: dict[str, type[PostgresStockManager]] = {
    "postgres-conditional": PostgresConditionalStockManager,
    "postgres-naive": PostgresNaiveStockManager,
}


def _one_line(exc: BaseException) -> str:
    """Driver messages can span lines; an error here is one line."""
    return " ".join(str(exc).split())
