"""A user's own manager under the scheduler: plain asyncio code, every yield a step."""

from __future__ import annotations

from pathlib import Path

import pytest

from vacancy_cli.app.choose import own_row
from vacancy_cli.app.explore import explore_exhaustively, explore_scenario
from vacancy_cli.app.simulate import replay
from vacancy_cli.engine import own, virtual_loop
from vacancy_cli.engine.search import Search
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import Scenario, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.model.trace import WAITS, Event
from vacancy_cli.stock.own import load

MANAGERS = Path(__file__).parents[1] / "managers"
NAIVE = str(MANAGERS / "naive.py")


def scenario(stock: int, *quantities: int) -> Scenario:
    requests = tuple(RequestSpec("ABCDEFGH"[n], qty) for n, qty in enumerate(quantities))
    return Scenario("own", "own", "", stock, (), (), requests, {}, 100, "test")


def outcome_map(found: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [(o.final_stock, o.granted, o.schedules, o.violations) for o in found]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["lost-update", "three-way", "oversell"])
def test_the_adrs_manager_by_hand_explores_exactly_as_the_builtin_none(name: str) -> None:
    """The same outcomes, with the same schedule counts: own code is stepped at the same
    places as the built-in (read; the await; write)."""
    bundled = load_scenario(name)
    mine = explore_exhaustively(Search(bundled, own_row(NAIVE)))
    builtin = explore_exhaustively(Search(bundled, parse_strategy("none")))
    assert outcome_map(mine) == outcome_map(builtin)
    assert any(o.violations for o in mine)


def test_the_adr_table_with_own_code() -> None:
    run = replay(load_scenario("lost-update"), own_row(NAIVE), ("A", "B", "A", "B"))
    rows = [(s.request, s.action, s.seen, s.stock) for s in run.steps]
    assert rows == [("A", "read", 100, 100), ("B", "read", 100, 100)] + [
        ("A", "write", 100, 99),
        ("B", "write", 100, 99),
    ]
    assert [(v.kind, v.steps) for v in run.violations] == [(ViolationKind.LOST_UPDATE, (2, 4))]
    assert run.strategy == "naive.py:StockManager"


def test_a_free_lock_is_not_a_step_and_a_held_one_is_a_wait() -> None:
    run = replay(scenario(10, 1, 1), own_row(str(MANAGERS / "locked.py")), ("A", "B", "A", "B"))
    actions = [(s.request, s.action) for s in run.steps]
    # A takes the free lock without yielding and reads (one step); B finds it held
    assert actions[:3] == [("A", "read"), ("B", "waits"), ("A", "write")]
    assert run.steps[1].events[0].name == "lock"
    assert run.final_stock == 8 and run.violations == ()


def test_the_locked_manager_is_safe_in_every_interleaving() -> None:
    found = explore_scenario(load_scenario("three-way"), manager=str(MANAGERS / "locked.py"))
    (exploration,) = found.explorations
    assert exploration.complete and exploration.violating == ()
    assert exploration.schedules > 1


def test_locks_taken_in_opposite_orders_deadlock_as_an_outcome_with_a_witness() -> None:
    outcomes = explore_exhaustively(
        Search(scenario(10, 1, 2), own_row(str(MANAGERS / "two_locks.py")))
    )
    deadlocks = [o for o in outcomes if ViolationKind.DEADLOCK in o.violations]
    assert deadlocks and all(o.granted == () for o in deadlocks)
    assert sum(o.schedules for o in outcomes) == 6
    run = replay(scenario(10, 1, 2), own_row(str(MANAGERS / "two_locks.py")), deadlocks[0].witness)
    assert [v.kind for v in run.violations] == [ViolationKind.DEADLOCK]
    assert "A, B wait for each other" in run.violations[0].message


