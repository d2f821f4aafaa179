"""ADR alternative 4 and future option 2: the stock in Redis (optional: ``.[redis]``).

- ``redis-lua`` runs the ADR's Lua script: Redis runs a script atomically, so
  the check and the decrement cannot be split by another client.
- ``redis-naive`` is its contrast: ``GET``, await, ``SET`` what was read minus
  the quantity. Every command is atomic, the reservation is not.

The server comes from ``--redis-url`` (or ``VACANCY_REDIS_URL``). Each manager
keeps its stock under a key of its own, so runs never see each other; each
request talks over a connection of its own, at most ``POOL_SIZE`` at once. The
initial ``SET`` and ``total`` (read between steps) use the synchronous client:
they run outside any request.
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

URL_VARIABLE = "VACANCY_REDIS_URL"

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
    try:
        import redis
    except ImportError:
        raise OptionError(
            "the redis strategies need redis-py: pip install 'vacancy[redis]' (or '.[redis]')"
        ) from None
    return redis


class RedisStockManager(StockManager):
    def __init__(self, stock: int, hooks: Hooks, clock: Clock, key: str | None = None) -> None:
        redis = _redis()
        self.url = os.environ.get(URL_VARIABLE, "")
        if not self.url:
            raise OptionError(
                "the redis strategies need a server: give --redis-url redis://HOST:PORT/DB"
            )
        self.key = key or f"vacancy:stock:{uuid.uuid4().hex}"
        self._owns_key = key is None
        try:
            self._sync = redis.Redis.from_url(self.url, socket_connect_timeout=3, socket_timeout=5)
            self._sync.ping()
        except ValueError as exc:
            raise OptionError(f"--redis-url {self.url!r}: {_one_line(exc)}") from None
        except redis.exceptions.RedisError as exc:
            raise OptionError(
                f"--redis-url {self.url}: cannot reach the server: {_one_line(exc)}"
            ) from None
        if self._owns_key:
            self._sync.set(self.key, stock)
        self.attach(stock, hooks, clock)
        self._pool = asyncio.Semaphore(POOL_SIZE)

    @property
    def total(self) -> int:
        try:
            return int(self._sync.get(self.key))
        except _redis().exceptions.RedisError as exc:
            raise ServerError(
                f"the redis server at {self.url} stopped answering: {_one_line(exc)}"
            ) from None

    @total.setter
    def total(self, value: int) -> None:
        self._sync.set(self.key, value)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A connection of this request's own (once one of the pool's slots is free);
        a lost server becomes one clear error."""
        redis = _redis()
        async with self._pool:
            client = redis.asyncio.Redis.from_url(self.url, single_connection_client=True)
            try:
                yield client
            except (redis.exceptions.RedisError, OSError) as exc:
                raise ServerError(
                    f"the redis server at {self.url} stopped answering: {_one_line(exc)}"
                ) from None
            finally:
                await client.aclose()

    async def available(self) -> int:
        cached = self._cached()
        if cached is not None:
            return cached
        async with self.connection() as client:
            seen = int(await client.get(self.key))
        self.hooks.record(trace.READ, seen)
        await self.hooks.checkpoint()
        self._fill_cache(seen)
        return seen

    def close(self) -> None:
        try:
            if self._owns_key:
                self._sync.delete(self.key)
            self._sync.close()
        except _redis().exceptions.RedisError:
            pass  # the server is gone: nothing of ours is left to clean


class RedisLuaStockManager(RedisStockManager):
    """The ADR's Lua script: check and decrement in one atomic step on the server."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as client:
            left = int(await client.eval(RESERVE_LUA, 1, self.key, qty))
            if left < 0:
                seen = int(await client.get(self.key))
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, left + qty, left)
        return True, left


class RedisNaiveStockManager(RedisStockManager):
    """GET, await, SET: each command atomic, the reservation not."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.connection() as client:
            seen = int(await client.get(self.key))
            self.hooks.record(trace.READ, seen)
            await self.hooks.checkpoint()  # I/O between the two commands
            if seen < qty:
                self.hooks.record(trace.REJECTED, seen)
                return False, seen
            await client.set(self.key, seen - qty)
        self._invalidate_cache()
        self.hooks.record(trace.WRITE, seen, seen - qty)
        return True, seen - qty


VARIANTS: dict[str, type[RedisStockManager]] = {
    "redis-lua": RedisLuaStockManager,
    "redis-naive": RedisNaiveStockManager,
}


def _one_line(exc: BaseException) -> str:
    """Driver messages can span lines; an error here is one line."""
    return " ".join(str(exc).split())
