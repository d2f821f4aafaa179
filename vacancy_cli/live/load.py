"""The live load test behind ``vacancy reserve``: the ADR's validation, run for real.

The requests run against the same StockManager variants that ``vacancy simulate``
replays, on a real event loop. Only the ``Hooks`` differ: here a checkpoint is a
real ``asyncio.sleep(latency)`` (the I/O between reading and writing the stock),
and with no latency it does not yield at all, like the ADR's own ``reserve``.

Concurrency is a pool of workers, each taking the next request in turn: at most
``concurrency`` requests are in flight, and a million requests cost a million
coroutine calls, not a million tasks.

Ctrl-C (SIGTERM, SIGHUP: ``cli/signals.py``) stops a load at once. The first
one cancels the load's task, but a cancellation lands only where a task yields,
and with no latency a request never does: so each worker also asks, before
each request, whether the load is being cancelled, and stops there.

Lock waits are timed by the live hooks (``hooks.py``); each request's end-to-end
latency by its worker, two ``perf_counter`` calls and a store into an array
allocated up front (``benchmarks/bench_reserve.py`` measures what that costs).
What a run found is in ``result.py``, and its JSON in ``report/documents.py``.

After every load the totals checker judges the run (``judge.py``): a strategy
that claims safety and loses or oversells is a bug; ``none`` doing so is the lesson.

A sweep, a comparison and ``--runs N`` are loads in a row (``_each``), under one
progress bar over all of them; with ``--runs N`` each strategy or level runs N
times, as hyperfine repeats each command it compares.
"""

from __future__ import annotations

import asyncio
import math
from array import array
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from time import perf_counter
from typing import TYPE_CHECKING, Any

from vacancy_cli import stock as stores
from vacancy_cli.live.hooks import LiveHooks, MonotonicClock
from vacancy_cli.live.interrupt import run_interruptible
from vacancy_cli.live.judge import Finished, judged
from vacancy_cli.live.options import LoadOptions, at_least, parse_sweep
from vacancy_cli.live.plan import Plan, draw_plan
from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.live.result import Comparison, LoadResult, Sweep
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import (
    ALL,
    OWN,
    Strategy,
    every_strategy,
    own_strategy,
    parse_strategy,
)
from vacancy_cli.stock.base import EventLoopBlocked, StockManager

if TYPE_CHECKING:
    from vacancy_cli.stock.own import LiveOwn

OnProgress = Callable[[int, int], None]  # told (requests finished, requests in all)

# -- running a load ----------------------------------------------------------------------


class _Tally:
    """Shared by the workers: the next request to start, and how requests ended.

    ``latency[i]``: request i's end-to-end time in seconds, NaN until it ends;
    ``won[i]``: 1 once request i is granted. Both allocated once, for the load.
    """

    __slots__ = ("started", "granted", "tickets", "rejected", "reads", "latency", "won")

    def __init__(self, requests: int) -> None:
        self.started = self.granted = self.tickets = self.rejected = self.reads = 0
        self.latency = array("d", [math.nan]) * requests
        self.won = bytearray(requests)

    @property
    def finished(self) -> int:
        return self.granted + self.rejected + self.reads


async def _worker(
    manager: StockManager | LiveOwn,
    plan: Plan,
    tally: _Tally,
    report: Callable[[], None] | None,
    load: asyncio.Task[Any],
) -> None:
    """Take the next request until none are left, or ``load`` (the task running the
    load) is being cancelled: a Ctrl-C. The hot loop: keep it lean."""
    reserve = manager.reserve
    reads, qtys, qty = plan.reads, plan.qtys, plan.qty
    latency, won, clock = tally.latency, tally.won, perf_counter
    total = plan.requests
    mask = plan.report_every - 1
    cancelling = load.cancelling
    while tally.started < total and not cancelling():
        index = tally.started
        tally.started = index + 1
        start = clock()
        if reads is not None and reads[index]:
            await manager.available()
            latency[index] = clock() - start
            tally.reads += 1
        else:
            if qtys is not None:
                qty = qtys[index]
            granted, _ = await reserve(qty)
            latency[index] = clock() - start
            if granted:
                won[index] = 1
                tally.granted += 1
                tally.tickets += qty
            else:
                tally.rejected += 1
        if report is not None and not index & mask:
            report()


