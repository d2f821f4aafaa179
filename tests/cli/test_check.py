"""``--check`` and ``-q`` on simulate and explore: results that can gate CI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app

from helpers import LOST_UPDATE

runner = CliRunner()
NAIVE = str(Path(__file__).parents[1] / "managers" / "naive.py")
PREFIX = "vacancy: check failed: "


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_a_lesson_passes_its_check_with_a_quiet_stderr(command: str) -> None:
    code, out, err = invoke(command, "lost-update", "--check")
    assert (code, err) == (0, "")
    assert "asyncio-lock" in out  # the normal output, then the check


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_a_user_manager_that_loses_an_update_fails_with_one_line(command: str) -> None:
    code, out, err = invoke(command, "lost-update", "--manager", NAIVE, "--check")
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith(PREFIX + "naive.py:StockManager: claims safety but lost an update")
    assert "A B A B" in line
    assert "naive.py:StockManager" in out  # the view came first, whole


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_without_check_the_exit_status_is_unchanged(command: str) -> None:
    code, _, err = invoke(command, "lost-update", "--manager", NAIVE)
    assert (code, err) == (0, "")


def test_explore_s_failure_line_is_a_command_that_replays_the_break() -> None:
    _, _, err = invoke("explore", "lost-update", "--manager", NAIVE, "--check")
    command = err.split("replay: vacancy ")[1].strip()
    args = command.split(" --schedule ")
    schedule = args[1].strip('"')
    code, _, again = invoke(*args[0].split(), "--schedule", schedule, "--check")
    assert code == 1 and "claims safety but lost an update" in again


def test_simulate_check_fails_on_a_missed_expect(write_scenario: Callable[[str], Path]) -> None:
    path = write_scenario(LOST_UPDATE + "\n[expect]\nnone = 98\nasyncio-lock = 98\n")
    code, _, err = invoke("simulate", str(path), "--check")
    assert code == 1
    assert err.splitlines() == [PREFIX + "none: final stock 99, [expect] says 98"]


def test_explore_check_fails_when_the_search_stopped_short() -> None:
    code, _, err = invoke(
        "explore", "three-way", "-s", "asyncio-lock", "--max-states", "5", "--check"
    )
    assert code == 1
    assert "asyncio-lock: exploration incomplete" in err and "proves nothing" in err


def test_check_with_json_prints_the_document_and_still_fails() -> None:
    code, out, err = invoke("simulate", "lost-update", "--manager", NAIVE, "--check", "--json")
    assert code == 1
    assert json.loads(out)["kind"] == "simulate"
    assert err.startswith(PREFIX)


# -- -q ----------------------------------------------------------------------------


def test_simulate_quiet_prints_only_the_verdict_line() -> None:
    code, out, err = invoke("simulate", "lost-update", "-q")
    assert (code, err) == (0, "")
    assert out == "Lost update: none lost update (final 99), asyncio-lock correct (final 98)\n"


def test_explore_quiet_prints_only_the_verdict_line() -> None:
    code, out, err = invoke("explore", "lost-update", "--quiet")
    assert (code, err) == (0, "")
    assert out == (
        "Lost update: none lost update in 4 of 6 interleavings, "
        "asyncio-lock correct in all 4 interleavings\n"
    )


def test_quiet_names_a_missed_expect(write_scenario: Callable[[str], Path]) -> None:
    path = write_scenario(LOST_UPDATE + "\n[expect]\nnone = 98\n")
    _, out, _ = invoke("simulate", str(path), "-q")
    assert "none lost update (final 99, expected 98)" in out


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_quiet_check_keeps_stdout_to_one_line_and_the_failures_on_stderr(command: str) -> None:
    code, out, err = invoke(command, "lost-update", "--manager", NAIVE, "-q", "--check")
    assert code == 1
    assert len(out.splitlines()) == 1 and out.startswith("Lost update: naive.py:StockManager")
    assert all(line.startswith(PREFIX) for line in err.splitlines()) and err


@pytest.mark.parametrize("flag", ["--predict", "--step"])
def test_quiet_cannot_go_with_the_room_s_modes(flag: str) -> None:
    code, out, err = invoke("simulate", "lost-update", "-q", flag)
    assert (code, out) == (2, "")
    assert err == (
        "vacancy: error: -q prints only the verdict line; it cannot go with --predict or --step\n"
    )


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_json_wins_over_quiet(command: str) -> None:
    code, out, _ = invoke(command, "lost-update", "-q", "--json")
    assert code == 0 and json.loads(out)["kind"] == command


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_quiet_still_exports_the_whole_view(command: str, tmp_path: Path) -> None:
    target = tmp_path / "view.txt"
    code, out, _ = invoke(command, "lost-update", "-q", "--export", str(target))
    assert code == 0 and len(out.splitlines()) == 1
    assert "asyncio-lock" in target.read_text(encoding="utf-8")
    assert len(target.read_text(encoding="utf-8").splitlines()) > 5


@pytest.mark.parametrize("command", ["simulate", "explore"])
def test_help_teaches_check_and_quiet(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert "--check" in flat and "--quiet" in flat
    assert "[expect]" in flat and "your --manager claims it too" in flat
