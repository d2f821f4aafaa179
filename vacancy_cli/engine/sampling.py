"""Seeded random schedules, for scenarios too large to enumerate.

Two pickers choose which runnable request moves next: uniform at random, or
PCT (probabilistic concurrency testing, Burckhardt et al., ASPLOS 2010, as
Shuttle and Coyote offer it): each request gets a random priority, the highest
runnable one always moves, and at d - 1 random steps the request about to move
is demoted below all others. A bug that needs d ordering constraints is found
with probability at least 1 / (n * k^(d-1)) per run, far better than uniform
sampling for bugs of small depth. The same seed gives the same runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from vacancy_cli.engine.runs import outcome_of
from vacancy_cli.engine.search import Progress, replay, yield_to_loop
from vacancy_cli.engine.virtual_loop import bounded_steps
from vacancy_cli.model.result import Outcome
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy

Picker = Callable[[list[str], int], str]


async def sample(
    scenario: Scenario,
    strategy: Strategy,
    runs: int,
    seed: int,
    pct_depth: int | None = None,
    on_progress: Progress | None = None,
) -> list[Outcome]:
    """Run ``runs`` random schedules to the end; one Outcome per distinct schedule seen."""
    rng = random.Random(seed)
    found: dict[tuple[str, ...], Outcome] = {}
    with bounded_steps():  # a user's code: the step alarm's handler, once for all runs
        for run in range(1, runs + 1):
            pick = pct(rng, len(scenario.requests), pct_depth) if pct_depth else uniform(rng)
            scheduler = await replay(scenario, strategy, ())
            ids: list[str] = []
            actions: list[str] = []
            try:
                while not scheduler.finished:
                    rid = pick(scheduler.runnable(), len(ids))
                    actions.append((await scheduler.advance(rid)).action)
                    ids.append(rid)
                schedule = tuple(ids)
                if schedule not in found:
                    found[schedule] = outcome_of(scheduler, 1, schedule, tuple(actions))
            finally:
                scheduler.close()
            if on_progress is not None and run % 64 == 0:
                on_progress(run)
            if not run & 63:
                await yield_to_loop()
    return list(found.values())


def uniform(rng: random.Random) -> Picker:
    def pick(ready: list[str], step: int) -> str:
        return rng.choice(ready)

    return pick


def pct(rng: random.Random, requests: int, depth: int) -> Picker:
    """A fresh PCT schedule: priorities per request id, demotions at random steps."""
    horizon = max(2, 4 * requests)  # a bound on steps per run: a few per request
    points = sorted(rng.sample(range(1, horizon), min(depth - 1, horizon - 1)))
    demote_to = {step: depth - 1 - n for n, step in enumerate(points)}
    ranks = rng.sample(range(depth, depth + requests), requests)
    priority: dict[str, int] = {}

    def pick(ready: list[str], step: int) -> str:
        for rid in ready:
            if rid not in priority:
                priority[rid] = ranks[len(priority)]
        best = max(ready, key=priority.__getitem__)
        if step in demote_to:
            priority[best] = demote_to[step]
            best = max(ready, key=priority.__getitem__)
        return best

    return pick
