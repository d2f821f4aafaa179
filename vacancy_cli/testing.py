"""Check your own StockManager for races from pytest: every interleaving, explored.

``explore`` and ``assert_no_race`` take your manager as it is: a class or a
function that ``factory(stock)`` turns into an object with ``async def
reserve(self, qty) -> tuple[bool, int]`` (the ADR's contract) and, optionally,
``async def available(self) -> int``; plain asyncio code, importing nothing
from vacancy. Each ``await`` that gives control back to the loop is a point
where another request may run: the explorer runs your code under every order
of those points (``vacancy explore``'s exhaustive search) and checks each end
for a lost update, an oversell, a negative stock, a deadlock or an exception::

    import asyncio

    from vacancy_cli.testing import assert_no_race


    class StockManager:
        def __init__(self, total: int) -> None:
            self.total = total
            self.lock = asyncio.Lock()

        async def reserve(self, qty: int) -> tuple[bool, int]:
            async with self.lock:
                seen = self.total
                await asyncio.sleep(0)  # the payment call
                if seen < qty:
                    return False, seen
                self.total = seen - qty
                return True, self.total


    def test_no_sale_is_lost() -> None:
        assert_no_race(StockManager, stock=100, requests=[1, 1, 2])

Without the lock the assertion fails, and its message has the witness (the
schedule that breaks it, ``A B A B``: A runs to its first await, then B...),
each step of it, and the sentences ``vacancy simulate`` would print about it.

Design. This module stands in front of the layers, as hypothesis's public
modules stand in front of its internals: it imports ``app``, ``stock`` and
``model``, and nothing imports it. It registers the factory
(``stock.own.register``: no file is read), builds an in-memory ``Scenario``
(requests A, B, C... in order), runs ``vacancy explore --manager``'s
exploration (``explore_scenario``, which replays the first violating witness
as a checked ``Run``), and returns a frozen ``ExplorationResult``. Bad input
is a ``TypeError`` (a factory that is not callable) or a one-sentence
``ValueError``; a ``ScenarioError`` from loading becomes a ``ValueError``
with the same text.

The exploration calls ``asyncio.run``, which cannot start while a loop runs
in the thread. From an ``async def`` test (pytest-asyncio's running loop), it
runs in one worker thread, joined before returning: the caller's loop is
neither needed nor touched, only blocked meanwhile. There, a step that never
gives control back (a CPU loop, ``time.sleep``) is not stopped after 2 s as
on the main thread: the alarm that stops it exists on the main thread only.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

from vacancy_cli.app.explain import explain
from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.model import trace
from vacancy_cli.model.errors import VacancyError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.result import Exploration, Outcome, Run, ViolationKind
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import MAX_COUNT
from vacancy_cli.stock.own import register

__all__ = ["ExplorationResult", "ViolationKind", "assert_no_race", "explore"]

DEFAULT_STOCK = 100  # the ADR's example
DEFAULT_REQUESTS = (1, 1, 2)
STEP_MS = 100  # virtual time per step, as in a scenario file


@dataclass(frozen=True, repr=False)
class ExplorationResult:
    """Every interleaving of ``requests`` against one manager, explored and judged.

    ``outcomes`` are the distinct ends (final stock and granted ids), violating
    ones first; ``violations`` are those that break an invariant. ``witness``
    is the first violating outcome's shortest schedule (``"A B A B"``) and
    ``run`` that schedule replayed and checked; both are None when every
    interleaving is safe. ``explanation`` says all this in words.
    """

    manager: str  # file.py:Class, as vacancy names it
    stock: int
    requests: tuple[tuple[str, int], ...]  # (id, qty) in order: A, B, C...
    outcomes: tuple[Outcome, ...]
    violations: tuple[Outcome, ...]
    witness: str | None
    run: Run | None
    explanation: str
    complete: bool  # False when max_states stopped the search
    schedules: int  # interleavings the outcomes stand for
    exploration: Exploration  # everything vacancy explore reports, for the curious

    @property
    def ok(self) -> bool:
        """No interleaving explored breaks an invariant."""
        return not self.violations

    @property
    def kinds(self) -> tuple[ViolationKind, ...]:
        """Every invariant some interleaving breaks, in ``ViolationKind`` order."""
        found = {kind for outcome in self.violations for kind in outcome.violations}
        return tuple(kind for kind in ViolationKind if kind in found)

    @property
    def violating_schedules(self) -> int:
        return sum(outcome.schedules for outcome in self.violations)

    def __repr__(self) -> str:
        witness = f", witness {self.witness!r}" if self.witness else ""
        return f"<ExplorationResult {self.manager}: {_headline(self)}{witness}>"

    def __str__(self) -> str:
        return self.explanation


def explore(
    factory: Callable[[int], Any],
    stock: int = DEFAULT_STOCK,
    requests: Sequence[int] = DEFAULT_REQUESTS,
    max_states: int | None = None,
) -> ExplorationResult:
    """Explore every interleaving of ``requests`` (quantities; ids A, B, C... in
    order) against ``factory(stock)``, as ``vacancy explore`` does, and judge each.

    Works with or without a running event loop in the thread (see the module's
    docstring). ``max_states`` bounds the search; the result then says
    ``complete=False``.
    """
    quantities = _check(factory, stock, requests, max_states)
    scenario = Scenario(
        name="testing",
        title="vacancy.testing",
        lesson="",
        stock=stock,
        strategies=(),
        schedule=(),
        requests=tuple(
            RequestSpec(rid, qty)
            for rid, qty in zip(_ids(len(quantities)), quantities, strict=True)
        ),
        expect={},
        step_ms=STEP_MS,
        source="vacancy_cli.testing",
    )
    try:
        ref = _register(factory)
        exploration = _explore(scenario, ref, max_states)
    except VacancyError as exc:  # a ScenarioError from loading or making the manager
        raise ValueError(str(exc)) from None
    return _result(scenario, exploration)


def assert_no_race(
    factory: Callable[[int], Any],
    stock: int = DEFAULT_STOCK,
    requests: Sequence[int] = DEFAULT_REQUESTS,
    max_states: int | None = None,
) -> ExplorationResult:
    """``explore``, then raise ``AssertionError`` (the witness and the explanation)
    if any interleaving breaks an invariant; else return the result."""
    result = explore(factory, stock=stock, requests=requests, max_states=max_states)
    if result.violations:
        raise AssertionError(
            f"{result.manager} races; witness: {result.witness}\n{result.explanation}"
        )
    return result


def _check(factory: object, stock: object, requests: object, max_states: object) -> tuple[int, ...]:
    """Everything that can be wrong with the arguments, one sentence each."""
    if not callable(factory):
        raise TypeError(
            f"factory must be a class or a function that makes a manager from the stock, "
            f"got {factory!r}"
        )
    if not _whole(stock, 0):
        raise ValueError(f"stock must be a whole number from 0 to {MAX_COUNT}, got {stock!r}")
    if isinstance(requests, (str, bytes)) or not isinstance(requests, Sequence):
        raise ValueError(f"requests must be a list of quantities, as [1, 1, 2], got {requests!r}")
    if not requests:
        raise ValueError("requests must name at least one quantity, as [1, 1, 2]")
    quantities: list[int] = []
    for index, qty in enumerate(requests):
        if not _whole(qty, 1):
            raise ValueError(
                f"requests[{index}] must be a whole number of tickets from 1 to {MAX_COUNT}, "
                f"got {qty!r}"
            )
        quantities.append(qty)
    if max_states is not None and not _whole(max_states, 1):
        raise ValueError(f"max_states must be a whole number >= 1, or None, got {max_states!r}")
    return tuple(quantities)


def _whole(value: object, minimum: int) -> TypeGuard[int]:
    """An int (not a bool) from ``minimum`` to what every store holds."""
    return type(value) is int and minimum <= value <= MAX_COUNT


def _ids(count: int) -> list[str]:
    """A, B, ... Z, then AA, AB, ... as a spreadsheet names its columns."""
    ids = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(ord("A") + rest) + name
        ids.append(name)
    return ids


_REFS: dict[object, str] = {}  # a factory registered once, however many tests explore it
_REGISTERING = threading.Lock()


def _register(factory: Callable[[int], Any]) -> str:
    """``register``, once per class or function (its table only grows)."""
    cacheable = inspect.isclass(factory) or inspect.isfunction(factory)
    with _REGISTERING:
        if cacheable and factory in _REFS:
            return _REFS[factory]
        try:
            ref = register(factory)
        except (OSError, TypeError):  # inspect found no source file for it
            raise ValueError(
                f"{factory!r} has no source file (typed at the REPL, or in a notebook?): "
                "define it in a .py module, as a test file does"
            ) from None
        if cacheable:
            _REFS[factory] = ref
        return ref


def _explore(scenario: Scenario, ref: str, max_states: int | None) -> Exploration:
    """The exploration, here, or in a worker thread (joined) when a loop runs in this
    thread: ``explore_scenario`` calls ``asyncio.run``, which cannot nest."""

    def work() -> Exploration:
        (exploration,) = explore_scenario(scenario, manager=ref, max_states=max_states).explorations
        return exploration

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vacancy-explore") as pool:
        return pool.submit(work).result()


def _result(scenario: Scenario, exploration: Exploration) -> ExplorationResult:
    violations = exploration.violating
    partial = ExplorationResult(
        manager=exploration.strategy,
        stock=scenario.stock,
        requests=tuple((spec.id, spec.qty) for spec in scenario.requests),
        outcomes=exploration.outcomes,
        violations=violations,
        witness=violations[0].bare if violations else None,
        run=exploration.witness_run,
        explanation="",
        complete=exploration.complete,
        schedules=exploration.schedules,
        exploration=exploration,
    )
    return replace(partial, explanation=_explanation(partial))


_BREAKS = {
    ViolationKind.LOST_UPDATE: "lose an update",
    ViolationKind.OVERSELL: "oversell",
    ViolationKind.NEGATIVE_STOCK: "leave a negative stock",
    ViolationKind.EVENT_LOOP_BLOCKED: "block the event loop",
    ViolationKind.DEADLOCK: "deadlock",
    ViolationKind.EXCEPTION: "raise an exception",
}


def _headline(result: ExplorationResult) -> str:
    total = f"{result.schedules:,} interleavings"
    if result.ok:
        return f"none of {total} break an invariant"
    verbs = " or ".join(_BREAKS[kind] for kind in result.kinds)
    return f"{result.violating_schedules:,} of {total} {verbs}"


def _explanation(result: ExplorationResult) -> str:
    asked = ", ".join(f"{rid}={qty}" for rid, qty in result.requests)
    exp = result.exploration
    coverage = (
        f"complete: every interleaving explored ({exp.states:,} distinct states)"
        if result.complete
        else f"incomplete: stopped after {exp.states:,} states (max_states={exp.max_states}); "
        "other outcomes may exist"
    )
    lines = [
        f"{result.manager}, stock {result.stock}, requests {asked}: {_headline(result)}",
        coverage,
        "outcomes:",
    ]
    for outcome in result.outcomes:
        granted = ", ".join(outcome.granted) or "nobody"
        lines.append(
            f"  final stock {outcome.final_stock}, granted {granted}: "
            f"{outcome.schedules:,} interleavings, {outcome.verdict} (witness {outcome.bare})"
        )
    first = result.violations[0] if result.violations else None
    if first is None or result.run is None:
        return "\n".join(lines)
    lines += [f"witness: {first.bare}", f"  {first.annotated}"]
    lines += _timeline(result.run)
    lines.append("why:")
    lines += [f"  {sentence}" for sentence in explain(result.run)]
    return "\n".join(lines)


def _timeline(run: Run) -> list[str]:
    marks: dict[int, list[str]] = {}
    for violation in run.violations:
        if violation.steps:
            marks.setdefault(violation.steps[-1], []).append(violation.kind.word)
    lines = []
    for step in run.steps:
        what = ", ".join(_phrase(event) for event in step.events)
        mark = f"  <- {', '.join(marks[step.t])}" if step.t in marks else ""
        lines.append(f"  t{step.t} {step.request}: {what} (stock {step.stock}){mark}")
    return lines


def _phrase(event: trace.Event) -> str:
    name = f"{event.name}=" if event.name else ""
    if event.action == trace.READ:
        return f"reads {name}{event.seen}"
    if event.action == trace.WRITE:
        return f"writes {name}{event.value}"
    if event.action == trace.WAITS:
        what = event.name or "lock"
        return "sleeps" if what == "sleep" else f"waits for a{'n' * (what[0] in 'aeiou')} {what}"
    return {
        trace.RUNS: "runs to its next await",
        trace.RAISES: "raises",
        trace.BLOCKED: "still waiting",
        trace.DONE: "already finished",
    }.get(event.action, event.action)
