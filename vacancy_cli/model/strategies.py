"""The one strategy table: every way vacancy can guard the stock, a row each.

Everything that needs to know about strategies reads this table: the help
text, ``--strategy all``, scenario validation, the views' titles and words,
the explanations, the live runner and the tests. Nothing else tests a
strategy by its name.

The table is data, so that reading it costs no asyncio import (``--help``
and every view read it). Each row names the class in ``vacancy_cli/stock/``
that builds it (``store`` and ``variant``); ``stock.build`` and
``stock.join`` turn a row into a StockManager, importing that module only
then (the server stores need optional extras).

Alternatives considered: a ``Strategy`` holding a build function (the old
design) made this module import every store, and every store import it back
for the base class: a cycle broken by function-level imports. A registry the
stores fill in at import time would need every store imported before
``--help`` could list them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.text import shortened

# The largest stock or quantity every store holds exactly: Redis runs the ADR's
# Lua script on doubles, PostgreSQL and SQLite on 64-bit integers.
MAX_COUNT = 2**53 - 1
DEFAULT_PERMITS = 2
ALL = "all"  # every strategy once, for comparisons

# What a request waits for when it cannot go on: the word each view uses.
LOCK, PERMIT, QUEUE = "lock", "permit", "queue"
OWN = "own"  # the store of a user's own manager (``--manager FILE.py:Class``)
_OWN_LABEL = re.compile(r"[^\s:]+\.py(?::\S+)?|<\w+>:\S+")  # file.py:Name, <stdin>:Name


class Servers(NamedTuple):
    """Where the server strategies find their servers: given by the command, never read
    from the environment below it."""

    redis: str | None = None
    postgres: str | None = None

    def url(self, server: str) -> str | None:
        return {"redis": self.redis, "postgres": self.postgres}.get(server)


NO_SERVERS = Servers()


class Strategy(NamedTuple):
    """One row: a strategy as users name it, and what every layer needs to know of it.

    A NamedTuple, not a frozen dataclass: just as immutable, and four times
    cheaper to define, which every start-up pays (``--help`` reads the table).
    """

    name: str
    summary: str  # the title views print after the name
    claims_safety: bool  # it promises never to lose an update or oversell
    guard: str | None  # what a request waits for: LOCK, PERMIT, QUEUE, or None
    shared_store: bool  # pods of the service share its store (a database)
    store: str  # the module of vacancy_cli/stock/ that builds it
    variant: str  # the StockManager class there
    server: str | None = None  # the server it needs ("redis", "postgres"), if any
    permits: int | None = None  # a semaphore's permits
    url: str | None = None  # the server's URL, once the command has given it

    @property
    def safe_across_pods(self) -> bool:
        """A per-pod guard does not span pods: only a store that is shared and guarded
        by itself (an atomic statement or script) keeps its claim with several pods."""
        return self.claims_safety and self.shared_store and self.guard is None

    @property
    def guard_noun(self) -> str:
        """What a request takes before it reads, as a timeline says it."""
        return "a permit" if self.guard == PERMIT else "the lock"

    @property
    def guard_taken(self) -> str:
        """What a request that has to wait found."""
        return "every permit taken" if self.guard == PERMIT else "the lock taken"

    def __repr__(self) -> str:
        """The row, its server URL redacted: a repr in a log or an error must not
        carry a password."""
        from vacancy_cli.model.urls import redact

        shown = self._replace(url=redact(self.url)) if self.url else self
        fields = ", ".join(f"{name}={value!r}" for name, value in shown._asdict().items())
        return f"Strategy({fields})"


_ROWS = (
    Strategy("none", "no synchronization", False, None, False, "memory", "UnlockedStockManager"),
    Strategy(
        "asyncio-lock", "the ADR's asyncio.Lock", True, LOCK, False, "memory", "GuardedStockManager"
    ),
    Strategy(
        "threading-lock",
        "a threading.Lock",
        False,
        LOCK,
        False,
        "memory",
        "ThreadLockedStockManager",
    ),
    Strategy(
        "sqlite-naive",
        "SQLite: SELECT, await, UPDATE",
        False,
        None,
        True,
        "sqlite",
        "NaiveSqliteStockManager",
    ),
    Strategy(
        "sqlite-locked",
        "SQLite, with an asyncio.Lock per pod around it",
        True,
        LOCK,
        True,
        "sqlite",
        "LockedSqliteStockManager",
    ),
    Strategy(
        "sqlite-conditional",
        "SQLite: UPDATE ... WHERE qty >= ?",
        True,
        None,
        True,
        "sqlite",
        "ConditionalSqliteStockManager",
    ),
    Strategy(
        "event-sourced",
        "a single writer and an event log",
        True,
        QUEUE,
        False,
        "event_sourced",
        "EventSourcedStockManager",
    ),
    Strategy(
        "redis-lua",
        "Redis: the ADR's Lua script",
        True,
        None,
        True,
        "redis_store",
        "RedisLuaStockManager",
        server="redis",
    ),
    Strategy(
        "redis-naive",
        "Redis: GET, await, SET",
        False,
        None,
        True,
        "redis_store",
        "RedisNaiveStockManager",
        server="redis",
    ),
    Strategy(
        "postgres-conditional",
        "PostgreSQL: UPDATE ... WHERE qty >= $1",
        True,
        None,
        True,
        "postgres_store",
        "PostgresConditionalStockManager",
        server="postgres",
    ),
    Strategy(
        "postgres-naive",
        "PostgreSQL: SELECT, await, UPDATE",
        False,
        None,
        True,
        "postgres_store",
        "PostgresNaiveStockManager",
        server="postgres",
    ),
)
STRATEGIES: dict[str, Strategy] = {row.name: row for row in _ROWS}


def semaphore(permits: int) -> Strategy:
    """ADR alternative 5, with ``permits`` permits: safe only with one."""
    return Strategy(
        f"semaphore:{permits}",
        f"asyncio.Semaphore({permits})",
        permits == 1,
        PERMIT,
        False,
        "memory",
        "GuardedStockManager",
        permits=permits,
    )


# Every strategy once, for comparisons (`--strategy all`), in this order; the
# server ones join when their server is given.
ALL_STRATEGIES = (
    "none",
    "asyncio-lock",
    f"semaphore:{DEFAULT_PERMITS}",
    "semaphore:1",
    "threading-lock",
    "sqlite-naive",
    "sqlite-locked",
    "sqlite-conditional",
    "event-sourced",
)
_SERVER_NAMES = tuple(row.name for row in _ROWS if row.server)
_SEMAPHORE_HELP = f"semaphore or semaphore:N (N permits, default {DEFAULT_PERMITS})"
_LOCAL_HELP = ", ".join(
    dict.fromkeys(n if n in STRATEGIES else _SEMAPHORE_HELP for n in ALL_STRATEGIES)
)
# Where one strategy runs (play, a scenario's challenge, a file's list): no ``all``.
ONE_STRATEGY_HELP = f"{_LOCAL_HELP}; with a server: {', '.join(_SERVER_NAMES)}"
# Where several may run side by side (simulate, explore, reserve): ``all`` too.
STRATEGY_HELP = f"{_LOCAL_HELP}, all; with a server: {', '.join(_SERVER_NAMES)}"


_PERMITS = re.compile(f"[0-9]{{1,{len(str(MAX_COUNT))}}}")
_OWN_REF = re.compile(r"(?P<path>.+?\.py)(?::(?P<name>[A-Za-z_][\w.<>]*))?")


def split_ref(ref: str) -> tuple[str, str] | None:
    """``FILE.py[:Name]`` into the file and the name ("" when left out); None when it is
    not one. Split at the ``.py``, so a Windows drive letter's colon is left alone."""
    match = _OWN_REF.fullmatch(ref.strip())
    return (match["path"], match["name"] or "") if match else None


