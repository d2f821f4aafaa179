"""A finished load judged: its counters and the live hooks' timings become a ``LoadResult``.

``load.py`` keeps the hot path (the workers and their shared tally); what is
done once, after the last request, is here: the totals checker's verdict (a
strategy that claims safety and loses or oversells is a bug), the lock-wait
percentiles and histogram, and each finished request's latency, reservations
and reads apart.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Protocol

from vacancy_cli.engine.checker import check_totals
from vacancy_cli.live.hooks import LiveHooks
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.plan import Plan
from vacancy_cli.live.result import LoadResult, Samples, lock_wait, wait_histogram
from vacancy_cli.live.stats import describe


class Tally(Protocol):
    """What the workers counted (``load._Tally``): read here, never written."""

    granted: int
    tickets: int
    rejected: int
    reads: int
    latency: array[float]
    won: bytearray

    @property
    def finished(self) -> int: ...


@dataclass(frozen=True)
class Finished:
    """What the runner knows of a load once its workers are done."""

    strategy: str
    claims_safety: bool
    reserves: int
    demand: int
    frozen: bool
    elapsed: float
    final_stock: int


def judged(
    options: LoadOptions,
    run: Finished,
    plan: Plan,
    hooks: LiveHooks,
    tally: Tally,
) -> LoadResult:
    """The load's result, checked by the totals checker."""
    zeros = hooks.untimed
    waits = hooks.waits[: hooks.timed]
    timed = sorted(waits)
    final = run.final_stock
    frozen = (tally.finished, options.requests) if run.frozen else None
    violations = check_totals(options.stock, final, tally.tickets, frozen=frozen)
    reserve_times, read_times = _latencies(plan, tally)
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
        request_latency=describe(reserve_times),
        read_latency=describe(read_times),
        samples=Samples(tally.latency, tally.won, plan.reads, plan.qtys, plan.qty, waits, zeros),
    )


def _latencies(plan: Plan, tally: Tally) -> tuple[list[float], list[float]]:
    """The finished reservations' latencies and the reads', each ascending."""
    latency, reads = tally.latency, plan.reads
    if reads is None:
        if tally.finished == plan.requests:
            return sorted(latency), []
        return sorted(x for x in latency if x == x), []  # NaN: never finished
    pairs = zip(latency, reads, strict=True)
    reserves = sorted(x for x, read in pairs if not read and x == x)
    pairs = zip(latency, reads, strict=True)
    return reserves, sorted(x for x, read in pairs if read and x == x)