async def run_load_async(
    options: LoadOptions,
    on_progress: OnProgress | None = None,
    clock: Clock | None = None,
    join: StockManager | None = None,
    plan: Plan | None = None,
) -> LoadResult:
    """Run one load on the running loop and check it. ``clock`` feeds the read cache.

    ``join``: run as another pod of the service ``join`` belongs to (a process of
    ``vacancy reserve --pods``), on the store it shares, instead of a new one.
    ``plan``: the requests, drawn up already (``run_load`` draws them before the
    loop starts, where a Ctrl-C stops ten million draws at once).
    """
    options.validate()
    strategy = _row(options)
    plan = draw_plan(options) if plan is None else plan
    hooks = LiveHooks(options.requests, options.latency_s, options.yield_at_checkpoint)
    if join is None:
        manager = _build(strategy, options, hooks, clock)
    else:
        manager = stores.join(strategy, join, hooks, clock or MonotonicClock())
    try:
        await stores.opened(manager)  # a pool's connections, all made before the clock starts
        manager.judges_reads = False  # a stale read is the explorer's finding; no query a hit
        if not options.cache:
            manager.cache_ttl_s = 0.0
        tally = _Tally(options.requests)
        total = options.requests
        report = None if on_progress is None else lambda: on_progress(tally.finished, total)
        load = asyncio.current_task()
        assert load is not None  # run_load_async always runs as a task
        workers = [_worker(manager, plan, tally, report, load) for _ in range(options.workers)]
        start = perf_counter()
        frozen = await _drive(workers, load)
        elapsed = perf_counter() - start
        if report is not None:
            report()
        final = await _final_stock(manager)
        run = Finished(
            strategy.name,
            strategy.claims_safety,
            plan.reserves,
            plan.demand,
            frozen,
            elapsed,
            final,
        )
        return judged(options, run, plan, hooks, tally)
    finally:
        await stores.closed(manager)


async def _drive(workers: list[Coroutine[Any, Any, None]], load: asyncio.Task[Any]) -> bool:
    """Run the workers to the end; True if the event loop froze (the run stopped there).

    A task group, so that the first worker to fail stops the others: a frozen
    loop runs nothing more, and a bug is not hidden behind the rest of the load.
    Any other failure is raised as itself, not as the group: a lost server fails
    every request in flight alike, and the command reports it in one line.
    Making a million tasks takes seconds: a Ctrl-C (``load`` cancelling) stops that too.
    """
    try:
        async with asyncio.TaskGroup() as group:
            for made, worker in enumerate(workers):
                if not made & 1023 and load.cancelling():
                    for unmade in workers[made:]:
                        unmade.close()  # never started: nothing to clean up
                    break
                group.create_task(worker)
    except BaseExceptionGroup as failures:
        _, others = failures.split(EventLoopBlocked)
        if others is not None:
            raise _first(others) from None
        return True
    return False