def own_strategy(label: str, ref: str) -> Strategy:
    """A user's own manager as a row: named ``file.py:Class`` wherever a strategy is
    named; ``ref`` (the file's full path and the name in it) is how to load it.

    It claims safety: the user means it to be correct, and the checker says
    whether it is.
    """
    file = label.partition(":")[0]
    return Strategy(label, f"your code, {file}", True, None, False, OWN, ref)


def parse_strategy(text: str, servers: Servers = NO_SERVERS) -> Strategy:
    """The row for one strategy name from a file or the command line, with its server's URL.

    ``all`` is refused here, with the names that are allowed: it stands for
    several strategies, and this is a place that runs one (``strategy_names``
    is the one that expands it).
    """
    if text.strip() == ALL:
        raise OptionError(
            f"strategy {ALL!r} is not allowed here: it runs every strategy, and this needs "
            f"exactly one: {ONE_STRATEGY_HELP}"
        )
    return _parse(text, servers, ONE_STRATEGY_HELP)


def _parse(text: str, servers: Servers, expected: str) -> Strategy:
    """The row for ``text``; ``expected`` lists the choices when it names none."""
    name = text.strip()
    if _OWN_LABEL.fullmatch(name):  # a user's manager, as a run names it
        return own_strategy(name, name)
    if name in STRATEGIES:
        row = STRATEGIES[name]
        return row._replace(url=servers.url(row.server)) if row.server else row
    match = re.fullmatch(r"semaphore(?::(.*))?", name)
    if match is None:
        raise OptionError(f"unknown strategy {shortened(repr(text))}: expected {expected}")
    count = match[1] if match[1] is not None else str(DEFAULT_PERMITS)
    # ASCII digits, at most as many as MAX_COUNT has: str.isdigit() accepts "²", which
    # int() refuses, and int() refuses more than 4,300 digits.
    if not _PERMITS.fullmatch(count) or not 1 <= int(count) <= MAX_COUNT:
        raise OptionError(
            f"strategy {shortened(repr(text))}: the permit count must be a whole number from 1 to "
            f"{MAX_COUNT:,}, as in semaphore:2"
        )
    return semaphore(int(count))


