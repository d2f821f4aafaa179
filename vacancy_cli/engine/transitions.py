"""What a step does, remembered: the explorer expands most states without a replay.

A coroutine cannot be copied, so the explorer reaches a state by replaying the
schedule that first led to it, and every sibling after the first costs a
replay from the start. Yet what one step does depends on three things only:
the stepping request's local state (its position and the values it has seen),
the store (the stock, the cache and its age), and the guard: how many
requests hold it and how many queue for it. The same triple, met again in
another state, gives the same result. So each real step teaches a transition,

    (request's local state, store, guard) -> (its next local state, next store,
                                              next guard, whether it woke a waiter)

and a state whose steps are all known is expanded by arithmetic, with no
replay at all. A step changes one other request at most: a release wakes the
first waiter, which takes the guard and parks (the scheduler's settle rule),
and every other waiter moves up one place in the queue. A step is learnt only
when the other requests changed exactly so (or not at all), and never when it
froze the loop (a ``threading.Lock`` taken twice): such steps are replayed.

Why the guard is two counts and not the lock's queue of request ids: requests
with the same local state are interchangeable, and a waiter's local state
carries its place in the queue, so the counts are all a step can observe.
The counts are read from the local states themselves (a request holds the
guard between its ``acquires`` and ``releases``, or once woken), so the
arithmetic needs no lock object.

The event-sourced writer is a task of its own, but it answers within the step
that sent it a command (the settle rule), so between steps its queue is empty
and the triple is still the whole input. A user's own code learns too: its
store is every plain attribute and the pending timers, and with timers pending
the key also holds the moment (steps taken, virtual time), since the next
step's clock decides which fire. A step that read the clock itself, or
deadlocked, is not learnt (``Stepper.learnable``); a user's wake-ups are
replayed, not predicted; a value that cannot be compared stops the learning
(``parts_of`` says None). Not with several pods (each has its own guard, which
two counts do not say) or on a server (its state lives elsewhere).
A test explores every bundled scenario under every strategy with and without
transitions and compares the whole state graph, and a Hypothesis property
does the same on random scenarios.

Local states and stores are numbered as they are met, and a state's key is its
store's number and its requests' numbers, sorted, packed into bytes: about 70
bytes a state, where the tuple of ``repr`` strings the schedulers' own
fingerprint is made of costs three times that (a million states must fit in a
laptop's memory). The numbering is one table per exploration, so these keys
compare only with each other; the plain engine keys its states by
``fingerprint()`` instead.
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

from vacancy_cli.engine.checker import check_totals
from vacancy_cli.engine.own_state import NotPlain
from vacancy_cli.engine.stepper import Stepper
from vacancy_cli.model import trace
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import OWN, Strategy

Local = tuple[object, ...]
Store = tuple[object, ...]
Guard = tuple[int, int]  # (requests holding the guard, requests queued for it)
Key = object  # hashable: bytes here, the fingerprint's tuple in the plain engine
End = tuple[int, tuple[str, ...], tuple[ViolationKind, ...]]
Known = tuple[int, int, Guard, tuple[int, float] | None]  # local, store, guard, moment
# A local state's third item, for a request that can move ("woken": a user's waiter
# whose future is done, which runs on at its next step).
RUNNABLE = ("not started", "parked", "woken")


class Parts(NamedTuple):
    """A state request by request: what the arithmetic steps (the key sorts the
    requests away, so the walk keeps parts for the states on its stack only)."""

    locals: tuple[int, ...]  # each request's local state, numbered, in scenario order
    store: int  # the store's state, numbered
    guard: Guard
    moment: tuple[int, float] | None  # a user's code with timers: steps taken, virtual time


def applies(scenario: Scenario, strategy: Strategy) -> bool:
    """Whether a step's result is a function of (local state, store, guard) alone."""
    return strategy.server is None and scenario.pods == 1


