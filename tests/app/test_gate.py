"""``--check``'s rules as data: [expect] missed, a safety claim broken, a search cut short."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.gate import check_report, check_simulation, claims_safety, did
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.model.strategies import ALL_STRATEGIES, parse_strategy

from helpers import LOST_UPDATE

NAIVE = str(Path(__file__).parents[1] / "managers" / "naive.py")


def test_a_lesson_s_unsafe_strategy_breaking_is_not_a_failure() -> None:
    sim = run_scenario(load_scenario("lost-update"))
    assert any(run.violations for run in sim.runs)  # none loses an update: the lesson
    assert check_simulation(sim) == []


def test_a_final_stock_that_misses_expect_fails_with_both_numbers(
    write_scenario: Callable[[str], Path],
) -> None:
    path = write_scenario(LOST_UPDATE + "\n[expect]\nnone = 98\n")
    failures = check_simulation(run_scenario(load_scenario(str(path))))
    assert [(f.strategy, f.reason) for f in failures] == [
        ("none", "final stock 99, [expect] says 98")
    ]


def test_a_user_manager_claims_safety_so_its_lost_update_fails_with_the_schedule() -> None:
    sim = run_scenario(load_scenario("lost-update"), manager=NAIVE)
    (failure,) = check_simulation(sim)
    assert failure.strategy == "naive.py:StockManager"
    assert failure.line == (
        "naive.py:StockManager: claims safety but lost an update (schedule A B A B)"
    )


def test_the_failure_s_schedule_replays_the_same_break() -> None:
    scenario = load_scenario("lost-update")
    (failure,) = check_simulation(run_scenario(scenario, schedule="B A A B", manager=NAIVE))
    schedule = failure.reason.split("(schedule ")[1].rstrip(")")
    again = run_scenario(scenario, schedule=schedule, manager=NAIVE)
    assert check_simulation(again) == [failure]


@pytest.mark.parametrize("name", [*ALL_STRATEGIES, "semaphore:3", "my_fix.py:StockManager"])
@pytest.mark.parametrize("pods", [1, 2])
def test_claims_follow_the_strategy_table(name: str, pods: int) -> None:
    row = parse_strategy(name)
    assert claims_safety(name, pods) is (row.claims_safety if pods == 1 else row.safe_across_pods)


def test_per_pod_locks_claim_nothing_across_pods() -> None:
    scenario = load_scenario("pods")
    sim = run_scenario(scenario)
    assert any(run.violations and run.strategy == "asyncio-lock" for run in sim.runs)
    assert check_simulation(sim) == []


@pytest.mark.parametrize("name", [n for n in bundled_names() if n not in ("servers", "deadlock")])
def test_every_bundled_lesson_passes_its_own_check(name: str) -> None:
    # deadlock: its own manager claims safety and deadlocks, which --check must report
    assert check_simulation(run_scenario(load_scenario(name))) == []


def test_the_deadlock_lesson_fails_the_check_as_a_user_manager_should() -> None:
    (failure,) = check_simulation(run_scenario(load_scenario("deadlock")))
    assert "claims safety but deadlocked" in failure.reason


@given(st.sets(st.sampled_from(list(ViolationKind)), min_size=1))
def test_did_names_each_kind_once_in_verdict_order(kinds: set[ViolationKind]) -> None:
    words = did(kinds)
    positions = [words.index(did([k])) for k in ViolationKind if k in kinds]
    assert positions == sorted(positions)
    assert words.count(" and ") == (len(kinds) > 1)


# -- explore -----------------------------------------------------------------------


def test_exploring_a_claimed_strategy_that_breaks_fails_with_a_replayable_witness() -> None:
    scenario = load_scenario("lost-update")
    report = explore_scenario(scenario, manager=NAIVE)
    (failure,) = check_report(report, scenario.expect)
    assert "claims safety but lost an update in 4 of 6 interleavings" in failure.reason
    witness = failure.reason.split('--schedule "')[1].rstrip('"')
    assert f"vacancy simulate lost-update --manager {NAIVE} --schedule" in failure.reason
    replayed = run_scenario(scenario, schedule=witness, manager=NAIVE)
    assert replayed.runs[-1].violations


def test_an_incomplete_search_fails_the_check_saying_it_proves_nothing() -> None:
    scenario = load_scenario("three-way")
    report = explore_scenario(scenario, ["asyncio-lock"], max_states=5)
    (failure,) = check_report(report, scenario.expect)
    assert failure.strategy == "asyncio-lock"
    assert "incomplete" in failure.reason and "proves nothing" in failure.reason


def test_a_random_sample_is_not_failed_for_being_a_sample() -> None:
    scenario = load_scenario("three-way")
    report = explore_scenario(scenario, random_runs=10)
    assert not report.explorations[0].complete
    assert check_report(report, scenario.expect) == []


def test_an_expected_final_stock_no_interleaving_reaches_fails(
    write_scenario: Callable[[str], Path],
) -> None:
    path = write_scenario(LOST_UPDATE + "\n[expect]\nnone = 99\nasyncio-lock = 99\n")
    scenario = load_scenario(str(path))
    failures = check_report(explore_scenario(scenario), scenario.expect)
    assert [(f.strategy, f.reason) for f in failures] == [
        (
            "asyncio-lock",
            "[expect] says final stock 99, but no interleaving ends there (reachable: 98)",
        )
    ]


def test_without_expect_only_claims_count() -> None:
    scenario = load_scenario("lost-update")
    report = explore_scenario(scenario)
    assert report.explorations[0].violating  # none breaks, as the lesson says
    assert check_report(report) == []