def test_an_exception_names_the_request_the_message_and_the_line() -> None:
    run = replay(scenario(5, 1, 2), own_row(f"{MANAGERS / 'misc.py'}:Raising"), ())
    (raised,) = run.violations
    assert raised.kind is ViolationKind.EXCEPTION
    assert raised.message.startswith("exception: B raised ValueError: bulk orders are not")
    lines = (MANAGERS / "misc.py").read_text().splitlines()
    where = next(n for n, line in enumerate(lines, 1) if "raise ValueError" in line)
    assert raised.message.endswith(f"(line {where} of misc.py)")
    assert [r.granted for r in run.requests] == [True, None]


def test_sleep_runs_on_virtual_time_and_the_clock_jumps_when_nothing_else_can_move() -> None:
    row = own_row(f"{MANAGERS / 'misc.py'}:Sleeper")
    with own.OwnScheduler(scenario(10, 1, 1), row, load(row.variant)) as scheduler:
        scheduler.finish()
        assert scheduler.managers[0].slept == [5.0, 5.0]  # loop.time() saw it, nobody waited
        assert scheduler.final_stock == 8  # available(), the contract's final stock
        assert [s.action for s in scheduler.steps][:2] == ["read", "waits"]


def test_a_step_that_never_yields_is_stopped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(virtual_loop, "STEP_LIMIT_S", 0.2)
    run = replay(scenario(5, 1), own_row(f"{MANAGERS / 'misc.py'}:Frozen"), ())
    assert [v.kind for v in run.violations] == [ViolationKind.EXCEPTION]
    assert "without giving control back" in run.violations[0].message


def test_a_result_that_is_not_granted_and_stock_is_reported() -> None:
    run = replay(scenario(5, 1), own_row(f"{MANAGERS / 'misc.py'}:BadResult"), ())
    assert "returned 'yes' from reserve" in run.violations[0].message


def test_state_it_cannot_compare_is_explored_without_merging() -> None:
    bundled = load_scenario("lost-update")
    opaque = explore_exhaustively(Search(bundled, own_row(f"{MANAGERS / 'misc.py'}:Opaque")))
    naive = explore_exhaustively(Search(bundled, own_row(NAIVE)))
    assert outcome_map(opaque) == outcome_map(naive)  # exact counts all the same
    (said,) = explore_scenario(bundled, manager=f"{MANAGERS / 'misc.py'}:Opaque").explorations
    assert said.merged is False
    (merged,) = explore_scenario(bundled, manager=NAIVE).explorations
    assert merged.merged is True


def test_a_function_that_makes_the_manager_serves_as_well() -> None:
    run = replay(scenario(5, 1), own_row(f"{MANAGERS / 'misc.py'}:make_manager"), ())
    assert run.final_stock == 4 and run.strategy == "misc.py:make_manager"


def test_a_witness_replays_to_its_outcome() -> None:
    bundled = load_scenario("three-way")
    row = own_row(NAIVE)
    for outcome in explore_exhaustively(Search(bundled, row)):
        run = replay(bundled, row, outcome.witness)
        assert (run.final_stock, run.granted) == (outcome.final_stock, outcome.granted)


def test_a_subclass_calling_super_explores_like_its_base() -> None:
    bundled = load_scenario("three-way")
    child = explore_exhaustively(Search(bundled, own_row(f"{MANAGERS / 'misc.py'}:Child")))
    base = explore_exhaustively(Search(bundled, own_row(f"{MANAGERS / 'misc.py'}:Base")))
    assert outcome_map(child) == outcome_map(base)


def test_semaphores_conditions_events_queues_and_tasks_of_its_own() -> None:
    row = own_row(f"{MANAGERS / 'misc.py'}:Primitives")
    bundled = load_scenario("oversell")
    outcomes = explore_exhaustively(Search(bundled, row))
    assert outcomes and all(not o.violations for o in outcomes)  # one writer: never oversold
    assert {(o.final_stock, len(o.granted)) for o in outcomes} == {(1, 1)}  # 3 in stock, 2 + 2
    run = replay(bundled, row, outcomes[0].witness)
    assert run.violations == () and run.final_stock == 1
    interleaved = replay(bundled, row, ("A", "B", "A", "B"))
    assert interleaved.steps[1].events == (Event(WAITS, None, None, "semaphore"),)
