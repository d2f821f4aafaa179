"""The scheduler for a user's own manager: plain asyncio code, driven one step at a time.

A built-in StockManager names its checkpoints (``hooks.checkpoint()``). A
user's code names nothing, so here every point where a request gives control
back to the loop is a checkpoint: a bare yield (``asyncio.sleep(0)``) parks it,
runnable; a future it awaits (a held lock's waiter, ``Event.wait``, a queue, a
timer) blocks it until the future is done. A free lock taken without waiting
never yields, so it is not a step, exactly as with the built-ins.

The alternative, tasks on a real loop, cannot tell the scheduler which task
to run next: a task that yields is simply run again. So each request is a bare
coroutine, and ``step`` sends it one value, as a Task's ``__step`` would. The
asyncio primitives it uses still need a loop: ``VirtualLoop``
(``virtual_loop.py``) is one that is never run. It is made the running loop
only for the duration of a send, so locks and futures bind to it, and its
clock is virtual: ``loop.time()`` reads
the run's time, ``asyncio.sleep(d)`` sets a timer on it, and timers fire when
the steps' time passes them, or, when nothing else can move, at once (the
time jumps, as a real loop would sleep). Callbacks the code schedules (tasks
it starts, done-callbacks) run within the step that scheduled them.

No request can move, none sleeps, and some have not finished: a deadlock, and
the run ends there (an outcome, never a hang). A request that raises is done,
with its exception kept for the checker. A step running longer than
``STEP_LIMIT_S`` of real time (a CPU loop, ``time.sleep`` under a
``threading.Lock``) is interrupted by an alarm and reported the same way.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Coroutine
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from vacancy_cli.engine.hand import HandDriven, HandRequest
from vacancy_cli.engine.own_state import NotPlain, fields, plain, position, waits_for
from vacancy_cli.engine.scheduler import State
from vacancy_cli.engine.virtual_loop import STEP_LIMIT_S, StepTooLong, VirtualLoop
from vacancy_cli.model import trace
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.requests import AVAILABLE, kind, serving_pods
from vacancy_cli.model.result import Violation, ViolationKind
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.own import OwnManager


@dataclass
class _Request(HandRequest):
    error: str | None = None  # "raised ValueError: ... (line 12 of my_fix.py)"
    error_step: int = 0  # the step it failed in
    last_read: dict[str, int] = field(default_factory=dict)


class OwnScheduler(HandDriven):
    """Runs a scenario's requests against a user's manager, step by step.

    The same verbs as ``Scheduler`` (``step``, ``advance``, ``finish``,
    ``runnable``, ``fingerprint``...), so the explorer, ``simulate`` and ``play``
    drive both alike.
    """

    def __init__(
        self, scenario: Scenario, strategy: Strategy, manager: OwnManager, pods: int = 1
    ) -> None:
        self.strategy = strategy
        self.initial_stock = scenario.stock
        self._step_s = scenario.step_ms / 1000
        self._own = manager
        self._loop = VirtualLoop()
        self._current: _Request | None = None
        self._events: list[trace.Event] = []
        made = [manager.make(scenario.stock, self) for _ in range(pods)]
        reads = any(spec.op == AVAILABLE for spec in scenario.requests)
        if reads and not callable(getattr(made[0][0], "available", None)):
            raise ScenarioError(
                f"{manager.label}: the scenario's requests read the stock with "
                "available(), and this manager has no 'async def available(self)'"
            )
        self.managers = [instance for instance, _ in made]
        self.manager = self.managers[0]
        self.stock_name = made[0][1]
        self.shared_store = pods == 1
        self._pods = pods
        pod_of = serving_pods(scenario.requests, pods)
        self._requests = {spec.id: _Request(spec, pod_of[spec.id]) for spec in scenario.requests}
        self.steps: list[trace.Step] = []
        self.frozen = False  # kept for the Scheduler's interface: no threading.Lock here
        self.deadlocked = False
        self.comparable = True
        self._told: tuple[int, int] | None = None  # (after how many steps, available())

    # -- the Recorder: what the watched stock attribute reports ----------------------

    def read(self, name: str, value: int) -> None:
        req = self._current
        if req is None:
            return
        req.last_read[name] = value
        last = self._events[-1] if self._events else None
        if last is not None and last.name == name and value in (last.seen, last.value):
            return  # the value this step just read or wrote: nothing new to show
        self._events.append(trace.Event(trace.READ, value, None, name))

    def wrote(self, name: str, old: int, value: int) -> None:
        req = self._current
        if req is not None:
            basis = req.last_read.get(name, old)
            self._events.append(trace.Event(trace.WRITE, basis, value, name))

    # -- the verbs ------------------------------------------------------------------

    def state(self, request_id: str) -> State:
        return self._requests[request_id].state

    def runnable(self) -> list[str]:
        if self.deadlocked:
            return []
        return [
            rid
            for rid, req in self._requests.items()
            if req.state is State.NEW
            or req.state is State.PARKED
            or (req.state is State.WAITING and req.waiting_on is not None and req.waiting_on.done())
        ]

    @property
    def finished(self) -> bool:
        return self.deadlocked or all(r.state is State.DONE for r in self._requests.values())

    @property
    def stock(self) -> int:
        """The stock as the timeline shows it: the stock attribute of the request's pod."""
        return self._stock_of(self.manager)

    @property
    def final_stock(self) -> int:
        """``available()`` when the manager has one, else its stock attribute; with a
        copy per pod, the real stock less every pod's sales."""
        if not self.shared_store:
            granted = sum(r.qty for r in self.results() if r.granted)
            return self.initial_stock - granted
        if not (self._own.has_available and hasattr(self.manager, "available")):
            return self.stock
        if self._told is None or self._told[0] != len(self.steps):  # asked once per state
            told = self._run_to_end(self.manager.available())
            self._told = (len(self.steps), told if type(told) is int else self.stock)
        return self._told[1]

    def results(self) -> tuple[trace.RequestResult, ...]:
        return tuple(
            trace.RequestResult(
                id=req.spec.id,
                op=req.spec.op,
                qty=req.spec.qty,
                granted=req.granted,
                returned=req.returned if req.returned is not None else self.stock,
            )
            for req in self._requests.values()
        )

    def faults(self) -> tuple[Violation, ...]:
        """What the run itself broke: requests that raised, and a deadlock."""
        found = [
            Violation(
                ViolationKind.EXCEPTION,
                (req.error_step,),
                f"exception: {req.spec.id} {req.error}",
            )
            for req in self._requests.values()
            if req.error is not None
        ]
        if self.deadlocked:
            stuck = [rid for rid, r in self._requests.items() if r.state is not State.DONE]
            found.append(
                Violation(
                    ViolationKind.DEADLOCK,
                    (len(self.steps),) if self.steps else (),
                    f"deadlock after t{len(self.steps)}: {', '.join(stuck)} wait for each "
                    "other and nothing else can move (locks taken in different orders?)",
                )
            )
        return tuple(found)

    def coroutine(self, request_id: str) -> object:
        """The request's coroutine while it is suspended: ``play`` reads its line."""
        req = self._requests[request_id]
        return req.coro if req.state in (State.PARKED, State.WAITING) else None

    def close(self) -> None:
        self._loop.shut(
            r.coro for r in self._requests.values() if r.coro and r.state is not State.DONE
        )

    # -- one step -------------------------------------------------------------------

    def _can_move(self, req: _Request) -> bool:
        if self.deadlocked or req.state is State.DONE:
            return False
        return req.state is not State.WAITING or bool(req.waiting_on and req.waiting_on.done())

    def _advance(self, request_id: str) -> trace.Step:
        req = self._requests[request_id]
        t = len(self.steps) + 1
        self._loop.clock_read = False
        self._loop.advance_to((t - 1) * self._step_s)
        if self.deadlocked:
            events: tuple[trace.Event, ...] = (trace.Event(trace.FROZEN),)
        elif req.state is State.DONE:
            events = (trace.Event(trace.DONE),)
        elif not self._can_move(req):
            events = (trace.Event(trace.BLOCKED),)
        else:
            events = self._run_step(req)
            req.history.append(events)
        step = trace.Step(t, request_id, events, self._stock_of(self.managers[req.pod]), req.pod)
        self.steps.append(step)
        if req.state is not State.PARKED:  # a parked request can move: nothing to settle
            self._settle()
        return step

    def _run_step(self, req: _Request) -> tuple[trace.Event, ...]:
        self._current, self._events = req, []
        manager = self.managers[req.pod]
        if req.coro is None:
            method = manager.available() if req.spec.op == AVAILABLE else None
            req.coro = method if method is not None else manager.reserve(req.spec.qty)
        try:
            yielded = self._loop.send(req.coro)
        except StopIteration as stop:
            self._finish(req, stop.value)
        except (Exception, asyncio.CancelledError) as exc:  # the code failed: a result, not a crash
            self._fail(req, exc)
        else:
            if yielded is None:
                req.state = State.PARKED
            else:
                req.state, req.waiting_on = State.WAITING, yielded
                self._events.append(trace.Event(trace.WAITS, None, None, waits_for(req.coro)))
        finally:
            self._current = None
        return tuple(self._events) or (trace.Event(trace.RUNS),)

    def _finish(self, req: _Request, value: Any) -> None:
        req.state = State.DONE
        if req.spec.op == AVAILABLE:
            req.returned = value if type(value) is int else None
            return
        if (
            isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], bool)
            and type(value[1]) is int
        ):
            req.granted, req.returned = value
        else:
            req.error = f"returned {value!r} from reserve, not (granted, stock left)"
            req.error_step = len(self.steps) + 1
            self._events.append(trace.Event(trace.RAISES))

    def _fail(self, req: _Request, exc: BaseException) -> None:
        req.state = State.DONE
        req.error_step = len(self.steps) + 1
        if isinstance(exc, StepTooLong):
            req.error = (
                f"ran for more than {STEP_LIMIT_S:g} s without giving control back "
                f"(a CPU loop, or time.sleep?) and was stopped{self._where(exc)}"
            )
        else:
            req.error = f"raised {type(exc).__name__}: {exc}{self._where(exc)}"
        self._events.append(trace.Event(trace.RAISES))

    def _where(self, exc: BaseException) -> str:
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename == self._own.source_file
        ]
        return f" (line {frames[-1].lineno} of {self._own.path.name})" if frames else ""

    # -- time, callbacks, deadlock --------------------------------------------------

    def _settle(self) -> None:
        """Nothing runnable but timers pending: time jumps to the next one. Nothing
        runnable and nothing pending, with requests unfinished: a deadlock."""
        while not self.finished and not self.runnable():
            due = self._loop.next_timer()
            if due is None:
                self.deadlocked = True
                return
            self._loop.advance_to(due)

    def _run_to_end(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Drive a coroutine outside the schedule (the final ``available()``)."""
        try:
            for _ in range(1000):
                yielded = self._loop.send(coro)
                if yielded is not None and not yielded.done():
                    break
            coro.close()
        except StopIteration as stop:
            return stop.value
        except Exception:
            return None
        return None

    def _stock_of(self, instance: Any) -> int:
        name = self.stock_name
        if name is None:
            return self.initial_stock
        value = instance.__dict__.get(name)
        return value if type(value) is int else self.initial_stock

    # -- for the explorer -------------------------------------------------------------

    def fingerprint(self) -> tuple[object, ...]:
        """The instances' attributes and pending timers, and each request's local state.

        Where a value is not plain data, the state cannot be compared with
        another: the schedule so far stands in for it, so nothing is merged.
        """
        try:
            shared = self.shared_state()
            parts = sorted(intern(repr(local)) for local in self.local_states())
        except NotPlain:
            return ("unmerged", tuple(s.request for s in self.steps))
        return (*shared, tuple(parts))

    def shared_state(self) -> tuple[object, ...]:
        """The instances' attributes and the pending timers (as delays from now);
        ``NotPlain`` if an attribute cannot be compared, and the state no longer is."""
        try:
            store = tuple(plain(fields(m)) for m in self.managers)
        except NotPlain:
            self.comparable = False
            raise
        timers = tuple(sorted(round(h.when() - self._loop.now, 6) for h in self._loop._scheduled))
        return (store, timers)

    @property
    def moment(self) -> tuple[int, float] | None:
        """With timers pending: the next step moves the clock to its own time
        (``_advance``), and which timers that fires depends on both."""
        return (len(self.steps), self._loop.now) if self._loop._scheduled else None

    @property
    def learnable(self) -> bool:
        return not self._loop.clock_read and not self.deadlocked

    def pod_stocks(self) -> tuple[int, ...]:
        return tuple(self._stock_of(m) for m in self.managers)

    def local_states(self) -> tuple[tuple[object, ...], ...]:
        return tuple(self.local_state(rid) for rid in self._requests)

    def pod_of(self, request_id: str) -> int:
        return self._requests[request_id].pod

    def local_state(self, request_id: str, queue_rank: int | None = None) -> tuple[object, ...]:
        req = self._requests[request_id]
        spec = req.spec
        who = kind(spec, req.pod, self._pods)
        if req.state is State.DONE:
            return (who, spec.qty, "done", req.granted, req.error)
        seen = tuple((e.action, e.seen) for events in req.history for e in events)
        try:
            where = position(req.coro, self._own.source_file)
        except NotPlain:  # a local it cannot compare: this request is like no other
            self.comparable = False
            where = ("not comparable", request_id)
        state = "woken" if req.state is State.WAITING and self._can_move(req) else req.state.value
        return (who, spec.qty, state, seen, where, self._rank(req))

    def _rank(self, req: _Request) -> object:
        """Where a waiting request stands in the queue of what it waits for."""
        if req.waiting_on is None or req.state is not State.WAITING:
            return None
        for name, value in fields(self.managers[req.pod]).items():
            waiters = getattr(value, "_waiters", None) or getattr(value, "_getters", None)
            if waiters is not None and req.waiting_on in waiters:
                return (name, list(waiters).index(req.waiting_on))
        return "timer"
