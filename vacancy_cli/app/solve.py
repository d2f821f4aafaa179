"""``play --solution``: the shortest schedule that meets a scenario's challenge,
and the proof, when there is one, that no schedule can.

Explore's witnesses come first, shortest first; a goal that needs more than an
outcome can tell (stale reads) is checked on each replay. Only if no witness
meets it are seeded random schedules tried, and those are drawn lazily: most
challenges are met by a witness, and then no random schedule is run at all.

``impossible`` is the other half: an exhaustive exploration reaches every end a
schedule can reach, so when it is complete and no end has what the goal asks
for, no schedule meets it. ``play`` asks it when a game starts, so the learner
hears at once that a challenge cannot be met, not after an hour of trying.
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
from vacancy_cli.model.result import Outcome, Run
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


def impossible(
    scenario: Scenario, goal: Goal, servers: Servers = NO_SERVERS, max_states: int | None = None
) -> bool:
    """True only when it is proved that no schedule meets ``goal``: the exploration
    of every schedule (within ``max_states``) finished, and no end it reached has the
    final stock, the granted requests and the violations the goal asks for.

    An exploration cut short proves nothing, and neither does a goal whose outcome
    conditions some end meets but whose stale reads no replay found: both are False
    (not known to be impossible).
    """
    strategy = strategy_for(scenario, goal.strategy, servers)
    search = Search(scenario, strategy, max_states=max_states)
    outcomes = explore_exhaustively(search)
    return search.complete and not any(_may_meet(goal, o) for o in outcomes)


def _may_meet(goal: Goal, outcome: Outcome) -> bool:
    return goal.met_by_outcome(outcome.final_stock, outcome.granted, outcome.violations)


def _candidates(scenario: Scenario, goal: Goal, strategy: Strategy) -> Iterator[tuple[str, ...]]:
    outcomes = explore_exhaustively(Search(scenario, strategy))
    for outcome in sorted(outcomes, key=lambda o: len(o.witness)):
        if _may_meet(goal, outcome):
            yield outcome.witness
    for outcome in asyncio.run(sample(scenario, strategy, RANDOM_TRIES, seed=0)):
        yield outcome.witness
