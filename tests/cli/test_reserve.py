"""`vacancy reserve` through Typer's CliRunner: tables, JSON, exit codes, bad options."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.model.errors import ServerError
from vacancy_cli.model.strategies import every_strategy
from vacancy_cli.stock.memory import GuardedStockManager, UnlockedStockManager

from helpers import TEST_SERVERS

runner = CliRunner()

JSON_KEYS = {
    "strategy",
    "stock",
    "requests",
    "granted",
    "rejected",
    "final_stock",
    "oversold",
    "lost_updates",
    "lock_acquisitions",
    "cache_hits",
    "lock_wait_ms",
    "elapsed_s",
    "throughput_rps",
}


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["reserve", *args], env={"COLUMNS": "100", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def invoke_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = invoke(*args, "--json")
    assert err == ""  # no progress bar, no warnings: stdout is the whole answer
    return code, json.loads(out)


def test_the_adrs_validation_passes_and_shows_every_figure() -> None:
    code, out, err = invoke()
    assert code == 0, err
    for label in (
        "Requests",
        "Granted",
        "Rejected",
        "Final stock",
        "Oversold",
        "Lost updates",
        "Success rate",
        "Lock acquisitions",
        "Cache hits",
        "Lock wait P50 / P95 / P99 / max",
        "Elapsed",
        "Throughput",
    ):
        assert label in out
    assert "1,000 (1,000 tickets)" in out and "100.0%" in out
    assert "Lock Wait Time: < 5ms (P95)" in out and "✗" not in out
    assert "✓ correct" in out
    assert "Lock wait histogram" in out and "0 (no wait)" in out
    assert out.index("Throughput") < out.index("Lock wait histogram")


def test_json_is_one_document_with_the_documented_keys() -> None:
    code, doc = invoke_json()
    assert code == 0
    assert JSON_KEYS <= set(doc)
    stats = {"count", "min", "mean", "stddev", "p50", "p95", "p99", "max"}
    assert set(doc["lock_wait_ms"]) == set(doc["request_latency_ms"]) == stats
    assert (doc["strategy"], doc["stock"], doc["requests"]) == ("asyncio-lock", 1000, 1000)
    assert (doc["granted"], doc["rejected"], doc["final_stock"]) == (1000, 0, 0)
    assert (doc["oversold"], doc["lost_updates"], doc["lock_acquisitions"]) == (0, 0, 1000)
    assert doc["bug"] is False and doc["violations"] == []


def test_none_with_latency_reports_lost_updates_as_the_lesson_and_exits_0() -> None:
    args = ("--strategy", "none", "--latency", "1ms", "--requests", "100", "--stock", "80")
    code, first = invoke_json(*args)
    _, second = invoke_json(*args)
    assert code == 0
    assert (first["granted"], first["final_stock"]) == (100, 79)
    assert (first["lost_updates"], first["oversold"]) == (99, 20)
    assert first["lock_acquisitions"] == 0 and first["lock_wait_ms"]["p95"] is None
    timing = {"elapsed_s", "throughput_rps", "request_latency_ms", "read_latency_ms"}
    assert {k: v for k, v in first.items() if k not in timing} == {
        k: v for k, v in second.items() if k not in timing
    }
    code, out, _ = invoke(*args)
    assert code == 0 and "this is the lesson" in out and "99 lost, 20 oversold" in out


def test_a_strategy_that_claims_safety_and_loses_updates_exits_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the ADR's lock class, with the unlocked code: a claim of safety that does not hold
    monkeypatch.setattr(GuardedStockManager, "reserve", UnlockedStockManager.reserve)
    code, out, _ = invoke("--latency", "1ms", "--requests", "50", "--stock", "50")
    assert code == 1
    assert "bug: asyncio-lock claims safety" in out
    assert "+49 tickets unaccounted for" in out
    code, doc = invoke_json("--latency", "1ms", "--requests", "50", "--stock", "50")
    assert code == 1 and doc["bug"] is True and doc["lost_updates"] == 49


def test_a_store_lost_mid_load_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request in flight fails alike; the user sees the cause once, not a group of 100."""

    calls = 0
    real = GuardedStockManager.reserve

    async def lost_after(self: GuardedStockManager, qty: int) -> tuple[bool, int]:
        nonlocal calls
        calls += 1
        if calls > 150:  # mid-load: 100 in flight when the server goes
            raise ServerError("the redis server stopped answering: connection refused")
        return await real(self, qty)

    monkeypatch.setattr(GuardedStockManager, "reserve", lost_after)
    code, out, err = invoke("--latency", "1ms", "--concurrency", "100")
    assert code == 1 and out == ""
    assert err == "vacancy: error: the redis server stopped answering: connection refused\n"


def test_a_frozen_event_loop_is_reported_not_hung() -> None:
    code, out, _ = invoke("--strategy", "threading-lock", "--latency", "1ms", "--requests", "20")
    assert code == 0
    assert "event loop blocked" in out and "the loop froze" in out


def test_a_read_heavy_mix_goes_through_the_cache() -> None:
    code, doc = invoke_json("--reads", "0.9", "--seed", "3")
    assert code == 0
    assert doc["reads"] > 800 and doc["cache_hits"] > 0
    assert doc["lock_acquisitions"] + doc["cache_hits"] == 1000
    code, out, _ = invoke("--reads", "0.9", "--seed", "3")
    assert "Read-heavy: 70% fewer lock acquisitions" in out and "oldest value served" in out


