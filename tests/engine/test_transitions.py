"""Learnt transitions against real replays: the whole state graph, the same."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vacancy_cli.engine.search import Search
from vacancy_cli.engine.transitions import applies
from vacancy_cli.model.requests import OPS, RequestSpec
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario
from vacancy_cli.model.strategies import ALL_STRATEGIES, own_strategy, parse_strategy

pytestmark = pytest.mark.slow  # every bundled scenario and strategy explored twice

LOCAL = [name for name in bundled_names() if name not in ("servers", "deadlock")]


def graph(search: Search) -> dict[object, tuple[object, ...]]:
    """Every state, named by the schedule that first reached it (the keys of a
    learning search are its own numbering), with its edges, end and counts."""
    asyncio.run(search.run())
    search.count()
    return {
        state.prefix: (
            tuple((child.prefix, size, group) for child, size, group in state.children()),
            state.end,
            state.schedules,
            state.distance,
        )
        for state in search.states.values()
    }


@pytest.mark.parametrize("strategy", ALL_STRATEGIES)
@pytest.mark.parametrize("name", LOCAL)
def test_learnt_steps_expand_every_state_as_a_replay_would(name: str, strategy: str) -> None:
    scenario, row = load_scenario(name), parse_strategy(strategy)
    learning = Search(scenario, row)
    assert graph(learning) == graph(Search(scenario, row, learn=False))
    if learning.transitions is not None and len(learning.states) > 20:
        assert learning.transitions.used > 0  # and they did save replays


ONE_POD = load_scenario("lost-update")
LEARNING = [name for name in ALL_STRATEGIES if applies(ONE_POD, parse_strategy(name))]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    strategy=st.sampled_from(LEARNING),
    stock=st.integers(min_value=0, max_value=6),
    requests=st.lists(
        st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(OPS)),
        min_size=1,
        max_size=4,
    ),
)
def test_any_scenario_is_explored_the_same_with_learnt_steps(
    strategy: str, stock: int, requests: list[tuple[int, str]]
) -> None:
    """A property: whatever the requests, quantities, stock and guard, the state
    graph found by arithmetic is the one real replays find, edge for edge."""
    specs = tuple(RequestSpec(f"R{n}", qty, op) for n, (qty, op) in enumerate(requests))
    scenario = Scenario("random", "", "", stock, (strategy,), (), specs, {}, 100, "test")
    row = parse_strategy(strategy)
    assert graph(Search(scenario, row)) == graph(Search(scenario, row, learn=False))


def test_guarded_strategies_learn_their_steps_too() -> None:
    """The lock and the semaphores wake a waiter on release: those steps are learnt
    (the wake is part of the transition), not replayed."""
    assert LEARNING == list(ALL_STRATEGIES)  # every strategy without a server
    requests = tuple(RequestSpec(f"R{n}", 1 + n % 3) for n in range(5))
    scenario = Scenario("guarded", "", "", 6, ("asyncio-lock",), (), requests, {}, 100, "test")
    learning = Search(scenario, parse_strategy("asyncio-lock"))
    assert graph(learning) == graph(Search(scenario, parse_strategy("asyncio-lock"), learn=False))
    assert learning.transitions is not None
    assert learning.transitions.used > 2 * learning.transitions.learnt
    assert any(wakes for *_, wakes in learning.transitions.known.values())


MANAGERS = Path(__file__).parents[1] / "managers"
OWN = [
    "naive.py:StockManager",
    "locked.py:StockManager",
    "two_locks.py:TwoLocks",
    "misc.py:Raising",
    "misc.py:Sleeper",
    "misc.py:Opaque",
    "misc.py:Child",
    "misc.py:Primitives",
    "misc.py:TtlCache",
    "misc.py:Napper",
]


@pytest.mark.parametrize("ref", OWN)
@pytest.mark.parametrize("name", ["lost-update", "three-way", "bulk-orders"])
def test_a_users_own_code_is_explored_the_same_with_learnt_steps(name: str, ref: str) -> None:
    """Locks, deadlocks, exceptions, timers, a clock read, values that cannot be
    compared, asyncio's every primitive: the same graph as real replays."""
    scenario = load_scenario(name)
    row = own_strategy(ref, str(MANAGERS / ref))
    assert graph(Search(scenario, row)) == graph(Search(scenario, row, learn=False))


def test_a_step_that_reads_the_clock_is_never_learnt() -> None:
    """TtlCache's step depends on loop.time(): a learnt step would be reused at
    another time. Each such step is replayed, and Napper's timers (no clock read)
    are learnt, keyed by the time."""
    scenario = load_scenario("three-way")
    cache = Search(scenario, own_strategy("c", str(MANAGERS / "misc.py:TtlCache")))
    napper = Search(scenario, own_strategy("n", str(MANAGERS / "misc.py:Napper")))
    graph(cache), graph(napper)
    assert cache.transitions is not None and napper.transitions is not None
    learnt_keys = list(cache.transitions.known)
    started = [key for key in learnt_keys if cache.transitions._locals[key[0]][2] == "not started"]
    assert not started  # a request's first step reads the clock: never learnt
    assert any(key[3] is not None for key in napper.transitions.known)  # timed keys


def test_a_family_too_large_to_enumerate_is_explored_the_same_with_fewer_replays() -> None:
    requests = tuple(RequestSpec(f"R{n}", 1 + n % 3) for n in range(6))
    scenario = Scenario("mixed", "", "", 9, ("none",), (), requests, {}, 100, "test")
    learning = Search(scenario, parse_strategy("none"))
    assert graph(learning) == graph(Search(scenario, parse_strategy("none"), learn=False))
    assert learning.transitions is not None
    assert learning.transitions.used > learning.transitions.learnt


async def test_an_exploration_gives_the_loop_a_turn_so_ctrl_c_can_stop_it() -> None:
    """Hand-driven steps never suspend; the walk yields now and then, so the cancel
    that asyncio.run sends on SIGINT reaches it long before the end."""
    requests = tuple(RequestSpec(f"R{n}") for n in range(16))
    scenario = Scenario("big", "", "", 16, ("none",), (), requests, {}, 100, "test")
    search = Search(scenario, parse_strategy("none"))
    task = asyncio.get_running_loop().create_task(search.run())
    await asyncio.sleep(0)  # the walk starts, and runs until it first gives way
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 0 < len(search.states) < 589_824  # stopped early: 16 requests have that many


async def test_random_runs_give_the_loop_a_turn_too() -> None:
    from vacancy_cli.engine.sampling import sample

    seen: list[int] = []
    task = asyncio.get_running_loop().create_task(
        sample(load_scenario("three-way"), parse_strategy("none"), 1_000_000, 0, None, seen.append)
    )
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen and seen[-1] < 1_000_000
