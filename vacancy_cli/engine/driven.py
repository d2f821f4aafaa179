"""The built-in StockManagers driven by hand: the explorer's fast path.

``Scheduler`` runs each request as a task on a real event loop and waits for
every step to settle; that costs a loop iteration (a poll, handles, futures)
several times per step, about 19 us, and the explorer takes hundreds of
thousands of steps. Here the same StockManager code runs as bare coroutines
on a ``VirtualLoop`` (``virtual_loop.py``), and a step is one ``send``:

- a checkpoint is a bare yield: the request is parked;
- a guard that is taken is a real ``asyncio.Lock``/``Semaphore`` acquire: its
  waiter future comes out of ``send``, the request waits, and the real lock
  decides who is woken, and when (a release sets the first waiter's future);
- a future that is already done once the step's callbacks have run (the
  event-sourced writer answered) is resumed within the same step, which is the
  settle rule: a step ends only when its request parks, waits or finishes.

Same events, same states, same fingerprints as ``Scheduler`` (the explorer's
counts and witnesses are checked against it, and against brute force, on
every bundled scenario). Strategies on a real server keep ``Scheduler``: their
I/O needs a loop that really runs.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from vacancy_cli import stock as stores
from vacancy_cli.engine.builtin_state import BuiltinState
from vacancy_cli.engine.hand import HandDriven, HandRequest
from vacancy_cli.engine.scheduler import SchedulerStuck, State
from vacancy_cli.engine.virtual_loop import VirtualLoop
from vacancy_cli.model import trace
from vacancy_cli.model.requests import AVAILABLE, kind, serving_pods
from vacancy_cli.model.result import Violation
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import EventLoopBlocked, Guard, StockManager, ThreadLock


@types.coroutine
def _park() -> Generator[None, None, None]:
    """A checkpoint: a bare yield, which ``send`` returns as None."""
    yield


class _LoopClock:
    """The managers' clock: the virtual loop's time, which only the steps move."""

    __slots__ = ("loop",)

    def __init__(self, loop: VirtualLoop) -> None:
        self.loop = loop

    def now(self) -> float:
        return self.loop.now


@dataclass
class _Request(HandRequest):
    queued_at: int = 0  # when it found its guard taken: its place in the guard's FIFO


class DrivenScheduler(HandDriven, BuiltinState):
    """``Scheduler``'s verbs, for the built-in managers, without a running loop."""

    def __init__(self, scenario: Scenario, strategy: Strategy) -> None:
        pods = scenario.pods
        self.strategy = strategy
        self.initial_stock = scenario.stock
        self._step_s = scenario.step_ms / 1000
        self._loop = VirtualLoop()
        clock = _LoopClock(self._loop)
        self._current: _Request | None = None
        self._events: list[trace.Event] = []
        self.manager: StockManager = stores.build(strategy, scenario.stock, self, clock)
        self.managers = [self.manager] + [
            stores.join(strategy, self.manager, self, clock) for _ in range(pods - 1)
        ]
        self.shared_store = pods == 1 or strategy.shared_store
        self._pods = pods
        pod_of = serving_pods(scenario.requests, pods)
        self._requests = {spec.id: _Request(spec, pod_of[spec.id]) for spec in scenario.requests}
        self.steps: list[trace.Step] = []
        self.frozen = False
        self.comparable = True
        self._released = False  # a guard was released this step: a waiter may have woken

    # -- Hooks: what the StockManager calls -------------------------------------------

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        self._events.append(trace.Event(action, seen, value))

    async def checkpoint(self) -> None:
        await _park()

    def hold(self, guard: Guard) -> _Hold:
        return _Hold(self, guard)

    async def wait_for(self, answer: asyncio.Future[tuple[bool, int]]) -> tuple[bool, int]:
        return await answer  # answered within the step: the writer runs as it is drained

    @contextmanager
    def hold_thread(self, lock: ThreadLock) -> Iterator[None]:
        if not lock.acquire(blocking=False):
            self.record(trace.BLOCKS_LOOP)
            raise EventLoopBlocked()
        self.record(trace.ACQUIRES)
        try:
            yield
        finally:
            lock.release()
            self.record(trace.RELEASES)

    # -- the verbs --------------------------------------------------------------------

    def state(self, request_id: str) -> State:
        req = self._requests[request_id]
        return State.PARKED if self._woken(req) else req.state

    def runnable(self) -> list[str]:
        if self.frozen:
            return []
        return [rid for rid, req in self._requests.items() if self._can_move(req)]

    @property
    def finished(self) -> bool:
        return self.frozen or all(r.state is State.DONE for r in self._requests.values())

    @property
    def stock(self) -> int:
        return self.manager.total

    @property
    def final_stock(self) -> int:
        if self.shared_store:
            return self.manager.total
        return self.initial_stock - sum(r.qty for r in self.results() if r.granted)

    def results(self) -> tuple[trace.RequestResult, ...]:
        return tuple(
            trace.RequestResult(
                id=req.spec.id,
                op=req.spec.op,
                qty=req.spec.qty,
                granted=req.granted,
                returned=req.returned if req.returned is not None else self.managers[req.pod].total,
            )
            for req in self._requests.values()
        )

    def faults(self) -> tuple[Violation, ...]:
        return ()

    def coroutine(self, request_id: str) -> object:
        req = self._requests[request_id]
        return req.coro if req.state is not State.DONE else None

    def local_states(self) -> tuple[tuple[object, ...], ...]:
        waiting = sorted(
            (r.queued_at, rid) for rid, r in self._requests.items() if self._blocked(r)
        )
        rank = {rid: place for place, (_, rid) in enumerate(waiting)}
        return tuple(self.local_state(rid, rank.get(rid)) for rid in self._requests)

    def pod_of(self, request_id: str) -> int:
        return self._requests[request_id].pod

    def local_state(self, request_id: str, queue_rank: int | None = None) -> tuple[object, ...]:
        req = self._requests[request_id]
        spec = req.spec
        who = kind(spec, req.pod, self._pods)
        if req.state is State.DONE:
            return (who, spec.qty, "done", req.granted)
        seen = tuple((e.action, e.seen) for events in req.history for e in events)
        return (who, spec.qty, self.state(request_id).value, seen, queue_rank)

    def close(self) -> None:
        for manager in reversed(self.managers):  # the first pod owns a shared store
            manager.close()
        self._loop.shut(
            r.coro for r in self._requests.values() if r.coro and r.state is not State.DONE
        )

    # -- one step ---------------------------------------------------------------------

    def _woken(self, req: _Request) -> bool:
        """A waiter the lock has woken: it moves at its next step, as a parked one."""
        return req.state is State.WAITING and req.waiting_on is not None and req.waiting_on.done()

    def _blocked(self, req: _Request) -> bool:
        return req.state is State.WAITING and not self._woken(req)

    def _can_move(self, req: _Request) -> bool:
        return req.state is State.NEW or req.state is State.PARKED or self._woken(req)

    def _advance(self, request_id: str) -> trace.Step:
        req = self._requests[request_id]
        t = len(self.steps) + 1
        self._loop.advance_to((t - 1) * self._step_s)
        if self.frozen:
            events: tuple[trace.Event, ...] = (trace.Event(trace.FROZEN),)
        elif req.state is State.DONE:
            events = (trace.Event(trace.DONE),)
        elif self._blocked(req):
            events = (trace.Event(trace.BLOCKED),)
        else:
            events = self._run_step(req)
            req.history.append(events)
            if self._released:
                self._settle()
        pod = req.pod
        step = trace.Step(t, request_id, events, self.managers[pod].total, pod)
        self.steps.append(step)
        return step

    def _run_step(self, req: _Request) -> tuple[trace.Event, ...]:
        self._current, self._events = req, []
        if req.coro is None:
            manager = self.managers[req.pod]
            req.coro = (
                manager.available() if req.spec.op == AVAILABLE else manager.reserve(req.spec.qty)
            )
        try:
            while True:
                yielded = self._loop.send_trusted(req.coro)
                if yielded is None:
                    req.state = State.PARKED
                    break
                if not yielded.done():
                    req.state, req.waiting_on = State.WAITING, yielded
                    break
                # done already (the writer answered): the step goes on
        except StopIteration as stop:
            req.state = State.DONE
            if req.spec.op == AVAILABLE:
                req.returned = stop.value
            else:
                req.granted, req.returned = stop.value
        except EventLoopBlocked:
            self.frozen = True  # the request never finishes: neither does anything else
        finally:
            self._current = None
        return tuple(self._events)

    def _settle(self) -> None:
        """Waiters a release woke during the step take their guard now and park, as
        the woken tasks do within ``Scheduler``'s step: so the guard is held again
        (by them) before any other request moves, exactly as the real loop has it."""
        self._released = False
        woken = sorted(
            (r for r in self._requests.values() if self._woken(r)), key=lambda r: r.queued_at
        )
        for req in woken:
            assert req.coro is not None
            if self._loop.send_trusted(req.coro) is not None:
                raise SchedulerStuck(f"{req.spec.id} woke but did not park")
            req.state, req.waiting_on = State.PARKED, None

    def queue(self, req: _Request) -> None:
        """A request found its guard taken: its place in the guard's FIFO."""
        req.queued_at = len(self.steps)


class _Hold:
    """``async with hooks.hold(guard)``: the real acquire, watched."""

    __slots__ = ("driver", "guard")

    def __init__(self, driver: DrivenScheduler, guard: Guard) -> None:
        self.driver = driver
        self.guard = guard

    async def __aenter__(self) -> None:
        driver = self.driver
        if self.guard.locked():
            driver.record(trace.WAITS)
            assert driver._current is not None
            driver.queue(driver._current)
            await self.guard.acquire()  # its waiter future comes out of send: waiting
            await _park()  # woken, it holds the guard and parks: it moves at its next step
        else:
            await self.guard.acquire()
        driver.record(trace.ACQUIRES)

    async def __aexit__(self, *exc: object) -> None:
        self.guard.release()
        self.driver.record(trace.RELEASES)
        self.driver._released = True
