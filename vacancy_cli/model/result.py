"""The one result model: violations, checked runs, outcomes, explorations.

Every command's answer is made of these frozen values; the terminal views,
``--json``, the exports and the browser all read them, so none can disagree.
``verdict`` is the one place a list of violations becomes words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from vacancy_cli.model.trace import RequestResult, Step, stale_read


class ViolationKind(StrEnum):
    """An invariant a run can break, in the order verdicts name them."""

    LOST_UPDATE = "lost_update"
    OVERSELL = "oversell"
    NEGATIVE_STOCK = "negative_stock"
    EVENT_LOOP_BLOCKED = "event_loop_blocked"
    DEADLOCK = "deadlock"  # no request can move, some have not finished
    EXCEPTION = "exception"  # a request's own code raised
    STALE_READ = "stale_read"  # the cache served a value that was no longer the stock

    @property
    def word(self) -> str:
        """How a verdict says it: "lost update", "oversold"..."""
        return _WORDS[self]


_WORDS = {
    ViolationKind.LOST_UPDATE: "lost update",
    ViolationKind.OVERSELL: "oversold",
    ViolationKind.NEGATIVE_STOCK: "negative stock",
    ViolationKind.EVENT_LOOP_BLOCKED: "event loop blocked",
    ViolationKind.DEADLOCK: "deadlock",
    ViolationKind.EXCEPTION: "exception",
    ViolationKind.STALE_READ: "stale read",
}
CORRECT = "correct"


@dataclass(frozen=True)
class Violation:
    """A broken invariant, with the steps that caused it (none for a totals check)."""

    kind: ViolationKind
    steps: tuple[int, ...]
    message: str


def verdict(broken: Iterable[Violation | ViolationKind]) -> str:
    """ "correct", or every kind broken, in ``ViolationKind`` order: "lost update, oversold"."""
    found = {v.kind if isinstance(v, Violation) else v for v in broken}
    return ", ".join(kind.word for kind in ViolationKind if kind in found) or CORRECT


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
    def granted(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.requests if r.granted)

    @property
    def stale_reads(self) -> tuple[int, ...]:
        """Steps where the cache served a value that was no longer the stock.

        Each is also a ``stale_read`` violation (``engine.checker``): the ADR accepts
        "max 1s old", but a page told a stock that is not true is what the cache
        lesson shows, and what ``explore`` counts.
        """
        return tuple(step.t for step in self.steps if stale_read(step))

    @property
    def verdict(self) -> str:
        return verdict(self.violations)

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


@dataclass(frozen=True)
class Outcome:
    """A distinct end of a scenario: how many schedules reach it, and the shortest one found.

    The search, the sampler and ``explore`` all speak in outcomes: one type from
    the engine to the view.
    """

    final_stock: int
    granted: tuple[str, ...]
    schedules: int
    violations: tuple[ViolationKind, ...]
    witness: tuple[str, ...]
    actions: tuple[str, ...]  # what each witness step does: read, write, waits...

    @property
    def bare(self) -> str:
        return " ".join(self.witness)

    @property
    def annotated(self) -> str:
        return " ".join(f"{r}:{a}" for r, a in zip(self.witness, self.actions, strict=True))

    @property
    def verdict(self) -> str:
        return verdict(self.violations)


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
    witness_run: Run | None  # the first violating outcome's witness, replayed
    merged: bool = True  # equal states were merged (False: some state was not comparable)
    replay_with: str = ""  # the option `vacancy simulate` needs to run this strategy again

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
    """``explore``'s answer: one exploration per strategy."""

    scenario: str
    title: str
    explorations: tuple[Exploration, ...]
