"""The ADR's server alternatives on real servers: Redis (the Lua script) and PostgreSQL
(the conditional UPDATE), each against its naive read-then-write counterpart.

`.ci/run` starts both on loopback (`.ci/services`) and exports their URLs; where a
server could not be started, these tests are skipped with the reason shown.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.cli.app import app
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.live.load import run_load
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.model.errors import ServerError, ServerUrlError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.model.strategies import Servers, parse_strategy
from vacancy_cli.stock import build

from helpers import TEST_SERVERS

pytestmark = pytest.mark.slow  # talks with real Redis and PostgreSQL servers

REDIS = os.environ.get("VACANCY_TEST_REDIS_URL")
POSTGRES = os.environ.get("VACANCY_TEST_POSTGRES_URL")
needs_redis = pytest.mark.skipif(
    not REDIS, reason="no Redis server: set VACANCY_TEST_REDIS_URL (.ci/run starts one)"
)
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="no PostgreSQL server: set VACANCY_TEST_POSTGRES_URL (.ci/run starts one)"
)


CASES = [
    pytest.param("redis-naive", "redis-lua", marks=needs_redis, id="redis"),
    pytest.param("postgres-naive", "postgres-conditional", marks=needs_postgres, id="postgres"),
]


@pytest.mark.parametrize(("naive", "safe"), CASES)
def test_the_adr_table_on_a_real_server(naive: str, safe: str) -> None:
    racy, correct = run_scenario(
        load_scenario("lost-update"), [naive, safe], servers=TEST_SERVERS
    ).runs
    assert [(s.request, s.action, s.stock) for s in racy.steps] == [
        ("A", "read", 100),
        ("B", "read", 100),
        ("A", "write", 99),
        ("B", "write", 99),
    ]
    assert [(v.kind, v.steps) for v in racy.violations] == [("lost_update", (2, 4))]
    assert correct.final_stock == 98 and correct.violations == ()


@pytest.mark.parametrize(("naive", "safe"), CASES)
def test_every_interleaving_on_a_real_server(naive: str, safe: str) -> None:
    report = explore_scenario(load_scenario("oversell"), [naive, safe], servers=TEST_SERVERS)
    racy, correct = report.explorations
    assert {k for o in racy.violating for k in o.violations} == {"lost_update", "oversell"}
    assert correct.complete and correct.violating == ()


@pytest.mark.parametrize(("naive", "safe"), CASES)
def test_the_load_test_on_a_real_server(naive: str, safe: str) -> None:
    options = LoadOptions(
        stock=200, requests=200, latency_s=0.001, concurrency=20, servers=TEST_SERVERS
    )
    correct = run_load(LoadOptions(**{**options.__dict__, "strategy": safe}))
    racy = run_load(LoadOptions(**{**options.__dict__, "strategy": naive}))
    assert correct.final_stock == 0 and correct.violations == ()
    assert racy.lost_updates > 0  # 20 in flight each read before the first write lands


@pytest.mark.parametrize(("naive", "safe"), CASES)
def test_more_requests_at_once_than_the_server_takes_clients_wait_for_the_pool(
    naive: str, safe: str
) -> None:
    """PostgreSQL refuses clients beyond max_connections (100 by default): the pool queues them."""
    result = run_load(
        LoadOptions(stock=300, requests=300, strategy=safe, servers=TEST_SERVERS)
    )  # all 300 at once
    assert result.options.workers == 300
    assert (result.granted, result.final_stock, result.violations) == (300, 0, ())


@pytest.mark.parametrize(("naive", "safe"), CASES)
def test_a_stock_beyond_32_bits_is_held_exactly(naive: str, safe: str) -> None:
    result = run_load(
        LoadOptions(stock=3_000_000_000, requests=10, strategy=safe, servers=TEST_SERVERS)
    )
    assert (result.final_stock, result.violations) == (2_999_999_990, ())


@needs_postgres
@needs_redis
def test_two_pods_share_the_server() -> None:
    for strategy in ("redis-lua", "postgres-conditional"):
        run = run_scenario(load_scenario("pods"), [strategy], servers=TEST_SERVERS).runs[0]
        assert run.violations == () and [r.granted for r in run.requests] == [True, False]


def test_server_strategies_need_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store says which server is missing; the command names the option that gives it."""
    monkeypatch.delenv("VACANCY_REDIS_URL", raising=False)
    monkeypatch.delenv("VACANCY_POSTGRES_URL", raising=False)
    for strategy, server in (("redis-lua", "redis"), ("postgres-naive", "postgres")):
        with pytest.raises(ServerUrlError, match="not given") as raised:
            build(parse_strategy(strategy), 1, None, None)  # type: ignore[arg-type]
        assert raised.value.server == server
        result = CliRunner().invoke(app, ["simulate", "lost-update", "-s", strategy])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"vacancy: error: --{server}-url not given: {strategy}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "redis-lua", "--redis-url", "nonsense"], "--redis-url 'nonsense'"),
        (["-s", "redis-lua", "--redis-url", "redis://127.0.0.1:1/0"], "cannot reach the server"),
        (
            ["-s", "postgres-naive", "--postgres-url", "postgresql://x@127.0.0.1:1/x"],
            "cannot reach",
        ),
    ],
)
def test_bad_urls_and_unreachable_servers_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["simulate", "lost-update", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def private_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary to start a private server")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", server
    server.kill()
    server.wait()


def test_a_server_that_stops_mid_run_is_one_line_and_exit_1(
    private_redis: tuple[str, subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, server = private_redis
    requests = (RequestSpec("A"), RequestSpec("B"))
    scheduler = Scheduler(10, requests, parse_strategy("redis-naive", Servers(redis=url)))
    scheduler.step("A")
    server.kill()
    server.wait()
    with pytest.raises(ServerError, match="stopped answering"):
        scheduler.step("B")
    scheduler.close()

    def stopped(*args: object, **kwargs: object) -> None:
        raise ServerError(f"the redis server at {url} stopped answering: connection refused")

    monkeypatch.setattr("vacancy_cli.app.simulate.run_scenario", stopped)
    result = CliRunner().invoke(app, ["simulate", "lost-update", "-s", "redis-naive"])
    assert result.exit_code == 1
    assert "stopped answering" in result.stderr and "Traceback" not in result.stderr