def _first(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    first = failures.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


def run_load(options: LoadOptions, on_progress: OnProgress | None = None) -> LoadResult:
    """``vacancy reserve``: run one load on a fresh event loop and check it.

    A Ctrl-C (or SIGTERM, SIGHUP) raises ``KeyboardInterrupt`` here, once the load
    has stopped and its store is closed (``interrupt.py``).
    """
    plan = draw_plan(options.validate())
    return run_interruptible(run_load_async(options, on_progress, plan=plan))


def run_sweep(
    options: LoadOptions, levels: Sequence[int], on_progress: OnProgress | None = None
) -> Sweep:
    """The same load at each concurrency level: how lock wait grows with load."""
    loads = _each(_levels(options, levels), 1, on_progress)
    return Sweep(tuple(levels), tuple(load[0] for load in loads))


def run_sweep_runs(
    options: LoadOptions, levels: Sequence[int], runs: int, on_progress: OnProgress | None = None
) -> SweepRuns:
    """``--sweep LEVELS --runs N``: each level's load N times, for a median per cell."""
    loads = _each(_levels(options, levels), runs, on_progress)
    return SweepRuns(tuple(levels), tuple(Repeated(load) for load in loads))


def _levels(options: LoadOptions, levels: Sequence[int]) -> list[LoadOptions]:
    options.validate()
    for level in levels:
        at_least("--sweep", level, 1)
    return [replace(options, concurrency=level) for level in levels]


def run_repeated(
    options: LoadOptions, runs: int, on_progress: OnProgress | None = None
) -> Repeated:
    """``--runs N``: the same load N times (same seed, so the same requests; a fresh
    store each), so that each figure has a median and a spread, as hyperfine gives."""
    options.validate()
    (loads,) = _each([options], runs, on_progress)
    return Repeated(loads)


def _each(
    loads: Sequence[LoadOptions], runs: int, on_progress: OnProgress | None
) -> list[tuple[LoadResult, ...]]:
    """Each load ``runs`` times in a row, under one progress bar over them all (loads x
    runs x requests): the results, load by load."""
    at_least("--runs", runs, 1)
    total = len(loads) * runs * (loads[0].requests if loads else 0)
    done_before = 0
    found = []
    for options in loads:
        results = []
        for _ in range(runs):
            report = None if on_progress is None else _offset(on_progress, done_before, total)
            results.append(run_load(options, report))
            done_before += options.requests
        found.append(tuple(results))
    return found


def run_reserve(
    options: LoadOptions,
    sweep: str | None = None,
    on_progress: OnProgress | None = None,
    runs: int = 1,
) -> LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns:
    """``vacancy reserve``: one load; with ``sweep`` ("10,100,1000") one per level;
    with strategy ``all`` one per strategy; with ``runs`` over 1, each load repeated."""
    at_least("--runs", runs, 1)
    if sweep is not None:
        if options.concurrency is not None:
            raise OptionError("--sweep sets the concurrency of each run: leave out --concurrency")
        if options.strategy == ALL:
            raise OptionError("--sweep runs one strategy: choose one instead of 'all'")
        levels = parse_sweep(sweep)
        if runs > 1:
            return run_sweep_runs(options, levels, runs, on_progress)
        return run_sweep(options, levels, on_progress)
    if options.strategy == ALL:
        own = [own_label(options.manager)] if options.manager else []
        strategies = every_strategy(options.servers) + own
        if runs > 1:
            return run_comparison_runs(options, strategies, runs, on_progress)
        return run_comparison(options, strategies, on_progress)
    if runs > 1:
        return run_repeated(options, runs, on_progress)
    return run_load(options, on_progress)


def run_comparison(
    options: LoadOptions, strategies: Sequence[str], on_progress: OnProgress | None = None
) -> Comparison:
    """The same load (same seed, same plan) under each strategy, one after another."""
    loads = _each(_strategies(options, strategies), 1, on_progress)
    return Comparison(tuple(load[0] for load in loads))


def run_comparison_runs(
    options: LoadOptions,
    strategies: Sequence[str],
    runs: int,
    on_progress: OnProgress | None = None,
) -> ComparisonRuns:
    """``--strategy all --runs N``: each strategy's load N times, strategy after strategy."""
    loads = _each(_strategies(options, strategies), runs, on_progress)
    return ComparisonRuns(tuple(Repeated(load) for load in loads))


def _strategies(options: LoadOptions, strategies: Sequence[str]) -> list[LoadOptions]:
    options.validate()
    return [replace(options, strategy=name) for name in strategies]


def _offset(on_progress: OnProgress, offset: int, total: int) -> OnProgress:
    return lambda done, _: on_progress(offset + done, total)


def _row(options: LoadOptions) -> Strategy:
    """The strategy a load runs: a row of the table, or the user's manager."""
    row = parse_strategy(options.strategy, options.servers)
    if row.store == OWN and options.manager is not None:
        return own_strategy(row.name, options.manager)
    return row


async def _final_stock(manager: StockManager | LiveOwn) -> int:
    """The stock left: a built-in's store, or what a user's ``available()`` says."""
    final_stock = getattr(manager, "final_stock", None)
    return int(await final_stock()) if final_stock is not None else manager.total


def own_label(ref: str) -> str:
    """How a user's manager is named in a load's results: ``file.py:Class``."""
    from vacancy_cli.stock.own import load  # only for a user's manager: start-up is measured

    return load(ref).label


def _build(
    strategy: Strategy, options: LoadOptions, hooks: LiveHooks, clock: Clock | None
) -> StockManager | LiveOwn:
    """A fresh manager: a built-in on the live hooks, or the user's, as it is."""
    if strategy.store == OWN:
        from vacancy_cli.stock.own import LiveOwn, load

        return LiveOwn(load(strategy.variant), options.stock)
    return stores.build(
        strategy, options.stock, hooks, clock or MonotonicClock(), pool_size=options.workers
    )
