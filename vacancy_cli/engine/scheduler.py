"""The deterministic scheduler: real asyncio code, one step at a time.

Checkpoints. A StockManager awaits ``hooks.checkpoint()`` where a real handler
would await I/O. Here that await parks the request's task on a future (its
*gate*) that only the scheduler resolves, so the request cannot move until the
schedule names it again.

Steps. ``step(id)`` resolves that request's gate and runs the event loop until
the step has *settled*: the request has parked at its next checkpoint, finished,
or blocked on a lock another request holds. One request advances per step; the
others are parked, blocked or done, so there is nothing else for the loop to run.

Blocking. Locks are real ``asyncio.Lock`` / ``asyncio.Semaphore`` objects.
``hold`` asks the lock's public ``locked()`` ("cannot be acquired immediately")
before acquiring: if so the request is marked *waiting*, the step ends with a
``waits`` event, and the task really awaits ``acquire()``, queued in the lock's
own FIFO. When the holder releases, asyncio wakes the first waiter; the woken
task marks itself runnable and parks on a fresh gate without doing anything
else, so it moves only when the schedule gives it a step.

The settle rule. A step is settled when the stepping request has signalled
(parked, blocked or finished) *and* every wake-up owed by a release during the
step has arrived: a release while some request waits on that lock owes exactly
one (asyncio wakes exactly one waiter per release). We never count ``sleep(0)``
calls: each request's state is known, and the step waits on a future that is
resolved only when the rule holds.

Loops. A scheduler owns a private event loop and offers blocking verbs
(``step``, ``finish``) for replays; given a running loop instead, it offers the
same verbs as coroutines (``advance``, ``finish_async``), so the explorer can run
thousands of short replays on one loop without starting a loop per step.

Frozen. A ``threading.Lock`` taken by one request and held across an await
cannot be taken by another request on the same loop: ``acquire()`` would block
the loop's only thread, so the holder could never run again to release it.
``hold_thread`` never makes that call. It tries the real lock without blocking;
when that fails, the step records ``blocks_loop`` and the whole run is
*frozen*: from then on nothing can move, exactly as in a service whose event
loop is stuck, and the run ends there instead of hanging.

Out of schedule. Giving a step to a blocked request records ``blocked``; to a
finished one, ``done``; neither is an error. When the schedule runs out,
``finish`` gives steps to the first runnable request in scenario order until all
are done, so a replay always ends the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from enum import Enum

from vacancy_cli import stock as stores
from vacancy_cli.engine.builtin_state import BuiltinState
from vacancy_cli.model import trace
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.requests import AVAILABLE, RequestSpec, kind, serving_pods
from vacancy_cli.model.result import Violation
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import EventLoopBlocked, Guard, StockManager, ThreadLock

# Real seconds a step may take before we call the scheduler stuck. A settled
# step takes microseconds; this only turns a bug into an error instead of a hang.
STUCK_AFTER_S = 10.0


class SchedulerStuck(RuntimeError):
    """A step never settled: a bug in the scheduler or a strategy."""


class State(Enum):
    NEW = "not started"
    PARKED = "parked"
    WAITING = "waiting"
    DONE = "done"


@dataclass
class _Request:
    spec: RequestSpec
    state: State = State.NEW
    gate: asyncio.Future[None] | None = None
    waiting_on: Guard | None = None
    granted: bool | None = None
    returned: int | None = None
    error: BaseException | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    history: list[tuple[trace.Event, ...]] = field(default_factory=list)  # events per step
    queued_at: int = 0  # when it started waiting: the lock's FIFO order

    @property
    def runnable(self) -> bool:
        return self.state in (State.NEW, State.PARKED)


class Scheduler(BuiltinState):
    """Runs a scenario's requests against one StockManager, step by step.

    It is also the manager's ``Hooks``: checkpoints and locks report to it.
    Owns a private event loop; call ``close`` (or use it as a context manager).
    """

    def __init__(
        self,
        stock: int,
        requests: tuple[RequestSpec, ...],
        strategy: Strategy,
        step_ms: int = 100,
        loop: asyncio.AbstractEventLoop | None = None,
        pods: int = 1,
    ) -> None:
        self._owns_loop = loop is None
        self._loop = loop if loop is not None else asyncio.new_event_loop()
        self._clock = VirtualClock()
        self._step_s = step_ms / 1000
        self.initial_stock = stock
        self.strategy = strategy
        self.manager: StockManager = stores.build(strategy, stock, self, self._clock)
        # More pods: more copies of the service, each with its own manager (and
        # lock); whether they share the store is the strategy's (a database) or not.
        self.managers = [self.manager] + [
            stores.join(strategy, self.manager, self, self._clock) for _ in range(pods - 1)
        ]
        self.shared_store = pods == 1 or strategy.shared_store
        self._pods = pods
        self._pod = serving_pods(requests, pods)
        self._requests = {spec.id: _Request(spec) for spec in requests}
        self.steps: list[trace.Step] = []
        self.lock_acquisitions = 0
        self._current: _Request | None = None
        self._events: list[trace.Event] = []
        self._settled: asyncio.Future[None] | None = None
        self._step_over = False
        self._owed_wakeups = 0
        self.frozen = False
        self.comparable = True  # every fingerprint is plain data
        self._step_started = 0.0
        self._watchdog: asyncio.TimerHandle | None = None

    # -- the scheduler's verbs -------------------------------------------------

    def state(self, request_id: str) -> State:
        return self._requests[request_id].state

    def runnable(self) -> list[str]:
        """Ids that would move if given a step, in scenario order (none once frozen)."""
        if self.frozen:
            return []
        return [rid for rid, req in self._requests.items() if req.runnable]

    @property
    def finished(self) -> bool:
        """Nothing more can happen: every request is done, or the loop is frozen."""
        return self.frozen or all(req.state is State.DONE for req in self._requests.values())

    def step(self, request_id: str) -> trace.Step:
        """Give one step to ``request_id`` and return what it did."""
        return self._loop.run_until_complete(self.advance(request_id))

    def finish(self) -> list[trace.Step]:
        """Run every unfinished request to its end: first runnable in scenario order."""
        return self._loop.run_until_complete(self.finish_async())

    async def advance(self, request_id: str) -> trace.Step:
        """``step`` as a coroutine, for a scheduler made on a running loop."""
        req = self._requests[request_id]
        t = len(self.steps) + 1
        self._clock.set((t - 1) * self._step_s)
        if self.frozen:
            events: tuple[trace.Event, ...] = (trace.Event(trace.FROZEN),)
        elif req.state is State.DONE:
            events = (trace.Event(trace.DONE),)
        elif req.state is State.WAITING:
            events = (trace.Event(trace.BLOCKED),)
        else:
            await self._run_step(req)
            events = tuple(self._events)
            if req.error is not None:
                raise req.error
            req.history.append(events)
        pod = self._pod[request_id]
        stock = self.managers[pod].total
        step = trace.Step(t=t, request=request_id, events=events, stock=stock, pod=pod)
        self.steps.append(step)
        return step

    async def finish_async(self) -> list[trace.Step]:
        """``finish`` on a running loop. The unfinished requests are kept in a list,
        so picking the first runnable costs the waiters ahead of it, not a walk over
        every request (4,000 steps of 2,000 requests took 6 s that way)."""
        done: list[trace.Step] = []
        pending = [req for req in self._requests.values() if req.state is not State.DONE]
        while pending and not self.frozen:
            req = next((r for r in pending if r.runnable), None)
            if req is None:
                raise SchedulerStuck("every unfinished request is waiting; none can run")
            done.append(await self.advance(req.spec.id))
            if req.state is State.DONE:
                pending.remove(req)
        return done

    def local_states(self) -> tuple[tuple[object, ...], ...]:
        waiting = sorted(
            (r.queued_at, rid) for rid, r in self._requests.items() if r.state is State.WAITING
        )
        rank = {rid: place for place, (_, rid) in enumerate(waiting)}
        return tuple(self.local_state(rid, rank.get(rid)) for rid in self._requests)

    @property
    def final_stock(self) -> int:
        """The tickets left: the shared store's count, or, when every pod kept its own
        copy, the real stock less every pod's sales (negative when they oversold)."""
        if self.shared_store:
            return self.manager.total
        granted = sum(r.qty for r in self.results() if r.granted)
        return self.initial_stock - granted

    def coroutine(self, request_id: str) -> object:
        """The request's coroutine while it runs (None after): ``play`` reads where it is
        parked."""
        task = self._requests[request_id].task
        return None if task is None or task.done() else task.get_coro()

    @property
    def stock(self) -> int:
        return self.manager.total

    def faults(self) -> tuple[Violation, ...]:
        """Run-level breaks beyond the trace's: none for the built-ins (the checker
        reads a blocked loop off the steps)."""
        return ()

    def local_state(self, request_id: str, queue_rank: int | None = None) -> tuple[object, ...]:
        req = self._requests[request_id]
        spec = req.spec
        who = kind(spec, self._pod[request_id], self._pods)
        if req.state is State.DONE:
            return (who, spec.qty, "done", req.granted)
        seen = tuple((e.action, e.seen) for events in req.history for e in events)
        return (who, spec.qty, req.state.value, seen, queue_rank)

    def pod_of(self, request_id: str) -> int:
        return self._pod[request_id]

    def results(self) -> tuple[trace.RequestResult, ...]:
        return tuple(
            trace.RequestResult(
                id=req.spec.id,
                op=req.spec.op,
                qty=req.spec.qty,
                granted=req.granted,
                returned=req.returned
                if req.returned is not None
                else self.managers[self._pod[req.spec.id]].total,
            )
            for req in self._requests.values()
        )

    def close(self) -> None:
        """Cancel what has not finished; close the loop if it is ours."""
        if self._watchdog is not None:
            self._watchdog.cancel()
        for manager in reversed(self.managers):  # the first pod owns a shared store
            manager.close()
        pending = [r.task for r in self._requests.values() if r.task and not r.task.done()]
        for task in pending:
            task.cancel()
        if self._owns_loop:
            leftovers = [t for t in asyncio.all_tasks(self._loop) if not t.done()]
            if leftovers:  # requests, and any task a strategy started (a writer)
                self._loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            self._loop.close()

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one step ----------------------------------------------------------------

    async def _run_step(self, req: _Request) -> None:
        self._current = req
        self._events = []
        self._step_over = False
        self._step_started = self._loop.time()
        settled = self._settled = self._loop.create_future()
        if self._watchdog is None:
            self._watchdog = self._loop.call_later(STUCK_AFTER_S, self._watch)
        if req.state is State.NEW:
            req.state = State.PARKED
            req.task = self._loop.create_task(self._run(req))
        else:
            assert req.gate is not None
            req.gate.set_result(None)
        await settled

    def _watch(self) -> None:
        """Fail a step that has not settled for STUCK_AFTER_S; one timer per scheduler.

        A timer per step would cost more than the step itself in exploration.
        """
        settled, req = self._settled, self._current
        stuck = self._loop.time() - self._step_started >= STUCK_AFTER_S
        if settled is not None and not settled.done() and stuck and req is not None:
            settled.set_exception(SchedulerStuck(f"step for {req.spec.id} did not settle"))
        self._watchdog = self._loop.call_later(STUCK_AFTER_S, self._watch)

    async def _run(self, req: _Request) -> None:
        try:
            manager = self.managers[self._pod[req.spec.id]]
            if req.spec.op == AVAILABLE:
                req.returned = await manager.available()
            else:
                req.granted, req.returned = await manager.reserve(req.spec.qty)
        except asyncio.CancelledError:
            raise
        except EventLoopBlocked:
            self.frozen = True  # the request never finishes: neither does anything else
        except Exception as exc:  # surfaced by step(), never swallowed
            req.error = exc
        finally:
            if not self.frozen:
                req.state = State.DONE
            self._signal_step_over()

    def _signal_step_over(self) -> None:
        self._step_over = True
        self._maybe_settle()

    def _maybe_settle(self) -> None:
        settled = self._settled
        if self._step_over and self._owed_wakeups == 0 and settled and not settled.done():
            settled.set_result(None)

    async def _park(self, req: _Request) -> None:
        req.gate = self._loop.create_future()
        await req.gate

    # -- Hooks: what the StockManager calls --------------------------------------

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        self._events.append(trace.Event(action, seen, value))

    async def checkpoint(self) -> None:
        req = self._current
        assert req is not None
        req.state = State.PARKED
        self._signal_step_over()
        await self._park(req)

    async def wait_for(self, answer: asyncio.Future[tuple[bool, int]]) -> tuple[bool, int]:
        """The answer comes within the step: whoever works on it runs when we await."""
        return await answer

    @contextmanager
    def hold_thread(self, lock: ThreadLock) -> Iterator[None]:
        """Take a real ``threading.Lock``, never blocking the loop to do it."""
        if not lock.acquire(blocking=False):
            self.record(trace.BLOCKS_LOOP)
            raise EventLoopBlocked()
        self.lock_acquisitions += 1
        self.record(trace.ACQUIRES)
        try:
            yield
        finally:
            lock.release()
            self.record(trace.RELEASES)

    @asynccontextmanager
    async def hold(self, guard: Guard) -> AsyncIterator[None]:
        req = self._current
        assert req is not None
        if guard.locked():
            self.record(trace.WAITS)
            req.state = State.WAITING
            req.waiting_on = guard
            req.queued_at = len(self.steps)
            self._signal_step_over()
            await guard.acquire()  # the real lock decides who is woken, and when
            req.state = State.PARKED
            req.waiting_on = None
            self._owed_wakeups -= 1
            self._maybe_settle()
            await self._park(req)
        else:
            await guard.acquire()
        self.lock_acquisitions += 1
        self.record(trace.ACQUIRES)
        try:
            yield
        finally:
            guard.release()
            self.record(trace.RELEASES)
            waiting = sum(r.waiting_on is guard for r in self._requests.values())
            if waiting > self._owed_wakeups:  # asyncio wakes exactly one waiter
                self._owed_wakeups += 1
