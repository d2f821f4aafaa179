"""A live load borrows from a real pool filled before it starts; the scheduler's runs
open a connection per request.

Connections are counted on both sides. On the client, every physical connect the
asynchronous driver makes is noted, with whether the load had started. On the
server, the connections carrying this test's own name (Redis's ``client_name``,
PostgreSQL's ``application_name``, both given in the URL) are listed while the
load runs and after it.

The loads here are run the way ``live/load.py`` runs one (``stores.build`` with
a ``pool_size``, ``stores.opened`` before the clock, ``stores.closed`` in the
``finally``), by a small runner of their own, so each test decides when the
server stops or the load is cancelled.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stock.test_stopped_servers import Freezer
from vacancy_cli import stock as stores
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.errors import OptionError, ServerError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.strategies import Servers, parse_strategy
from vacancy_cli.stock.base import POOL_SIZE, StockManager
from vacancy_cli.stock.server import ServerStockManager
from vacancy_cli.stock.sqlite import SqliteStockManager

from helpers import TEST_SERVERS, YieldingHooks

pytestmark = pytest.mark.slow  # talks with real Redis and PostgreSQL servers

needs_redis = pytest.mark.skipif(
    not TEST_SERVERS.redis,
    reason="no Redis server: set VACANCY_TEST_REDIS_URL (.ci/run starts one)",
)
needs_postgres = pytest.mark.skipif(
    not TEST_SERVERS.postgres,
    reason="no PostgreSQL server: set VACANCY_TEST_POSTGRES_URL (.ci/run starts one)",
)
REDIS = pytest.param("redis", marks=needs_redis, id="redis")
POSTGRES = pytest.param("postgres", marks=needs_postgres, id="postgres")
EVERY_STRATEGY = [
    pytest.param("redis-lua", marks=needs_redis),
    pytest.param("redis-naive", marks=needs_redis),
    pytest.param("postgres-conditional", marks=needs_postgres),
    pytest.param("postgres-naive", marks=needs_postgres),
]
SAFE = {"redis": "redis-lua", "postgres": "postgres-conditional"}
NAIVE = {"redis": "redis-naive", "postgres": "postgres-naive"}
BOUND_S = 60.0  # a hang guard, not a timing claim: these loads take well under a second


# -- the two sides' counts --------------------------------------------------------------


@dataclass
class Connects:
    """Physical connects of the asynchronous driver, each noted with whether the
    load's clock had started."""

    started: bool = False
    during_load: int = 0
    before_load: int = 0

    def note(self) -> None:
        if self.started:
            self.during_load += 1
        else:
            self.before_load += 1

    @property
    def total(self) -> int:
        return self.before_load + self.during_load


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> Connects:
    """Count the connects of redis-py's asyncio TCP connection and psycopg's
    asynchonous connection (the synchronous clients are not counted)."""
    counted = Connects()
    if TEST_SERVERS.redis:
        from redis.asyncio.connection import Connection

        tcp = Connection._connect

        async def redis_connect(self: Any) -> None:
            counted.note()
            await tcp(self)

        monkeypatch.setattr(Connection, "_connect", redis_connect)
    if TEST_SERVERS.postgres:
        from psycopg import AsyncConnection

        base = AsyncConnection.connect.__func__  # type: ignore[attr-defined]

        async def postgres_connect(cls: Any, *args: Any, **kwargs: Any) -> Any:
            counted.note()
            return await base(cls, *args, **kwargs)

        monkeypatch.setattr(AsyncConnection, "connect", classmethod(postgres_connect))
    return counted


def _server(strategy: str) -> str:
    server = parse_strategy(strategy).server
    assert server is not None
    return server


def _named(server: str, name: str, url: str | None = None, timeout: float | None = None) -> str:
    """The test server's URL (or ``url``), its connections named ``name``."""
    url = url or TEST_SERVERS.url(server) or ""
    key = "client_name" if server == "redis" else "application_name"
    url += f"{'&' if '?' in url else '?'}{key}={name}"
    return url if timeout is None else f"{url}&timeout={timeout:g}"


def _row(strategy: str, url: str) -> Any:
    server = _server(strategy)
    return parse_strategy(strategy, Servers(**{server: url}))


