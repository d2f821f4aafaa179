"""ADR alternative 3, a real database: the stock in SQLite (standard library, WAL).

Three variants, all real SQL on real connections (each request opens its own,
at most ``POOL_SIZE`` at once):

- ``sqlite-naive`` reads the stock with one statement, awaits, and writes it
  back with another. Each statement commits on its own, so the race is the
  same as in memory: two connections read 100, both write 99.
- ``sqlite-locked`` puts the ADR's ``asyncio.Lock`` around those statements:
  safe in one process, not across pods (each pod has its own lock).
- ``sqlite-conditional`` is the ADR's future enhancement, one statement:
  ``UPDATE stock SET qty = qty - ? WHERE qty >= ? RETURNING qty``. The check and
  the write are one atomic step inside the database, so nothing can come
  between them, whatever the schedule.

In a simulation each statement is a step. The database file lives in a
temporary folder that ``close`` removes.

Pods (``vacancy reserve --pods``) are processes writing to one file, so a
request may find the write lock taken. It waits for it in steps of
``BUSY_STEP_S`` (SQLite's own busy wait, which no signal interrupts), giving
the event loop a turn between steps (a cancelled load stops there), for up to
``BUSY_BUDGET_S`` in all. The budget fits the largest load ``reserve`` runs:
at worst every other connection commits first, at most 64 pods x
``POOL_SIZE`` = 3,200 short transactions, about 10 ms each even with an fsync,
so 32 s. SQLite's lock is not fair, and the old 5 s let a pod starve and die
of "database is locked" under 8 pods. Reads never wait for a writer (WAL); they
could wait only while the last connection to close checkpoints and deletes
the log, and each manager keeps one connection open (``_keeper``) so that
never happens mid-run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from pathlib import Path

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError, ServerError
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import POOL_SIZE, Hooks, StockManager

_SCHEMA = """
CREATE TABLE stock (id INTEGER PRIMARY KEY CHECK (id = 1), qty INTEGER NOT NULL);
CREATE TABLE reservations (id INTEGER PRIMARY KEY, process INTEGER NOT NULL, qty INTEGER NOT NULL);
"""

BUSY_STEP_S = 0.1  # one wait inside SQLite for a lock: a Ctrl-C waits at most this long
BUSY_BUDGET_S = 60.0  # all the waits of one transaction for the write lock
_BUSY_STEPS = round(BUSY_BUDGET_S / BUSY_STEP_S)


async def _begin(db: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE: the write lock, waited for in steps, a loop turn between them.

    A step that finds the lock taken fails only once SQLite has waited
    ``BUSY_STEP_S`` for it, so the steps add up to ``BUSY_BUDGET_S``; the last
    one's error is the request's. With one process nothing else writes, so
    the first step succeeds and nothing yields: no strategy changes.
    """
    for _ in range(_BUSY_STEPS - 1):
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        await asyncio.sleep(0)
    db.execute("BEGIN IMMEDIATE")


@contextmanager
def _committed(db: sqlite3.Connection) -> Iterator[None]:
    """After ``_begin``: COMMIT, or ROLLBACK: all of it is committed, or none."""
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _book(db: sqlite3.Connection, qty: int) -> None:
    """The reservation itself, so conservation can be checked from the database alone."""
    db.execute("INSERT INTO reservations (process, qty) VALUES (?, ?)", (os.getpid(), qty))


