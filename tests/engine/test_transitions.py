"""Learnt transitions against real replays: the whole state graph, the same."""

from __future__ import annotations

import asyncio

import pytest

from vacancy_cli.engine.search import Search
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario
from vacancy_cli.model.strategies import ALL_STRATEGIES, parse_strategy

pytestmark = pytest.mark.slow  # every bundled scenario and strategy explored twice

LOCAL = [name for name in bundled_names() if name not in ("servers", "deadlock")]


def graph(search: Search) -> dict[object, tuple[object, ...]]:
    asyncio.run(search.run())
    search.count()
    return {
        key: (state.prefix, tuple(state.edges), state.end, state.schedules, state.distance)
        for key, state in search.states.items()
    }


@pytest.mark.parametrize("strategy", ALL_STRATEGIES)
@pytest.mark.parametrize("name", LOCAL)
def test_learnt_steps_expand_every_state_as_a_replay_would(name: str, strategy: str) -> None:
    scenario, row = load_scenario(name), parse_strategy(strategy)
    learning = Search(scenario, row)
    assert graph(learning) == graph(Search(scenario, row, learn=False))
    if learning.transitions is not None and len(learning.states) > 20:
        assert learning.transitions.used > 0  # and they did save replays


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