def _open_on_server(server: str, name: str) -> int:
    """The connections to the test server named ``name``, as the server lists them."""
    if server == "redis":
        import redis

        with redis.Redis.from_url(TEST_SERVERS.redis or "") as client:
            listed = client.client_list()
        return sum(1 for one in listed if one.get("name") == name)
    import psycopg

    with psycopg.connect(TEST_SERVERS.postgres or "", autocommit=True) as db:
        row = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _gone_from_server(server: str, name: str) -> int:
    """Wait (within BOUND_S) until no connection named ``name`` is left; how many are.

    A closed PostgreSQL connection leaves pg_stat_activity a moment after the
    client has gone: the server's backend exits on its own time.
    """
    deadline = time.monotonic() + BOUND_S
    while (left := _open_on_server(server, name)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def _stored(server: str, key: str) -> bool:
    """Whether the stock's key or row ``key`` is still on the test server."""
    if server == "redis":
        import redis

        with redis.Redis.from_url(TEST_SERVERS.redis or "") as client:
            return bool(client.exists(f"vacancy:stock:{key}"))
    import psycopg

    with psycopg.connect(TEST_SERVERS.postgres or "", autocommit=True) as db:
        return (
            db.execute("SELECT 1 FROM vacancy_stock WHERE id = %s", (key,)).fetchone() is not None
        )


def _forget(server: str, key: str) -> None:
    """Remove the key or row a run on a stopped server could not."""
    if server == "redis":
        import redis

        with redis.Redis.from_url(TEST_SERVERS.redis or "") as client:
            client.delete(f"vacancy:stock:{key}")
        return
    import psycopg

    with psycopg.connect(TEST_SERVERS.postgres or "", autocommit=True) as db:
        db.execute("DELETE FROM vacancy_stock WHERE id = %s", (key,))


# -- a load, run as live/load.py runs one ------------------------------------------------


class Hooks(YieldingHooks):
    """Live hooks, short: a checkpoint sleeps ``latency_s``."""

    def __init__(self, latency_s: float = 0.001) -> None:
        self.latency_s = latency_s

    async def checkpoint(self) -> None:
        await asyncio.sleep(self.latency_s)


@dataclass
class Load:
    """What a load did: the requests started, the tickets granted, the stock left."""

    started: int = 0
    granted: int = 0
    final_stock: int = -1
    elapsed_s: float = 0.0


async def _load(
    manager: StockManager,
    requests: int,
    workers: int,
    connects: Connects | None = None,
    at: dict[int, Callable[[], None]] | None = None,
    done: Load | None = None,
) -> Load:
    """Open the pool, start the clock, run ``requests`` reservations of 1 ticket on
    ``workers`` workers, and close the store on every way out: ``run_load_async``'s
    shape. ``at``: a callback to run as the request of that number starts (a server
    stopping, a Ctrl-C, a look at the server)."""
    done = done or Load()
    at = at or {}
    try:
        await stores.opened(manager)
        if connects is not None:
            connects.started = True  # the load's clock starts here
        started = time.perf_counter()
        left = iter(range(1, requests + 1))
        load = asyncio.current_task()
        assert load is not None

        async def worker() -> None:
            for number in left:
                if load.cancelling():  # as load.py's workers ask: a Ctrl-C stops them
                    return
                done.started = number
                if (then := at.get(number)) is not None:
                    then()
                granted, _ = await manager.reserve(1)
                done.granted += granted

        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())
        done.elapsed_s = time.perf_counter() - started
        done.final_stock = manager.total
        return done
    finally:
        await stores.closed(manager)


def _first(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    first = failures.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


# -- the pool of a live load -------------------------------------------------------------


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
async def test_a_load_opens_its_pool_before_it_starts_and_never_connects_again(
    strategy: str, connects: Connects
) -> None:
    """300 requests at once ask for 300 connections; the store opens POOL_SIZE, all of
    them before the first request, and the server sees exactly those all along."""
    server, name = _server(strategy), f"vacancy-pools-{uuid.uuid4().hex[:8]}"
    seen: list[int] = []
    look = {150: lambda: seen.append(_open_on_server(server, name))}  # mid-load
    manager = stores.build(
        _row(strategy, _named(server, name)), 300, Hooks(), VirtualClock(), pool_size=300
    )
    assert isinstance(manager, ServerStockManager) and manager.pool_size == POOL_SIZE
    result = await _load(manager, requests=300, workers=300, connects=connects, at=look)
    assert (connects.before_load, connects.during_load) == (POOL_SIZE, 0)
    assert seen == [POOL_SIZE + 1]  # the pool, and the synchronous client
    assert result.granted == 300
    if parse_strategy(strategy).claims_safety:
        assert result.final_stock == 0
    assert _gone_from_server(server, name) == 0
    assert not _stored(server, manager.key)


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pool=st.integers(1, 2 * POOL_SIZE), workers=st.integers(1, 80), requests=st.integers(1, 120))
def test_a_pool_holds_what_it_was_asked_for_up_to_the_limit_and_loses_no_ticket(
    server: str, pool: int, workers: int, requests: int, connects: Connects
) -> None:
    connects.before_load = connects.during_load = 0
    connects.started = False
    row = parse_strategy(SAFE[server], TEST_SERVERS)
    manager = stores.build(row, 50, Hooks(latency_s=0.0), VirtualClock(), pool_size=pool)
    result = asyncio.run(_load(manager, requests, workers, connects))
    assert (connects.before_load, connects.during_load) == (min(pool, POOL_SIZE), 0)
    assert result.granted == min(50, requests)
    assert result.final_stock == 50 - result.granted


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
async def test_a_healthy_load_may_wait_for_a_connection_longer_than_the_timeout(
    server: str,
) -> None:
    """2 connections, 20 requests holding one for 0.1 s each: the last waits about
    a second for its turn, beyond the URL's 0.3 s, and that is no stopped server."""
    url = _named(server, "vacancy-pools-queue", timeout=0.3)
    manager = stores.build(
        _row(NAIVE[server], url), 100, Hooks(latency_s=0.1), VirtualClock(), pool_size=2
    )
    result = await _load(manager, requests=20, workers=20)
    assert result.granted == 20
    assert result.elapsed_s > 0.3  # ten rounds of 0.1 s: the queue outlasted the timeout