class SqliteStockManager(StockManager):
    """The stock as one row of a SQLite table; ``total`` reads and writes that row."""

    def __init__(
        self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy, folder: Path | None = None
    ) -> None:
        """A new database in a temporary folder, or, given ``folder``, another pod's.

        Nothing half-made is left behind, whatever the failure (a Ctrl-C too).
        """
        self._keeper: sqlite3.Connection | None = None
        self._owns_folder = False
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="vacancy-")) if folder is None else folder
        except OSError as exc:
            raise OptionError(f"cannot make a folder for the SQLite database: {exc}") from None
        self._owns_folder = folder is None
        self.path = self.folder / "stock.db"
        try:
            self._open(stock, hooks, clock, strategy)
        except sqlite3.Error as exc:
            self.close()
            doing = "create" if self._owns_folder else "open"
            raise OptionError(f"cannot {doing} the SQLite database {self.path}: {exc}") from None
        except BaseException:
            self.close()
            raise

    def _open(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        self._pool = asyncio.Semaphore(POOL_SIZE)
        if self._owns_folder:
            with closing(self.connect()) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                db.execute("INSERT INTO stock VALUES (1, ?)", (stock,))
            super().__init__(stock, hooks, clock, strategy)
        else:  # joining: the stock is already there, and not ours to reset
            self.attach(stock, hooks, clock, strategy)
        self._keeper = self.connect()

    @classmethod
    def join(cls, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
        """Another pod on the same database file."""
        assert isinstance(first, SqliteStockManager)
        return cls(first.initial_stock, hooks, clock, first.strategy, first.folder)

    def connect(self) -> sqlite3.Connection:
        """A new connection in autocommit mode: every statement commits on its own."""
        return sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_STEP_S)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[sqlite3.Connection]:
        """A request's own connection (once one of the pool's slots is free); a
        database that fails mid-run is one clear error."""
        try:
            async with self._pool:
                with closing(self.connect()) as db:
                    yield db
        except sqlite3.OperationalError as exc:  # locked past the timeout, read-only, gone
            raise ServerError(f"the SQLite database {self.path} failed: {exc}") from None

    @property
    def total(self) -> int:
        with closing(self.connect()) as db:
            row = db.execute("SELECT qty FROM stock WHERE id = 1").fetchone()
        return int(row[0])

    @total.setter
    def total(self, value: int) -> None:
        with closing(self.connect()) as db:
            db.execute("UPDATE stock SET qty = ? WHERE id = 1", (value,))

    def ledger(self) -> tuple[int, int, int]:
        """What the database says: stock left, reservations, and tickets they hold."""
        with closing(self.connect()) as db:
            (left,) = db.execute("SELECT qty FROM stock WHERE id = 1").fetchone()
            count, tickets = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(qty), 0) FROM reservations"
            ).fetchone()
        return int(left), int(count), int(tickets)

    def close(self) -> None:
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.close()
        if self._owns_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


class NaiveSqliteStockManager(SqliteStockManager):
    """SELECT, await, UPDATE: two statements, two commits, and a gap between them."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.session() as db:
            (seen,) = db.execute("SELECT qty FROM stock WHERE id = 1").fetchone()
            self.hooks.record(trace.READ, seen)
            await self.hooks.checkpoint()  # I/O between the two statements
            if seen < qty:
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
            await _begin(db)
            with _committed(db):  # the write and its reservation commit together
                db.execute("UPDATE stock SET qty = ? WHERE id = 1", (seen - qty,))
                _book(db, qty)
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, seen, seen - qty)
        return True, seen - qty


class LockedSqliteStockManager(NaiveSqliteStockManager):
    """The ADR's asyncio.Lock around the naive statements: one lock per pod.

    Safe while there is one pod. Each pod is its own process with its own lock,
    so two pods can both be inside "the" lock at once: the ADR's "lock is
    per-pod, not distributed", run.
    """

    def __init__(
        self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy, folder: Path | None = None
    ) -> None:
        super().__init__(stock, hooks, clock, strategy, folder)
        self.lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.hooks.hold(self.lock):
            return await super().reserve(qty)


class ConditionalSqliteStockManager(SqliteStockManager):
    """The ADR's conditional update: check and write in one atomic statement."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.session() as db:
            await _begin(db)
            with _committed(db):
                row = db.execute(
                    "UPDATE stock SET qty = qty - ? WHERE id = 1 AND qty >= ? RETURNING qty",
                    (qty, qty),
                ).fetchone()
                if row is not None:
                    _book(db, qty)
        if row is None:
            left = self.total
            self.hooks.record(trace.REJECTED, left)
            return False, left
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, row[0] + qty, row[0])
        return True, int(row[0])
