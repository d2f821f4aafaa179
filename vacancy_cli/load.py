"""The live load test behind ``vacancy reserve``: the ADR's validation, run for real.

The requests run against the same StockManager variants that ``vacancy simulate``
replays, on a real event loop. Only the ``Hooks`` differ: here a checkpoint is a
real ``asyncio.sleep(latency)`` (the I/O between reading and writing the stock),
and with no latency it does not yield at all, like the ADR's own ``reserve``.

Concurrency is a pool of workers, each taking the next request in turn: at most
``concurrency`` requests are in flight, and a million requests cost a million
coroutine calls, not a million tasks.

Lock waits are timed by the live hooks (``live_hooks.py``).

After every load the totals checker judges the run: a strategy that claims
safety and loses or oversells is a bug; ``none`` doing so is the lesson.
"""

from __future__ import annotations

import asyncio
import random
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any

from vacancy_cli import trace
from vacancy_cli.checker import check_totals, lost_tickets
from vacancy_cli.clock import Clock, MonotonicClock
from vacancy_cli.errors import OptionError
from vacancy_cli.live_hooks import LiveHooks
from vacancy_cli.load_options import ALL, LoadOptions, at_least, parse_sweep
from vacancy_cli.strategies import EventLoopBlocked, StockManager, every_strategy, parse_strategy
from vacancy_cli.trace import Violation, violation_to_dict

OnProgress = Callable[[int, int], None]  # told (requests finished, requests in all)

PERCENTILES = (50, 95, 99)
ADR_P95_LIMIT_S = 0.005  # "Lock Wait Time: < 5ms (P95)"
ADR_CACHE_SAVING = 0.70  # "Read-heavy workload: 70% reduction in lock acquisitions"
# Requests between progress reports (powers of two, for a mask): with latency a
# request takes milliseconds, so report more often.
PROGRESS_EVERY = 1024
PROGRESS_EVERY_SLOW = 64


# -- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class LockWait:
    """Lock wait percentiles over every acquisition, in seconds."""

    p50: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class Bin:
    """One bar of the lock-wait histogram: waits in [low, high) seconds."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class LoadResult:
    """One load, run and checked."""

    options: LoadOptions
    strategy: str
    claims_safety: bool
    reserves: int  # reserve requests sent (the rest are reads)
    demand: int  # tickets they asked for: at most this many can be granted
    reads: int
    granted: int  # reserve requests granted
    granted_tickets: int
    rejected: int
    final_stock: int
    lock_acquisitions: int
    cache_hits: int
    cache_oldest_ms: int | None
    lock_wait: LockWait | None  # None: nothing took a lock
    histogram: tuple[Bin, ...]
    elapsed_s: float
    violations: tuple[Violation, ...]

    @property
    def requests(self) -> int:
        return self.options.requests

    @property
    def finished(self) -> int:
        """Requests that ran to the end: all of them, unless the event loop froze."""
        return self.granted + self.rejected + self.reads

    @property
    def oversold(self) -> int:
        return max(0, self.granted_tickets - self.options.stock)

    @property
    def lost_updates(self) -> int:
        """The conservation gap: tickets sold yet still counted as available."""
        return lost_tickets(self.options.stock, self.final_stock, self.granted_tickets)

    @property
    def success_rate(self) -> float:
        """Reserve requests granted, of all sent (a request the run never finished failed)."""
        return self.granted / self.reserves if self.reserves else 1.0

    @property
    def frozen(self) -> bool:
        return any(v.kind == "event_loop_blocked" for v in self.violations)

    @property
    def cache_saving(self) -> float | None:
        """Share of lock acquisitions the cache avoided: each hit is a read that took no lock."""
        would_take = self.lock_acquisitions + self.cache_hits
        return self.cache_hits / would_take if would_take else None

    @property
    def throughput_rps(self) -> float:
        return self.finished / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def is_bug(self) -> bool:
        """A strategy that claims safety yet broke an invariant."""
        return self.claims_safety and bool(self.violations)

    @property
    def verdict(self) -> str:
        kinds = [k for k in trace.VERDICT_WORDS if any(v.kind == k for v in self.violations)]
        return ", ".join(trace.VERDICT_WORDS[k] for k in kinds) or "correct"


@dataclass(frozen=True)
class Claim:
    """One line of the ADR, and whether this run bears it out."""

    text: str
    measured: str
    held: bool


@dataclass(frozen=True)
class Comparison:
    """The same load under each strategy, in ``ALL_STRATEGIES`` order."""

    runs: tuple[LoadResult, ...]

    @property
    def is_bug(self) -> bool:
        return any(run.is_bug for run in self.runs)


@dataclass(frozen=True)
class Sweep:
    """The same load at each concurrency level, in the order given."""

    levels: tuple[int, ...]
    runs: tuple[LoadResult, ...]

    @property
    def is_bug(self) -> bool:
        return any(run.is_bug for run in self.runs)


# -- running a load ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Which requests read and how many tickets each reserves, drawn up front with the seed."""

    requests: int
    reads: bytes | None  # 1 marks an available() read; None: no reads at all
    qtys: array[int] | None  # per request; None: every request reserves ``qty``
    qty: int
    report_every: int

    @property
    def reserves(self) -> int:
        return self.requests - (sum(self.reads) if self.reads is not None else 0)

    @property
    def demand(self) -> int:
        """Tickets asked for by all the reserve requests together."""
        reads, qtys = self.reads, self.qtys
        if qtys is None:
            return self.qty * self.reserves
        if reads is None:
            return sum(qtys)
        return sum(qty for qty, read in zip(qtys, reads, strict=True) if not read)


