"""The public testing API: a user's manager explored from plain and async pytest tests."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.stock.own import register
from vacancy_cli.testing import ExplorationResult, assert_no_race, explore


class Unlocked:
    """The ADR's manager without its lock: read, await the payment call, write."""

    def __init__(self, total: int) -> None:
        self.total = total

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0)  # the payment call
        if seen < qty:
            return False, seen
        self.total = seen - qty
        return True, self.total


class Locked(Unlocked):
    """The ADR's decision: the same read-await-write inside ``async with self.lock``.

    Subclasses call ``Locked.reserve(self, qty)``, not ``super().reserve(qty)``:
    ``super()`` puts a ``__class__`` cell among a frame's locals, which the explorer
    cannot fingerprint (``NotPlain`` escapes ``OwnScheduler.local_state``).
    """

    def __init__(self, total: int) -> None:
        super().__init__(total)
        self.lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.lock:
            seen = self.total
            await asyncio.sleep(0)
            if seen < qty:
                return False, seen
            self.total = seen - qty
            return True, self.total


class OppositeOrders:
    """Two locks, taken in one order for one ticket and in the other for more."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.stock_lock = asyncio.Lock()
        self.audit_lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        first, second = (
            (self.stock_lock, self.audit_lock) if qty == 1 else (self.audit_lock, self.stock_lock)
        )
        async with first:
            await asyncio.sleep(0)
            async with second:
                self.total -= qty
                return True, self.total


class RaisesForBulk(Locked):
    async def reserve(self, qty: int) -> tuple[bool, int]:
        if qty > 1:
            raise RuntimeError("bulk orders are not supported")
        return await Locked.reserve(self, qty)  # not super(): see the note on Locked


class ThreadNoting(Locked):
    """Notes whether its requests ran on the main thread (where the step alarm works)."""

    main_thread: list[bool] = []

    async def reserve(self, qty: int) -> tuple[bool, int]:
        ThreadNoting.main_thread.append(threading.current_thread() is threading.main_thread())
        return await Locked.reserve(self, qty)


def test_the_unlocked_manager_fails_with_the_lost_update_witness() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_no_race(Unlocked, stock=100, requests=[1, 1])
    message = str(failure.value)
    assert "witness: A B A B" in message
    assert "A:read B:read A:write B:write" in message
    assert "4 of 6 interleavings lose an update" in message
    assert "A's sale vanished" in message  # explain(run)'s sentence

    result = explore(Unlocked, stock=100, requests=[1, 1])
    assert result.witness == "A B A B"
    assert result.kinds == (ViolationKind.LOST_UPDATE,)
    assert result.run is not None
    assert [v.kind for v in result.run.violations] == [ViolationKind.LOST_UPDATE]
    assert result.run.violations[0].steps == (2, 4)  # B read at t2, overwrote A at t4
    assert (result.run.final_stock, result.run.granted) == (99, ("A", "B"))
    assert result.explanation in message


def test_the_locked_manager_passes_and_returns_the_result() -> None:
    result = assert_no_race(Locked, stock=100, requests=[1, 1])
    assert isinstance(result, ExplorationResult)
    assert result.ok and result.complete
    assert (result.violations, result.witness, result.run, result.kinds) == ((), None, None, ())
    assert [(o.final_stock, o.granted) for o in result.outcomes] == [(98, ("A", "B"))]
    assert result.schedules == sum(o.schedules for o in result.outcomes) > 0
    assert "none of" in result.explanation and "break an invariant" in result.explanation
    assert "witness:" not in result.explanation


def test_the_lock_holds_with_a_bulk_order_and_too_little_stock() -> None:
    result = assert_no_race(Locked, stock=2, requests=[1, 1, 2])
    assert {o.final_stock for o in result.outcomes} == {0}
    assert {len(o.granted) for o in result.outcomes} == {1, 2}  # C alone, or A and B


def test_locks_taken_in_opposite_orders_deadlock() -> None:
    result = explore(OppositeOrders, stock=100, requests=[1, 2])
    assert result.kinds == (ViolationKind.DEADLOCK,)
    assert result.run is not None
    assert [v.kind for v in result.run.violations] == [ViolationKind.DEADLOCK]
    assert "deadlock after t4: A, B wait for each other" in result.explanation
    with pytest.raises(AssertionError, match="deadlock"):
        assert_no_race(OppositeOrders, stock=100, requests=[1, 2])


def test_a_manager_that_raises_reports_an_exception() -> None:
    result = explore(RaisesForBulk, stock=100, requests=[1, 2])
    assert result.kinds == (ViolationKind.EXCEPTION,)
    assert result.violating_schedules == result.schedules  # B raises in every order
    with pytest.raises(AssertionError) as failure:
        assert_no_race(RaisesForBulk, stock=100, requests=[1, 2])
    assert "B raised RuntimeError: bulk orders are not supported" in str(failure.value)
    assert "of test_testing.py" in str(failure.value)  # the line of the user's raise


def test_the_counts_equal_vacancy_explore_lost_update_strategy_none() -> None:
    (builtin,) = explore_scenario(load_scenario("lost-update"), ["none"]).explorations
    result = explore(Unlocked, stock=100, requests=[1, 1])
    assert (result.schedules, result.violating_schedules) == (6, 4)
    assert (builtin.schedules, builtin.violating_schedules) == (6, 4)

    def shape(outcomes: Any) -> list[tuple[object, ...]]:
        return [(o.final_stock, o.granted, o.schedules, o.violations, o.bare) for o in outcomes]

    assert shape(result.outcomes) == shape(builtin.outcomes)


def test_a_function_factory_is_explored_like_a_class() -> None:
    def make(stock: int) -> Unlocked:
        return Unlocked(stock)

    result = explore(make, stock=100, requests=[1, 1])
    assert (result.schedules, result.violating_schedules, result.witness) == (6, 4, "A B A B")


def test_a_class_defined_in_a_test_is_explained() -> None:
    class Local(Unlocked):
        pass

    result = explore(Local, stock=100, requests=[1, 1])
    assert "<locals>.Local" in result.manager
    assert "A's sale vanished" in result.explanation  # explain could not parse this name


def test_the_same_class_twice_gives_the_same_answer() -> None:
    first = explore(Unlocked, stock=5, requests=[2, 1])
    again = explore(Unlocked, stock=5, requests=[2, 1])
    assert first.outcomes == again.outcomes
    assert first.manager == again.manager


def test_max_states_stops_the_search_and_says_so() -> None:
    result = explore(Locked, stock=100, requests=[1, 1, 1], max_states=2)
    assert not result.complete
    assert "incomplete: stopped after" in result.explanation
    assert explore(Locked, stock=100, requests=[1, 1, 1]).complete


def test_the_repr_is_one_line_with_the_verdict_and_witness() -> None:
    text = repr(explore(Unlocked, stock=100, requests=[1, 1]))
    assert "\n" not in text
    assert "4 of 6 interleavings lose an update" in text and "'A B A B'" in text


def test_a_plain_test_runs_on_the_main_thread() -> None:
    ThreadNoting.main_thread.clear()
    explore(ThreadNoting, stock=100, requests=[1, 1])
    assert ThreadNoting.main_thread and all(ThreadNoting.main_thread)


async def test_an_async_test_with_a_running_loop_explores_in_a_worker_thread() -> None:
    loop = asyncio.get_running_loop()
    ThreadNoting.main_thread.clear()
    result = explore(ThreadNoting, stock=100, requests=[1, 1])
    assert result.ok and result.schedules > 0
    assert ThreadNoting.main_thread and not any(ThreadNoting.main_thread)  # no alarm there
    assert asyncio.get_running_loop() is loop
    assert await asyncio.create_task(asyncio.sleep(0, result="still running")) == "still running"
    assert await Locked(3).reserve(2) == (True, 1)  # the caller's loop runs asyncio code


async def test_an_async_test_sees_the_race_too() -> None:
    with pytest.raises(AssertionError, match="witness: A B A B"):
        assert_no_race(Unlocked, stock=100, requests=[1, 1])
    with pytest.raises(ValueError, match="constructing it"):
        explore(Exploding)
    await asyncio.sleep(0)


class NoReserve:
    def __init__(self, total: int) -> None:
        self.total = total


class SyncReserve(NoReserve):
    def reserve(self, qty: int) -> tuple[bool, int]:
        return True, self.total


class Exploding(Unlocked):
    def __init__(self, total: int) -> None:
        raise RuntimeError("no database")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"requests": []}, "at least one quantity"),
        ({"requests": [1, 0]}, r"requests\[1\] must be a whole number of tickets"),
        ({"requests": [-1]}, r"requests\[0\] must be a whole number"),
        ({"requests": [1.5]}, r"requests\[0\] must be a whole number"),
        ({"requests": [True]}, r"requests\[0\] must be a whole number"),
        ({"requests": "11"}, "must be a list of quantities"),
        ({"stock": -1}, "stock must be a whole number from 0"),
        ({"stock": 2.0}, "stock must be a whole number from 0"),
        ({"max_states": 0}, "max_states must be a whole number >= 1"),
    ],
)
def test_bad_arguments_are_one_value_error(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words) as error:
        explore(Locked, **kwargs)
    assert "\n" not in str(error.value)


def test_a_factory_that_is_not_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a class or a function"):
        explore(Unlocked(100))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("factory", "words"),
    [
        (NoReserve, "the class has no reserve"),
        (SyncReserve, "reserve must be 'async def reserve"),
        (Exploding, r"constructing it with the stock \(100\) raised RuntimeError: no database"),
    ],
)
def test_a_manager_vacancy_cannot_load_is_a_value_error(factory: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words) as error:
        explore(factory)
    assert not isinstance(error.value, ScenarioError)


def test_the_loaders_scenario_error_keeps_its_text() -> None:
    with pytest.raises(ScenarioError) as loading:
        register(SyncReserve)
    with pytest.raises(ValueError) as testing:
        assert_no_race(SyncReserve)
    assert str(testing.value) == str(loading.value)


def test_a_function_making_a_sync_reserve_is_a_value_error() -> None:
    def make(stock: int) -> SyncReserve:
        return SyncReserve(stock)

    with pytest.raises(ValueError, match="must be 'async def reserve"):
        explore(make)
