"""The values a run produces: events, steps, request results, violations.

Everything here is a frozen dataclass so that a finished run cannot change
under the renderer. ``simulation_to_dict`` is the one place the JSON document
is made; the Rich view reads the same objects, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Actions a strategy records while a request runs (the vocabulary of the ADR).
READ = "read"  # read the stock from the store
WRITE = "write"  # wrote a new stock computed from an earlier read
REJECTED = "rejected"  # saw too little stock; wrote nothing
CACHE_HIT = "cache_hit"  # available() served from the 1 s cache
CACHES = "caches"  # available() filled the cache
WAITS = "waits"  # found the lock (or every permit) taken and blocked
ACQUIRES = "acquires"  # took the lock or a permit
RELEASES = "releases"  # gave it back

BLOCKS_LOOP = "blocks_loop"  # tried a held threading.Lock: the event loop would freeze

# Steps the schedule gave to a request that could not move.
BLOCKED = "blocked"  # still waiting for the lock
DONE = "done"  # had already finished
FROZEN = "frozen"  # the event loop is blocked: nothing can move any more

ACTIONS = (
    READ,
    WRITE,
    REJECTED,
    CACHE_HIT,
    CACHES,
    WAITS,
    ACQUIRES,
    RELEASES,
    BLOCKS_LOOP,
    BLOCKED,
    DONE,
    FROZEN,
)

# A step's headline is its first event that is not lock bookkeeping.
_BOOKKEEPING = (ACQUIRES, RELEASES)


@dataclass(frozen=True)
class Event:
    """One thing a request did inside a step.

    ``seen`` is the stock value the action was based on (for a write, the value
    read earlier); ``value`` is what it produced (for a write, the new stock;
    for a cache hit, the cached value's age in milliseconds).
    """

    action: str
    seen: int | None = None
    value: int | None = None


@dataclass(frozen=True)
class Step:
    """What one step of the schedule did: one request, from park to park."""

    t: int
    request: str
    events: tuple[Event, ...]
    stock: int  # the stock the request's pod sees after the step
    pod: int = 0

    @property
    def action(self) -> str:
        for event in self.events:
            if event.action not in _BOOKKEEPING:
                return event.action
        return self.events[0].action

    @property
    def seen(self) -> int | None:
        for event in self.events:
            if event.action == self.action:
                return event.seen
        return None

    def has(self, action: str) -> bool:
        return any(event.action == action for event in self.events)

    def event(self, action: str) -> Event | None:
        return next((e for e in self.events if e.action == action), None)


@dataclass(frozen=True)
class RequestResult:
    """How one request ended: granted or not, and what it was told."""

    id: str
    op: str
    qty: int
    granted: bool | None  # None for an available() read
    returned: int  # remaining stock (reserve) or the value read (available)


@dataclass(frozen=True)
class Violation:
    """A broken invariant, with the steps that caused it."""

    kind: str  # lost_update | oversell | negative_stock | event_loop_blocked
    steps: tuple[int, ...]
    message: str


VERDICT_WORDS = {
    "lost_update": "lost update",
    "oversell": "oversold",
    "negative_stock": "negative stock",
    "event_loop_blocked": "event loop blocked",
}


@dataclass(frozen=True)
class Run:
    """One strategy replayed under one schedule, checked."""

    strategy: str
    initial_stock: int
    final_stock: int
    expected_final_stock: int | None
    requests: tuple[RequestResult, ...]
    steps: tuple[Step, ...]
    violations: tuple[Violation, ...]
    audit_log: tuple[str, ...] = ()  # the event log, for strategies that keep one
    pods: int = 1

    @property
    def granted_tickets(self) -> int:
        return sum(r.qty for r in self.requests if r.granted)

    @property
    def stale_reads(self) -> tuple[int, ...]:
        """Steps where the cache served a value that was no longer the stock.

        Not a violation (the ADR accepts "max 1s old"), but worth showing.
        """
        return tuple(
            step.t
            for step in self.steps
            if (hit := step.event(CACHE_HIT)) is not None and hit.seen != step.stock
        )

    @property
    def verdict(self) -> str:
        if not self.violations:
            return "correct"
        kinds = [k for k in VERDICT_WORDS if any(v.kind == k for v in self.violations)]
        return ", ".join(VERDICT_WORDS[k] for k in kinds)

    @property
    def meets_expectation(self) -> bool | None:
        if self.expected_final_stock is None:
            return None
        return self.final_stock == self.expected_final_stock


@dataclass(frozen=True)
class Simulation:
    """Every strategy of a scenario replayed under the same schedule."""

    scenario: str
    title: str
    lesson: str
    stock: int
    schedule: tuple[str, ...]
    runs: tuple[Run, ...]


def schedule_text(schedule: tuple[str, ...]) -> str:
    return " ".join(schedule)


def _event_to_dict(event: Event) -> dict[str, Any]:
    return {"action": event.action, "seen": event.seen, "value": event.value}


def _step_to_dict(step: Step) -> dict[str, Any]:
    return {
        "t": step.t,
        "request": step.request,
        "action": step.action,
        "seen": step.seen,
        "stock": step.stock,
        "pod": step.pod + 1,
        "events": [_event_to_dict(e) for e in step.events],
    }


def violation_to_dict(violation: Violation) -> dict[str, Any]:
    return {"kind": violation.kind, "steps": list(violation.steps), "message": violation.message}


def run_to_dict(run: Run) -> dict[str, Any]:
    return {
        "strategy": run.strategy,
        "initial_stock": run.initial_stock,
        "pods": run.pods,
        "final_stock": run.final_stock,
        "expected_final_stock": run.expected_final_stock,
        "meets_expectation": run.meets_expectation,
        "granted_tickets": run.granted_tickets,
        "verdict": run.verdict,
        "stale_reads": list(run.stale_reads),
        "requests": [
            {"id": r.id, "op": r.op, "qty": r.qty, "granted": r.granted, "returned": r.returned}
            for r in run.requests
        ],
        "steps": [_step_to_dict(s) for s in run.steps],
        "violations": [violation_to_dict(v) for v in run.violations],
        "audit_log": list(run.audit_log),
    }


def simulation_to_dict(sim: Simulation) -> dict[str, Any]:
    return {
        "scenario": sim.scenario,
        "title": sim.title,
        "stock": sim.stock,
        "schedule": schedule_text(sim.schedule),
        "runs": [run_to_dict(r) for r in sim.runs],
    }
