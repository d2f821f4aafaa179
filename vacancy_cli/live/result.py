"""What a load test found: its figures, lock waits and request latencies, the ADR's claims.

The values ``vacancy reserve`` hands to both the Rich view and the JSON
document (``report/documents.py``), so the two cannot disagree; the runner
that produces them is ``load.py``, the statistics' rules are ``stats.py``'s.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from vacancy_cli.engine.checker import lost_tickets
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.stats import Stats, describe
from vacancy_cli.live.stats import percentile as percentile  # its old home: still importable
from vacancy_cli.model.result import Violation, ViolationKind, verdict

ADR_P95_LIMIT_S = 0.005  # "Lock Wait Time: < 5ms (P95)"
ADR_CACHE_SAVING = 0.70  # "Read-heavy workload: 70% reduction in lock acquisitions"

# -- results -------------------------------------------------------------------------


LockWait = Stats  # lock waits over every acquisition, in seconds


@dataclass(frozen=True)
class Samples:
    """A load's raw samples, per request, for ``--export FILE.csv``.

    ``latency[i]`` is request i's end-to-end time in seconds (NaN: it never
    finished, the loop froze); ``granted[i]`` is 1 for a granted reservation.
    Lock waits cannot be told apart by request without costing every
    acquisition a lookup, so they are their own list: the timed ones in the
    order they ended, plus ``zeros`` acquisitions that could not block.
    """

    latency: array[float]
    granted: bytearray
    reads: bytes | None  # 1 marks an available() read; None: no reads at all
    qtys: array[int] | None  # per request; None: every request reserves ``qty``
    qty: int
    waits: array[float]
    zeros: int


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
    # End-to-end time of each finished request (the lock wait included), in
    # seconds: reservations and available() reads apart, since a cache hit
    # takes microseconds and would hide the reservations' tail. None: none ran.
    request_latency: Stats | None = None
    read_latency: Stats | None = None
    samples: Samples | None = None

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
        return any(v.kind is ViolationKind.EVENT_LOOP_BLOCKED for v in self.violations)

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
        return verdict(self.violations)


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


# -- percentiles and the histogram -----------------------------------------------------------


def lock_wait(ordered: Sequence[float], zeros: int = 0) -> LockWait | None:
    """Lock waits: ``zeros`` acquisitions that could not block, then the timed ones."""
    return describe(ordered, zeros)


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