def test_a_sweep_shows_a_table_and_charts_per_level() -> None:
    code, out, err = invoke("--sweep", "1,10", "--requests", "40", "--latency", "0.1ms")
    assert code == 0, err
    assert "P95 lock wait (ms)" in out and "Throughput (requests/s)" in out
    assert "Concurrency" in out and "correct" in out
    code, doc = invoke_json("--sweep", "1,10,100", "--requests", "40")
    assert code == 0 and doc["levels"] == [1, 10, 100]
    assert [run["concurrency"] for run in doc["runs"]] == [1, 10, 40]
    assert all(JSON_KEYS <= set(run) for run in doc["runs"])


def test_strategy_all_runs_the_same_load_under_every_strategy() -> None:
    args = ("--strategy", "all", "--latency", "1ms", "--requests", "20", "--stock", "15")
    code, doc = invoke_json(*args)
    # every strategy, and the server ones whose server the test run has
    assert code == 0 and doc["strategies"] == every_strategy(TEST_SERVERS) and doc["bug"] is False
    runs = {run["strategy"]: run for run in doc["runs"]}
    assert runs["none"]["lost_updates"] == 19 and runs["none"]["oversold"] == 5
    for safe in ("asyncio-lock", "semaphore:1", "sqlite-conditional", "event-sourced"):
        assert (runs[safe]["granted"], runs[safe]["final_stock"], runs[safe]["verdict"]) == (
            15,
            0,
            "correct",
        )
    assert runs["threading-lock"]["verdict"] == "event loop blocked"
    code, out, _ = invoke(*args)
    assert code == 0 and "Every strategy" in out and "froze" in out


def test_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["reserve", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for text in (
        "vacancy reserve --strategy none --latency 1ms",
        "vacancy reserve --reads 0.9",
        "--sweep",
        "--concurrency",
        "Exit status",
        "'vacancy[redis]'",  # not eaten as Rich markup
        "'vacancy[postgres]'",
    ):
        assert text in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--stock", "-5"),
        ("--requests", "-1"),
        ("--requests", "many"),
        ("--concurrency", "0"),
        ("--reads", "2"),
        ("--strategy", "mutex"),
        ("--qty", "3-1"),
        ("--qty", "1-x"),
        ("--latency", "-1ms"),
        ("--latency", "5"),
        ("--seed", "-3"),
        ("--sweep", "10,,x"),
        ("--sweep", "10,100", "--concurrency", "5"),
        ("--sweep", "10,100", "--strategy", "all"),
        # Too large: memory a typo would exhaust, or a store would overflow.
        ("--requests", "99999999999999999999"),
        ("--requests", "2000000"),  # all at once: a task each
        ("--stock", "9007199254740992", "--strategy", "sqlite-locked"),
        ("--qty", "1-99999999999999999999"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("vacancy: error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def reserve_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run ``vacancy reserve`` with stderr on a pseudo-terminal; return status, stdout, stderr."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm-256color"}
    command = [sys.executable, "-m", "vacancy_cli", "reserve", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    seen = b""
    try:
        while chunk := os.read(primary, 4096):
            seen += chunk
    except OSError:  # the terminal closed: the process is done with it
        pass
    finally:
        os.close(primary)
    out, _ = process.communicate(timeout=60)
    return process.returncode, out.decode(), seen.decode("utf-8", "replace")


# 800 requests one at a time, each sleeping 1 ms: at least 0.8 s, past the bar's 0.5 s delay.
LONG_RUN = ("--latency", "1ms", "--concurrency", "1", "--requests", "800", "--stock", "800")


def test_a_long_run_shows_a_progress_bar_on_stderr_that_is_gone_when_done() -> None:
    code, out, err = reserve_on_a_terminal(*LONG_RUN)
    assert code == 0 and "Final stock" in out  # the result on stdout, whole
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err)
    assert "reserving" in plain and "800/800" in plain
    assert err.endswith("\x1b[1A\x1b[2K")  # transient: the bar's line is erased at the end


def test_no_progress_bar_with_json_even_on_a_terminal() -> None:
    code, out, err = reserve_on_a_terminal(*LONG_RUN, "--json")
    assert code == 0 and json.loads(out)["granted"] == 800
    assert err == ""


@pytest.mark.parametrize(
    "args",
    [("--kill-pod-after", "300ms"), ("--kill-pod-after", "300ms", "-s", "sqlite-naive")],
)
def test_kill_pod_after_without_pods_says_it_needs_pods(args: tuple[str, ...]) -> None:
    code, out, err = invoke(*args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--kill-pod-after needs --pods N" in err
    assert "sqlite-naive, sqlite-locked, sqlite-conditional" in err
    assert "--pods with --strategy" not in err  # not the complaint about --pods it had


HUGE = "9" * 4400


@pytest.mark.parametrize(
    "args",
    [
        ["--sweep", "²"],
        ["--qty", "²"],
        ["--latency", "²"],
        ["--stock", HUGE],
        ["--qty", HUGE],
        ["--seed", HUGE],
        ["--requests", HUGE],
        ["--latency", HUGE + "s"],
        ["--sweep", HUGE],
    ],
)
def test_unicode_digits_and_huge_numbers_are_one_short_line_and_exit_2(args: list[str]) -> None:
    """isdigit() takes '²' and int() then fails; a 4,400-digit number passes the int
    digit limit: both were 'internal error', exit 1, and a huge value filled the line."""
    code, out, err = invoke(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and len(err) < 200
    assert "internal error" not in err and "Traceback" not in err
