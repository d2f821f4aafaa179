"""Every schedule of a scenario, or seeded random ones, with a witness per outcome.

Stateless model checking in the style of CHESS and Loom, on the real strategy
code: coroutines cannot be copied, so a state is reached by replaying the
schedule that led to it on a fresh scheduler (all replays share one event loop).

Exhaustive search goes breadth first, one depth at a time. Two reductions keep
it small:

- a state reached twice is explored once: the scheduler's fingerprint (the
  store, each request's position and the values it has seen, the lock's queue)
  keys a table of states, and each state carries how many distinct schedules
  reach it, so counts stay exact;
- identical requests (same op and qty) are interchangeable: from a state, one
  request per group of identical ones in the same local state is stepped, and
  the schedule count is multiplied by the group's size.

Every schedule to a given state has the same length (the state holds each
request's step history), so breadth-first order makes the first schedule found
to a state its shortest. Outcomes are keyed by final stock and granted ids; an
outcome found through a symmetric state is expanded back to every assignment of
ids, each reached by an equal share of the schedules.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from vacancy_cli.checker import check_totals
from vacancy_cli.errors import OptionError
from vacancy_cli.scenario import Scenario
from vacancy_cli.scheduler import Scheduler
from vacancy_cli.strategies import parse_strategy

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Outcome:
    """A distinct end of the scenario, and the shortest way to reach it."""

    final_stock: int
    granted: tuple[str, ...]
    schedules: int
    violations: tuple[str, ...]
    witness: tuple[str, ...]
    actions: tuple[str, ...]  # what each witness step does: read, write, waits...

    @property
    def annotated(self) -> str:
        return " ".join(f"{rid}:{act}" for rid, act in zip(self.witness, self.actions, strict=True))


@dataclass(frozen=True)
class Exploration:
    scenario: str
    strategy: str
    mode: str  # exhaustive | random | pct
    naive_interleavings: int | None
    states: int
    complete: bool
    runs: int  # schedules executed to the end (random modes)
    outcomes: tuple[Outcome, ...]

    @property
    def violating(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.violations)


@dataclass
class _Node:
    schedules: int
    prefix: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass
class _Found:
    """Outcomes as they are found, before symmetric expansion."""

    ends: list[tuple[_Node, int, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)


def explore(
    scenario: Scenario,
    strategy: str,
    max_states: int | None = None,
    on_progress: Progress | None = None,
) -> Exploration:
    """Explore every schedule of ``scenario`` under ``strategy``."""
    if max_states is not None and max_states < 1:
        raise OptionError(f"--max-states must be at least 1, got {max_states}")
    return asyncio.run(
        _exhaustive(scenario, parse_strategy(strategy).name, max_states, on_progress)
    )


async def _exhaustive(
    scenario: Scenario, strategy: str, max_states: int | None, on_progress: Progress | None
) -> Exploration:
    search = _Search(scenario, strategy, max_states, on_progress)
    await search.run()
    found = await search.ends()
    naive = sum(end[0].schedules for end in found.ends) if search.complete else None
    return Exploration(
        scenario=scenario.name,
        strategy=strategy,
        mode="exhaustive",
        naive_interleavings=naive,
        states=len(search.states),
        complete=search.complete,
        runs=0,
        outcomes=_outcomes(scenario, found),
    )


@dataclass
class _State:
    prefix: tuple[str, ...]  # the schedule that first reached it: replayed to expand it
    edges: list[tuple[tuple[object, ...], int, tuple[object, ...]]] = field(default_factory=list)
    end: tuple[int, tuple[str, ...], tuple[str, ...]] | None = None
    schedules: int = 0
    distance: int = 0
    via: tuple[tuple[object, ...], tuple[object, ...]] | None = None  # best (parent, group)


class _Search:
    """Depth-first discovery of the state graph, then exact counts over it.

    Depth first lets a replay continue into the first child of each state
    instead of starting again, which saves about a third of all replayed steps.
    The graph is acyclic (every step grows a history or finishes a request) but
    paths to a state may differ in length (a finished request keeps only
    whether it was granted), so counts and shortest paths are computed over the
    whole graph in topological order, and each witness is rebuilt by replaying
    its shortest path with concrete request ids.
    """

    def __init__(
        self,
        scenario: Scenario,
        strategy: str,
        max_states: int | None,
        on_progress: Progress | None,
    ) -> None:
        self.scenario = scenario
        self.strategy = parse_strategy(strategy)
        self.max_states = max_states
        self.on_progress = on_progress
        self.states: dict[tuple[object, ...], _State] = {}
        self.root: tuple[object, ...] = ()
        self.complete = True

    async def replay(self, prefix: tuple[str, ...]) -> Scheduler:
        scheduler = Scheduler(
            self.scenario.stock,
            self.scenario.requests,
            self.strategy,
            self.scenario.step_ms,
            loop=asyncio.get_running_loop(),
        )
        for rid in prefix:
            await scheduler.advance(rid)
        return scheduler

    async def run(self) -> None:
        root = await self.replay(())
        self.root = root.fingerprint()
        self.states[self.root] = _State(())
        await self.visit(self.root, root)

    async def visit(self, key: tuple[object, ...], live: Scheduler) -> None:
        state = self.states[key]
        if live.finished:
            state.end = _end(live, self.scenario.stock)
            live.close()
            return
        scheduler: Scheduler | None = live
        for rid, size, group in _groups(live):
            if scheduler is None:  # the previous child took the replay: start again
                scheduler = await self.replay(state.prefix)
            await scheduler.advance(rid)
            child = scheduler.fingerprint()
            state.edges.append((child, size, group))
            if child in self.states:
                scheduler.close()
            elif self.max_states is not None and len(self.states) >= self.max_states:
                self.complete = False
                scheduler.close()
            else:
                self.states[child] = _State(state.prefix + (rid,))
                if self.on_progress is not None and len(self.states) % 256 == 0:
                    self.on_progress(len(self.states))
                await self.visit(child, scheduler)
            scheduler = None

    def count(self) -> None:
        """Schedules to each state and its shortest path, in topological order."""
        indegree = dict.fromkeys(self.states, 0)
        for state in self.states.values():
            for child, _, _ in state.edges:
                if child in indegree:
                    indegree[child] += 1
        self.states[self.root].schedules = 1
        ready = deque([self.root])
        while ready:
            key = ready.popleft()
            state = self.states[key]
            for child, size, group in state.edges:
                if child not in self.states:
                    continue
                target = self.states[child]
                target.schedules += state.schedules * size
                if target.via is None or state.distance + 1 < target.distance:
                    target.distance, target.via = state.distance + 1, (key, group)
                indegree[child] -= 1
                if indegree[child] == 0:
                    ready.append(child)

    async def witness(self, key: tuple[object, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The shortest path to ``key``, replayed with concrete request ids."""
        groups: list[tuple[object, ...]] = []
        while (via := self.states[key].via) is not None:
            key, group = via
            groups.append(group)
        scheduler = await self.replay(())
        ids: list[str] = []
        actions: list[str] = []
        try:
            for group in reversed(groups):
                rid = next(r for r in scheduler.runnable() if scheduler.local_state(r) == group)
                step = await scheduler.advance(rid)
                ids.append(rid)
                actions.append(step.action)
        finally:
            scheduler.close()
        return tuple(ids), tuple(actions)

    async def ends(self) -> _Found:
        self.count()
        found = _Found()
        for key, state in self.states.items():
            if state.end is not None:
                ids, actions = await self.witness(key)
                found.ends.append((_Node(state.schedules, ids, actions), *state.end))
        return found


