"""ADR alternative 4 and future option 2: the stock in Redis (optional: ``.[redis]``).

- ``redis-lua`` runs the ADR's Lua script: Redis runs a script atomically, so
  the check and the decrement cannot be split by another client.
- ``redis-naive`` is its contrast: ``GET``, await, ``SET`` what was read minus
  the quantity. Every command is atomic, the reservation is not.

The URL, the pool and the errors are the server base's (``server.py``). Both
clients wait at most the URL's timeout to connect and for each answer, and
never retry: redis-py retries a timed-out command three times by default,
which would quadruple the wait for a server that stopped answering.

A live load's pool is redis-py's ``BlockingConnectionPool``: filled by taking
every connection at once (each connects, authenticates and selects its
database as it is made) and giving them back; a request then holds one for
its whole length, as a client of its own would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from vacancy_cli.model import trace
from vacancy_cli.stock.server import ServerStockManager, driver, settled

# The ADR's script, as printed there (with the stock's key and the quantity as
# arguments); it returns the stock left, or -1 when there was not enough.
RESERVE_LUA = """
local stock = tonumber(redis.call('GET', KEYS[1]))
if stock >= tonumber(ARGV[1]) then
    redis.call('DECRBY', KEYS[1], ARGV[1])
    return tonumber(redis.call('GET', KEYS[1]))
end
return -1
"""


def _redis() -> Any:
    return driver("redis", "redis", "redis-py", ("push_response",))


class RedisStockManager(ServerStockManager):
    """The stock under a key of its own: ``vacancy:stock:<key>``."""

    example_url = "redis://HOST:PORT/DB"

    def _connect(self, server: str) -> Any:
        redis = _redis()
        try:
            client = redis.Redis.from_url(self.url, **self._limits(redis.retry.Retry))
            client.ping()
        except ValueError as exc:
            raise self._malformed(exc) from None
        except redis.exceptions.RedisError as exc:
            raise self._unreachable(exc) from None
        return client

    def _limits(self, retry: Any) -> dict[str, Any]:
        """Timeouts (a ``socket_timeout`` in the URL still wins) and no retries."""
        return {
            "socket_connect_timeout": self.timeout_s,
            "socket_timeout": self.timeout_s,
            "retry": retry(_redis().backoff.NoBackoff(), 0),
        }

    def _lost(self) -> tuple[type[BaseException], ...]:
        return (_redis().exceptions.RedisError,)

    def _timed_out(self, exc: BaseException) -> bool:
        return isinstance(exc, TimeoutError | _redis().exceptions.TimeoutError)

    @property
    def _name(self) -> str:
        return f"vacancy:stock:{self.key}"

    def _create(self, stock: int) -> None:
        self._sync.set(self._name, stock)

    def _drop(self) -> None:
        self._sync.delete(self._name)

    def _get_sync(self) -> int:
        return int(self._sync.get(self._name))

    def _set_sync(self, value: int) -> None:
        self._sync.set(self._name, value)

    def _session(self) -> AbstractAsyncContextManager[Any]:
        redis = _redis()
        client: AbstractAsyncContextManager[Any] = redis.asyncio.Redis.from_url(
            self.url, single_connection_client=True, **self._limits(redis.asyncio.retry.Retry)
        )
        return client

    def _make_pool(self, size: int) -> Any:
        redis = _redis()
        try:
            return redis.asyncio.BlockingConnectionPool.from_url(
                self.url,
                max_connections=size,
                timeout=None,  # wait for a free connection: see server.py
                **self._limits(redis.asyncio.retry.Retry),
            )
        except ValueError as exc:
            raise self._malformed(exc) from None

    async def _fill(self, pool: Any, size: int) -> None:
        taken = await asyncio.gather(
            *(pool.get_connection() for _ in range(size)), return_exceptions=True
        )
        for connection in taken:
            if not isinstance(connection, BaseException):
                await pool.release(connection)
        for failed in taken:
            if isinstance(failed, BaseException):
                raise failed

    @asynccontextmanager
    async def _borrow(self, pool: Any) -> AsyncIterator[Any]:
        """A client on one of the pool's connections, given back on every way out.

        Not ``async with`` the client: a cancellation landing in its exit (a
        Ctrl-C) would keep the connection, and redis-py then reports an
        "Unclosed Redis client" on stderr. The return is settled instead.
        """
        client = _redis().asyncio.Redis(connection_pool=pool, single_connection_client=True)
        await client.initialize()  # takes a connection: one is free (see server.py)
        try:
            yield client
        finally:
            borrowed, client.connection = client.connection, None
            if borrowed is not None:
                await settled(pool.release(borrowed))

    async def _close_pool(self, pool: Any) -> None:
        await pool.aclose()

    async def _get(self, session: Any) -> int:
        return int(await session.get(self._name))

    async def _set(self, session: Any, value: int) -> None:
        await session.set(self._name, value)


class RedisLuaStockManager(RedisStockManager):
    """The ADR's Lua script: check and decrement in one atomic step on the server."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as client:
            left = int(await client.eval(RESERVE_LUA, 1, self._name, qty))
            if left < 0:
                seen = await self._get(client)
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, left + qty, left)
        return True, left


class RedisNaiveStockManager(RedisStockManager):
    """GET, await, SET: each command atomic, the reservation not."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        return await self.naive_reserve(qty)
