"""The clock the StockManager's read cache asks for the time.

The cache's 1 s TTL is the only place a strategy looks at time. Injecting the
clock lets a simulation use virtual time (advanced by the scheduler, one tick
per step) so that no test or replay ever sleeps, while a live run uses the
monotonic clock (``live.hooks.MonotonicClock``: the only real clock, kept out of
the deterministic core).
"""

from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since an arbitrary origin; never goes backwards."""
        ...


class VirtualClock:
    """Time that moves only when the scheduler says so."""

    def __init__(self) -> None:
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def set(self, seconds: float) -> None:
        if seconds < self._now:
            raise ValueError("virtual time cannot go backwards")
        self._now = seconds
