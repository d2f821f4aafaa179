"""Valid scenarios, generated from every documented key, must keep the checker's promises.

Each property writes a scenario as a TOML file, runs it, and re-checks the invariants
from the JSON alone (the checker's rules restated here, not imported), so a checker
that stopped reporting a broken invariant fails here too:

- conservation: final stock + granted tickets == initial stock, unless the verdict
  names a lost update; more granted than existed is always named an oversell; a
  stock below zero on one shared store is always named negative stock;
- a strategy that claims safety (on one pod, or safe across pods) never loses an
  update, oversells or goes negative;
- the verdict is the violations' words in the documented order;
- the same scenario and schedule give the same document, byte for byte;
- every outcome ``explore`` reports is reached again by replaying its witness.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from hypothesis import given
from typer.testing import CliRunner

from fuzz.strategies import ROOM, budget, to_toml, valid_scenarios
from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import replay
from vacancy_cli.cli.app import app
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import load_scenario, split_token
from vacancy_cli.model.strategies import parse_strategy

runner = CliRunner()
WriteFile = Callable[[bytes | str], Path]
BREAKS = {"lost_update", "oversell", "negative_stock"}  # what a safe strategy never does


def vacancy(*args: str) -> Result:
    return runner.invoke(app, list(args), env=ROOM)


def verdict_of(kinds: list[str]) -> str:
    """The documented wording: each kind's word, in ViolationKind's order, or "correct"."""
    return ", ".join(k.word for k in ViolationKind if k.value in kinds) or "correct"


def quantities(data: dict[str, Any]) -> dict[str, int]:
    """Tickets each request asks for (0 for a read)."""
    return {r["id"]: 0 if r.get("op") == "available" else r.get("qty", 1) for r in data["requests"]}


def check_run(run: dict[str, Any], data: dict[str, Any]) -> None:
    """One simulated run's invariants, from its JSON alone."""
    initial, final = data["stock"], run["final_stock"]
    assert run["initial_stock"] == initial
    assert [r["id"] for r in run["requests"]] == [r["id"] for r in data["requests"]]
    granted = sum(r["qty"] for r in run["requests"] if r["granted"])
    assert run["granted_tickets"] == granted
    kinds = [v["kind"] for v in run["violations"]]
    assert run["verdict"] == verdict_of(kinds)
    if final + granted != initial:
        assert "lost_update" in kinds, f"stock not conserved, yet {run['verdict']!r}"
    if granted > initial:
        assert "oversell" in kinds, f"{granted} granted from {initial}, yet {run['verdict']!r}"
    row = parse_strategy(run["strategy"])
    pods = data.get("pods", 1)
    if final < 0 and (pods == 1 or row.shared_store):
        assert "negative_stock" in kinds
    if row.claims_safety and (pods == 1 or row.safe_across_pods):
        assert not BREAKS & set(kinds), f"{row.name} claims safety: {run['violations']}"
    steps = run["steps"]
    assert [s["t"] for s in steps] == list(range(1, len(steps) + 1))
    stale = [
        s["t"]
        for s in steps
        if any(e["action"] == "cache_hit" and e["seen"] != s["stock"] for e in s["events"])
    ]
    assert run["stale_reads"] == stale
    assert ("stale_read" in kinds) == bool(stale)
    expected = run["expected_final_stock"]
    assert run["meets_expectation"] == (None if expected is None else final == expected)


@budget(100)
@given(data=valid_scenarios())
def test_simulate_keeps_conservation(data: dict[str, Any], scenario_file: WriteFile) -> None:
    """`vacancy simulate FILE --json`: exit 0, one checked run per strategy, and the
    same document when run again (the replay is deterministic)."""
    path = scenario_file(to_toml(data))
    result = vacancy("simulate", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    names = [parse_strategy(s).name for s in data.get("strategies", ["none", "asyncio-lock"])]
    assert [run["strategy"] for run in document["runs"]] == names
    for run in document["runs"]:
        check_run(run, data)
    assert vacancy("simulate", str(path), "--json").stdout == result.stdout


def check_outcome(outcome: dict[str, Any], data: dict[str, Any], strategy: str) -> None:
    """An explored end is judged on totals, so each break is named exactly when it
    happened; with a copy of the stock per pod, a lost update inside one copy does
    not show in the totals (the witness's replay checks those)."""
    qty = quantities(data)
    granted = sum(qty[rid] for rid in outcome["granted"])
    kinds = outcome["violations"]
    assert outcome["verdict"] == verdict_of(kinds)
    not_conserved = outcome["final_stock"] + granted != data["stock"]
    copies = data.get("pods", 1) > 1 and not parse_strategy(strategy).shared_store
    if copies:
        assert not not_conserved or "lost_update" in kinds
    else:
        assert ("lost_update" in kinds) == not_conserved
    assert ("oversell" in kinds) == (granted > data["stock"])
    assert outcome["schedules"] >= 1


@budget(50)
@given(data=valid_scenarios())
def test_explore_witnesses_replay_through_the_cli(
    data: dict[str, Any], scenario_file: WriteFile
) -> None:
    """`vacancy explore FILE --json` is exhaustive, its counts add up, and each violating
    outcome's witness, given to `vacancy simulate FILE -s S --schedule W --json`,
    reproduces that outcome's final stock, granted requests and verdict."""
    path = scenario_file(to_toml(data))
    result = vacancy("explore", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    for exploration in json.loads(result.stdout)["explorations"]:
        assert exploration["complete"] and exploration["mode"] == "exhaustive"
        outcomes = exploration["outcomes"]
        assert exploration["schedules"] == sum(o["schedules"] for o in outcomes)
        assert exploration["violating_schedules"] == sum(
            o["schedules"] for o in outcomes if o["violations"]
        )
        for outcome in outcomes:
            check_outcome(outcome, data, exploration["strategy"])
            if not outcome["violations"]:
                continue
            strategy, witness = exploration["strategy"], outcome["witness"]
            again = vacancy("simulate", str(path), "-s", strategy, "--schedule", witness, "--json")
            assert again.exit_code == 0, again.stderr
            (run,) = json.loads(again.stdout)["runs"]
            check_run(run, data)
            ids = [r["id"] for r in run["requests"] if r["granted"]]
            assert (run["final_stock"], run["verdict"]) == (
                outcome["final_stock"],
                outcome["verdict"],
            ), f"{strategy} --schedule {witness!r}"
            assert sorted(ids) == sorted(outcome["granted"])


@budget(60)
@given(data=valid_scenarios())
def test_every_annotated_witness_replays(data: dict[str, Any], scenario_file: WriteFile) -> None:
    """Through the Python API, faster: every outcome (correct ones too) replays from its
    annotated witness, each step doing what the annotation says, to the same end."""
    scenario = load_scenario(str(scenario_file(to_toml(data))))
    report = explore_scenario(scenario)
    for exploration in report.explorations:
        row = parse_strategy(exploration.strategy)
        for outcome in exploration.outcomes:
            witness = tuple(outcome.annotated.split())
            assert tuple(split_token(t)[0] for t in witness) == outcome.witness
            run = replay(scenario, row, witness)
            assert (run.final_stock, run.granted) == (outcome.final_stock, outcome.granted)
            assert run.verdict == outcome.verdict, f"{row.name}: {outcome.annotated}"
