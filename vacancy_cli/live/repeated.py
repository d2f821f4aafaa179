"""``vacancy reserve --runs N``: one load repeated, and each figure's median and spread.

One run of a load on a shared machine is one draw: a garbage collection or a
neighbour's burst moves its P99 by a factor. Repeating the same load (same
seed, so the same requests; a fresh store each) and reporting each figure's
median with its spread (mean ± sample stddev, min … max, as hyperfine does)
says how far a number can be trusted.

Each figure is named as in the ``reserve.load`` document (``lock_wait_ms.p95``,
``request_latency_ms.p95``, ``throughput_rps``), in that document's unit, so a
``--threshold`` can address the median of a figure by the same name it uses
for a single run. The view, the document and the thresholds all read
``FIGURES``, so they cannot disagree.

``--strategy all`` and ``--sweep`` repeat each of their loads the same way, as
hyperfine does when it compares several commands: ``ComparisonRuns`` and
``SweepRuns`` hold one ``Repeated`` per strategy or per level, and every cell
of their views is a median.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vacancy_cli.live.result import LoadResult
from vacancy_cli.live.stats import Spread, Stats, spread

Figure = Callable[[LoadResult], float | None]

# The statistics of a sample, in the order a document lists them.
STATS_KEYS = ("min", "mean", "stddev", "p50", "p95", "p99", "max")


def _ms(pick: Callable[[LoadResult], Stats | None], key: str) -> Figure:
    def figure(result: LoadResult) -> float | None:
        found = pick(result)
        value = None if found is None else getattr(found, key)
        return None if value is None else float(value) * 1000

    return figure


def _sample(name: str, pick: Callable[[LoadResult], Stats | None]) -> dict[str, Figure]:
    return {f"{name}.{key}": _ms(pick, key) for key in STATS_KEYS}


# Every figure that has a median over the runs, by its name in the document.
FIGURES: dict[str, Figure] = {
    "throughput_rps": lambda r: r.throughput_rps,
    "elapsed_s": lambda r: r.elapsed_s,
    "granted": lambda r: float(r.granted),
    "granted_tickets": lambda r: float(r.granted_tickets),
    "rejected": lambda r: float(r.rejected),
    "final_stock": lambda r: float(r.final_stock),
    "oversold": lambda r: float(r.oversold),
    "lost_updates": lambda r: float(r.lost_updates),
    "success_rate": lambda r: r.success_rate,
    "lock_acquisitions": lambda r: float(r.lock_acquisitions),
    "cache_hits": lambda r: float(r.cache_hits),
    **_sample("lock_wait_ms", lambda r: r.lock_wait),
    **_sample("request_latency_ms", lambda r: r.request_latency),
    **_sample("read_latency_ms", lambda r: r.read_latency),
}


@dataclass(frozen=True)
class Repeated:
    """The same load run ``len(runs)`` times, in order."""

    runs: tuple[LoadResult, ...]

    @property
    def is_bug(self) -> bool:
        """A bug in any run is a bug: a race that shows once in five is still a race."""
        return any(run.is_bug for run in self.runs)

    @property
    def first(self) -> LoadResult:
        return self.runs[0]

    @property
    def strategy(self) -> str:
        return self.first.strategy

    def median(self, name: str) -> float | None:
        """Figure ``name``'s median over the runs (None: no run has it)."""
        found = self.spread(name)
        return None if found is None else found.median

    def spread(self, name: str) -> Spread | None:
        """Figure ``name`` over the runs that have it (None: no run has it, e.g. no lock)."""
        values = [v for v in (FIGURES[name](run) for run in self.runs) if v is not None]
        return spread(values) if values else None

    def summary(self) -> dict[str, Spread | None]:
        """Every figure's spread, by name, in ``FIGURES`` order."""
        return {name: self.spread(name) for name in FIGURES}

    @property
    def violating(self) -> tuple[int, ...]:
        """The runs (from 1) that broke an invariant."""
        return tuple(n for n, run in enumerate(self.runs, 1) if run.violations)


class _EachRepeated:
    """What a comparison and a sweep of repeated loads share: a bug in any is a bug."""

    runs: tuple[Repeated, ...]

    @property
    def is_bug(self) -> bool:
        return any(found.is_bug for found in self.runs)

    @property
    def repetitions(self) -> int:
        return len(self.runs[0].runs)


@dataclass(frozen=True)
class ComparisonRuns(_EachRepeated):
    """``--strategy all --runs N``: each strategy's load repeated, in ``ALL_STRATEGIES``
    order (``live.result.Comparison``'s, with a ``Repeated`` where it has one load)."""

    runs: tuple[Repeated, ...]


@dataclass(frozen=True)
class SweepRuns(_EachRepeated):
    """``--sweep LEVELS --runs N``: the load repeated at each concurrency level, in the
    order given (``live.result.Sweep``'s, with a ``Repeated`` per level)."""

    levels: tuple[int, ...]
    runs: tuple[Repeated, ...]
