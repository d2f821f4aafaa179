"""The one way from a scenario and a strategy to something that steps it.

Two schedulers speak the same verbs (``Stepper``): ``Scheduler`` runs the
built-in StockManagers, whose checkpoints are named hooks; ``OwnScheduler``
runs a user's plain asyncio code, where every yield to the loop is one. The
explorer, ``simulate``, ``play`` and ``finish_run`` see only the verbs.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from vacancy_cli.engine.scheduler import Scheduler, State
from vacancy_cli.model import trace
from vacancy_cli.model.result import Violation
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import OWN, Strategy


class Stepper(Protocol):
    """What the explorer, the replays and the game ask of a scheduler."""

    strategy: Strategy
    initial_stock: int
    steps: list[trace.Step]
    managers: list[Any]
    shared_store: bool
    frozen: bool
    comparable: bool  # the last fingerprint compares across replays

    def state(self, request_id: str) -> State: ...
    def runnable(self) -> list[str]: ...
    @property
    def finished(self) -> bool: ...
    def step(self, request_id: str) -> trace.Step: ...
    def finish(self) -> list[trace.Step]: ...
    async def advance(self, request_id: str) -> trace.Step: ...
    async def finish_async(self) -> list[trace.Step]: ...
    @property
    def stock(self) -> int: ...
    @property
    def final_stock(self) -> int: ...
    def results(self) -> tuple[trace.RequestResult, ...]: ...
    def faults(self) -> tuple[Violation, ...]: ...
    def fingerprint(self) -> tuple[object, ...]: ...
    def local_state(self, request_id: str, queue_rank: int | None = None) -> tuple[object, ...]: ...
    def local_states(self) -> tuple[tuple[object, ...], ...]:
        """Each request's local state in scenario order, a waiter's with its place in
        its queue: what ``fingerprint`` sorts, and the explorer's arithmetic reads."""

    def shared_state(self) -> tuple[object, ...]:
        """The rest of the fingerprint: what any request can observe besides its own
        local state (each store; a user's attributes and pending timers)."""

    @property
    def moment(self) -> tuple[int, float] | None:
        """Steps taken and virtual time, where the next step depends on them (a
        user's timers, which the next step's clock fires); else None (a built-in's
        cache keeps its age in its store)."""

    def pod_of(self, request_id: str) -> int:
        """The pod that serves ``request_id``."""

    def pod_stocks(self) -> tuple[int, ...]:
        """Each pod's stock, as its own manager counts it (one shared count, or a
        copy per pod)."""

    @property
    def learnable(self) -> bool:
        """The last step is a function of the state it left: it did not freeze the
        loop, deadlock, or read the clock (``VirtualLoop.time``)."""

    def coroutine(self, request_id: str) -> object: ...
    def close(self) -> None: ...
    def __enter__(self) -> Stepper: ...
    def __exit__(self, *exc: object) -> None: ...


def schedule(
    scenario: Scenario,
    strategy: Strategy,
    loop: asyncio.AbstractEventLoop | None = None,
    driven: bool = False,
) -> Stepper:
    """A scheduler standing at the start of ``scenario`` under ``strategy``.

    ``driven``: the explorer's fast path, coroutines driven by hand
    (``DrivenScheduler``), for every built-in that needs no server; a strategy
    on a server keeps the real loop its I/O needs.
    """
    if strategy.store == OWN:
        from vacancy_cli.engine.own import OwnScheduler
        from vacancy_cli.stock.own import load

        return OwnScheduler(scenario, strategy, load(strategy.variant), scenario.pods)
    if driven and strategy.server is None:
        from vacancy_cli.engine.driven import DrivenScheduler

        return DrivenScheduler(scenario, strategy)
    return Scheduler(
        scenario.stock, scenario.requests, strategy, scenario.step_ms, loop=loop, pods=scenario.pods
    )