def _plan(options: LoadOptions) -> _Plan:
    rng = random.Random(options.seed)
    low, high = options.qty
    count = options.requests
    reads = None
    if options.reads > 0:
        reads = bytes(rng.random() < options.reads for _ in range(count))
    qtys = None
    if high > low:
        qtys = array("l", (rng.randint(low, high) for _ in range(count)))
    slow = options.latency_s > 0
    return _Plan(count, reads, qtys, low, PROGRESS_EVERY_SLOW if slow else PROGRESS_EVERY)


class _Tally:
    """Shared by the workers: the next request to start, and how requests ended."""

    __slots__ = ("started", "granted", "tickets", "rejected", "reads")

    def __init__(self) -> None:
        self.started = self.granted = self.tickets = self.rejected = self.reads = 0

    @property
    def finished(self) -> int:
        return self.granted + self.rejected + self.reads


async def _worker(
    manager: StockManager, plan: _Plan, tally: _Tally, report: Callable[[], None] | None
) -> None:
    """Take the next request until none are left. The hot loop: keep it lean."""
    reserve = manager.reserve
    reads, qtys, qty = plan.reads, plan.qtys, plan.qty
    total = plan.requests
    mask = plan.report_every - 1
    while tally.started < total:
        index = tally.started
        tally.started = index + 1
        if reads is not None and reads[index]:
            await manager.available()
            tally.reads += 1
        else:
            if qtys is not None:
                qty = qtys[index]
            granted, _ = await reserve(qty)
            if granted:
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
) -> LoadResult:
    """Run one load on the running loop and check it. ``clock`` feeds the read cache.

    ``join``: run as another pod of the service ``join`` belongs to (a process of
    ``vacancy reserve --pods``), on the store it shares, instead of a new one.
    """
    options.validate()
    strategy = parse_strategy(options.strategy)
    plan = _plan(options)
    hooks = LiveHooks(options.requests, options.latency_s, options.yield_at_checkpoint)
    if join is None:
        manager = strategy.build(options.stock, hooks, clock or MonotonicClock())
    else:
        manager = strategy.another_pod(join, hooks, clock or MonotonicClock())
    try:
        if not options.cache:
            manager.cache_ttl_s = 0.0
        tally = _Tally()
        total = options.requests
        report = None if on_progress is None else lambda: on_progress(tally.finished, total)
        workers = [_worker(manager, plan, tally, report) for _ in range(options.workers)]
        start = perf_counter()
        frozen = await _drive(workers)
        elapsed = perf_counter() - start
        if report is not None:
            report()
        run = _Run(
            strategy.name, strategy.claims_safety, plan.reserves, plan.demand, frozen, elapsed
        )
        return _result(options, run, manager, hooks, tally)
    finally:
        manager.close()


async def _drive(workers: list[Coroutine[Any, Any, None]]) -> bool:
    """Run the workers to the end; True if the event loop froze (the run stopped there).

    A task group, so that the first worker to fail stops the others: a frozen
    loop runs nothing more, and a bug is not hidden behind the rest of the load.
    Any other failure is raised as itself, not as the group: a lost server fails
    every request in flight alike, and the command reports it in one line.
    """
    try:
        async with asyncio.TaskGroup() as group:
            for worker in workers:
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
    """``vacancy reserve``: run one load on a fresh event loop and check it."""
    return asyncio.run(run_load_async(options, on_progress))


