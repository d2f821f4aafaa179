"""`vacancy reserve` with -q, --runs and --export FILE.csv, through Typer's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app

runner = CliRunner()
ENV = {"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def test_quiet_prints_one_verdict_line() -> None:
    code, out, err = invoke("reserve", "-q", "--requests", "50", "--stock", "50")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert out.startswith("asyncio-lock: correct, 50 granted, 0 lost, 0 oversold, lock wait p95")


def test_quiet_keeps_the_exit_status_of_a_bug_or_a_lesson() -> None:
    code, out, _ = invoke("reserve", "-q", "-s", "none", "--latency", "1ms", "--requests", "20")
    assert code == 0 and out.startswith("none: lost update (expected: the lesson), 20 granted")


def test_json_wins_over_quiet() -> None:
    code, out, _ = invoke("reserve", "-q", "--json", "--requests", "10")
    assert code == 0 and json.loads(out)["kind"] == "reserve.load"


def test_quiet_with_an_export_still_saves_the_whole_view(tmp_path: Path) -> None:
    path = tmp_path / "view.txt"
    code, out, _ = invoke("reserve", "-q", "--requests", "10", "--export", str(path))
    assert code == 0 and out.count("\n") == 1
    assert "Timings in ms" in path.read_text(encoding="utf-8")


def test_runs_show_the_spread_and_every_run_counts() -> None:
    code, out, err = invoke("reserve", "--runs", "3", "--requests", "30", "--latency", "0.2ms")
    assert code == 0, err
    assert "3 runs" in out and "Mean ± σ" in out and "correct in every run (3 of 3)" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    code, out, _ = invoke("reserve", "--runs", "2", "--requests", "10", "-q")
    assert code == 0 and out.startswith("asyncio-lock: correct in 2 of 2 runs, median 10 granted")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "--runs 0: expected a whole number >= 1"),
        (["--runs", "-2"], "--runs -2: expected a whole number >= 1"),
        (["--runs", "two"], "--runs 'two': expected a whole number >= 1"),
        (["--runs", ""], "--runs '': expected a whole number >= 1"),
        (["--runs", "2", "--sweep", "1,2", "-s", "all"], "choose one instead of 'all'"),
        (["--runs", "2", "--pods", "2", "-s", "sqlite-locked"], "it cannot go with --pods"),
    ],
)
def test_bad_runs_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = invoke("reserve", "--requests", "10", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_export_csv_writes_every_runs_samples(tmp_path: Path) -> None:
    path = tmp_path / "samples.csv"
    code, _, err = invoke(
        "reserve", "--runs", "2", "--requests", "25", "--reads", "0.2", "--export", str(path)
    )
    assert code == 0, err
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    requests = [r for r in table if r["kind"] in ("reserve", "read")]
    assert len(requests) == 25 * 2
    assert all(float(r["latency_ms"]) >= 0 for r in requests)
    assert {r["run"] for r in table} == {"1", "2"}
    assert [p.name for p in tmp_path.iterdir()] == ["samples.csv"]  # no temporary left


def test_export_csv_checks_its_folder_before_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "s.csv"
    code, out, err = invoke("reserve", "--export", str(missing))
    assert code == 2 and out == "" and "does not exist" in err and err.count("\n") == 1
    folder = tmp_path / "x.csv"
    folder.mkdir()
    code, _, err = invoke("reserve", "--export", str(folder))
    assert code == 2 and "is a folder" in err and err.count("\n") == 1


def test_export_csv_is_refused_with_pods() -> None:
    code, _, err = invoke("reserve", "--pods", "2", "-s", "sqlite-locked", "--export", "x.csv")
    assert code == 2 and ".csv holds each request's samples" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "lost-update"],
        ["explore", "lost-update"],
        ["scenarios"],
        ["play", "lost-update"],
        ["course"],
    ],
)
def test_every_other_command_refuses_csv_before_running(args: list[str], tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    code, out, err = invoke(*args, "--export", str(path))
    assert code == 2 and out == ""
    assert "unknown format '.csv'" in err and err.count("\n") == 1
    assert not path.exists()
