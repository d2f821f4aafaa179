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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from vacancy_cli.engine import transitions
from vacancy_cli.engine.runs import end_of
from vacancy_cli.engine.stepper import Stepper, schedule
from vacancy_cli.engine.transitions import End, Parts
from vacancy_cli.engine.virtual_loop import bounded_steps
from vacancy_cli.model.result import Outcome
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy


class Progress(Protocol):
    """Told how far the work has gone, and, where there is one, the frontier."""

    def __call__(self, done: int, *, detail: str | None = None) -> None: ...


Group = tuple[object, ...]  # a request's local state: the group of identical requests in it
StateKey = object  # a state's key: hashable (see Search._key)


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


def groups(scheduler: Stepper) -> list[tuple[str, int, Group]]:
    """One runnable request per group of interchangeable ones: (id, group size, group)."""
    found: dict[Group, list[str]] = {}
    for rid in scheduler.runnable():
        found.setdefault(scheduler.local_state(rid), []).append(rid)
    return [(ids[0], len(ids), group) for group, ids in found.items()]


class _Unlearnable(Exception):
    """A state of a user's code could not be compared: learnt steps cannot be keyed."""


class _State:
    """One state of the graph, in as few bytes as Python allows: there may be a
    million. Slots; the path that first reached it as a link to its parent; its
    edges as one flat list (child, group size, group, child, ...), which costs
    half what a list of tuples does."""

    __slots__ = ("parent", "rid", "edges", "end", "schedules", "distance", "via", "via_group")

    def __init__(self, parent: _State | None, rid: str | None) -> None:
        self.parent = parent  # with rid: the step that first reached it, replayed to expand it
        self.rid = rid
        self.edges: list[object] = []
        self.end: End | None = None  # once finished: final, granted, kinds
        self.schedules = 0  # once counted: the schedules that reach it
        self.distance = 0  # and the length of the shortest,
        self.via: _State | None = None  # whose last step is from here,
        self.via_group: Group = ()  # by a request in this local state

    def add_edge(self, child: _State, size: int, group: Group) -> None:
        self.edges += (child, size, group)

    def children(self) -> Iterator[tuple[_State, int, Group]]:
        """Each edge: the child, how many identical requests it stands for, their
        local state."""
        edges = self.edges
        for n in range(0, len(edges), 3):
            yield edges[n], edges[n + 1], edges[n + 2]  # type: ignore[misc]

    @property
    def prefix(self) -> tuple[str, ...]:
        """The schedule that first reached this state."""
        ids: list[str] = []
        state: _State | None = self
        while state is not None and state.rid is not None:
            ids.append(state.rid)
            state = state.parent
        return tuple(reversed(ids))


