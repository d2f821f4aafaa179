"""The command line through Typer's CliRunner: output, JSON and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli import __version__
from vacancy_cli.cli.app import app
from vacancy_cli.model.scenario import bundled_names

from helpers import LOST_UPDATE

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_simulate_lost_update_shows_both_timelines_the_summary_and_the_lesson() -> None:
    code, out, err = invoke("simulate", "lost-update")
    assert code == 0, err
    assert "Request A" in out and "Request B" in out and "Stock" in out
    assert "reads 100" in out and "writes 99" in out
    assert "← lost update" in out
    assert "waits for the lock" in out and "writes 98" in out
    assert "Summary" in out and "Lesson" in out
    assert out.index("none: no synchronization") < out.index("asyncio-lock: the ADR")


def test_simulate_json_has_the_documented_shape() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"scenario", "stock", "schedule", "runs"} <= set(doc)
    assert doc["scenario"] == "lost-update" and doc["stock"] == 100 and doc["schedule"] == "A B A B"
    none, lock = doc["runs"]
    assert {
        "strategy",
        "final_stock",
        "expected_final_stock",
        "requests",
        "steps",
        "violations",
    } <= set(none)
    assert none["requests"][0].keys() >= {"id", "qty", "granted"}
    assert none["steps"][0].keys() >= {"t", "request", "action", "seen", "stock"}
    assert [s["stock"] for s in none["steps"]] == [100, 100, 99, 99]
    assert none["violations"] == [
        {
            "kind": "lost_update",
            "steps": [2, 4],
            "message": "lost update: B read 100 at t2, then wrote 99 at t4, "
            "overwriting A's write at t3",
        }
    ]
    assert (none["final_stock"], lock["final_stock"]) == (99, 98)
    assert lock["violations"] == []


def test_strategy_and_schedule_options() -> None:
    code, out, _ = invoke(
        "simulate",
        "lost-update",
        "-s",
        "semaphore:2",
        "--strategy",
        "semaphore:1",
        "--schedule",
        "A,B,A,B",
        "--json",
    )
    assert code == 0
    runs = json.loads(out)["runs"]
    assert [(r["strategy"], r["final_stock"]) for r in runs] == [
        ("semaphore:2", 99),
        ("semaphore:1", 98),
    ]


def test_simulate_a_file_path(write_scenario: Callable[..., Path]) -> None:
    path = write_scenario(LOST_UPDATE)
    code, out, _ = invoke("simulate", str(path), "--json")
    assert code == 0
    assert json.loads(out)["scenario"] == "scenario"


def test_scenarios_lists_every_bundled_scenario_with_its_title() -> None:
    code, out, _ = invoke("scenarios")
    assert code == 0
    for name in bundled_names():
        assert name in out
    code, out, _ = invoke("scenarios", "--json")
    listed = json.loads(out)["scenarios"]
    assert [s["name"] for s in listed] == bundled_names()
    assert all(s["title"] for s in listed)


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.strip() == f"vacancy {__version__}"


@pytest.mark.parametrize("command", ["simulate", "scenarios", "explore"])
def test_every_command_help_has_an_example(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert f"vacancy {command}" in out


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "simulate" in result.output and "scenarios" in result.output


BAD_INPUT = [
    (["simulate", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
    (["simulate", "lost-update", "--strategy", "mutex"], "unknown strategy 'mutex'"),
    (["simulate", "lost-update", "--strategy", "semaphore:0"], "permit count"),
    (["simulate", "lost-update", "--schedule", "A B C"], "step 3 names unknown request 'C'"),
    (["simulate", "missing/file.toml"], "no such file"),
    # Where one strategy runs, `all` is refused as such, with the choices that are not all.
    (["play", "lost-update", "-s", "all"], "strategy 'all' is not allowed here"),
    (["play", "lost-update", "-s", "mutex"], "unknown strategy 'mutex'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_on_stderr_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


BAD_FILES = [
    ("stock = \n", "not valid TOML"),
    ("stock = 10\n", "missing [[requests]]"),
    ("stock = 'x'\n[[requests]]\nid = 'A'\n", "key 'stock' must be a whole number"),
    ("stock = -3\n[[requests]]\nid = 'A'\n", "key 'stock' must be a whole number >= 0, got -3"),
    (
        "stock = 3\n[[requests]]\nid = 'A'\nqty = 0\n",
        "requests[1].qty' must be a whole number >= 1, got 0",
    ),
    ("stock = 3\nschedule = 'A Z'\n[[requests]]\nid = 'A'\n", "unknown request 'Z'"),
    (
        "stock = 3\nstrategies = ['spinlock']\n[[requests]]\nid = 'A'\n",
        "unknown strategy 'spinlock'",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_scenario_files_exit_2_naming_the_file(
    write_scenario: Callable[..., Path], text: str, message: str
) -> None:
    path = write_scenario(text, "bad.toml")
    code, out, err = invoke("simulate", str(path))
    assert code == 2
    assert out == ""
    assert str(path) in err and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_internal_error_exits_1_with_a_short_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("vacancy_cli.app.simulate.run_scenario", broken)
    code, _, err = invoke("simulate", "lost-update")
    assert code == 1
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_explore_shows_the_count_the_outcomes_and_a_replayable_witness() -> None:
    code, out, err = invoke("explore", "lost-update", "--strategy", "none")
    assert code == 0, err
    assert "4 of 6 interleavings lose an update" in out
    assert "A:read B:read A:write B:write" in out
    assert 'vacancy simulate lost-update --strategy none --schedule "A B A B"' in out
    assert "← lost update" in out


def test_explore_json_has_the_documented_keys() -> None:
    code, out, _ = invoke("explore", "oversell", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["schema_version"], doc["kind"], doc["scenario"]) == (1, "explore", "oversell")
    assert "outcomes" not in doc  # nothing of the first exploration repeated at the top
    assert [e["strategy"] for e in doc["explorations"]] == ["none", "asyncio-lock"]
    first = doc["explorations"][0]
    keys = {"strategy", "naive_interleavings", "states", "complete", "outcomes"}
    assert keys <= set(first) and first["complete"] is True
    outcome = first["outcomes"][0]
    assert {"final_stock", "granted", "schedules", "violations", "witness"} <= set(outcome)
    assert outcome["violations"] == ["lost_update", "oversell"]


def test_explore_random_mode_from_the_command_line() -> None:
    args = ["explore", "three-way", "-s", "none", "--random", "30", "--seed", "2", "--json"]
    first = invoke(*args)
    second = invoke(*args)
    assert first[0] == 0 and first[1] == second[1]
    assert json.loads(first[1])["explorations"][0]["mode"] == "random"


def test_explore_max_states_reports_incomplete() -> None:
    code, out, _ = invoke("explore", "three-way", "-s", "none", "--max-states", "5")
    assert code == 0
    assert "incomplete: stopped after 5 states" in out


def test_simulate_accepts_an_annotated_witness() -> None:
    code, out, _ = invoke(
        "simulate", "lost-update", "-s", "none", "--schedule", "A:read B:read A:write B:write"
    )
    assert code == 0 and "← lost update" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explore", "lost-update", "--random", "0"], "--random must be at least 1"),
        (["explore", "lost-update", "--max-states", "0"], "--max-states must be at least 1"),
        (["explore", "lost-update", "--pct", "2"], "give --random N too"),
        (["explore", "lost-update", "--random", "5", "--pct", "0"], "--pct must be at least 1"),
        (["explore", "lost-update", "-s", "spinlock"], "unknown strategy 'spinlock'"),
        (["explore", "nowhere"], "unknown scenario 'nowhere'"),
        (
            ["simulate", "lost-update", "-s", "none", "--schedule", "A:read B:write"],
            "schedule step 2 is annotated 'B:write', but that step of B was 'read'",
        ),
        (["simulate", "lost-update", "--schedule", "A:jump"], "unknown action 'jump'"),
    ],
)
def test_explore_and_annotation_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_core_error_about_a_parameter_is_worded_with_its_flag() -> None:
    """The model says "pods"; the command line says "--pods"."""
    result = CliRunner().invoke(app, ["simulate", "lost-update", "--pods", "0"])
    assert result.exit_code == 2
    assert result.stderr == "vacancy: error: --pods must be at least 1, got 0\n"


@pytest.mark.parametrize("command", ["simulate", "explore", "play", "fix"])
def test_help_says_what_the_scenario_argument_is(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    arguments = result.stdout.split("Arguments")[1].split("Options")[0]
    assert result.exit_code == 0 and "bundled scenario" in arguments


def test_explore_is_bounded_by_default_and_says_what_to_try(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vacancy_cli.app import explore as exploring

    monkeypatch.setattr(exploring, "DEFAULT_MAX_STATES", 10)
    code, out, _ = invoke("explore", "three-way", "-s", "none")
    assert code == 0
    assert "incomplete: stopped after 10 states (--max-states 10)" in " ".join(out.split())
    assert "try --random 10000, fewer requests, or a larger --max-states" in " ".join(out.split())


def test_random_runs_are_bounded_like_reserves_requests() -> None:
    code, _, err = invoke("explore", "three-way", "--random", "2000000")
    assert code == 2 and "--random 2,000,000: at most 1,000,000" in err


def test_all_is_refused_where_one_strategy_runs_with_the_choices_that_are_allowed() -> None:
    code, _, err = invoke("play", "lost-update", "-s", "all")
    assert code == 2
    allowed = err.split("exactly one:", 1)[1]
    assert "asyncio-lock" in allowed and "semaphore:N" in allowed and "sqlite-naive" in allowed
    assert "all" not in allowed.replace("redis", "").split()  # no contradiction
    assert ", all" not in allowed


def test_an_unknown_strategy_where_all_is_allowed_lists_all_too() -> None:
    code, _, err = invoke("simulate", "lost-update", "-s", "mutex")
    assert code == 2 and ", all;" in err
