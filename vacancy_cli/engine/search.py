"""Exhaustive search: every schedule of a scenario, explored once per state.

Stateless model checking in the style of CHESS and Loom, on the real strategy
code: coroutines cannot be copied, so a state is reached by replaying the
schedule that first led to it on a fresh scheduler (all replays share one
event loop, so a step costs a few loop iterations, not a new loop).

Two reductions keep the search small:

- a state reached twice is explored once: the scheduler's fingerprint (the
  store, each request's position and the values it has seen, the lock's queue)
  keys a table of states, and each edge remembers how many schedules it stands
  for, so counts stay exact;
- identical requests (same op and qty) are interchangeable: from a state, one
  request per group of identical ones in the same local state is stepped, and
  the edge stands for as many schedules as the group has members.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from vacancy_cli.engine import transitions
from vacancy_cli.engine.runs import end_of
from vacancy_cli.engine.stepper import Stepper, schedule
from vacancy_cli.engine.virtual_loop import bounded_steps
from vacancy_cli.model.result import Outcome, ViolationKind
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy


class Progress(Protocol):
    """Told how far the work has gone, and, where there is one, the frontier."""

    def __call__(self, done: int, *, detail: str | None = None) -> None: ...


Key = tuple[object, ...]
End = tuple[int, tuple[str, ...], tuple[ViolationKind, ...]]


async def replay(
    scenario: Scenario, strategy: Strategy, prefix: tuple[str, ...], driven: bool = True
) -> Stepper:
    """A fresh scheduler advanced through ``prefix``: driven by hand where it can be
    (``driven.py``), else on the running loop."""
    scheduler = schedule(scenario, strategy, loop=asyncio.get_running_loop(), driven=driven)
    for rid in prefix:
        await scheduler.advance(rid)
    return scheduler


async def yield_to_loop() -> None:
    """Let the running loop run: a hand-driven step never suspends, so without this
    the loop could not deliver Ctrl-C (``asyncio.run`` cancels its task on SIGINT)
    until the whole exploration was over."""
    await asyncio.sleep(0)


def groups(scheduler: Stepper) -> list[tuple[str, int, Key]]:
    """One runnable request per group of interchangeable ones: (id, group size, group)."""
    found: dict[Key, list[str]] = {}
    for rid in scheduler.runnable():
        found.setdefault(scheduler.local_state(rid), []).append(rid)
    return [(ids[0], len(ids), group) for group, ids in found.items()]


@dataclass
class _State:
    prefix: tuple[str, ...]  # the schedule that first reached it: replayed to expand it
    edges: list[tuple[Key, int, Key]] = field(default_factory=list)
    end: tuple[int, tuple[str, ...], tuple[ViolationKind, ...]] | None = (
        None  # final, granted, kinds
    )
    schedules: int = 0
    distance: int = 0
    via: tuple[Key, Key] | None = None  # best (parent, group)
    parts: tuple[tuple[Key, ...], Key] | None = None  # with transitions: locals, store
    key: Key = ()  # its fingerprint, the dict's own key object (edges point at it)


@dataclass
class _Frame:
    key: Key
    live: Stepper | None  # a replay standing at this state, if one is free
    groups: list[tuple[str, int, Key]] | None = None  # children still to step


class Search:
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
        strategy: Strategy,
        max_states: int | None = None,
        on_progress: Progress | None = None,
        learn: bool = True,
        driven: bool = True,
    ) -> None:
        """``learn`` and ``driven`` off give the plain engine (real loop, a replay per
        step): the baseline the benchmark measures against, and the tests' reference."""
        self.scenario = scenario
        self.strategy = strategy
        self.max_states = max_states
        self.on_progress = on_progress
        self.states: dict[Key, _State] = {}
        self.root: Key = ()
        self.complete = True
        self.merged = True  # False: some state could not be compared, so none was merged
        self.driven = driven
        use = learn and transitions.applies(scenario, strategy)
        self.transitions = transitions.Transitions(scenario) if use else None

    async def replay(self, prefix: tuple[str, ...]) -> Stepper:
        return await replay(self.scenario, self.strategy, prefix, self.driven)

    async def run(self) -> None:
        """Discover every state reachable from the start.

        The depth-first walk keeps its own stack: awaiting a recursive
        coroutine would pass every step's wake-up through each level.
        """
        with bounded_steps():  # a user's code: the step alarm's handler, once for the walk
            await self._walk()

    async def _walk(self) -> None:
        live = await self.replay(())
        self.root = live.fingerprint()
        self.states[self.root] = self._state((), live)
        self.states[self.root].key = self.root
        stack = [_Frame(self.root, live)]
        ticks = 0
        while stack:
            ticks += 1
            if not ticks & 255:
                await yield_to_loop()
            frame = stack[-1]
            state = self.states[frame.key]
            if frame.groups is None:
                if self._finished(frame, state):
                    state.end = self._end(frame, state)
                    stack.pop()
                    continue
                frame.groups = self._groups(frame, state)
            if not frame.groups:
                if frame.live is not None:
                    frame.live.close()
                stack.pop()
                continue
            rid, size, group = frame.groups.pop(0)
            known = self._known_step(state, rid, group)
            if known is not None:  # learnt already: the child without a replay
                child, scheduler = known, None
            else:
                scheduler = frame.live or await self.replay(state.prefix)
                frame.live = None  # a replay serves one child; later children replay again
                await scheduler.advance(rid)
                child = scheduler.fingerprint()
                self.merged = self.merged and scheduler.comparable
                self._learn(state, rid, scheduler)
            seen = self.states.get(child)
            if seen is not None:
                child = seen.key  # the stored key, not an equal copy: one object per state
            state.edges.append((child, size, group))
            if seen is not None:
                if scheduler is not None:
                    scheduler.close()
                continue
            if self.max_states is not None and len(self.states) >= self.max_states:
                self.complete = False
                if scheduler is not None:
                    scheduler.close()
                continue
            self.states[child] = self._state(state.prefix + (rid,), scheduler, state, rid)
            self.states[child].key = child
            if self.on_progress is not None and len(self.states) % 256 == 0:
                self.on_progress(len(self.states), detail=f"frontier {len(stack):,}")
            stack.append(_Frame(child, scheduler))

    # -- transitions (transitions.py): steps learnt, used instead of replays ----------

    def _state(
        self,
        prefix: tuple[str, ...],
        scheduler: Stepper | None,
        parent: _State | None = None,
        rid: str | None = None,
    ) -> _State:
        """A new state; with transitions, its local states and store kept for arithmetic."""
        if self.transitions is None:
            return _State(prefix)
        if scheduler is not None:
            parts = (self.transitions.locals_of(scheduler), self.transitions.store_of(scheduler))
        else:  # reached by a known step: the parent's parts, advanced
            assert parent is not None and parent.parts is not None and rid is not None
            group = parent.parts[0][self.scenario.request_ids.index(rid)]
            known = self.transitions.step(*parent.parts, rid, group)
            assert known is not None
            parts = (known[1], known[2])
        return _State(prefix, parts=parts)

    def _known_step(self, state: _State, rid: str, group: Key) -> Key | None:
        if self.transitions is None or state.parts is None:
            return None
        known = self.transitions.step(*state.parts, rid, group)
        return None if known is None else known[0]

    def _learn(self, state: _State, rid: str, scheduler: Stepper) -> None:
        if self.transitions is not None and state.parts is not None:
            after = self.transitions.locals_of(scheduler)
            self.transitions.learn(*state.parts, rid, after, self.transitions.store_of(scheduler))

    def _finished(self, frame: _Frame, state: _State) -> bool:
        if frame.live is not None:
            return frame.live.finished
        assert self.transitions is not None and state.parts is not None
        return self.transitions.finished(state.parts[0])

    def _end(self, frame: _Frame, state: _State) -> End:
        if frame.live is not None:
            end = end_of(frame.live)
            frame.live.close()
            return end
        assert self.transitions is not None and state.parts is not None
        return self.transitions.end(*state.parts)

    def _groups(self, frame: _Frame, state: _State) -> list[tuple[str, int, Key]]:
        if frame.live is not None:
            return groups(frame.live)
        assert self.transitions is not None and state.parts is not None
        return self.transitions.groups(state.parts[0])

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

    async def witness(self, key: Key) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The shortest path to ``key``, replayed with concrete request ids."""
        path: list[Key] = []
        while (via := self.states[key].via) is not None:
            key, group = via
            path.append(group)
        scheduler = await self.replay(())
        ids: list[str] = []
        actions: list[str] = []
        try:
            for group in reversed(path):
                rid = next(r for r in scheduler.runnable() if scheduler.local_state(r) == group)
                step = await scheduler.advance(rid)
                ids.append(rid)
                actions.append(step.action)
        finally:
            scheduler.close()
        return tuple(ids), tuple(actions)

    async def outcomes(self) -> list[Outcome]:
        """One outcome per finished state, with its schedule count and shortest witness."""
        self.count()
        found: list[Outcome] = []
        for key, state in self.states.items():
            if state.end is not None:
                ids, actions = await self.witness(key)
                final, granted, kinds = state.end
                found.append(Outcome(final, granted, state.schedules, kinds, ids, actions))
        return found