class Transitions:
    """The transitions learnt so far, and the arithmetic that uses them."""

    def __init__(self, scenario: Scenario, strategy: Strategy) -> None:
        self.own = strategy.store == OWN
        self.ids = scenario.request_ids
        self.index = {rid: n for n, rid in enumerate(self.ids)}
        self.initial = scenario.stock
        self.known: dict[Known, tuple[int, int, Guard, tuple[int, float] | None, bool]] = {}
        self.learnt = 0
        self.used = 0
        self._numbers: dict[Local, int] = {}
        self._locals: list[Local] = []  # by number
        self._stores: dict[Store, int] = {}
        self._store_values: list[Store] = []
        self._woken: dict[int, int] = {}
        self._guard_part: dict[int, Guard] = {}
        self._guards: dict[Guard, Guard] = {}  # one object per distinct guard

    # -- from a real scheduler ---------------------------------------------------------

    def parts_of(self, scheduler: Stepper) -> Parts | None:
        """The state request by request; None where a user's value cannot be compared
        (``OwnScheduler.comparable``): such a state is keyed by its schedule instead."""
        try:
            locals_ = tuple(self._number(local) for local in scheduler.local_states())
            store = scheduler.shared_state()
        except NotPlain:
            return None
        if not scheduler.comparable:
            return None
        number = self._stores.setdefault(store, len(self._stores))
        if number == len(self._store_values):
            self._store_values.append(store)
        return Parts(locals_, number, self._guard(locals_), scheduler.moment)

    @staticmethod
    def key(parts: Parts) -> bytes:
        """The state's key: its store and its requests' local states, sorted (identical
        requests are interchangeable), packed."""
        return array("I", (parts.store, *sorted(parts.locals))).tobytes()

    def learn(self, before: Parts, rid: str, after: Parts) -> None:
        """Remember a real step, if it changed no request but its own, or woke the
        first waiter as a release does."""
        index = self.index[rid]
        others = before.locals[:index] + before.locals[index + 1 :]
        others_after = after.locals[:index] + after.locals[index + 1 :]
        if others_after == others:
            wakes = False
        elif not self.own and others_after == tuple(self._wake(number) for number in others):
            wakes = True  # the built-ins' release; a user's primitives may wake otherwise
        else:
            return
        self.known.setdefault(
            (before.locals[index], before.store, before.guard, before.moment),
            (after.locals[index], after.store, after.guard, after.moment, wakes),
        )
        self.learnt += 1

    # -- arithmetic --------------------------------------------------------------------

    def step(self, parts: Parts, rid: str) -> tuple[bytes, Parts] | None:
        """The child of this state when ``rid`` steps, if that step is known."""
        index = self.index[rid]
        known = self.known.get((parts.locals[index], parts.store, parts.guard, parts.moment))
        if known is None:
            return None
        self.used += 1
        after, store, guard, moment, wakes = known
        locals_ = parts.locals
        if wakes:
            locals_ = tuple(self._wake(number) for number in locals_)
        child = Parts(locals_[:index] + (after,) + locals_[index + 1 :], store, guard, moment)
        if self._locals[after][2] not in RUNNABLE and self._stuck(child):
            return None  # the real step goes on (time jumps to a timer) or deadlocks: replay it
        return self.key(child), child

    def groups(self, parts: Parts) -> list[tuple[str, int, Local]]:
        """``search.groups`` from the parts: one runnable request per group of
        identical ones, in scenario order."""
        found: dict[int, list[str]] = {}
        for rid, number in zip(self.ids, parts.locals, strict=True):
            if self._locals[number][2] in RUNNABLE:
                found.setdefault(number, []).append(rid)
        return [(ids[0], len(ids), self._locals[number]) for number, ids in found.items()]

    def finished(self, parts: Parts) -> bool:
        return all(self._locals[number][2] == "done" for number in parts.locals)

    def _stuck(self, parts: Parts) -> bool:
        """Unfinished, and no request can move: the scheduler itself would go on."""
        states = [self._locals[number][2] for number in parts.locals]
        return not any(state in RUNNABLE for state in states) and any(
            state != "done" for state in states
        )

    def end(self, parts: Parts) -> End:
        """``runs.end_of`` for a finished state: final stock, granted ids, kinds.

        A stale read is a property of the path, not of the totals: each pod's store
        keeps whether its cache ever served a stale value (``store_state``'s last
        item), so the state, and so its end, carries it.
        """
        pods = self._store_values[parts.store][0]  # each pod's store_state()
        assert isinstance(pods, tuple)
        final = pods[0][0]  # the first pod's stock
        assert isinstance(final, int)
        done = [self._locals[number] for number in parts.locals]
        granted = tuple(rid for rid, local in zip(self.ids, done, strict=True) if local[3])
        tickets = sum(local[1] for local in done if local[3])  # type: ignore[misc]
        kinds = tuple(v.kind for v in check_totals(self.initial, final, tickets))
        if any(pod[3] for pod in pods):
            kinds += (ViolationKind.STALE_READ,)
        return final, granted, kinds

    # -- local states, numbered --------------------------------------------------------

    def _number(self, local: Local) -> int:
        number = self._numbers.setdefault(local, len(self._numbers))
        if number == len(self._locals):
            self._locals.append(local)
        return number

    def _wake(self, number: int) -> int:
        """A local state after a release woke the first waiter: the first takes the
        guard and parks, every other waiter moves up one place."""
        woken = self._woken.get(number)
        if woken is None:
            local = self._locals[number]
            if local[2] != "waiting":
                woken = number
            elif local[4] == 0:
                woken = self._number((*local[:2], "parked", local[3], None))
            else:
                woken = self._number((*local[:4], local[4] - 1))  # type: ignore[operator]
            self._woken[number] = woken
        return woken

    def _guard(self, locals_: tuple[int, ...]) -> Guard:
        holders = waiters = 0
        for number in locals_:
            held, queued = self._holds(number)
            holders += held
            waiters += queued
        guard = (holders, waiters)
        return self._guards.setdefault(guard, guard)

    def _holds(self, number: int) -> Guard:
        """How much of the guard one request holds, and whether it queues for it."""
        part = self._guard_part.get(number)
        if part is None:
            local = self._locals[number]
            if local[2] == "waiting":
                part = (0, 1)
            elif local[2] != "parked":
                part = (0, 0)  # not started, or done: a finished request released it
            else:
                actions = [action for action, _ in local[3]]  # type: ignore[attr-defined]
                inside = actions.count(trace.ACQUIRES) - actions.count(trace.RELEASES)
                woken = bool(actions) and actions[-1] == trace.WAITS  # took it as it woke
                part = (inside + woken, 0)
            self._guard_part[number] = part
        return part