def run_sweep(
    options: LoadOptions, levels: Sequence[int], on_progress: OnProgress | None = None
) -> Sweep:
    """The same load at each concurrency level: how lock wait grows with load."""
    options.validate()
    for level in levels:
        at_least("--sweep", level, 1)
    runs = []
    for done_before, level in enumerate(levels):
        offset = done_before * options.requests
        total = len(levels) * options.requests
        report = None if on_progress is None else _offset(on_progress, offset, total)
        runs.append(run_load(replace(options, concurrency=level), report))
    return Sweep(tuple(levels), tuple(runs))


def run_reserve(
    options: LoadOptions, sweep: str | None = None, on_progress: OnProgress | None = None
) -> LoadResult | Sweep | Comparison:
    """``vacancy reserve``: one load; with ``sweep`` ("10,100,1000") one per level;
    with strategy ``all`` one per strategy."""
    if sweep is not None:
        if options.concurrency is not None:
            raise OptionError("--sweep sets the concurrency of each run: leave out --concurrency")
        if options.strategy == ALL:
            raise OptionError("--sweep runs one strategy: choose one instead of 'all'")
        return run_sweep(options, parse_sweep(sweep), on_progress)
    if options.strategy == ALL:
        return run_comparison(options, every_strategy(), on_progress)
    return run_load(options, on_progress)


def run_comparison(
    options: LoadOptions, strategies: Sequence[str], on_progress: OnProgress | None = None
) -> Comparison:
    """The same load (same seed, same plan) under each strategy, one after another."""
    options.validate()
    runs = []
    total = len(strategies) * options.requests
    for done_before, name in enumerate(strategies):
        offset = done_before * options.requests
        report = None if on_progress is None else _offset(on_progress, offset, total)
        runs.append(run_load(replace(options, strategy=name), report))
    return Comparison(tuple(runs))


def _offset(on_progress: OnProgress, offset: int, total: int) -> OnProgress:
    return lambda done, _: on_progress(offset + done, total)


@dataclass(frozen=True)
class _Run:
    strategy: str
    claims_safety: bool
    reserves: int
    demand: int
    frozen: bool
    elapsed: float


def _result(
    options: LoadOptions, run: _Run, manager: StockManager, hooks: LiveHooks, tally: _Tally
) -> LoadResult:
    zeros = hooks.untimed
    timed = sorted(hooks.waits[: hooks.timed])
    final = manager.total
    violations = check_totals(options.stock, final, tally.tickets)
    if run.frozen:
        violations += (_frozen(tally.finished, options.requests),)
    return LoadResult(
        options=options,
        strategy=run.strategy,
        claims_safety=run.claims_safety,
        reserves=run.reserves,
        demand=run.demand,
        reads=tally.reads,
        granted=tally.granted,
        granted_tickets=tally.tickets,
        rejected=tally.rejected,
        final_stock=final,
        lock_acquisitions=hooks.acquisitions,
        cache_hits=hooks.cache_hits,
        cache_oldest_ms=hooks.oldest_hit_ms,
        lock_wait=lock_wait(timed, zeros),
        histogram=wait_histogram(timed, zeros),
        elapsed_s=run.elapsed,
        violations=violations,
    )


def _frozen(finished: int, requests: int) -> Violation:
    return Violation(
        "event_loop_blocked",
        (),
        f"event loop blocked after {finished:,} of {requests:,} requests: one called "
        "threading.Lock.acquire() while another held the lock across an await; the holder "
        "could only release it when the loop runs again, so a service would hang here "
        "(the run stopped instead)",
    )


# -- percentiles and the histogram -----------------------------------------------------------


