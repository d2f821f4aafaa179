"""``reserve --threshold`` and ``reserve --check`` through the command: each failure
one line on stderr naming the figure and what it was, exit 1; a malformed threshold
exit 2 before anything runs. The figures a line quotes are the --json document's."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app

runner = CliRunner()
FAILED = "vacancy: threshold failed: "


def invoke(*args: str) -> tuple[int, str, list[str]]:
    result = runner.invoke(app, ["reserve", *args], env={"COLUMNS": "80", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr.splitlines()


def test_a_failing_threshold_is_one_line_quoting_the_json_figure_and_exit_1() -> None:
    code, out, err = invoke(
        "--requests", "200", "--latency", "1ms", "--json", "--threshold", "p95<1ms"
    )
    document: dict[str, Any] = json.loads(out)  # --json still prints the whole document
    p95 = document["lock_wait_ms"]["p95"]
    assert p95 > 1  # 200 requests queue behind 1 ms each
    assert code == 1
    (line,) = err
    match = re.fullmatch(re.escape(FAILED) + r"p95<1ms: lock_wait_ms\.p95 was ([\d.]+)ms", line)
    assert match is not None, line
    assert float(match[1]) == pytest.approx(p95, abs=1e-3)


def test_thresholds_that_hold_leave_stderr_empty_and_exit_0() -> None:
    code, out, err = invoke(
        "--requests", "100", "-q",
        "--threshold", "success=100%", "--threshold", "lost_updates=0",
        "--threshold", "granted>=100", "--threshold", "request_latency_ms.p99<60s",
    )  # fmt: skip
    assert (code, err) == (0, [])
    assert out.startswith("asyncio-lock: correct")


def test_every_failing_threshold_gets_its_own_line() -> None:
    code, _, err = invoke("-s", "none", "--latency", "1ms", "--requests", "50", "-q",
                          "--threshold", "lost_updates=0", "--threshold", "final_stock<=950",
                          "--threshold", "granted=50")  # fmt: skip
    assert code == 1  # none's lost update is the lesson; the user asked to hold it anyway
    assert [line.split(":")[2].strip() for line in err] == ["lost_updates=0", "final_stock<=950"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("p96<5ms", "unknown figure 'p96'"),
        ("p95<", "--threshold 'p95<'"),
        ("success=100", "write 100% or 1"),
        ("p95 5ms", "--threshold 'p95 5ms'"),
    ],
)
def test_a_malformed_threshold_is_exit_2_before_the_load_runs(text: str, says: str) -> None:
    code, out, err = invoke("--requests", "10000000", "--threshold", text)  # would take a while
    assert (code, out) == (2, "")
    (line,) = err
    assert line.startswith("vacancy: error: --threshold") and says in line


def test_check_passes_the_adr_s_own_reserve() -> None:
    code, _, err = invoke("--check", "-q")  # no latency: the lock is never contended
    assert (code, err) == (0, [])


def test_check_holds_every_safe_strategy_to_the_adr_and_names_it() -> None:
    code, out, err = invoke("-s", "all", "--latency", "1ms", "--requests", "100", "--check", "-q")
    assert code == 1
    named = {re.search(r"\(([^)]*)\)$", line)[1] for line in err}  # type: ignore[index]
    safe = {
        line.split(": ")[0]
        for line in out.splitlines()
        if line.split(": ")[1].startswith("correct")
    }
    assert named and named <= safe  # asyncio-lock's P95 misses 5 ms under 1 ms of latency
    assert "none" not in named and "semaphore:2" not in named  # the lesson is not held


def test_check_holds_a_strategy_that_claims_nothing_to_nothing() -> None:
    code, out, err = invoke("-s", "none", "--latency", "1ms", "--requests", "50", "--check", "-q")
    assert (code, err) == (0, [])
    assert "lost update" in out


def test_runs_are_held_by_their_medians() -> None:
    code, _, err = invoke("--requests", "100", "--runs", "3", "-q", "--threshold", "granted<100")
    assert code == 1
    assert err == [FAILED + "granted<100: granted was 100 (median of 3 runs)"]
    code, _, err = invoke("--requests", "100", "--runs", "3", "-q", "--threshold", "granted=100")
    assert (code, err) == (0, [])


def test_a_sweep_names_the_level_that_failed() -> None:
    code, _, err = invoke("--sweep", "1,50", "--latency", "1ms", "--requests", "50", "-q",
                          "--threshold", "p95<10ms")  # fmt: skip
    assert code == 1
    (line,) = err  # one in flight never waits; fifty queue for 1 ms each
    assert line.startswith(FAILED + "p95<10ms: lock_wait_ms.p95 was") and "concurrency 50" in line


@pytest.mark.slow
def test_pods_are_held_to_the_race_claims() -> None:
    code, _, err = invoke(
        "--pods", "2", "-s", "sqlite-conditional", "--requests", "100", "--check", "-q"
    )
    assert (code, err) == (0, [])
    code, _, err = invoke("--pods", "2", "-s", "sqlite-conditional", "--requests", "100", "-q",
                          "--threshold", "lost_updates>0")  # fmt: skip
    assert code == 1 and err == [FAILED + "lost_updates>0: lost_updates was 0"]
