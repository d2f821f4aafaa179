"""The scheduler: one request per step, blocking, the settle rule, finishing order."""

from __future__ import annotations

import pytest

from vacancy_cli.engine.scheduler import Scheduler, State
from vacancy_cli.model import trace
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.strategies import parse_strategy

AB = (RequestSpec("A"), RequestSpec("B"))


def actions(steps: list[trace.Step]) -> list[tuple[str, tuple[str, ...], int]]:
    return [(s.request, tuple(e.action for e in s.events), s.stock) for s in steps]


def run(
    strategy: str, schedule: str, requests: tuple[RequestSpec, ...] = AB, stock: int = 100
) -> list[trace.Step]:
    with Scheduler(stock, requests, parse_strategy(strategy)) as scheduler:
        for rid in schedule.split():
            scheduler.step(rid)
        scheduler.finish()
        return list(scheduler.steps)


def test_none_takes_exactly_two_steps_per_request_read_then_write() -> None:
    steps = run("none", "A B A B")
    assert actions(steps) == [
        ("A", ("read",), 100),
        ("B", ("read",), 100),
        ("A", ("write",), 99),
        ("B", ("write",), 99),
    ]


def test_a_step_moves_only_the_named_request() -> None:
    with Scheduler(100, AB, parse_strategy("none")) as scheduler:
        scheduler.step("A")
        assert scheduler.state("A") is State.PARKED
        assert scheduler.state("B") is State.NEW
        scheduler.step("A")
        assert scheduler.state("A") is State.DONE
        assert scheduler.state("B") is State.NEW
        assert scheduler.manager.total == 99


def test_lock_blocks_b_until_a_releases_then_b_moves_only_when_scheduled() -> None:
    with Scheduler(100, AB, parse_strategy("asyncio-lock")) as scheduler:
        scheduler.step("A")
        second = scheduler.step("B")
        assert second.action == trace.WAITS
        assert scheduler.state("B") is State.WAITING
        assert scheduler.runnable() == ["A"]
        scheduler.step("A")  # writes and releases: B is woken, owns the lock, but stays parked
        assert scheduler.state("B") is State.PARKED
        assert scheduler.manager.total == 99
        fourth = scheduler.step("B")
        assert [e.action for e in fourth.events] == [trace.ACQUIRES, trace.READ]
        assert fourth.seen == 99


def test_a_step_given_to_a_blocked_request_is_shown_as_blocked() -> None:
    steps = run("asyncio-lock", "A B B B A")
    assert [s.action for s in steps[:5]] == ["read", "waits", "blocked", "blocked", "write"]
    assert steps[-1].stock == 98


def test_a_step_given_to_a_finished_request_is_shown_as_done() -> None:
    steps = run("none", "A A A")
    assert [s.action for s in steps] == ["read", "write", "done", "read", "write"]


def test_leftover_requests_finish_first_runnable_in_scenario_order() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"), RequestSpec("C"))
    steps = run("none", "C", requests)
    assert [s.request for s in steps] == ["C", "A", "A", "B", "B", "C"]


def test_lock_holder_finishes_first_when_earlier_requests_wait() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"))
    steps = run("asyncio-lock", "B A", requests)
    # B holds the lock, A waits: the finishing rule must pick B although A comes first.
    assert [(s.request, s.action) for s in steps] == [
        ("B", "read"),
        ("A", "waits"),
        ("B", "write"),
        ("A", "read"),
        ("A", "write"),
    ]


def test_semaphore_with_two_permits_lets_two_in_and_the_third_waits() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"), RequestSpec("C"))
    steps = run("semaphore:2", "A B C", requests)
    assert [s.action for s in steps[:3]] == ["read", "read", "waits"]


def test_semaphore_one_behaves_like_the_lock() -> None:
    schedule = "A B A B"
    lock = [(s.request, s.action, s.stock) for s in run("asyncio-lock", schedule)]
    sem = [(s.request, s.action, s.stock) for s in run("semaphore:1", schedule)]
    assert lock == sem


def test_lock_fifo_wakes_the_first_waiter() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"), RequestSpec("C"))
    with Scheduler(10, requests, parse_strategy("asyncio-lock")) as scheduler:
        for rid in "A C B A".split():  # C queues before B
            scheduler.step(rid)
        assert scheduler.state("C") is State.PARKED
        assert scheduler.state("B") is State.WAITING


def test_rejected_request_writes_nothing() -> None:
    requests = (RequestSpec("A", qty=2), RequestSpec("B", qty=2))
    with Scheduler(3, requests, parse_strategy("asyncio-lock")) as scheduler:
        scheduler.finish()
        results = {r.id: r for r in scheduler.results()}
    assert results["A"].granted is True
    assert results["B"].granted is False
    assert results["B"].returned == 1


def test_available_reads_through_the_cache_and_reserve_invalidates_it() -> None:
    requests = (
        RequestSpec("R1", op="available"),
        RequestSpec("R2", op="available"),
        RequestSpec("A"),
        RequestSpec("R3", op="available"),
    )
    with Scheduler(10, requests, parse_strategy("asyncio-lock"), step_ms=100) as scheduler:
        scheduler.finish()
        steps = list(scheduler.steps)
        results = {r.id: r.returned for r in scheduler.results()}
    kinds = [(s.request, s.action) for s in steps]
    assert ("R2", trace.CACHE_HIT) in kinds  # served from cache, no lock
    assert results == {"R1": 10, "R2": 10, "A": 9, "R3": 9}  # R3 misses: A cleared the cache
    assert not any(s.request == "R2" and s.has(trace.ACQUIRES) for s in steps)


def test_cache_expires_after_one_second_of_virtual_time() -> None:
    requests = (RequestSpec("R1", op="available"), RequestSpec("R2", op="available"))
    with Scheduler(10, requests, parse_strategy("none"), step_ms=600) as scheduler:
        for rid in "R1 R1 R2".split():  # cached at t2 (0.6 s), R2 at t3 (1.2 s): 0.6 s old
            scheduler.step(rid)
        assert scheduler.steps[-1].action == trace.CACHE_HIT
    with Scheduler(10, requests, parse_strategy("none"), step_ms=600) as scheduler:
        for rid in "R1 R1 R1 R2".split():  # R2 at t4 (1.8 s): 1.2 s old, expired
            scheduler.step(rid)
        assert scheduler.steps[-1].action == trace.READ


def test_steps_are_numbered_from_one_and_record_stock_after_the_step() -> None:
    steps = run("none", "A B A B")
    assert [s.t for s in steps] == [1, 2, 3, 4]
    assert [s.stock for s in steps] == [100, 100, 99, 99]


def test_close_cancels_requests_left_parked() -> None:
    scheduler = Scheduler(100, AB, parse_strategy("asyncio-lock"))
    scheduler.step("A")
    scheduler.step("B")
    scheduler.close()  # must neither hang nor raise


@pytest.mark.parametrize("strategy", ["none", "asyncio-lock", "semaphore:1", "semaphore:2"])
def test_every_strategy_finishes_every_request(strategy: str) -> None:
    requests = tuple(RequestSpec(rid) for rid in "ABCD")
    with Scheduler(100, requests, parse_strategy(strategy)) as scheduler:
        for rid in "A B C D A B C D".split():
            scheduler.step(rid)
        scheduler.finish()
        assert scheduler.finished
        assert all(r.granted for r in scheduler.results())
