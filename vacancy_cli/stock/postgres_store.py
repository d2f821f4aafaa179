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
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.model.errors import ServerUrlError
from vacancy_cli.stock.server import ServerStockManager, driver, one_line

_TABLE = "CREATE TABLE IF NOT EXISTS vacancy_stock (id TEXT PRIMARY KEY, qty BIGINT NOT NULL)"
_SELECT = "SELECT qty FROM vacancy_stock WHERE id = %s"
_UPDATE = "UPDATE vacancy_stock SET qty = %s WHERE id = %s"


def _psycopg() -> Any:
    return driver("psycopg", "postgres", "psycopg 3")


class PostgresStockManager(ServerStockManager):
    """The stock as the row ``key`` of ``vacancy_stock``."""

    example_url = "postgresql://USER@HOST:PORT/DB"

    def _connect(self, server: str) -> Any:
        psycopg = _psycopg()
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=3)
        except psycopg.ProgrammingError as exc:
            raise ServerUrlError(server, f"{self.url!r}: {one_line(exc)}") from None
        except psycopg.Error as exc:
            raise ServerUrlError(
                server, f"{self.url}: cannot reach the server: {one_line(exc)}"
            ) from None

    def _lost(self) -> tuple[type[BaseException], ...]:
        return (_psycopg().Error,)

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
        psycopg = _psycopg()
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as db:
            yield db

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
