"""A server that stops answering (``kill -STOP``) ends a run with one line and exit 1.

Stopping a real server in a shared suite would stop everyone's tests, so the
stopped server is a local listener that accepts connections and never answers,
and, to stop a server mid-run, a proxy in front of the test server that stops
forwarding on demand. Each bound on the run's duration is a subprocess timeout
or a generous one: it is there so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.errors import ServerError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.strategies import Servers, parse_strategy
from vacancy_cli.stock import build

from helpers import TEST_SERVERS

pytestmark = pytest.mark.slow  # waits for timeouts, runs the CLI in a subprocess

PASSWORD = "s3cretpw"
BOUND_S = 60  # a run against a silent server takes about 1-3 s with timeout=0.5


class Silent:
    """A TCP server that accepts every connection and never says a word."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return  # closed
            self.accepted.append(client)

    def close(self) -> None:
        self.socket.close()
        for client in self.accepted:
            client.close()


class Freezer:
    """A proxy to ``upstream`` that forwards bytes until ``freeze()``, then holds them."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.frozen = threading.Event()
        self.done = threading.Event()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.socket, selectors.EVENT_READ)
        self.sockets: list[socket.socket] = [self.socket]
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def freeze(self) -> None:
        self.frozen.set()

    def _pump(self) -> None:
        while not self.done.is_set():
            if self.frozen.is_set():
                self.done.wait(0.05)  # accepts nothing, forwards nothing: a stopped server
                continue
            for key, _ in self.selector.select(0.05):
                source = key.fileobj
                assert isinstance(source, socket.socket)
                if source is self.socket:
                    client, _ = self.socket.accept()
                    server = socket.create_connection(self.upstream)
                    for one, other in ((client, server), (server, client)):
                        self.sockets.append(one)
                        self.selector.register(one, selectors.EVENT_READ, other)
                    continue
                if source.fileno() == -1:
                    continue  # closed earlier in this same batch, with its other end
                try:
                    data = source.recv(65536)
                    if data:
                        key.data.sendall(data)
                except OSError:  # reset by the client or the server: as an end of stream
                    data = b""
                if not data:
                    for end in (source, key.data):
                        if end.fileno() != -1:
                            self.selector.unregister(end)
                            end.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join()
        for one in self.sockets:
            one.close()


@pytest.fixture
def bounded() -> Iterator[None]:
    """An in-process run that hangs fails at BOUND_S instead (SIGALRM breaks the wait)."""

    def hung(*_: object) -> None:
        pytest.fail(f"still waiting for the stopped server after {BOUND_S} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(BOUND_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


def _vacancy(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own: a hang fails the test at BOUND_S."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VACANCY_")}
    return subprocess.run(
        [sys.executable, "-m", "vacancy_cli", *args],
        capture_output=True,
        text=True,
        timeout=BOUND_S,
        env={**env, "COLUMNS": "80", "LINES": "40"},
    )


@pytest.mark.parametrize(
    ("strategy", "option", "url"),
    [
        ("postgres-conditional", "--postgres-url", "postgresql://u:{pw}@127.0.0.1:{port}/db"),
        ("postgres-naive", "--postgres-url", "host=127.0.0.1 port={port} password='{pw}'"),
        ("redis-lua", "--redis-url", "redis://:{pw}@127.0.0.1:{port}/0"),
    ],
)
def test_a_server_that_never_answers_is_one_line_and_exit_1(
    silent: Silent, strategy: str, option: str, url: str
) -> None:
    given = url.format(pw=PASSWORD, port=silent.port)
    given += " timeout=0.5" if "=" in url.split("://")[0] else "?timeout=0.5"
    result = _vacancy("simulate", "lost-update", "-s", strategy, option, given)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert "stopped answering: no answer within 0.5 s" in result.stderr
    assert "***" in result.stderr and PASSWORD not in result.stderr


def test_an_unreachable_server_names_the_url_without_its_password() -> None:
    for strategy, option, url in (
        ("redis-lua", "--redis-url", f"redis://:{PASSWORD}@127.0.0.1:1/0"),
        ("postgres-naive", "--postgres-url", f"postgresql://u:{PASSWORD}@127.0.0.1:1/db"),
        ("postgres-naive", "--postgres-url", f"host=127.0.0.1 port=1 password={PASSWORD}"),
        ("postgres-naive", "--postgres-url", f"host=127.0.0.1 port=1 password {PASSWORD}"),
    ):
        result = _vacancy("simulate", "lost-update", "-s", strategy, option, url)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and PASSWORD not in result.stderr
        assert result.stderr.startswith(f"vacancy: error: {option} ")


def test_a_bad_timeout_is_bad_input() -> None:
    url = f"postgresql://u:{PASSWORD}@127.0.0.1:1/db?timeout=soon"
    result = _vacancy("simulate", "lost-update", "-s", "postgres-naive", "--postgres-url", url)
    assert result.returncode == 2
    assert "timeout=soon: expected a number of seconds above 0" in result.stderr
    assert PASSWORD not in result.stderr


def _address(url: str | None) -> tuple[str, int]:
    found = urlsplit(url or "")
    return found.hostname or "127.0.0.1", found.port or 0


needs_postgres = pytest.mark.skipif(
    not TEST_SERVERS.postgres, reason="no PostgreSQL server: set VACANCY_TEST_POSTGRES_URL"
)
needs_redis = pytest.mark.skipif(
    not TEST_SERVERS.redis, reason="no Redis server: set VACANCY_TEST_REDIS_URL"
)


@pytest.mark.parametrize(
    ("strategy", "through"),
    [
        pytest.param(
            "postgres-naive",
            "postgresql://postgres:{pw}@127.0.0.1:{port}/postgres?timeout=0.5",
            marks=needs_postgres,
            id="postgres",
        ),
        pytest.param(
            "redis-naive", "redis://127.0.0.1:{port}/0?timeout=0.5", marks=needs_redis, id="redis"
        ),
    ],
)
@pytest.mark.usefixtures("bounded")
def test_a_server_that_stops_between_two_commands_ends_the_run(strategy: str, through: str) -> None:
    """A's read went through; the server stops before its write: the write's wait ends."""
    proxy = Freezer(_address(TEST_SERVERS.url(parse_strategy(strategy).server or "")))
    url = through.format(pw=PASSWORD, port=proxy.port)
    row = parse_strategy(strategy, Servers(redis=url, postgres=url))
    scheduler = Scheduler(10, (RequestSpec("A"), RequestSpec("B")), row)
    try:
        scheduler.step("A")  # read 10, parked between the two commands, connection open
        proxy.freeze()
        with pytest.raises(ServerError, match="stopped answering: no answer within 0.5 s") as lost:
            scheduler.step("A")
        assert PASSWORD not in str(lost.value)
    finally:
        proxy.close()  # first: closed sockets end any wait a regression left hanging
        scheduler.close()


@needs_postgres
@pytest.mark.usefixtures("bounded")
def test_the_between_steps_reads_time_out_too() -> None:
    """``total`` (the synchronous client, read between steps) has the same deadline."""
    proxy = Freezer(_address(TEST_SERVERS.postgres))
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres?timeout=0.5"
    manager = build(parse_strategy("postgres-conditional", Servers(postgres=url)), 7, None, None)  # type: ignore[arg-type]
    try:
        assert manager.total == 7
        proxy.freeze()
        with pytest.raises(ServerError, match="no answer within 0.5 s"):
            _ = manager.total
    finally:
        proxy.close()
        manager.close()