def strategy_name(text: str) -> str:
    """A name typed where ``all`` is allowed too (``reserve --strategy``): ``all``, or the
    one strategy's canonical name. An unknown name is told the choices, ``all`` with them."""
    if text.strip() == ALL:
        return ALL
    return _parse(text, NO_SERVERS, STRATEGY_HELP).name


def strategy_names(texts: list[str] | tuple[str, ...], servers: Servers = NO_SERVERS) -> list[str]:
    """Canonical names, each once, in order; ``all`` stands for every strategy
    (the server ones too, when their server was given)."""
    names: list[str] = []
    for text in texts:
        name = strategy_name(text)
        names += every_strategy(servers) if name == ALL else [name]
    return list(dict.fromkeys(names))


def strategies_named(
    texts: list[str] | tuple[str, ...], servers: Servers = NO_SERVERS
) -> list[Strategy]:
    """The rows for ``strategy_names``, each with its server's URL."""
    return [parse_strategy(name, servers) for name in strategy_names(texts, servers)]


def every_strategy(servers: Servers = NO_SERVERS) -> list[str]:
    given = [name for name in _SERVER_NAMES if servers.url(STRATEGIES[name].server or "")]
    return [*ALL_STRATEGIES, *given]


def _check_table() -> None:
    """At import, as hypothesis checks its registry: ``all`` and the help name only
    strategies the table can parse, and no server strategy is in ``all``."""
    for name in ALL_STRATEGIES:
        if parse_strategy(name).server is not None:
            raise RuntimeError(f"strategy table: {name} needs a server, so it cannot be in 'all'")


_check_table()
