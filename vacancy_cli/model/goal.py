"""Challenges: a goal a learner reaches by choosing the schedule.

A scenario may set ``challenge = "..."`` (the words shown to the room) and a
``[goal]`` table (the machine-checkable condition). A goal is met by a
finished run when every condition it names holds; conditions it leaves out
are free.
"""

from __future__ import annotations

from dataclasses import dataclass

from vacancy_cli.model.result import Run, ViolationKind

NO_VIOLATION = "none"
# A challenge can ask for any break a learner can cause by scheduling, or for none.
VIOLATION_CHOICES = (
    ViolationKind.LOST_UPDATE,
    ViolationKind.OVERSELL,
    ViolationKind.NEGATIVE_STOCK,
    ViolationKind.DEADLOCK,
    ViolationKind.STALE_READ,
    NO_VIOLATION,
)


@dataclass(frozen=True)
class Goal:
    text: str
    strategy: str  # the strategy the challenge is played with
    final_stock: int | None = None
    violation: str | None = None  # a violation kind that must occur, or "none"
    granted: tuple[str, ...] | None = None  # exactly these requests granted
    stale_reads: int | None = None  # at least this many stale cache reads

    def met_by_outcome(
        self, final_stock: int, granted: tuple[str, ...], kinds: tuple[str, ...]
    ) -> bool:
        """The conditions an outcome of ``explore`` can tell: all but a count of stale
        reads above one (an outcome knows a stale read happened, as ``violation =
        "stale_read"`` asks, not how many)."""
        if self.final_stock is not None and final_stock != self.final_stock:
            return False
        if self.granted is not None and set(granted) != set(self.granted):
            return False
        if self.violation == NO_VIOLATION:
            return not kinds
        return self.violation is None or self.violation in kinds

    def met_by(self, run: Run) -> bool:
        kinds = tuple(v.kind for v in run.violations)
        if not self.met_by_outcome(run.final_stock, run.granted, kinds):
            return False
        return self.stale_reads is None or len(run.stale_reads) >= self.stale_reads