@dataclass
class _Frame:
    state: _State
    live: Stepper | None  # a replay standing at this state, if one is free
    parts: Parts | None  # with transitions: the state request by request
    groups: list[tuple[str, int, Group]] | None = None  # children still to step


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
        self.states: dict[StateKey, _State] = {}
        self.root = _State(None, None)
        self.complete = True
        self.merged = True  # False: some state could not be compared, so none was merged
        self.driven = driven
        use = learn and transitions.applies(scenario, strategy)
        self.transitions = transitions.Transitions(scenario, strategy) if use else None

    async def replay(self, prefix: tuple[str, ...]) -> Stepper:
        return await replay(self.scenario, self.strategy, prefix, self.driven)

    async def run(self) -> None:
        """Discover every state reachable from the start.

        The depth-first walk keeps its own stack: awaiting a recursive
        coroutine would pass every step's wake-up through each level.
        """
        with bounded_steps():  # a user's code: the step alarm's handler, once for the walk
            try:
                await self._walk()
            except _Unlearnable:  # a user's value that cannot be compared: no arithmetic
                self.transitions = None
                self.states.clear()
                self.root = _State(None, None)
                self.complete = True
                await self._walk()

    async def _walk(self) -> None:
        live = await self.replay(())
        parts = self._parts(live)
        if self.transitions is not None and parts is None:
            live.close()
            raise _Unlearnable
        self.states[self._key(live, parts)] = self.root
        stack = [_Frame(self.root, live, parts)]
        learning = self.transitions
        ticks = 0
        while stack:
            ticks += 1
            if not ticks & 255:
                await yield_to_loop()
            frame = stack[-1]
            state = frame.state
            if frame.groups is None:
                if self._finished(frame):
                    state.end = await self._end(frame)
                    stack.pop()
                    continue
                frame.groups = self._groups(frame)
                frame.groups.reverse()  # popped from the end: scenario order
            if not frame.groups:
                if frame.live is not None:
                    frame.live.close()
                stack.pop()
                continue
            rid, size, group = frame.groups.pop()
            known = None
            if learning is not None and frame.parts is not None:
                known = learning.step(frame.parts, rid)
            scheduler: Stepper | None = None
            key: StateKey
            child_parts: Parts | None
            if known is not None:  # learnt already: the child without a replay
                key, child_parts = known
            else:
                scheduler = frame.live or await self.replay(state.prefix)
                frame.live = None  # a replay serves one child; later children replay again
                await scheduler.advance(rid)
                child_parts = self._parts(scheduler)
                if learning is not None and child_parts is None:
                    scheduler.close()
                    raise _Unlearnable
                key = self._key(scheduler, child_parts)
                self.merged = self.merged and scheduler.comparable
                if learning is not None and frame.parts is not None and scheduler.learnable:
                    assert child_parts is not None
                    learning.learn(frame.parts, rid, child_parts)
            seen = self.states.get(key)
            if seen is not None:
                state.add_edge(seen, size, group)
                if scheduler is not None:
                    scheduler.close()
                continue
            if self.max_states is not None and len(self.states) >= self.max_states:
                self.complete = False
                if scheduler is not None:
                    scheduler.close()
                continue
            child = self.states[key] = _State(state, rid)
            state.add_edge(child, size, group)
            if self.on_progress is not None and len(self.states) % 256 == 0:
                self.on_progress(len(self.states), detail=f"frontier {len(stack):,}")
            stack.append(_Frame(child, scheduler, child_parts))

    # -- transitions (transitions.py): steps learnt, used instead of replays ----------

    def _parts(self, scheduler: Stepper) -> Parts | None:
        return None if self.transitions is None else self.transitions.parts_of(scheduler)

    @staticmethod
    def _key(scheduler: Stepper, parts: Parts | None) -> StateKey:
        """The fingerprint: from the parts when there are any (the same value, and
        the local states are not drawn twice)."""
        return scheduler.fingerprint() if parts is None else transitions.Transitions.key(parts)

    def _finished(self, frame: _Frame) -> bool:
        if frame.live is not None:
            return frame.live.finished  # a frozen loop, too
        assert self.transitions is not None and frame.parts is not None
        return self.transitions.finished(frame.parts)

    async def _end(self, frame: _Frame) -> End:
        learnt = self.transitions
        if frame.live is None and learnt is not None and not learnt.own:
            assert frame.parts is not None
            return learnt.end(frame.parts)
        # a user's own code ends with available() or its attribute, and any fault: run it
        live = frame.live or await self.replay(frame.state.prefix)
        frame.live = None
        end = end_of(live)
        live.close()
        return end

    def _groups(self, frame: _Frame) -> list[tuple[str, int, Group]]:
        if frame.parts is not None:
            assert self.transitions is not None
            return self.transitions.groups(frame.parts)
        assert frame.live is not None
        return groups(frame.live)

    def count(self) -> None:
        """Schedules to each state and its shortest path, in topological order."""
        indegree = dict.fromkeys(self.states.values(), 0)
        for state in self.states.values():
            for child, _, _ in state.children():
                indegree[child] += 1
        self.root.schedules = 1
        ready = deque([self.root])
        while ready:
            state = ready.popleft()
            for child, size, group in state.children():
                child.schedules += state.schedules * size
                if child.via is None or state.distance + 1 < child.distance:
                    child.distance, child.via, child.via_group = state.distance + 1, state, group
                indegree[child] -= 1
                if indegree[child] == 0:
                    del indegree[child]
                    ready.append(child)

    async def witness(self, state: _State) -> tuple[tuple[str, ...], tuple[str, ...], End]:
        """The shortest path to ``state``, replayed with concrete request ids, and the
        end it reaches under those ids. The state's own ``end`` names the ids of the
        path that first reached it; identical requests are interchangeable, so the
        shortest path may end with others granted: the outcome takes the witness's."""
        path: list[Group] = []
        while state.via is not None:
            path.append(state.via_group)
            state = state.via
        scheduler = await self.replay(())
        ids: list[str] = []
        actions: list[str] = []
        try:
            for group in reversed(path):
                rid = next(r for r in scheduler.runnable() if scheduler.local_state(r) == group)
                step = await scheduler.advance(rid)
                ids.append(rid)
                actions.append(step.action)
            end = end_of(scheduler)
        finally:
            scheduler.close()
        return tuple(ids), tuple(actions), end

    async def outcomes(self) -> list[Outcome]:
        """One outcome per finished state, with its schedule count and shortest witness."""
        self.count()
        found: list[Outcome] = []
        for state in self.states.values():
            if state.end is not None:
                ids, actions, (final, granted, kinds) = await self.witness(state)
                found.append(Outcome(final, granted, state.schedules, kinds, ids, actions))
        return found
