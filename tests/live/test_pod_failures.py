"""A pod that fails fails the run (one line, exit 1), and the bounds on what
``reserve`` is asked to do are checked before anything runs."""

from __future__ import annotations

import functools
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.live import pods
from vacancy_cli.live.hooks import LiveHooks, MonotonicClock
from vacancy_cli.live.options import MAX_LATENCY_S, LoadOptions, parse_latency
from vacancy_cli.live.pods import MAX_PODS, PodError, run_pods
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock.sqlite import BUSY_STEP_S, ConditionalSqliteStockManager

NINES = "9" * 400  # a float's infinity


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's SQLite folders go, to check that none is left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


OPTIONS = LoadOptions(stock=300, requests=300, strategy="sqlite-conditional", concurrency=10)


@pytest.mark.slow
def test_a_failing_pod_fails_the_run_naming_the_pod_and_why(private_tmp: Path) -> None:
    with pytest.raises(PodError, match=r"^pod 2 of 3 failed while running: it was told to fail"):
        run_pods(OPTIONS, 3, fail_pod=2)
    assert list(private_tmp.glob("vacancy-*")) == []


@pytest.mark.slow
def test_a_failing_pod_is_one_line_and_exit_1(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pods, "run_pods", functools.partial(run_pods, fail_pod=3))
    args = ["reserve", "--pods", "3", "-s", "sqlite-conditional", "--requests", "300", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "vacancy: error: pod 3 of 3 failed while running: it was told to fail "
        "(a test of failing pods)"
    ]
    assert result.stdout == ""  # no document that would pass for a result
    assert list(private_tmp.glob("vacancy-*")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--latency", f"{NINES}s"], "9s (401 characters)': at most 60s"),
        (["--latency", "61s"], "--latency '61s': at most 60s"),
        (["--pods", str(MAX_PODS + 1), "-s", "sqlite-conditional"], f"at most {MAX_PODS}"),
        (
            ["--pods", "2", "-s", "sqlite-conditional", "--kill-pod-after", f"{NINES}s"],
            "9s (401 characters)': at most 3600s",
        ),
    ],
)
def test_out_of_bounds_is_one_line_and_exit_2_before_anything_runs(
    args: list[str], message: str, private_tmp: Path
) -> None:
    result = CliRunner().invoke(app, ["reserve", *args])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert list(private_tmp.glob("vacancy-*")) == []  # no database was made


def test_the_latency_bound_holds_for_options_made_in_code() -> None:
    assert parse_latency(f"{MAX_LATENCY_S:g}s") == MAX_LATENCY_S
    for bad in (float("inf"), float("nan"), MAX_LATENCY_S * 2):
        with pytest.raises(OptionError, match="at most 60s"):
            LoadOptions(latency_s=bad).validate()


async def test_a_busy_database_is_waited_for_in_steps_not_failed(private_tmp: Path) -> None:
    # Another process's transaction holds the write lock for several busy steps.
    strategy = parse_strategy("sqlite-conditional")
    manager = ConditionalSqliteStockManager(5, LiveHooks(1, 0.0, False), MonotonicClock(), strategy)
    try:
        other = sqlite3.connect(manager.path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(BUSY_STEP_S * 4, lambda: other.execute("COMMIT"))
        release.start()
        granted, left = await manager.reserve(2)
        release.join()
        other.close()
        assert (granted, left) == (True, 3)  # it waited past one step, and got it
        assert manager.ledger() == (3, 1, 2)
    finally:
        manager.close()
    assert list(private_tmp.glob("vacancy-*")) == []
