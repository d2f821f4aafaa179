"""``vacancy reserve --pods N``: the load from N real processes on one SQLite file.

The ADR's limitation ("lock is per-pod, not distributed") needs real pods to be
believed, so here each pod is an operating-system process with its own event
loop, its own StockManager and its own lock, serving its share of the
requests against one database file. The database is the only truth: every
granted reservation is a row written in the same transaction as the stock
decrement, so after the run, conservation (initial stock = stock left +
tickets in reservations) is checked from the file alone. Killing a pod with
SIGKILL mid-run (``kill_after_s``) therefore loses nothing that was committed,
which the check then shows.

The pods start together: each reports ready after its imports, and the
parent releases them all at once, so their loads overlap as they would in
production.

The parent answers for its pods. A pod that fails (its error, or its death)
stops the run: the others are killed, and the run fails with one line naming
the pod and why (``PodError``: exit 1), never with a result that only says
"not finished". The pods never see a terminal's signals (they start with
SIGINT, SIGTERM and SIGHUP blocked, so a Ctrl-C reaches the parent alone and
no pod prints a traceback), and die with the parent: it kills them on any way
out, and the kernel kills them if the parent itself is killed (Linux).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import signal
import sys
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from vacancy_cli import stock as stores
from vacancy_cli.engine.checker import check_totals, lost_tickets
from vacancy_cli.live.hooks import LiveHooks, MonotonicClock
from vacancy_cli.live.interrupt import stopping_once
from vacancy_cli.live.load import run_load_async
from vacancy_cli.live.options import MAX_KILL_AFTER_S, LoadOptions
from vacancy_cli.model.errors import OptionError, ServerError
from vacancy_cli.model.result import Violation, verdict
from vacancy_cli.model.strategies import STRATEGIES, Strategy, parse_strategy
from vacancy_cli.stock.sqlite import SqliteStockManager

START_TIMEOUT_S = 60.0  # pods that are not ready by then are reported, not waited for
MAX_PODS = 64  # each pod is a whole interpreter (about 30 MB) that must start within the timeout
# What a terminal or a supervisor sends to stop us: for the parent to handle, not the pods.
_STOPPING = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class PodError(ServerError):
    """A pod that failed or died mid-run: one line naming it and why, and exit 1."""


@dataclass(frozen=True)
class PodReport:
    number: int  # from 1
    pid: int
    requests: int
    killed: bool
    finished: bool  # reported its result (a killed pod never does)
    granted: int | None  # its own count; None when it did not finish
    rejected: int | None


@dataclass(frozen=True)
class PodsResult:
    strategy: str
    claims_safety: bool  # across pods: a per-pod lock makes no such claim
    stock: int
    requests: int
    latency_s: float
    pods: tuple[PodReport, ...]
    final_stock: int  # all read from the database after the run
    reservations: int
    granted_tickets: int
    elapsed_s: float
    violations: tuple[Violation, ...]

    @property
    def lost_updates(self) -> int:
        return lost_tickets(self.stock, self.final_stock, self.granted_tickets)

    @property
    def oversold(self) -> int:
        return max(0, self.granted_tickets - self.stock)

    @property
    def verdict(self) -> str:
        return verdict(self.violations)

    @property
    def is_bug(self) -> bool:
        """A strategy that claims safety across pods, yet broke an invariant."""
        return self.claims_safety and bool(self.violations)


def run_pods(
    options: LoadOptions,
    pods: int,
    kill_after_s: float | None = None,
    fail_pod: int | None = None,
) -> PodsResult:
    """Run ``options`` split over ``pods`` processes; check the database afterwards.

    ``fail_pod``: that pod raises an error once the load starts (for tests: the
    run must then fail, saying which pod and why).
    """
    strategy = _check(options, pods, kill_after_s)
    with stopping_once():  # a second Ctrl-C must not break the cleanup the first started
        first = None
        try:
            hooks, clock = LiveHooks(1, 0.0, False), MonotonicClock()
            first = _store(strategy)(options.stock, hooks, clock, strategy)
            started = time.perf_counter()
            reports = _run_processes(options, pods, kill_after_s, first.folder, strategy, fail_pod)
            elapsed = time.perf_counter() - started
            final, count, tickets = first.ledger()
        finally:
            if first is not None:
                first.close()
    return PodsResult(
        strategy=strategy.name,
        claims_safety=strategy.safe_across_pods,
        stock=options.stock,
        requests=options.requests,
        latency_s=options.latency_s,
        pods=reports,
        final_stock=final,
        reservations=count,
        granted_tickets=tickets,
        elapsed_s=elapsed,
        violations=check_totals(options.stock, final, tickets),
    )


def _store(strategy: Strategy) -> type[SqliteStockManager]:
    found = stores.manager_class(strategy)
    assert issubclass(found, SqliteStockManager)
    return found


# Pods are processes: the strategies whose store is a file they can all open.
POD_STRATEGIES = tuple(row.name for row in STRATEGIES.values() if row.store == "sqlite")


def _check(options: LoadOptions, pods: int, kill_after_s: float | None) -> Strategy:
    options.validate()
    if pods < 1:
        raise OptionError(f"--pods {pods}: expected a whole number >= 1")
    if pods > MAX_PODS:
        raise OptionError(
            f"--pods {pods}: at most {MAX_PODS} (each pod is a process with its own interpreter)"
        )
    if options.strategy not in POD_STRATEGIES:
        raise OptionError(
            f"--pods with --strategy {options.strategy}: pods are processes sharing one "
            f"database, so use {', '.join(POD_STRATEGIES)} (memory strategies: "
            "vacancy simulate --pods)"
        )
    if options.requests < pods:
        raise OptionError(f"--pods {pods}: fewer requests ({options.requests}) than pods")
    if options.reads:
        raise OptionError("--reads with --pods: the pods send reservations only")
    if kill_after_s is not None and kill_after_s < 0:
        raise OptionError(f"--kill-pod-after {kill_after_s:g}s: must not be negative")
    if kill_after_s is not None and not kill_after_s <= MAX_KILL_AFTER_S:
        raise OptionError(f"--kill-pod-after {kill_after_s:g}s: at most {MAX_KILL_AFTER_S:g}s")
    return parse_strategy(options.strategy, options.servers)


def _shares(requests: int, pods: int) -> list[int]:
    return [requests // pods + (1 if n < requests % pods else 0) for n in range(pods)]


def _run_processes(
    options: LoadOptions,
    pods: int,
    kill_after_s: float | None,
    folder: Path,
    strategy: Strategy,
    fail_pod: int | None,
) -> tuple[PodReport, ...]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: a real pod
    ready, results = context.Queue(), context.Queue()
    go = context.Event()
    shares = _shares(options.requests, pods)
    processes = [
        context.Process(
            target=_pod,
            args=(
                n + 1,
                replace(options, requests=share),
                folder,
                strategy,
                (os.getpid(), ready, go, results),
                n + 1 == fail_pod,
            ),
            daemon=True,
        )
        for n, share in enumerate(shares)
    ]
    outcomes: dict[int, tuple[int, int] | str] = {}
    try:
        _start(processes)
        _wait_until_ready(processes, ready, results, outcomes)
        go.set()
        killed = _wait_for_pods(processes, kill_after_s, results, outcomes)
    finally:
        _stop(processes)
    return tuple(
        PodReport(
            number=n + 1,
            pid=process.pid or 0,
            requests=shares[n],
            killed=killed and n == 0,
            finished=isinstance(outcomes.get(n + 1), tuple),
            granted=_counts(outcomes.get(n + 1))[0],
            rejected=_counts(outcomes.get(n + 1))[1],
        )
        for n, process in enumerate(processes)
    )


def _counts(outcome: tuple[int, int] | str | None) -> tuple[int | None, int | None]:
    return outcome if isinstance(outcome, tuple) else (None, None)


def _start(processes: list[Any]) -> None:
    """Start the pods with the stopping signals blocked, which they inherit for good.

    A Ctrl-C goes to the terminal's whole process group: blocked in the pods,
    it reaches only the parent, which kills them (``_stop``). One that comes
    while they start waits until all have started, then lands here.
    """
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to inherit
        for process in processes:
            process.start()
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        for process in processes:
            process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stop(processes: list[Any]) -> None:
    """Kill every pod still running (an interrupt, a failed pod), and reap them all."""
    for process in processes:
        if process.pid is not None and process.exitcode is None:
            process.kill()
    for process in processes:
        if process.pid is not None:
            process.join()


def _wait_until_ready(
    processes: list[Any], ready: Any, results: Any, outcomes: dict[int, tuple[int, int] | str]
) -> None:
    """Every pod has joined the database, or one died trying: then the run fails."""
    waiting = len(processes)
    deadline = time.monotonic() + START_TIMEOUT_S
    while waiting:
        try:
            ready.get(timeout=0.1)
            waiting -= 1
        except queue.Empty:
            dead = [n for n, p in enumerate(processes) if p.exitcode is not None]
            if dead:
                raise PodError(
                    _failure(dead[0], processes, results, outcomes, "starting")
                ) from None
            if time.monotonic() > deadline:
                raise PodError(
                    f"{waiting} of {len(processes)} pods did not start within "
                    f"{START_TIMEOUT_S:g} s: try fewer --pods"
                ) from None


def _wait_for_pods(
    processes: list[Any],
    kill_after_s: float | None,
    results: Any,
    outcomes: dict[int, tuple[int, int] | str],
) -> bool:
    """Wait for every pod; SIGKILL pod 1 after ``kill_after_s`` if it still runs.

    True if pod 1 was killed. Any other pod that does not exit 0 fails the run.
    """
    deadline = None if kill_after_s is None else time.monotonic() + kill_after_s
    killed = False
    running = {process.sentinel: n for n, process in enumerate(processes)}
    while running:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        for sentinel in wait(list(running), timeout):
            n = running.pop(sentinel)
            processes[n].join()
            if processes[n].exitcode != 0 and not (killed and n == 0):
                raise PodError(_failure(n, processes, results, outcomes, "running"))
        if deadline is not None and time.monotonic() >= deadline:
            deadline = None
            if processes[0].is_alive():
                os.kill(processes[0].pid, signal.SIGKILL)
                killed = True
    _collect(results, outcomes)
    return killed


def _collect(results: Any, outcomes: dict[int, tuple[int, int] | str]) -> None:
    """What the pods that have exited said: their counts, or why they failed."""
    while True:
        try:
            number, outcome = results.get(timeout=0.05)
        except queue.Empty:
            return
        outcomes[number] = outcome


def _failure(
    n: int,
    processes: list[Any],
    results: Any,
    outcomes: dict[int, tuple[int, int] | str],
    doing: str,
) -> str:
    """One line: which pod failed, and why (its own error, or how it ended)."""
    _collect(results, outcomes)
    said = outcomes.get(n + 1)
    code = processes[n].exitcode
    if isinstance(said, str):
        why = said
    elif code is not None and code < 0:
        why = f"killed by {signal.Signals(-code).name}"
    else:
        why = f"exit status {code}"
    return f"pod {n + 1} of {len(processes)} failed while {doing}: {why}"


def _pod(
    number: int,
    options: LoadOptions,
    folder: Path,
    strategy: Strategy,
    channels: tuple[int, Any, Any, Any],
    fail: bool,
) -> None:
    """One pod's process: join the database, wait for the start, run its share.

    Whatever goes wrong is sent to the parent as one line, and the pod exits 1:
    the parent reports it, and a pod prints nothing (no traceback).
    """
    parent, ready, go, results = channels
    _die_with(parent)
    try:
        hooks, clock = LiveHooks(1, 0.0, False), MonotonicClock()
        anchor = _store(strategy)(options.stock, hooks, clock, strategy, folder)
        ready.put(number)
        go.wait()
        if fail:
            raise ServerError("it was told to fail (a test of failing pods)")
        result = asyncio.run(run_load_async(options, join=anchor))
    except Exception as exc:  # the parent says it, in one line
        results.put((number, str(exc) if isinstance(exc, ServerError) else _named(exc)))
        sys.exit(1)
    results.put((number, (result.granted, result.rejected)))


def _named(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _die_with(parent: int) -> None:
    """Ask the kernel to SIGKILL this pod when the parent dies (Linux; elsewhere the
    parent's own ``_stop`` must do), and go now if the parent is already gone."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
