"""What the two hand-driven schedulers share: the verbs around one step.

``DrivenScheduler`` (the built-ins, for the explorer) and ``OwnScheduler`` (a
user's code) both send to bare coroutines on a ``VirtualLoop``; each writes
``_advance`` (one step), ``runnable``, ``finished`` and ``close``, and gets the
blocking and the awaitable verbs of ``Stepper`` from here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Self

from vacancy_cli.engine.scheduler import SchedulerStuck, State
from vacancy_cli.model import trace
from vacancy_cli.model.requests import RequestSpec


@dataclass
class HandRequest:
    """A request driven by hand: its coroutine, what it waits for, how it ended."""

    spec: RequestSpec
    pod: int
    state: State = State.NEW
    coro: Coroutine[Any, Any, Any] | None = None
    waiting_on: asyncio.Future[Any] | None = None
    granted: bool | None = None
    returned: int | None = None
    history: list[tuple[trace.Event, ...]] = field(default_factory=list)


class HandDriven:
    """The verbs: ``step``, ``advance``, ``finish``, ``finish_async``, ``with``."""

    def _advance(self, request_id: str) -> trace.Step:
        raise NotImplementedError

    def runnable(self) -> list[str]:
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def step(self, request_id: str) -> trace.Step:
        return self._advance(request_id)

    async def advance(self, request_id: str) -> trace.Step:
        """``step``, awaitable: the explorer runs on a loop; a step never suspends."""
        return self._advance(request_id)

    def finish(self) -> list[trace.Step]:
        """Run every unfinished request to its end: first runnable in scenario order."""
        done: list[trace.Step] = []
        while not self.finished:
            ready = self.runnable()
            if not ready:
                raise SchedulerStuck("every unfinished request is waiting; none can run")
            done.append(self._advance(ready[0]))
        return done

    async def finish_async(self) -> list[trace.Step]:
        return self.finish()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