# -- every way out -----------------------------------------------------------------------


@pytest.fixture
def bounded() -> Iterator[None]:
    """A load that hangs fails at BOUND_S instead of hanging the suite."""
    import signal

    def hung(*_: object) -> None:
        pytest.fail(f"still waiting after {BOUND_S:g} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(int(BOUND_S))
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _through(server: str, proxy: Freezer) -> str:
    """The test server's URL, through ``proxy``, with a 0.5 s timeout."""
    found = urlsplit(TEST_SERVERS.url(server) or "")
    user = found.netloc.rpartition("@")[0]
    place = f"127.0.0.1:{proxy.port}"
    return found._replace(netloc=f"{user}@{place}" if user else place, query="timeout=0.5").geturl()


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
@pytest.mark.usefixtures("bounded")
async def test_a_server_that_stops_mid_load_ends_it_with_one_error(server: str) -> None:
    """The requests holding connections time out; the ones queued for a connection are
    stopped with them; closing the pool does not wait for the stopped server."""
    upstream = urlsplit(TEST_SERVERS.url(server) or "")
    proxy = Freezer((upstream.hostname or "127.0.0.1", upstream.port or 0))
    manager = stores.build(
        _row(NAIVE[server], _through(server, proxy)), 1000, Hooks(), VirtualClock(), pool_size=10
    )
    done = Load()
    try:
        with pytest.raises(BaseExceptionGroup) as failed:
            await _load(manager, requests=1000, workers=100, at={300: proxy.freeze}, done=done)
        lost = _first(failed.value)
        assert isinstance(lost, ServerError)
        assert "stopped answering: no answer within 0.5 s" in str(lost)
        assert "\n" not in str(lost)
        assert done.started < 1000  # it ended there, not after every request
    finally:
        proxy.close()
        _forget(server, manager.key)


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
@pytest.mark.usefixtures("bounded")
async def test_a_server_that_stops_while_the_pool_fills_is_a_stopped_server(server: str) -> None:
    upstream = urlsplit(TEST_SERVERS.url(server) or "")
    proxy = Freezer((upstream.hostname or "127.0.0.1", upstream.port or 0))
    manager = stores.build(
        _row(SAFE[server], _through(server, proxy)), 10, Hooks(), VirtualClock(), pool_size=5
    )
    proxy.freeze()  # after the store was set up, before its pool is filled
    try:
        with pytest.raises(ServerError, match="stopped answering: no answer within 0.5 s"):
            await _load(manager, requests=10, workers=5)
    finally:
        proxy.close()
        _forget(server, manager.key)


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
@pytest.mark.usefixtures("bounded")
async def test_a_cancelled_load_closes_its_pool_and_drops_its_stock(strategy: str) -> None:
    """Ctrl-C cancels the load's task (``live/interrupt.py``): the ``finally`` closes
    every pooled connection and removes the key or row, as without a pool."""
    server, name = _server(strategy), f"vacancy-pools-{uuid.uuid4().hex[:8]}"
    manager = stores.build(
        _row(strategy, _named(server, name)), 10_000, Hooks(), VirtualClock(), pool_size=20
    )
    at: dict[int, Callable[[], None]] = {}
    done = Load()
    load = asyncio.create_task(_load(manager, requests=10_000, workers=100, at=at, done=done))
    at[200] = load.cancel
    with pytest.raises(asyncio.CancelledError):
        await load
    assert done.started < 10_000
    assert _gone_from_server(server, name) == 0
    assert not _stored(server, manager.key)


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
async def test_a_server_refusing_the_pool_says_why(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that answers but will not take more clients: its own words, exit 1
    (a ServerError), and the store's key or row still dropped."""
    refusal = "sorry, too many clients already"
    if server == "redis":
        from redis.asyncio.connection import Connection
        from redis.exceptions import ConnectionError as RedisConnectionError

        async def refuse(self: Any) -> None:
            raise RedisConnectionError(refusal)

        monkeypatch.setattr(Connection, "_connect", refuse)
    else:
        import psycopg

        async def refuse_pg(cls: Any, *args: Any, **kwargs: Any) -> Any:
            raise psycopg.OperationalError(f"connection failed: FATAL:  {refusal}")

        monkeypatch.setattr(psycopg.AsyncConnection, "connect", classmethod(refuse_pg))
    url = _named(server, "vacancy-pools-refused", timeout=0.5)
    manager = stores.build(_row(SAFE[server], url), 10, Hooks(), VirtualClock(), pool_size=5)
    with pytest.raises(ServerError) as refused:
        await _load(manager, requests=10, workers=5)
    assert "would not open the load's 5 connections" in str(refused.value)
    assert refusal in str(refused.value) and "\n" not in str(refused.value)
    assert not _stored(server, manager.key)


@needs_postgres
def test_psycopg_pool_keeps_its_warnings_off_stderr() -> None:
    """psycopg_pool logs a warning for each connect that fails; with no logging set
    up, Python would print them ahead of the run's one line."""
    script = f"""
import asyncio, psycopg
from vacancy_cli import stock
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.errors import ServerError
from vacancy_cli.model.strategies import Servers, parse_strategy

async def refuse(cls, *args, **kwargs):
    raise psycopg.OperationalError("connection failed: FATAL: sorry, too many clients already")

psycopg.AsyncConnection.connect = classmethod(refuse)
url = {TEST_SERVERS.postgres!r} + "?timeout=0.5"
row = parse_strategy("postgres-conditional", Servers(postgres=url))

async def main():
    manager = stock.build(row, 10, None, VirtualClock(), pool_size=3)
    try:
        await stock.opened(manager)
    except ServerError:
        print("refused")
    finally:
        await stock.closed(manager)

asyncio.run(main())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=BOUND_S
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "refused\n", "")


def test_a_missing_psycopg_pool_is_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Checked before anything connects: no server is needed to be told."""
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    monkeypatch.setitem(sys.modules, "psycopg_pool", None)  # import psycopg_pool fails
    row = parse_strategy("postgres-conditional", Servers(postgres="postgresql://u@127.0.0.1:1/x"))
    with pytest.raises(OptionError) as missing:
        stores.build(row, 10, Hooks(), VirtualClock(), pool_size=5)
    assert str(missing.value) == (
        "the postgres strategies need psycopg-pool: pip install 'vacancy[postgres]' "
        "(or '.[postgres]')"
    )


# -- the scheduler's runs: a connection per request ---------------------------------------


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
def test_a_simulated_request_is_a_client_of_its_own(strategy: str, connects: Connects) -> None:
    """simulate, explore and play build through the scheduler: no pool, and each
    request opens a connection for itself (two requests here, each reading then
    writing: two connects)."""
    row = parse_strategy(strategy, TEST_SERVERS)
    with Scheduler(10, (RequestSpec("A"), RequestSpec("B")), row) as scheduler:
        assert isinstance(scheduler.manager, ServerStockManager)
        assert scheduler.manager.pool_size == 0
        for step in ("A", "B", "A", "B"):
            scheduler.step(step)
        scheduler.finish()
    assert connects.total == 2


@needs_redis
async def test_a_pooled_store_used_before_it_is_opened_is_a_bug_not_a_connect() -> None:
    """A runner that forgot ``opened`` would time its connects again: it fails instead."""
    row = parse_strategy("redis-lua", TEST_SERVERS)
    manager = stores.build(row, 10, Hooks(), VirtualClock(), pool_size=5)
    try:
        with pytest.raises(RuntimeError, match="before open"):
            await manager.reserve(1)
    finally:
        await stores.closed(manager)
    assert not _stored("redis", manager.key)


async def test_a_store_without_a_server_has_no_pool_to_open() -> None:
    """The load asks every store alike: SQLite keeps its connection per request and
    its files, removed by ``closed`` as by ``close``."""
    row = parse_strategy("sqlite-conditional")
    manager = stores.build(row, 10, Hooks(), VirtualClock(), pool_size=20)
    assert isinstance(manager, SqliteStockManager)
    folder = manager.folder
    await stores.opened(manager)
    assert await manager.reserve(3) == (True, 7)
    await stores.closed(manager)
    assert not folder.exists()
