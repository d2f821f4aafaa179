"""Replays end to end: the ADR's table, the catalogue, determinism, and a model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vacancy_cli.app.simulate import replay, run_scenario
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.report.documents import simulation

from helpers import TEST_SERVERS, missing_servers
from reference_model import Model


def skip_without_servers(name: str) -> None:
    reason = missing_servers(load_scenario(name).strategies)
    if reason:
        pytest.skip(reason)


def test_the_adr_table_exactly_without_the_lock() -> None:
    run = run_scenario(load_scenario("lost-update"), ["none"]).runs[0]
    rows = [(s.t, s.request, s.action, s.seen, s.stock) for s in run.steps]
    assert rows == [
        (1, "A", "read", 100, 100),
        (2, "B", "read", 100, 100),
        (3, "A", "write", 100, 99),
        (4, "B", "write", 100, 99),
    ]
    assert run.final_stock == 99
    assert [(v.kind, v.steps) for v in run.violations] == [("lost_update", (2, 4))]


def test_the_adr_schedule_under_the_lock_ends_at_98_with_b_waiting_at_t2() -> None:
    run = run_scenario(load_scenario("lost-update"), ["asyncio-lock"]).runs[0]
    assert run.steps[1].t == 2 and run.steps[1].request == "B" and run.steps[1].action == "waits"
    assert run.final_stock == 98
    assert run.violations == ()
    assert run.verdict == "correct"


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_scenario_meets_its_expectations(name: str) -> None:
    skip_without_servers(name)
    sim = run_scenario(load_scenario(name), servers=TEST_SERVERS)
    assert sim.runs, name
    for run in sim.runs:
        assert run.expected_final_stock is not None
        assert run.final_stock == run.expected_final_stock, (name, run.strategy)


@pytest.mark.parametrize(
    "name", [name for name in bundled_names() if load_scenario(name).pods == 1]
)
def test_safe_strategies_never_violate_in_the_catalogue(name: str) -> None:
    for run in run_scenario(load_scenario(name), ["asyncio-lock", "semaphore:1"]).runs:
        assert run.violations == (), (name, run.strategy)


def test_oversell_scenario_is_oversold_without_the_lock() -> None:
    run = run_scenario(load_scenario("oversell"), ["none"]).runs[0]
    assert "oversell" in {v.kind for v in run.violations}
    assert run.granted_tickets == 4 > run.initial_stock


def test_stale_cache_scenario_shows_a_stale_read_only_without_the_lock() -> None:
    none, lock = run_scenario(load_scenario("stale-cache")).runs
    assert none.stale_reads and not lock.stale_reads


@pytest.mark.parametrize("name", bundled_names())
def test_same_scenario_strategy_and_schedule_give_identical_json(name: str) -> None:
    skip_without_servers(name)
    scenario = load_scenario(name)
    first = json.dumps(simulation(run_scenario(scenario, servers=TEST_SERVERS)))
    second = json.dumps(simulation(run_scenario(load_scenario(name), servers=TEST_SERVERS)))
    assert first == second


def test_a_schedule_option_replaces_the_files() -> None:
    sim = run_scenario(load_scenario("lost-update"), ["none"], schedule="A,A,B,B")
    assert sim.schedule == ("A", "A", "B", "B")
    assert sim.runs[0].final_stock == 98


def test_expectations_hold_for_the_files_own_schedule_and_pods_only() -> None:
    scenario = load_scenario("lost-update")
    own = run_scenario(scenario, ["none"], schedule=" ".join(scenario.schedule)).runs[0]
    assert own.expected_final_stock == 99 and own.meets_expectation
    serial = run_scenario(scenario, ["none"], schedule="A A B B").runs[0]
    assert serial.final_stock == 98 and serial.expected_final_stock is None
    split = run_scenario(scenario, ["none"], pods=2).runs[0]
    assert split.expected_final_stock is None and split.meets_expectation is None


def test_repeated_strategies_run_once() -> None:
    sim = run_scenario(load_scenario("lost-update"), ["semaphore", "semaphore:2"])
    assert [r.strategy for r in sim.runs] == ["semaphore:2"]


def _scenario(stock: int, requests: list[tuple[str, int]]) -> Scenario:
    return Scenario(
        name="random",
        title="random",
        lesson="",
        stock=stock,
        strategies=("none",),
        schedule=(),
        requests=tuple(RequestSpec(rid, qty) for rid, qty in requests),
        expect={},
        step_ms=100,
        source="test",
    )


PERMITS = {"none": None, "asyncio-lock": 1, "semaphore:1": 1, "semaphore:2": 2, "semaphore:3": 3}


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, list[tuple[str, int]], tuple[str, ...]]:
    """A stock, up to five requests of 1 to 3 tickets, and a schedule over their ids."""
    ids = "ABCDE"[: draw(st.integers(1, 5))]
    requests = [(rid, draw(st.integers(1, 3))) for rid in ids]
    schedule = tuple(draw(st.lists(st.sampled_from(ids), max_size=12)))
    return draw(st.integers(0, 8)), requests, schedule


@pytest.mark.parametrize("strategy", sorted(PERMITS))
@settings(max_examples=150, deadline=None, derandomize=True)
@given(case=cases())
def test_engine_agrees_with_an_independent_model_on_any_schedule(
    strategy: str, case: tuple[int, list[tuple[str, int]], tuple[str, ...]]
) -> None:
    """A property: for every stock, set of requests and schedule, the real code under
    the scheduler ends where the independent model of the StockManager says."""
    stock, requests, schedule = case
    run = replay(_scenario(stock, requests), parse_strategy(strategy), schedule)
    model = Model.of(stock, requests, PERMITS[strategy]).run(list(schedule))
    assert (run.final_stock, run.granted) == model


def test_a_scenario_file_with_its_own_schedule(write_scenario: Callable[..., Path]) -> None:
    path = write_scenario(
        'stock = 5\nschedule = "B A B A C"\nstrategies = ["none"]\n'
        '[[requests]]\nid = "A"\nqty = 2\n[[requests]]\nid = "B"\nqty = 2\n'
        '[[requests]]\nid = "C"\nqty = 2\n'
    )
    run = run_scenario(load_scenario(str(path))).runs[0]
    # B and A both read 5 and both write 3 (one sale lost); C then reads 3 and writes 1:
    # six tickets granted out of five.
    assert run.final_stock == 1
    assert [v.kind for v in run.violations] == ["lost_update", "oversell"]
