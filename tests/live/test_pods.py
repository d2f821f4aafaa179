"""Several pods: the ADR's "lock is per-pod, not distributed", run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.cli.app import app
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.pods import PodsResult, run_pods
from vacancy_cli.model.errors import OptionError, ScenarioError
from vacancy_cli.model.scenario import load_scenario

from helpers import LOST_UPDATE

pytestmark = pytest.mark.slow  # starts real pod processes

Write = Callable[..., Path]


def test_a_lock_per_pod_with_a_copy_each_oversells_in_total() -> None:
    run = run_scenario(load_scenario("pods"), ["asyncio-lock"]).runs[0]
    assert [s.pod for s in run.steps] == [0, 1, 0, 1]
    assert [(s.request, s.action, s.stock) for s in run.steps] == [
        ("A", "read", 1),
        ("B", "read", 1),  # pod 2's own copy, under pod 2's own lock
        ("A", "write", 0),
        ("B", "write", 0),
    ]
    assert [v.kind for v in run.violations] == ["oversell"]  # no lost update: each copy is fine
    assert run.final_stock == -1 and run.granted_tickets == 2


def test_a_shared_database_with_a_lock_per_pod_loses_the_update() -> None:
    run = run_scenario(load_scenario("pods"), ["sqlite-locked"]).runs[0]
    assert {v.kind for v in run.violations} == {"lost_update", "oversell"}
    one_pod = run_scenario(load_scenario("lost-update"), ["sqlite-locked"]).runs[0]
    two_pods = run_scenario(load_scenario("lost-update"), ["sqlite-locked"], pods=2).runs[0]
    assert one_pod.violations == ()  # the same code, one pod: the lock works
    assert [v.kind for v in two_pods.violations] == ["lost_update"]


def test_the_conditional_update_is_correct_across_pods() -> None:
    run = run_scenario(load_scenario("pods"), ["sqlite-conditional"]).runs[0]
    assert run.violations == () and [r.granted for r in run.requests] == [True, False]


def test_pods_go_round_robin_unless_a_request_names_one(write_scenario: Write) -> None:
    path = write_scenario(LOST_UPDATE + '\n[[requests]]\nid = "C"\npod = 1\n')
    run = run_scenario(load_scenario(str(path)), ["asyncio-lock"], "A B C", pods=2).runs[0]
    assert [(s.request, s.pod) for s in run.steps[:3]] == [("A", 0), ("B", 1), ("C", 0)]


def test_pod_errors(write_scenario: Write) -> None:
    path = write_scenario(LOST_UPDATE + '\n[[requests]]\nid = "C"\npod = 3\n', "bad.toml")
    with pytest.raises(ScenarioError, match=r"requests\[3\].pod' must be from 1 to pods = 1"):
        load_scenario(str(path))
    with pytest.raises(OptionError, match="pods must be at least 1"):
        run_scenario(load_scenario("lost-update"), pods=0)
    with pytest.raises(OptionError, match="request B asks for pod 2"):
        run_scenario(load_scenario("pods"), pods=1)


def test_pods_from_the_command_line() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", "lost-update", "-s", "asyncio-lock", "--pods", "2"])
    assert result.exit_code == 0
    assert "2 pods, a copy of the stock each" in result.stdout
    doc = json.loads(
        runner.invoke(app, ["simulate", "pods", "--json", "-s", "asyncio-lock"]).stdout
    )
    assert doc["runs"][0]["pods"] == 2 and [s["pod"] for s in doc["runs"][0]["steps"]] == [
        1,
        2,
        1,
        2,
    ]
    bad = runner.invoke(app, ["explore", "pods", "--pods", "0"])
    assert bad.exit_code == 2 and "--pods must be at least 1" in bad.stderr
    idle = runner.invoke(app, ["simulate", "lost-update", "--pods", "1000000000"])
    assert idle.exit_code == 2 and "--pods 1000000000: more pods than requests (2)" in idle.stderr


# -- reserve --pods: real processes on one SQLite file ------------------------------


def reserve_pods(strategy: str, **changes: object) -> PodsResult:
    options = LoadOptions(
        stock=400, requests=400, strategy=strategy, latency_s=0.002, concurrency=40
    )
    return run_pods(replace(options, **changes), 2)  # type: ignore[arg-type]


def test_two_processes_with_the_conditional_update_conserve_the_stock() -> None:
    result = reserve_pods("sqlite-conditional")
    assert [p.finished for p in result.pods] == [True, True]
    assert len({p.pid for p in result.pods}) == 2  # two real processes
    assert (result.final_stock, result.granted_tickets, result.reservations) == (0, 400, 400)
    assert result.violations == ()


def test_a_lock_per_process_does_not_protect_a_shared_database() -> None:
    result = reserve_pods("sqlite-locked")
    # Each process serializes its own requests, but the two overlap (they start
    # together and each takes ~0.4 s): their read-then-write sections interleave.
    assert result.lost_updates > 0
    assert [v.kind for v in result.violations] == ["lost_update"]


def test_sigkill_mid_run_loses_no_committed_reservation() -> None:
    # Each pod's 2,000 transactions take well over the 0.1 s before pod 1 is killed.
    options = LoadOptions(stock=4000, requests=4000, strategy="sqlite-conditional", concurrency=20)
    result = run_pods(options, 2, kill_after_s=0.1)
    first, second = result.pods
    assert first.killed and not first.finished and second.finished
    assert 2000 <= result.reservations < 4000  # pod 2's all, and part of pod 1's
    assert result.final_stock + result.granted_tickets == 4000  # from the database alone
    assert result.violations == ()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pods", "2"], "pods are processes sharing one database"),
        (["--pods", "0", "-s", "sqlite-naive"], "--pods 0: expected a whole number >= 1"),
        (["--pods", "2", "-s", "sqlite-naive", "--requests", "1"], "fewer requests"),
        (["--pods", "2", "-s", "sqlite-naive", "--sweep", "1,2"], "cannot go with --sweep"),
        (
            ["--pods", "2", "-s", "sqlite-naive", "--kill-pod-after", "soon"],
            "--kill-pod-after 'soon'",
        ),
        (["--pods", "2", "-s", "sqlite-naive", "--reads", "0.5"], "reservations only"),
    ],
)
def test_bad_pod_options_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["reserve", *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_reserve_pods_json() -> None:
    result = CliRunner().invoke(
        app,
        ["reserve", "--pods", "2", "-s", "sqlite-conditional", "--requests", "60", "--json"],
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [p["pod"] for p in doc["pods"]] == [1, 2]
    assert doc["final_stock"] + doc["granted_tickets"] == doc["stock"]
