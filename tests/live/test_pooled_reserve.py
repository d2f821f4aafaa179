"""``vacancy reserve`` on a server: a pool filled before the load's clock starts.

The store's side is ``tests/stock/test_pools.py``; this is the load's: that
``run_load`` asks for a pool, opens it before the clock and closes it on every
way out, a stopped server included, and a Ctrl-C of the real command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from stock.test_pools import (
    EVERY_STRATEGY,
    NAIVE,
    POSTGRES,
    REDIS,
    Connects,
    _gone_from_server,
    _named,
    _open_on_server,
    _server,
    _through,
    connects,  # noqa: F401 (a fixture)
)
from stock.test_stopped_servers import Freezer

from vacancy_cli import stock as stores
from vacancy_cli.live.load import run_load
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.model.errors import ServerError
from vacancy_cli.model.strategies import Servers, parse_strategy
from vacancy_cli.stock.base import POOL_SIZE

from helpers import TEST_SERVERS

pytestmark = pytest.mark.slow  # real servers, real processes

BOUND_S = 60.0  # a hang guard: each run here takes about a second


@pytest.fixture
def clock_starts(monkeypatch: pytest.MonkeyPatch, connects: Connects) -> Connects:  # noqa: F811
    """Note the load's clock starting as ``stores.opened`` returns: any connect
    after that counts as during the load."""
    opened = stores.opened

    async def then_start(manager: Any) -> None:
        await opened(manager)
        connects.started = True

    monkeypatch.setattr(stores, "opened", then_start)
    return connects


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
@pytest.mark.parametrize("concurrency", [5, 300])
def test_reserve_connects_before_its_clock_starts_and_never_again(
    strategy: str, concurrency: int, clock_starts: Connects
) -> None:
    options = LoadOptions(
        stock=300,
        requests=300,
        strategy=strategy,
        concurrency=concurrency,
        latency_s=0.001,
        servers=TEST_SERVERS,
    )
    result = run_load(options)
    assert (clock_starts.before_load, clock_starts.during_load) == (
        min(concurrency, POOL_SIZE),
        0,
    )
    assert result.granted == 300
    if parse_strategy(strategy).claims_safety:
        assert (result.final_stock, result.violations) == (0, ())


@pytest.mark.parametrize("server", [REDIS, POSTGRES])
def test_reserve_on_a_server_that_stops_mid_load_fails_in_one_line(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = urlsplit(TEST_SERVERS.url(server) or "")
    proxy = Freezer((upstream.hostname or "127.0.0.1", upstream.port or 0))
    strategy = NAIVE[server]
    made = stores.manager_class(parse_strategy(strategy, TEST_SERVERS))
    reserve, calls = made.reserve, [0]

    async def freezing(self: Any, qty: int) -> tuple[bool, int]:
        calls[0] += 1
        if calls[0] == 300:
            proxy.freeze()
        return await reserve(self, qty)

    monkeypatch.setattr(made, "reserve", freezing)
    url = _through(server, proxy)
    options = LoadOptions(
        stock=5000,
        requests=5000,
        strategy=strategy,
        concurrency=100,
        latency_s=0.001,
        servers=Servers(**{server: url}),
    )
    signal.alarm(int(BOUND_S))  # a hang fails here (pytest reports the alarm)
    try:
        with pytest.raises(ServerError, match="stopped answering: no answer within 0.5 s") as lost:
            run_load(options)
        assert "\n" not in str(lost.value) and calls[0] < 5000
    finally:
        signal.alarm(0)
        proxy.close()


LAUNCH = (
    "from vacancy_cli.cli import signals; signals.install(); "
    "from vacancy_cli.cli.app import main; main()"
)


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
def test_ctrl_c_during_a_pooled_reserve_closes_every_connection(strategy: str) -> None:
    """The real command: interrupted once its pool is open and the load runs, it
    says ``vacancy: interrupted``, exits 130, and leaves no connection (and, on
    Redis, in a database of the test's own, no key) behind."""
    server, name = _server(strategy), f"vacancy-pools-{uuid.uuid4().hex[:8]}"
    url = _named(server, name)
    if server == "redis":
        url = url.replace("/0?", "/7?")  # away from the other tests' keys
    # A stock of this run's own: its key is the one whose value is within the load's
    # requests below it (CI runs three Pythons' suites at once, each this test too).
    stock = 10**12 + uuid.uuid4().int % 10**12
    requests = 5_000_000
    env = {k: v for k, v in os.environ.items() if not k.startswith("VACANCY_")}
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "reserve", "-s", strategy, f"--{server}-url", url]
        + ["--requests", str(requests), "--stock", str(stock), "--concurrency", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "COLUMNS": "80", "LINES": "40"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + BOUND_S
        while _open_on_server(server, name) < POOL_SIZE + 1 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        time.sleep(0.3)  # the load under way
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=BOUND_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err) == (130, "vacancy: interrupted\n")
    assert _gone_from_server(server, name) == 0
    if server == "redis":
        import redis

        with redis.Redis.from_url(url.split("?")[0]) as client:
            values = [client.get(key) for key in client.scan_iter("vacancy:stock:*")]
            ours = [v for v in values if v is not None and stock - requests <= int(v) <= stock]
            assert ours == []
