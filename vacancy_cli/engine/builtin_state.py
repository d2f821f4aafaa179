"""What the explorer reads of a built-in StockManager's run: one definition for the
two schedulers that run the built-ins (``Scheduler`` on a real loop,
``DrivenScheduler`` by hand), which must give equal fingerprints for equal
states. They differ only in how they tell who waits (``local_states``)."""

from __future__ import annotations

from sys import intern
from typing import Any


class BuiltinState:
    """The fingerprint and the explorer's questions (``Stepper``'s), from the stores
    and each request's local state."""

    managers: list[Any]
    frozen: bool
    moment = None  # a built-in's step depends on no clock but its store's (the cache's age)

    def local_states(self) -> tuple[tuple[object, ...], ...]:
        raise NotImplementedError

    def fingerprint(self) -> tuple[object, ...]:
        """The state that decides every future step, with identical requests merged.

        The shared store, plus each request's position and the values it has seen
        (its step history), its place in the lock's queue, and, once finished,
        only whether it was granted. Requests with the same op and qty are
        interchangeable, so the per-request parts are sorted.
        """
        parts = sorted(intern(repr(local)) for local in self.local_states())
        return (*self.shared_state(), tuple(parts))

    def shared_state(self) -> tuple[object, ...]:
        return (tuple(m.store_state() for m in self.managers),)

    @property
    def learnable(self) -> bool:
        return not self.frozen

    def pod_stocks(self) -> tuple[int, ...]:
        return tuple(m.total for m in self.managers)