def _groups(scheduler: Scheduler) -> list[tuple[str, int, tuple[object, ...]]]:
    """One runnable request per group of interchangeable ones: (id, group size, group)."""
    groups: dict[tuple[object, ...], list[str]] = {}
    for rid in scheduler.runnable():
        groups.setdefault(scheduler.local_state(rid), []).append(rid)
    return [(ids[0], len(ids), group) for group, ids in groups.items()]


def _end(scheduler: Scheduler, initial: int) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    results = scheduler.results()
    granted = tuple(r.id for r in results if r.granted)
    tickets = sum(r.qty for r in results if r.granted)
    final = scheduler.manager.total
    kinds = tuple(v.kind for v in check_totals(initial, final, tickets))
    return final, granted, kinds


def _outcomes(scenario: Scenario, found: _Found) -> tuple[Outcome, ...]:
    """Expand symmetric ends to every id assignment; merge by (final stock, granted)."""
    merged: dict[tuple[int, tuple[str, ...]], Outcome] = {}
    for node, final, granted, kinds in found.ends:
        variants = list(_variants(scenario, granted))
        share = node.schedules // len(variants)
        for ids, rename in variants:
            witness = tuple(rename.get(rid, rid) for rid in node.prefix)
            key = (final, ids)
            old = merged.get(key)
            if old is None:
                merged[key] = Outcome(final, ids, share, kinds, witness, node.actions)
            else:
                best = old if len(old.witness) <= len(witness) else None
                merged[key] = Outcome(
                    final,
                    ids,
                    old.schedules + share,
                    old.violations,
                    best.witness if best else witness,
                    best.actions if best else node.actions,
                )
    return tuple(sorted(merged.values(), key=_order))


def _order(outcome: Outcome) -> tuple[bool, int, int, tuple[str, ...]]:
    """Violations first, then more tickets lost, then by final stock and ids."""
    return (not outcome.violations, -outcome.final_stock, len(outcome.witness), outcome.granted)


def _variants(
    scenario: Scenario, granted: tuple[str, ...]
) -> list[tuple[tuple[str, ...], dict[str, str]]]:
    """Every granted set symmetric to ``granted``, with the renaming that maps to it."""
    classes: dict[tuple[str, int], list[str]] = {}
    for spec in scenario.requests:
        classes.setdefault((spec.op, spec.qty), []).append(spec.id)
    options: list[list[dict[str, str]]] = []
    for members in classes.values():
        chosen = [rid for rid in members if rid in granted]
        others = [rid for rid in members if rid not in granted]
        renames = []
        for pick in combinations(members, len(chosen)):
            rest = [rid for rid in members if rid not in pick]
            renames.append(dict(zip(chosen + others, list(pick) + rest, strict=True)))
        options.append(renames)
    variants = []
    for combo in _product(options):
        rename: dict[str, str] = {}
        for part in combo:
            rename.update(part)
        ids = tuple(
            spec.id for spec in scenario.requests if _granted_after(spec.id, rename, granted)
        )
        variants.append((ids, rename))
    assert len(variants) == math.prod(len(o) for o in options)
    return variants


