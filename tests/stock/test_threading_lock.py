"""ADR alternative 2: a threading.Lock held across an await freezes the loop, and we say so."""

from __future__ import annotations

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock.memory import ThreadLockedStockManager


def test_a_second_request_on_the_loop_freezes_it_and_the_steps_are_named() -> None:
    run = run_scenario(load_scenario("threading-lock"), ["threading-lock"]).runs[0]
    assert [s.action for s in run.steps] == ["read", "blocks_loop", "frozen", "frozen"]
    assert [(v.kind, v.steps) for v in run.violations] == [("event_loop_blocked", (1, 2))]
    assert "B called threading.Lock.acquire()" in run.violations[0].message
    assert run.final_stock == 100 and run.granted_tickets == 0


def test_a_schedule_that_never_awaits_while_locked_gets_through() -> None:
    run = run_scenario(load_scenario("threading-lock"), ["threading-lock"], "A A B B").runs[0]
    assert run.violations == () and run.final_stock == 98


def test_the_real_lock_is_released_when_the_frozen_run_is_closed() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"))
    scheduler = Scheduler(100, requests, parse_strategy("threading-lock"))
    scheduler.step("A")
    scheduler.step("B")
    assert scheduler.frozen and scheduler.finished and scheduler.runnable() == []
    manager = scheduler.manager
    assert isinstance(manager, ThreadLockedStockManager) and manager.lock.locked()
    scheduler.close()
    assert not manager.lock.locked()


def test_explore_counts_the_freezing_interleavings() -> None:
    exploration = explore_scenario(load_scenario("threading-lock"), ["threading-lock"])
    frozen = exploration.explorations[0].violating
    assert frozen and all(o.violations == ("event_loop_blocked",) for o in frozen)
    assert exploration.explorations[0].violating_schedules == 2
    assert exploration.explorations[0].naive_interleavings == 4
