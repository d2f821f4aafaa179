"""A stale read from the 1 s cache: judged as it is served, carried by the state, counted.

The explorer merges states by fingerprint, so whether a path served a stale
value must be part of the state (the store keeps it), or two paths that meet,
one with a stale read and one without, would share one end.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.engine.runs import end_of
from vacancy_cli.engine.search import Search, replay
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.requests import AVAILABLE, RESERVE, RequestSpec
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import Scenario, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.model.trace import stale_read
from vacancy_cli.stock.memory import UnlockedStockManager

from helpers import YieldingHooks, brute_force

STALE = ViolationKind.STALE_READ


class Recorder(YieldingHooks):
    def __init__(self) -> None:
        self.actions: list[tuple[str, int | None]] = []

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        self.actions.append((action, seen))


def manager() -> tuple[UnlockedStockManager, Recorder]:
    hooks = Recorder()
    return UnlockedStockManager(10, hooks, VirtualClock(), parse_strategy("none")), hooks


def test_the_store_keeps_whether_its_cache_served_a_stale_value() -> None:
    stock, hooks = manager()
    assert asyncio.run(stock.available()) == 10  # a miss fills the cache with 10
    assert asyncio.run(stock.available()) == 10  # a hit, and 10 is the stock: fresh
    assert stock.store_state()[3] is False
    stock.total = 9  # the stock changes behind the cache, as another pod's sale would
    assert asyncio.run(stock.available()) == 10  # served 10, the stock is 9
    assert stock.store_state() == (9, 10, 0, True)
    assert hooks.actions[-1] == ("cache_hit", 10)


def test_a_manager_that_does_not_judge_reads_keeps_no_flag() -> None:
    stock, _ = manager()
    stock.judges_reads = False  # a live load: judging would read the stock at every hit
    asyncio.run(stock.available())
    stock.total = 9
    asyncio.run(stock.available())
    assert stock.store_state()[3] is False


def test_the_lesson_s_schedule_ends_with_a_stale_read_and_its_end_says_so() -> None:
    scenario = load_scenario("stale-cache")
    scheduler = asyncio.run(replay(scenario, parse_strategy("none"), ("R1", "A", "A", "R1", "R2")))
    try:
        assert [step.t for step in scheduler.steps if stale_read(step)] == [5]
        assert end_of(scheduler) == (9, ("A",), (STALE,))
    finally:
        scheduler.close()


def learnt_ends(scenario: Scenario, strategy: str) -> Counter[tuple[object, ...]]:
    search = Search(scenario, parse_strategy(strategy))
    asyncio.run(search.run())
    assert search.transitions is not None and search.transitions.used > 0
    return Counter(state.end for state in search.states.values() if state.end is not None)


def test_learnt_ends_carry_the_stale_read_from_the_store() -> None:
    """``Transitions.end`` reads the flag from the store: with learning, the same
    ends as the replays (the whole graph is compared in test_transitions)."""
    ends = learnt_ends(load_scenario("stale-cache"), "none")
    assert (9, ("A",), (STALE,)) in ends and (9, ("A",), ()) in ends


# Two paths to the same stock and grants: R1 caches 10 before A's sale (every
# later hit is fresh until A clears it), or after it (R2 is told a stale 10).
# B's sale clears the cache either way, so the stores meet again.
MEET = Scenario(
    "meet",
    "",
    "",
    10,
    ("none",),
    (),
    (
        RequestSpec("R1", op=AVAILABLE),
        RequestSpec("A", 1),
        RequestSpec("R2", op=AVAILABLE),
        RequestSpec("B", 1),
    ),
    {},
    100,
    "test",
)


def test_paths_that_meet_with_and_without_a_stale_read_stay_two_outcomes() -> None:
    exploration = explore_scenario(MEET, ["none"]).explorations[0]
    kinds = {(o.final_stock, o.granted): set() for o in exploration.outcomes}
    for o in exploration.outcomes:
        kinds[(o.final_stock, o.granted)].add(o.violations)
    assert kinds[(8, ("A", "B"))] >= {(), (STALE,)}
    assert exploration.complete and exploration.witness_run is not None


Ends = Counter[tuple[int, tuple[str, ...], bool]]


def explored(scenario: Scenario, strategy: str) -> Ends:
    found: Ends = Counter()
    for o in explore_scenario(scenario, [strategy]).explorations[0].outcomes:
        found[(o.final_stock, o.granted, STALE in o.violations)] += o.schedules
    return found


def test_counts_with_stale_reads_equal_a_brute_force_enumeration() -> None:
    assert explored(MEET, "none") == brute_force(MEET, "none")


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    strategy=st.sampled_from(["none", "asyncio-lock", "semaphore:2"]),
    stock=st.integers(min_value=0, max_value=3),
    ops=st.lists(st.sampled_from([RESERVE, AVAILABLE]), min_size=2, max_size=4),
)
def test_any_scenario_with_reads_counts_its_stale_reads_exactly(
    strategy: str, stock: int, ops: list[str]
) -> None:
    """A property: reads and sales in any mix, under any guard, the explorer's
    outcomes (with whether a stale read happened) are the brute force's, schedule
    for schedule, though it merges states and learns steps."""
    specs = tuple(RequestSpec(f"R{n}", op=op) for n, op in enumerate(ops))
    scenario = Scenario("random", "", "", stock, (strategy,), (), specs, {}, 100, "test")
    assert explored(scenario, strategy) == brute_force(scenario, strategy)


def test_under_the_lock_the_cache_never_serves_a_stale_value() -> None:
    """The stale-cache lesson's last sentence, proved over every schedule."""
    for name in ("stale-cache", "cache-expiry"):
        for exploration in explore_scenario(load_scenario(name), ["asyncio-lock"]).explorations:
            assert exploration.complete
            assert all(STALE not in o.violations for o in exploration.outcomes), name