def _granted_after(rid: str, rename: dict[str, str], granted: tuple[str, ...]) -> bool:
    inverse = {new: old for old, new in rename.items()}
    return inverse.get(rid, rid) in granted


def _product(options: list[list[dict[str, str]]]) -> list[list[dict[str, str]]]:
    combos: list[list[dict[str, str]]] = [[]]
    for choices in options:
        combos = [combo + [choice] for combo in combos for choice in choices]
    return combos


def naive_count(steps_per_request: list[int]) -> int:
    """Interleavings of fixed-length step sequences: the multinomial coefficient."""
    total = math.factorial(sum(steps_per_request))
    for steps in steps_per_request:
        total //= math.factorial(steps)
    return total


def sample(
    scenario: Scenario,
    strategy: str,
    runs: int,
    seed: int,
    pct_depth: int | None = None,
    on_progress: Progress | None = None,
) -> Exploration:
    """Run ``runs`` seeded random schedules (uniform, or PCT with ``pct_depth``)."""
    if runs < 1:
        raise OptionError(f"--random must be at least 1, got {runs}")
    if pct_depth is not None and pct_depth < 1:
        raise OptionError(f"--pct must be at least 1, got {pct_depth}")
    name = parse_strategy(strategy).name
    return asyncio.run(_sample(scenario, name, runs, seed, pct_depth, on_progress))


async def _sample(
    scenario: Scenario,
    strategy: str,
    runs: int,
    seed: int,
    pct_depth: int | None,
    on_progress: Progress | None,
) -> Exploration:
    rng = random.Random(seed)
    replayer = _Search(scenario, strategy, None, None)
    found = _Found()
    seen: set[tuple[str, ...]] = set()
    for run in range(1, runs + 1):
        pick = _pct(rng, scenario, pct_depth) if pct_depth else _uniform(rng)
        scheduler = await replayer.replay(())
        try:
            prefix: list[str] = []
            actions: list[str] = []
            while not scheduler.finished:
                rid = pick(scheduler.runnable(), len(prefix))
                step = await scheduler.advance(rid)
                prefix.append(rid)
                actions.append(step.action)
            schedule = tuple(prefix)
            if schedule not in seen:
                seen.add(schedule)
                node = _Node(1, schedule, tuple(actions))
                found.ends.append((node, *_end(scheduler, scenario.stock)))
        finally:
            scheduler.close()
        if on_progress is not None and run % 64 == 0:
            on_progress(run)
    outcomes = _merge_sampled(found)
    return Exploration(
        scenario=scenario.name,
        strategy=strategy,
        mode="pct" if pct_depth else "random",
        naive_interleavings=None,
        states=len(seen),
        complete=False,
        runs=runs,
        outcomes=outcomes,
    )


def _merge_sampled(found: _Found) -> tuple[Outcome, ...]:
    merged: dict[tuple[int, tuple[str, ...]], Outcome] = {}
    for node, final, granted, kinds in found.ends:
        key = (final, granted)
        old = merged.get(key)
        if old is None or len(node.prefix) < len(old.witness):
            count = (old.schedules if old else 0) + 1
            merged[key] = Outcome(final, granted, count, kinds, node.prefix, node.actions)
        else:
            merged[key] = Outcome(
                final, granted, old.schedules + 1, kinds, old.witness, old.actions
            )
    return tuple(sorted(merged.values(), key=_order))


Picker = Callable[[list[str], int], str]


def _uniform(rng: random.Random) -> Picker:
    def pick(ready: list[str], step: int) -> str:
        return rng.choice(ready)

    return pick


def _pct(rng: random.Random, scenario: Scenario, depth: int) -> Picker:
    """PCT (Burckhardt et al., 2010): random priorities, d-1 random priority drops.

    The highest-priority runnable request always moves; at each change point the
    request that would move is demoted below all others. A bug of depth d is
    found with probability at least 1 / (n * k^(d-1)) per run.
    """
    ids = [spec.id for spec in scenario.requests]
    ranks = rng.sample(range(depth, depth + len(ids)), len(ids))
    priority = dict(zip(ids, ranks, strict=True))
    horizon = max(2, 4 * len(ids))  # a bound on steps per run: a few per request
    drops = {
        point: depth - 1 - n
        for n, point in enumerate(
            sorted(rng.sample(range(1, horizon), min(depth - 1, horizon - 1)))
        )
    }

    def pick(ready: list[str], step: int) -> str:
        best = max(ready, key=lambda rid: priority[rid])
        if step in drops:
            priority[best] = drops[step]
            best = max(ready, key=lambda rid: priority[rid])
        return best

    return pick
