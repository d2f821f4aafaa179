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
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vacancy_cli import stock as stores
from vacancy_cli.engine.checker import check_totals, lost_tickets
from vacancy_cli.live.hooks import LiveHooks, MonotonicClock
from vacancy_cli.live.load import run_load_async
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.result import Violation, verdict
from vacancy_cli.model.strategies import STRATEGIES, Strategy, parse_strategy
from vacancy_cli.stock.sqlite import SqliteStockManager

START_TIMEOUT_S = 60.0  # pods that are not ready by then are reported, not waited for


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
) -> PodsResult:
    """Run ``options`` split over ``pods`` processes; check the database afterwards."""
    strategy = _check(options, pods, kill_after_s)
    first = _store(strategy)(options.stock, LiveHooks(1, 0.0, False), MonotonicClock(), strategy)
    try:
        started = time.perf_counter()
        reports = _run_processes(options, pods, kill_after_s, first.folder, strategy)
        elapsed = time.perf_counter() - started
        final, count, tickets = first.ledger()
    finally:
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
    return parse_strategy(options.strategy, options.servers)


def _shares(requests: int, pods: int) -> list[int]:
    return [requests // pods + (1 if n < requests % pods else 0) for n in range(pods)]


def _run_processes(
    options: LoadOptions, pods: int, kill_after_s: float | None, folder: Path, strategy: Strategy
) -> tuple[PodReport, ...]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: a real pod
    ready, results = context.Queue(), context.Queue()
    go = context.Event()
    shares = _shares(options.requests, pods)
    processes = [
        context.Process(
            target=_pod,
            args=(n + 1, replace(options, requests=share), folder, strategy, ready, go, results),
            daemon=True,
        )
        for n, share in enumerate(shares)
    ]
    for process in processes:
        process.start()
    _wait_until_ready(processes, ready)
    go.set()
    killed = _kill_first(processes, kill_after_s)
    finished: dict[int, tuple[int, int]] = {}
    for process in processes:
        process.join()
    while not results.empty():
        number, granted, rejected = results.get()
        finished[number] = (granted, rejected)
    return tuple(
        PodReport(
            number=n + 1,
            pid=process.pid or 0,
            requests=shares[n],
            killed=killed and n == 0,
            finished=(n + 1) in finished,
            granted=finished.get(n + 1, (None, None))[0],
            rejected=finished.get(n + 1, (None, None))[1],
        )
        for n, process in enumerate(processes)
    )


def _wait_until_ready(processes: list[Any], ready: Any) -> None:
    """Every pod has joined the database, or one died trying: then stop them all."""
    waiting = len(processes)
    deadline = time.monotonic() + START_TIMEOUT_S
    while waiting:
        try:
            ready.get(timeout=0.1)
            waiting -= 1
        except queue.Empty:
            dead = [p for p in processes if p.exitcode is not None]
            if dead or time.monotonic() > deadline:
                for process in processes:
                    process.kill()
                raise RuntimeError(
                    f"a pod did not start (exit code {dead[0].exitcode if dead else None})"
                ) from None


def _kill_first(processes: list[Any], kill_after_s: float | None) -> bool:
    """SIGKILL pod 1 after ``kill_after_s``, if it is still running then."""
    if kill_after_s is None:
        return False
    processes[0].join(kill_after_s)
    if not processes[0].is_alive():
        return False
    os.kill(processes[0].pid, signal.SIGKILL)
    return True


def _pod(
    number: int,
    options: LoadOptions,
    folder: Path,
    strategy: Strategy,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """One pod's process: join the database, wait for the start, run its share."""
    hooks, clock = LiveHooks(1, 0.0, False), MonotonicClock()
    anchor = _store(strategy)(options.stock, hooks, clock, strategy, folder)
    ready.put(number)
    go.wait()
    result = asyncio.run(run_load_async(options, join=anchor))
    results.put((number, result.granted, result.rejected))
