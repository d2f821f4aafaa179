"""The explorer: exact counts, witnesses that replay, reductions, sampling."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from vacancy_cli.app.explore import explore_scenario, merge
from vacancy_cli.app.simulate import replay, run_scenario
from vacancy_cli.cli.app import app
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.result import Outcome, ViolationKind
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.report.documents import exploration_report

from helpers import brute_force
from reference_model import Model

STRATEGIES = ["none", "asyncio-lock", "semaphore:1", "semaphore:2"]
STALE = ViolationKind.STALE_READ
PERMITS = {"none": None, "asyncio-lock": 1, "semaphore:1": 1, "semaphore:2": 2}

Outcomes = Counter[tuple[int, tuple[str, ...], bool]]  # final stock, granted, a stale read


def explored(scenario: Scenario, strategy: str) -> Outcomes:
    exploration = explore_scenario(scenario, [strategy]).explorations[0]
    assert exploration.complete
    found: Outcomes = Counter()
    for o in exploration.outcomes:
        found[(o.final_stock, o.granted, "stale_read" in o.violations)] += o.schedules
    return found


def model_brute_force(scenario: Scenario, strategy: str) -> Outcomes:
    """Every interleaving of the independent model (tests/model.py): no engine code."""
    requests = [(spec.id, spec.qty) for spec in scenario.requests]
    found: Outcomes = Counter()

    def walk(prefix: list[str]) -> None:
        model = Model.of(scenario.stock, requests, PERMITS[strategy])
        for rid in prefix:
            model.step(rid)
        ready = [r.id for r in model.runnable()]
        if not ready:
            found[(model.stock, tuple(r.id for r in model.reqs if r.granted), False)] += 1
        for rid in ready:
            walk(prefix + [rid])

    walk([])
    return found


def family(n: int, stock: int = 100, qty: int = 1) -> Scenario:
    requests = tuple(RequestSpec(chr(ord("A") + i), qty) for i in range(n))
    return Scenario("family", "family", "", stock, ("none",), (), requests, {}, 100, "test")


def test_lost_update_none_four_of_six_interleavings_lose_an_update() -> None:
    exploration = explore_scenario(load_scenario("lost-update"), ["none"]).explorations[0]
    assert exploration.naive_interleavings == 6
    assert exploration.violating_schedules == 4
    first, second = exploration.outcomes
    assert (first.final_stock, first.schedules, first.violations) == (99, 4, ("lost_update",))
    assert first.bare == "A B A B"
    assert first.annotated == "A:read B:read A:write B:write"
    assert (second.final_stock, second.schedules, second.violations) == (98, 2, ())
    assert exploration.witness_run is not None
    assert exploration.witness_run.final_stock == 99


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_outcomes_and_counts_equal_a_brute_force_enumeration(name: str, strategy: str) -> None:
    scenario = load_scenario(name)
    assert explored(scenario, strategy) == brute_force(scenario, strategy)


@pytest.mark.parametrize(
    "scenario",
    [family(3, stock=2, qty=1), family(3, stock=4, qty=2), load_scenario("oversell")],
    ids=["3-buyers-stock-2", "3-pairs-stock-4", "oversell"],
)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_outcomes_and_counts_equal_the_independent_model(scenario: Scenario, strategy: str) -> None:
    assert explored(scenario, strategy) == model_brute_force(scenario, strategy)


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_witness_replays_to_its_outcome(name: str, strategy: str) -> None:
    scenario = load_scenario(name)
    for outcome in explore_scenario(scenario, [strategy]).explorations[0].outcomes:
        for schedule in (outcome.bare, outcome.annotated):
            run = run_scenario(scenario, [strategy], schedule=schedule).runs[0]
            granted = tuple(r.id for r in run.requests if r.granted)
            assert (run.final_stock, granted) == (outcome.final_stock, outcome.granted)
            assert len(run.steps) == len(outcome.witness)  # nothing left to finish
            assert tuple(dict.fromkeys(v.kind for v in run.violations)) == outcome.violations


ONE_POD = [name for name in bundled_names() if load_scenario(name).pods == 1]


@pytest.mark.parametrize("name", ONE_POD)
def test_safe_strategies_have_no_violating_outcome_anywhere(name: str) -> None:
    report = explore_scenario(load_scenario(name), ["asyncio-lock", "semaphore:1"])
    for exploration in report.explorations:
        assert exploration.complete
        assert exploration.violating == (), (name, exploration.strategy)


def test_eight_identical_buyers_reach_all_eight_final_stocks() -> None:
    exploration = explore_scenario(family(8), ["none"]).explorations[0]
    assert exploration.naive_interleavings == 81_729_648_000
    assert sorted(o.final_stock for o in exploration.outcomes) == list(range(92, 100))
    assert exploration.states < 2000  # the reductions at work: 1,280 states
    lost_all = next(o for o in exploration.outcomes if o.final_stock == 99)
    run = replay(family(8), parse_strategy("none"), lost_all.witness)
    assert run.final_stock == 99


def test_symmetric_outcomes_are_split_per_id_with_renamed_witnesses() -> None:
    exploration = explore_scenario(family(3, stock=1), ["asyncio-lock"]).explorations[0]
    winners = {o.granted: o for o in exploration.outcomes}
    assert set(winners) == {("A",), ("B",), ("C",)}
    counts = {o.schedules for o in winners.values()}
    assert len(counts) == 1  # by symmetry each buyer wins equally often
    for granted, outcome in winners.items():
        assert outcome.witness[0] == granted[0]  # the winner moves first


def test_max_states_stops_cleanly_and_says_incomplete() -> None:
    exploration = explore_scenario(family(6), ["none"], max_states=20).explorations[0]
    assert not exploration.complete
    assert exploration.naive_interleavings is None
    assert exploration.states == 20


def test_random_mode_is_deterministic_per_seed() -> None:
    scenario = family(5)
    first = exploration_report(explore_scenario(scenario, ["none"], random_runs=60, seed=4))
    second = exploration_report(explore_scenario(scenario, ["none"], random_runs=60, seed=4))
    assert json.dumps(first) == json.dumps(second)
    first = first["explorations"][0]
    assert first["mode"] == "random" and first["complete"] is False
    assert sum(o["schedules"] for o in first["outcomes"]) == first["states"] <= 60


def test_pct_mode_is_deterministic_and_finds_the_lost_update() -> None:
    scenario = load_scenario("three-way")
    runs = [
        exploration_report(
            explore_scenario(scenario, ["none"], random_runs=50, seed=1, pct_depth=2)
        )["explorations"][0]
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert runs[0]["mode"] == "pct"
    assert any(o["violations"] for o in runs[0]["outcomes"])


def test_sampled_witnesses_replay_too() -> None:
    scenario = load_scenario("semaphore-permits")
    report = explore_scenario(scenario, ["semaphore:2"], random_runs=40, seed=9)
    for outcome in report.explorations[0].outcomes:
        run = replay(scenario, parse_strategy("semaphore:2"), outcome.witness)
        assert run.final_stock == outcome.final_stock


def test_with_two_pods_the_per_pod_lock_can_oversell_and_the_database_cannot() -> None:
    report = explore_scenario(
        load_scenario("pods"), ["asyncio-lock", "sqlite-locked", "sqlite-conditional"]
    )
    memory, locked, conditional = report.explorations
    assert all(o.violations == ("oversell",) for o in memory.outcomes)  # every schedule
    assert locked.violating and locked.violating_schedules < locked.schedules
    assert conditional.violating == () and conditional.complete


def _vacancy(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80", "LINES": "40"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_explore_stale_cache_witnesses_a_stale_read_that_simulate_replays() -> None:
    """The issue's check: the cache lesson has an outcome map, and its witness is a
    schedule ``vacancy simulate --schedule`` replays to the same stale read."""
    doc = json.loads(_vacancy("explore", "stale-cache", "-s", "none", "--json"))
    outcomes = doc["explorations"][0]["outcomes"]
    stale = [o for o in outcomes if "stale_read" in o["violations"]]
    assert stale and all(o["verdict"] == "stale read" for o in stale)
    assert any(not o["violations"] for o in outcomes)  # the same stock, reached cleanly too
    witness = stale[0]["witness"]
    replayed = json.loads(
        _vacancy("simulate", "stale-cache", "-s", "none", "--schedule", witness, "--json")
    )
    run = replayed["runs"][0]
    assert [v["kind"] for v in run["violations"]] == ["stale_read"]
    assert run["stale_reads"] == [run["violations"][0]["steps"][-1]]
    assert run["verdict"] == "stale read"
    screen = _vacancy("explore", "stale-cache", "-s", "none")
    assert "interleavings serve a stale read from the cache" in screen
    assert f'--schedule "{witness}"' in screen


def test_merge_keeps_ends_that_differ_only_in_a_stale_read_apart() -> None:
    clean = Outcome(9, ("A",), 3, (), ("A", "A"), ("read", "write"))
    stale = Outcome(9, ("A",), 1, (STALE,), ("R", "A", "A"), ("read", "read", "write"))
    again = Outcome(9, ("A",), 2, (), ("R", "A", "A"), ("read", "read", "write"))
    merged = merge([clean, stale, again])
    assert [(o.violations, o.schedules, o.bare) for o in merged] == [
        (("stale_read",), 1, "R A A"),
        ((), 5, "A A"),
    ]


@pytest.mark.parametrize("strategy", ["semaphore:2", "none", "asyncio-lock"])
def test_every_outcomes_witness_grants_what_the_outcome_says(strategy: str) -> None:
    """Identical requests are merged, and the path that first reached an end may
    grant other ids than its shortest path: the outcome names the witness's.
    (Found by the fuzzers: under semaphore:2 three outcomes named grants their
    witnesses did not reproduce.)"""
    requests = (RequestSpec("0", 3), RequestSpec("1"), RequestSpec("00"), RequestSpec("000"))
    scenario = Scenario("mixed", "", "", 3, (strategy,), (), requests, {}, 100, "test")
    (exploration,) = explore_scenario(scenario, [strategy]).explorations
    for outcome in exploration.outcomes:
        with Scheduler(3, requests, parse_strategy(strategy), 100) as replayed:
            for rid in outcome.witness:
                replayed.step(rid)
            granted = tuple(r.id for r in replayed.results() if r.granted)
        assert (replayed.final_stock, granted) == (outcome.final_stock, outcome.granted)


def test_requests_on_different_pods_are_not_interchangeable_and_lost_updates_count() -> None:
    """Found by the fuzzers. With a copy of the stock per pod, A and B on pod 1 can
    lose an update that the totals cannot show, and C on pod 2 is not a copy of A:
    every witness must replay to its outcome's grants, stock and breaks."""
    requests = (RequestSpec("A"), RequestSpec("C"), RequestSpec("B", pod=0))
    scenario = Scenario("pods", "", "", 1, ("none",), (), requests, {}, 100, "test", pods=2)
    (exploration,) = explore_scenario(scenario, ["none"]).explorations
    assert any(ViolationKind.LOST_UPDATE in o.violations for o in exploration.outcomes)
    for outcome in exploration.outcomes:
        run = replay(scenario, parse_strategy("none"), outcome.witness)
        assert (run.final_stock, run.granted) == (outcome.final_stock, outcome.granted)
        assert {v.kind for v in run.violations} >= set(outcome.violations) - {
            ViolationKind.STALE_READ
        }