def percentile(ordered: Sequence[float], p: int, zeros: int = 0) -> float | None:
    """Nearest-rank percentile ``p`` of ``zeros`` zeros followed by ``ordered`` (ascending).

    Nearest rank returns a wait that really happened (no interpolation), and
    the rank is computed in integers so that P95 of 20 values is the 19th.
    """
    count = zeros + len(ordered)
    if count == 0:
        return None
    rank = max(1, (p * count + 99) // 100)
    return 0.0 if rank <= zeros else ordered[rank - zeros - 1]


def lock_wait(ordered: Sequence[float], zeros: int = 0) -> LockWait | None:
    p50, p95, p99 = (percentile(ordered, p, zeros) for p in PERCENTILES)
    if p50 is None or p95 is None or p99 is None:
        return None
    return LockWait(p50, p95, p99, ordered[-1] if ordered else 0.0)


# Bin edges in seconds: 1-2-5 steps from 1 us up, so bars read as round numbers.
_EDGES = (0.0,) + tuple(m * 10.0**e for e in range(-6, 3) for m in (1, 2, 5))


def wait_histogram(ordered: Sequence[float], zeros: int = 0) -> tuple[Bin, ...]:
    """Waits binned on a 1-2-5 scale; a first bin [0, 0) holds the waits of exactly 0.

    Only the span from the shortest to the longest timed wait is kept, so a run
    with waits from 1 ms to 40 ms draws a handful of bars, not twenty.
    """
    bins = [Bin(0.0, 0.0, zeros)] if zeros else []
    if not ordered:
        return tuple(bins)
    edges = _EDGES if ordered[-1] < _EDGES[-1] else _EDGES + (ordered[-1] * 2,)
    first = bisect_right(edges, ordered[0]) - 1
    last = bisect_right(edges, ordered[-1]) - 1
    for low, high in zip(edges[first : last + 1], edges[first + 1 : last + 2], strict=True):
        count = bisect_left(ordered, high) - bisect_left(ordered, low)
        bins.append(Bin(low, high, count))
    return tuple(bins)


# -- the ADR's claims --------------------------------------------------------------------------


def adr_claims(result: LoadResult) -> tuple[Claim, ...]:
    """The ADR's validation lines, each checked against this run."""
    claims = []
    if result.demand <= result.options.stock:  # the ADR's test: enough stock for everyone
        rate = result.success_rate
        claims.append(Claim("Success Rate: 100%", f"{rate:.1%}", rate == 1.0))
    claims += [
        Claim(
            "Race Conditions: 0",
            f"{result.lost_updates} lost, {result.oversold} oversold"
            + (", event loop blocked" if result.frozen else ""),
            not result.violations,
        ),
    ]
    if result.lock_wait is not None:
        p95 = result.lock_wait.p95
        claims.append(
            Claim("Lock Wait Time: < 5ms (P95)", f"{p95 * 1000:.3f} ms", p95 < ADR_P95_LIMIT_S)
        )
    if result.cache_saving is not None and result.reads:
        saving = result.cache_saving
        claims.append(
            Claim(
                "Read-heavy: 70% fewer lock acquisitions",
                f"{saving:.0%} fewer",
                saving >= ADR_CACHE_SAVING,
            )
        )
    return tuple(claims)


# -- JSON -----------------------------------------------------------------------------------


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 6)


def load_to_dict(result: LoadResult) -> dict[str, Any]:
    """The ``--json`` document of one load; the Rich view reads the same result."""
    options = result.options
    wait = result.lock_wait
    low, high = options.qty
    return {
        "strategy": result.strategy,
        "claims_safety": result.claims_safety,
        "stock": options.stock,
        "requests": result.requests,
        "qty": str(low) if low == high else f"{low}-{high}",
        "concurrency": options.workers,
        "latency_ms": _ms(options.latency_s),
        "reads": result.reads,
        "seed": options.seed,
        "granted": result.granted,
        "granted_tickets": result.granted_tickets,
        "rejected": result.rejected,
        "final_stock": result.final_stock,
        "oversold": result.oversold,
        "lost_updates": result.lost_updates,
        "success_rate": result.success_rate,
        "verdict": result.verdict,
        "bug": result.is_bug,
        "violations": [violation_to_dict(v) for v in result.violations],
        "lock_acquisitions": result.lock_acquisitions,
        "cache_hits": result.cache_hits,
        "cache_oldest_ms": result.cache_oldest_ms,
        "cache_saving": result.cache_saving,
        "lock_wait_ms": {
            "p50": _ms(wait.p50) if wait else None,
            "p95": _ms(wait.p95) if wait else None,
            "p99": _ms(wait.p99) if wait else None,
            "max": _ms(wait.max) if wait else None,
        },
        "histogram": [
            {"low_ms": _ms(b.low), "high_ms": _ms(b.high), "count": b.count}
            for b in result.histogram
        ],
        "adr_claims": [
            {"claim": c.text, "measured": c.measured, "held": c.held} for c in adr_claims(result)
        ],
        "elapsed_s": round(result.elapsed_s, 6),
        "throughput_rps": round(result.throughput_rps, 1),
    }


def reserve_to_dict(outcome: LoadResult | Sweep | Comparison) -> dict[str, Any]:
    """The ``--json`` document of whatever ``run_reserve`` returned."""
    if isinstance(outcome, Sweep):
        return sweep_to_dict(outcome)
    if isinstance(outcome, Comparison):
        return comparison_to_dict(outcome)
    return load_to_dict(outcome)


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    return {
        "strategies": [run.strategy for run in comparison.runs],
        "bug": comparison.is_bug,
        "runs": [load_to_dict(run) for run in comparison.runs],
    }


def sweep_to_dict(sweep: Sweep) -> dict[str, Any]:
    return {
        "levels": list(sweep.levels),
        "bug": sweep.is_bug,
        "runs": [load_to_dict(run) for run in sweep.runs],
    }
