"""The ``vacancy serve`` command: what it prints, its safe defaults, and the missing extra."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from vacancy_cli.cli.serve import MISSING, loopback, serve

runner = CliRunner()
app = typer.Typer()
app.command()(serve)
app.command(name="other")(lambda: None)  # two commands: `serve` stays a subcommand


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["serve", *args], env={"COLUMNS": "80", "LINES": "40"})


@pytest.fixture
def not_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """uvicorn's server made to return at once, noting where it would have listened."""
    import uvicorn

    listened: list[tuple[str, int]] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self: listened.append((self.config.host, self.config.port))
    )
    return listened


def test_serve_prints_the_address_the_code_and_the_facilitators_url(
    not_run: list[tuple[str, int]],
) -> None:
    result = invoke()
    assert result.exit_code == 0, result.output
    assert "learners:    http://127.0.0.1:8000/" in result.output
    assert "(not needed on 127.0.0.1)" in result.output
    assert "facilitator: http://127.0.0.1:8000/facilitator?token=" in result.output
    assert not_run == [("127.0.0.1", 8000)]  # this machine only, unless --host says otherwise


def test_a_non_loopback_host_asks_for_the_code(not_run: list[tuple[str, int]]) -> None:
    result = invoke("--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    code_line = next(line for line in result.output.splitlines() if "room code" in line)
    assert "not needed" not in code_line and len(code_line.split()[-1]) == 5
    assert not_run == [("0.0.0.0", 8123)]


def test_a_scenario_file_is_a_lesson_and_a_bad_one_is_one_line(
    tmp_path: Path, not_run: list[tuple[str, int]]
) -> None:
    missing = invoke(str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "nope.toml: no such file" in missing.output
    assert not_run == []


def test_without_the_extra_serve_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    result = invoke()
    assert result.exit_code == 2
    assert result.output.strip() == f"vacancy: {MISSING}"
    assert "pip install 'vacancy[serve]'" in MISSING


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_only_loopback_hosts_skip_the_code(host: str, expected: bool) -> None:
    assert loopback(host) is expected


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_server_with_one_line_and_exit_130(sig: int) -> None:
    """uvicorn shuts down on the signal it caught; then vacancy ends as every command
    does on Ctrl-C."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "vacancy_cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert server.stdout is not None
    assert server.stdout.readline().startswith("vacancy serve:")
    for _ in range(100):  # until it listens
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    server.send_signal(sig)
    _, err = server.communicate(timeout=30)
    assert server.returncode == 130 and err == "vacancy: interrupted\n"


def test_an_address_it_cannot_listen_on_is_one_line_and_exit_2_before_starting(
    not_run: list[tuple[str, int]],
) -> None:
    """uvicorn would log an ERROR line and exit 3: the address is asked first."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = invoke("--port", str(port))
    unknown = invoke("--host", "nosuchhost.invalid")
    for result, words in ((busy, "in use"), (unknown, "nosuchhost.invalid")):
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert not_run == []  # nothing started
