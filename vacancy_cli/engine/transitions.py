"""What a step does, remembered: the explorer expands most states without a replay.

A coroutine cannot be copied, so the explorer reaches a state by replaying the
schedule that first led to it, and every sibling after the first costs a
replay from the start. Yet for a strategy with no guard (``none``, the SQLite
statements), what one step does depends on two things only: the stepping
request's local state (its position and the values it has seen) and the store
(the stock, the cache and its age). The same pair, met again in another state,
gives the same result. So each real step teaches a transition,

    (request's local state, store) -> (its next local state, next store),

kept only when the step changed nothing else (every other request's local
state the same before and after); and a state whose steps are all known is
expanded by arithmetic on its fingerprint, with no replay at all.

Not for guarded strategies: there a step also depends on who holds the lock
and who queues for it, which the pair does not say, and a release changes
another request (the woken waiter). Not with several pods, or on a server, or
for a user's own code. A test explores every bundled scenario under every
strategy with and without transitions and compares the whole state graph.
"""

from __future__ import annotations

from sys import intern

from vacancy_cli.engine.checker import check_totals
from vacancy_cli.engine.stepper import Stepper
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import OWN, Strategy

Local = tuple[object, ...]
Store = tuple[object, ...]
Key = tuple[object, ...]
RUNNABLE = ("not started", "parked")  # a local state's third item, for a request that can move


def applies(scenario: Scenario, strategy: Strategy) -> bool:
    """Whether a step's result is a function of (local state, store) alone."""
    unguarded = strategy.guard is None and strategy.server is None
    return unguarded and strategy.store != OWN and scenario.pods == 1


class Transitions:
    """The transitions learnt so far, and the arithmetic that uses them."""

    def __init__(self, scenario: Scenario) -> None:
        self.ids = scenario.request_ids
        self.initial = scenario.stock
        self.qty = {spec.id: spec.qty for spec in scenario.requests}
        self.known: dict[tuple[Local, Store], tuple[Local, Store]] = {}
        self.learnt = 0
        self.used = 0

    def locals_of(self, scheduler: Stepper) -> tuple[Local, ...]:
        """Each request's local state, in scenario order."""
        return tuple(scheduler.local_state(rid) for rid in self.ids)

    @staticmethod
    def store_of(scheduler: Stepper) -> Store:
        return tuple(m.store_state() for m in scheduler.managers)

    def groups(self, locals_: tuple[Local, ...]) -> list[tuple[str, int, Key]]:
        """``search.groups`` from the local states: one runnable request per group of
        identical ones, in scenario order."""
        found: dict[Local, list[str]] = {}
        for rid, local in zip(self.ids, locals_, strict=True):
            if local[2] in RUNNABLE:
                found.setdefault(local, []).append(rid)
        return [(ids[0], len(ids), group) for group, ids in found.items()]

    def finished(self, locals_: tuple[Local, ...]) -> bool:
        return all(local[2] == "done" for local in locals_)

    def end(
        self, locals_: tuple[Local, ...], store: Store
    ) -> tuple[int, tuple[str, ...], tuple[ViolationKind, ...]]:
        """``runs.end_of`` for a finished state: final stock, granted ids, kinds."""
        final = store[0][0]  # type: ignore[index]
        assert isinstance(final, int)
        granted = tuple(rid for rid, local in zip(self.ids, locals_, strict=True) if local[3])
        tickets = sum(self.qty[rid] for rid in granted)
        return final, granted, tuple(v.kind for v in check_totals(self.initial, final, tickets))

    def step(
        self, locals_: tuple[Local, ...], store: Store, rid: str, group: Local
    ) -> tuple[Key, tuple[Local, ...], Store] | None:
        """The child of this state when ``rid`` steps, if that step is known."""
        known = self.known.get((group, store))
        if known is None:
            return None
        self.used += 1
        after, next_store = known
        index = self.ids.index(rid)
        child = locals_[:index] + (after,) + locals_[index + 1 :]
        return fingerprint(child, next_store), child, next_store

    def learn(
        self,
        before: tuple[Local, ...],
        store: Store,
        rid: str,
        after: tuple[Local, ...],
        next_store: Store,
    ) -> None:
        """Remember a real step, if it changed no request but its own."""
        index = self.ids.index(rid)
        others_same = before[:index] + before[index + 1 :] == after[:index] + after[index + 1 :]
        if others_same:
            self.known.setdefault((before[index], store), (after[index], next_store))
            self.learnt += 1


def fingerprint(locals_: tuple[Local, ...], store: Store) -> Key:
    """``Scheduler.fingerprint`` from the parts: no request waits on a guard here."""
    return (store, tuple(sorted(intern(repr(local)) for local in locals_)))
