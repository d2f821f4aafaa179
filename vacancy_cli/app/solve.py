"""``play --solution``: the shortest schedule that meets a scenario's challenge.

Explore's witnesses come first, shortest first; a goal that needs more than an
outcome can tell (stale reads) is checked on each replay. Only if no witness
meets it are seeded random schedules tried, and those are drawn lazily: most
challenges are met by a witness, and then no random schedule is run at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from vacancy_cli.app.choose import strategy_for
from vacancy_cli.app.explore import explore_exhaustively
from vacancy_cli.app.simulate import replay
from vacancy_cli.engine.sampling import sample
from vacancy_cli.engine.search import Search
from vacancy_cli.model.goal import Goal
from vacancy_cli.model.result import Run
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import NO_SERVERS, Servers, Strategy

RANDOM_TRIES = 500  # seeded random schedules tried when no witness meets the goal


def solve(scenario: Scenario, goal: Goal, servers: Servers = NO_SERVERS) -> Run | None:
    """The shortest schedule found that meets ``goal``, replayed; None if none does."""
    strategy = strategy_for(scenario, goal.strategy, servers)
    for witness in _candidates(scenario, goal, strategy):
        run = replay(scenario, strategy, witness)
        if goal.met_by(run):
            return run
    return None


def _candidates(scenario: Scenario, goal: Goal, strategy: Strategy) -> Iterator[tuple[str, ...]]:
    outcomes = explore_exhaustively(Search(scenario, strategy))
    for outcome in sorted(outcomes, key=lambda o: len(o.witness)):
        if goal.met_by_outcome(outcome.final_stock, outcome.granted, outcome.violations):
            yield outcome.witness
    for outcome in asyncio.run(sample(scenario, strategy, RANDOM_TRIES, seed=0)):
        yield outcome.witness
