"""``vacancy explore``: how often a scenario goes wrong, and how to make it go wrong.

Runs the exhaustive search (``search.py``) or seeded sampling
(``sampling.py``) under each strategy, turns what they found into outcomes
(final stock, granted ids, what it breaks, how many schedules reach it, and
the shortest witness schedule), and replays the first violating witness so
the CLI can show its timeline. Replaying a witness with ``vacancy simulate
--schedule`` reaches the same outcome, exactly.

The search merges identical requests, so one of its ends stands for every
renaming of their ids. Outcomes are keyed by granted ids, so each end is
expanded back into every assignment of ids within a group of identical
requests; by symmetry each assignment is reached by an equal share of the
end's schedules, and its witness is the end's witness with the ids renamed.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Iterable

from vacancy_cli.app.choose import replay_option, strategies_for
from vacancy_cli.app.simulate import replay
from vacancy_cli.engine.sampling import sample
from vacancy_cli.engine.search import Progress, Search
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.requests import kind, serving_pods
from vacancy_cli.model.result import Exploration, Outcome, Report
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import NO_SERVERS, Servers, Strategy

# States one exploration may hold: about 0.5 KB each, measured (benchmarks/
# bench_explore.py: 874,972 states in 410 MiB), so some 600 MB at the most, which a
# laptop has. --max-states changes it; past it, the result says incomplete.
DEFAULT_MAX_STATES = 1_000_000
# Random schedules one --random may run: each distinct one is kept (its outcome).
MAX_RANDOM_RUNS = 1_000_000


def explore_scenario(
    scenario: Scenario,
    strategies: list[str] | None = None,
    *,
    max_states: int | None = DEFAULT_MAX_STATES,
    random_runs: int | None = None,
    seed: int = 0,
    pct_depth: int | None = None,
    on_progress: Progress | None = None,
    pods: int | None = None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> Report:
    """Explore ``scenario`` under each strategy (default: the file's list).

    Options are checked before anything runs, so a bad one costs nothing.
    """
    _check_options(max_states, random_runs, pct_depth)
    if pods is not None:
        scenario = scenario.with_pods(pods)
    explorations = tuple(
        _explore_one(scenario, strategy, max_states, random_runs, seed, pct_depth, on_progress)
        for strategy in strategies_for(scenario, strategies, servers, manager)
    )
    return Report(scenario.name, scenario.title, explorations)


def _check_options(max_states: int | None, runs: int | None, pct_depth: int | None) -> None:
    if max_states is not None and max_states < 1:
        raise OptionError(f"--max-states must be at least 1, got {max_states}")
    if runs is not None and runs < 1:
        raise OptionError(f"--random must be at least 1, got {runs}")
    if runs is not None and runs > MAX_RANDOM_RUNS:
        raise OptionError(
            f"--random {runs:,}: at most {MAX_RANDOM_RUNS:,} (each distinct schedule is kept)"
        )
    if pct_depth is not None and pct_depth < 1:
        raise OptionError(f"--pct must be at least 1, got {pct_depth}")
    if pct_depth is not None and runs is None:
        raise OptionError("--pct chooses how --random picks schedules: give --random N too")


def _explore_one(
    scenario: Scenario,
    strategy: Strategy,
    max_states: int | None,
    runs: int | None,
    seed: int,
    pct_depth: int | None,
    on_progress: Progress | None,
) -> Exploration:
    if runs is not None:
        ends = asyncio.run(sample(scenario, strategy, runs, seed, pct_depth, on_progress))
        outcomes = merge(ends)
        mode, naive, states, complete = ("pct" if pct_depth else "random"), None, len(ends), False
        merged = True
    else:
        search = Search(scenario, strategy, max_states, on_progress)
        outcomes = explore_exhaustively(search)
        complete = search.complete
        naive = sum(o.schedules for o in outcomes) if complete else None
        mode, states, merged = "exhaustive", len(search.states), search.merged
    violating = [o for o in outcomes if o.violations]
    witness = replay(scenario, strategy, violating[0].witness) if violating else None
    return Exploration(
        scenario=scenario.name,
        strategy=strategy.name,
        mode=mode,
        naive_interleavings=naive,
        states=states,
        complete=complete,
        runs=runs or 0,
        max_states=max_states,
        outcomes=outcomes,
        witness_run=witness,
        merged=merged,
        replay_with=replay_option(scenario, strategy),
    )


def explore_exhaustively(search: Search) -> tuple[Outcome, ...]:
    """Every outcome of ``search``'s scenario, each id assignment its own outcome."""

    async def found() -> list[Outcome]:
        await search.run()
        return await search.outcomes()

    return merge(e for end in asyncio.run(found()) for e in _renamings(search.scenario, end))


def _renamings(scenario: Scenario, end: Outcome) -> list[Outcome]:
    """``end`` for every assignment of ids within groups of identical requests."""
    groups: dict[tuple[str, int], list[str]] = {}
    pod_of = serving_pods(scenario.requests, scenario.pods)
    for spec in scenario.requests:
        groups.setdefault((kind(spec, pod_of[spec.id], scenario.pods), spec.qty), []).append(
            spec.id
        )
    per_group = []
    for members in groups.values():
        chosen = [rid for rid in members if rid in end.granted]
        others = [rid for rid in members if rid not in end.granted]
        per_group.append(
            [
                dict(
                    zip(
                        chosen + others,
                        [*pick, *(m for m in members if m not in pick)],
                        strict=True,
                    )
                )
                for pick in itertools.combinations(members, len(chosen))
            ]
        )
    variants = math.prod(len(options) for options in per_group)
    renamed = []
    for choice in itertools.product(*per_group):
        rename = {old: new for part in choice for old, new in part.items()}
        granted = {rename[rid] for rid in end.granted}
        renamed.append(
            Outcome(
                schedules=end.schedules // variants,
                witness=tuple(rename[rid] for rid in end.witness),
                actions=end.actions,
                final_stock=end.final_stock,
                granted=tuple(s.id for s in scenario.requests if s.id in granted),
                violations=end.violations,
            )
        )
    return renamed


def merge(ends: Iterable[Outcome]) -> tuple[Outcome, ...]:
    """Ends with the same final stock, granted ids and broken invariants are one outcome.

    The totals decide most kinds, but not a stale read (a property of the path):
    the same stock and grants, reached with and without one, are two outcomes.
    """
    merged: dict[tuple[int, tuple[str, ...], frozenset[str]], Outcome] = {}
    for end in ends:
        key = (end.final_stock, end.granted, frozenset(end.violations))
        old = merged.get(key)
        shorter = old is None or len(end.witness) < len(old.witness)
        best = end if shorter or old is None else old
        merged[key] = Outcome(
            final_stock=end.final_stock,
            granted=end.granted,
            schedules=end.schedules + (old.schedules if old else 0),
            violations=end.violations,
            witness=best.witness,
            actions=best.actions,
        )
    return tuple(sorted(merged.values(), key=_order))


def _order(outcome: Outcome) -> tuple[bool, int, tuple[str, ...], str]:
    """Violations first; then the higher final stock (more tickets lost) first."""
    return (not outcome.violations, -outcome.final_stock, outcome.granted, outcome.verdict)
