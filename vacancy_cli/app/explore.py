"""``vacancy explore``: how often a scenario goes wrong, and how to make it go wrong.

Runs the exhaustive search (``search.py``) or seeded sampling
(``sampling.py``) under each strategy, turns what they found into outcomes
(final stock, granted ids, how many schedules reach it, what it breaks, and
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
from dataclasses import dataclass
from typing import Any

from vacancy_cli.app.simulate import replay
from vacancy_cli.engine.sampling import sample
from vacancy_cli.engine.search import End, Progress, Search
from vacancy_cli.model import trace
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.goal import Goal
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.stock.base import strategy_names


@dataclass(frozen=True)
class Outcome:
    """A distinct end of the scenario, and the shortest schedule found to reach it."""

    final_stock: int
    granted: tuple[str, ...]
    schedules: int
    violations: tuple[str, ...]  # kinds: lost_update, oversell, negative_stock
    witness: tuple[str, ...]
    actions: tuple[str, ...]  # what each witness step does: read, write, waits...

    @property
    def bare(self) -> str:
        return " ".join(self.witness)

    @property
    def annotated(self) -> str:
        return " ".join(f"{r}:{a}" for r, a in zip(self.witness, self.actions, strict=True))


@dataclass(frozen=True)
class Exploration:
    """Everything one strategy can do with one scenario (or a sample of it)."""

    scenario: str
    strategy: str
    mode: str  # exhaustive | random | pct
    naive_interleavings: int | None  # schedules a plain enumeration would run
    states: int  # states explored (exhaustive) or distinct schedules run (sampling)
    complete: bool
    runs: int  # schedules run to the end when sampling; 0 when exhaustive
    max_states: int | None
    outcomes: tuple[Outcome, ...]
    witness_run: trace.Run | None  # the first violating outcome's witness, replayed

    @property
    def violating(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.violations)

    @property
    def violating_schedules(self) -> int:
        return sum(o.schedules for o in self.violating)

    @property
    def schedules(self) -> int:
        return sum(o.schedules for o in self.outcomes)


@dataclass(frozen=True)
class Report:
    scenario: str
    title: str
    explorations: tuple[Exploration, ...]


def explore_scenario(
    scenario: Scenario,
    strategies: list[str] | None = None,
    *,
    max_states: int | None = None,
    random_runs: int | None = None,
    seed: int = 0,
    pct_depth: int | None = None,
    on_progress: Progress | None = None,
    pods: int | None = None,
) -> Report:
    """Explore ``scenario`` under each strategy (default: the file's list).

    Options are checked before anything runs, so a bad one costs nothing.
    """
    _check_options(max_states, random_runs, pct_depth)
    if pods is not None:
        scenario = scenario.with_pods(pods)
    explorations = tuple(
        _explore_one(scenario, name, max_states, random_runs, seed, pct_depth, on_progress)
        for name in strategy_names(strategies or scenario.strategies)
    )
    return Report(scenario.name, scenario.title, explorations)


def _check_options(max_states: int | None, runs: int | None, pct_depth: int | None) -> None:
    if max_states is not None and max_states < 1:
        raise OptionError(f"--max-states must be at least 1, got {max_states}")
    if runs is not None and runs < 1:
        raise OptionError(f"--random must be at least 1, got {runs}")
    if pct_depth is not None and pct_depth < 1:
        raise OptionError(f"--pct must be at least 1, got {pct_depth}")
    if pct_depth is not None and runs is None:
        raise OptionError("--pct chooses how --random picks schedules: give --random N too")


def _explore_one(
    scenario: Scenario,
    strategy: str,
    max_states: int | None,
    runs: int | None,
    seed: int,
    pct_depth: int | None,
    on_progress: Progress | None,
) -> Exploration:
    if runs is not None:
        ends = asyncio.run(sample(scenario, strategy, runs, seed, pct_depth, on_progress))
        outcomes = _merge(ends)
        mode, naive, states, complete = ("pct" if pct_depth else "random"), None, len(ends), False
    else:
        search = Search(scenario, strategy, max_states, on_progress)
        ends = asyncio.run(_search(search))
        outcomes = _merge(e for end in ends for e in _renamings(scenario, end))
        complete = search.complete
        naive = sum(o.schedules for o in outcomes) if complete else None
        mode, states = "exhaustive", len(search.states)
    violating = [o for o in outcomes if o.violations]
    witness = replay(scenario, strategy, violating[0].witness) if violating else None
    return Exploration(
        scenario=scenario.name,
        strategy=strategy,
        mode=mode,
        naive_interleavings=naive,
        states=states,
        complete=complete,
        runs=runs or 0,
        max_states=max_states,
        outcomes=outcomes,
        witness_run=witness,
    )


async def _search(search: Search) -> list[End]:
    await search.run()
    return await search.ends()


def _renamings(scenario: Scenario, end: End) -> list[End]:
    """``end`` for every assignment of ids within groups of identical requests."""
    groups: dict[tuple[str, int], list[str]] = {}
    for spec in scenario.requests:
        groups.setdefault((spec.op, spec.qty), []).append(spec.id)
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
            End(
                schedules=end.schedules // variants,
                witness=tuple(rename[rid] for rid in end.witness),
                actions=end.actions,
                final_stock=end.final_stock,
                granted=tuple(s.id for s in scenario.requests if s.id in granted),
                violations=end.violations,
            )
        )
    return renamed


def _merge(ends: Iterable[End]) -> tuple[Outcome, ...]:
    """Ends with the same final stock and granted ids are one outcome."""
    merged: dict[tuple[int, tuple[str, ...]], Outcome] = {}
    for end in ends:
        key = (end.final_stock, end.granted)
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


def _order(outcome: Outcome) -> tuple[bool, int, tuple[str, ...]]:
    """Violations first; then the higher final stock (more tickets lost) first."""
    return (not outcome.violations, -outcome.final_stock, outcome.granted)


def exploration_to_dict(exploration: Exploration) -> dict[str, Any]:
    return {
        "scenario": exploration.scenario,
        "strategy": exploration.strategy,
        "mode": exploration.mode,
        "naive_interleavings": exploration.naive_interleavings,
        "states": exploration.states,
        "complete": exploration.complete,
        "runs": exploration.runs,
        "violating_schedules": exploration.violating_schedules,
        "outcomes": [
            {
                "final_stock": o.final_stock,
                "granted": list(o.granted),
                "schedules": o.schedules,
                "violations": list(o.violations),
                "witness": o.bare,
                "witness_annotated": o.annotated,
            }
            for o in exploration.outcomes
        ],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The first strategy's exploration at the top level, every one in ``explorations``.

    The top level keeps the same keys whatever the number of strategies, so a
    script that asked for one strategy reads it directly.
    """
    return {
        **exploration_to_dict(report.explorations[0]),
        "title": report.title,
        "explorations": [exploration_to_dict(e) for e in report.explorations],
    }


def solve(scenario: Scenario, goal: Goal) -> trace.Run | None:
    """The shortest schedule that meets a challenge, replayed: the facilitator's answer.

    Explore's witnesses come first (shortest first); a goal that needs more than
    an outcome can tell (stale reads) is checked on each replay, and if no
    witness meets it, seeded random schedules are tried.
    """
    exploration = _explore_one(scenario, goal.strategy, None, None, 0, None, None)
    candidates = [
        o.witness
        for o in sorted(exploration.outcomes, key=lambda o: len(o.witness))
        if goal.met_by_outcome(o.final_stock, o.granted, o.violations)
    ]
    candidates += [end.witness for end in asyncio.run(sample(scenario, goal.strategy, 500, 0))]
    for witness in candidates:
        run = replay(scenario, goal.strategy, witness)
        if goal.met_by(run):
            return run
    return None
