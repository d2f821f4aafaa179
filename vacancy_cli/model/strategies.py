"""The strategy names users write, and what each stands for.

Apart from the StockManager classes (``strategies.py``) so that the command
line can print them in ``--help`` without importing asyncio.
"""

from __future__ import annotations

STRATEGY_HELP = (
    "none, asyncio-lock, semaphore or semaphore:N (N permits, default 2), threading-lock, "
    "sqlite-naive, sqlite-locked, sqlite-conditional, event-sourced, all; with a server: "
    "redis-lua, redis-naive, postgres-conditional, postgres-naive"
)
SQLITE_SUMMARIES = {
    "sqlite-naive": ("SQLite: SELECT, await, UPDATE", False),
    "sqlite-locked": ("SQLite, with an asyncio.Lock per pod around it", True),
    "sqlite-conditional": ("SQLite: UPDATE ... WHERE qty >= ?", True),
}
# On real servers, given --redis-url or --postgres-url (not part of `all`).
SERVER_SUMMARIES = {
    "redis-lua": ("Redis: the ADR's Lua script", True, "redis_store"),
    "redis-naive": ("Redis: GET, await, SET", False, "redis_store"),
    "postgres-conditional": ("PostgreSQL: UPDATE ... WHERE qty >= $1", True, "postgres_store"),
    "postgres-naive": ("PostgreSQL: SELECT, await, UPDATE", False, "postgres_store"),
}
# Every strategy once, for comparisons: `--strategy all`.
ALL_STRATEGIES = (
    "none",
    "asyncio-lock",
    "semaphore:2",
    "semaphore:1",
    "threading-lock",
    "sqlite-naive",
    "sqlite-locked",
    "sqlite-conditional",
    "event-sourced",
)
