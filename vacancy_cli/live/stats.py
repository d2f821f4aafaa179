"""The statistics a load reports: nearest-rank percentiles, min, mean, sample stddev.

One place for them, so lock waits, request latencies and the spread of a
figure over ``--runs`` are computed by the same rules:

- **Percentiles** are nearest rank: a value that really happened, never an
  interpolation between two, and the rank is computed in integers so that P95
  of 20 values is the 19th.
- **Standard deviation** is the *sample* one (Bessel's ``n - 1``, as
  ``statistics.stdev`` and hyperfine give): a load is a sample of what the
  service would do. With a single value it is undefined, and reported as
  ``None`` rather than a made-up 0.
- **Zeros.** The live hooks never time an acquisition that cannot block (it is
  exactly 0), so lock waits come as ``zeros`` zeros ahead of the timed values;
  every statistic counts them, as the percentiles always have.

The sums use ``math.fsum`` and the stddev two passes (the mean first, then the
squares about it), so a million waits of a few microseconds lose no digits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PERCENTILES = (50, 95, 99)


@dataclass(frozen=True)
class Stats:
    """What a perf engineer reads off a sample: its size, spread and tail, in seconds."""

    count: int
    min: float
    mean: float
    stddev: float | None  # sample stddev (n - 1); None for a single value
    p50: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class Spread:
    """One figure over several runs, as hyperfine reports a command's time."""

    median: float
    mean: float
    stddev: float | None  # sample stddev over the runs; None for a single run
    min: float
    max: float


def percentile(ordered: Sequence[float], p: int, zeros: int = 0) -> float | None:
    """Nearest-rank percentile ``p`` of ``zeros`` zeros followed by ``ordered`` (ascending)."""
    count = zeros + len(ordered)
    if count == 0:
        return None
    rank = max(1, (p * count + 99) // 100)
    return 0.0 if rank <= zeros else ordered[rank - zeros - 1]


def mean_and_stddev(values: Iterable[float], zeros: int = 0) -> tuple[float, float | None]:
    """Mean and sample stddev of ``zeros`` zeros and ``values`` (at least one in all)."""
    data = values if isinstance(values, Sequence) else list(values)
    count = zeros + len(data)
    mean = math.fsum(data) / count
    if count < 2:
        return mean, None
    squares = math.fsum((x - mean) ** 2 for x in data) + zeros * mean * mean
    return mean, math.sqrt(squares / (count - 1))


def describe(ordered: Sequence[float], zeros: int = 0) -> Stats | None:
    """The statistics of ``zeros`` zeros followed by ``ordered`` (ascending); None if empty."""
    count = zeros + len(ordered)
    if count == 0:
        return None
    p50, p95, p99 = (percentile(ordered, p, zeros) or 0.0 for p in PERCENTILES)
    mean, stddev = mean_and_stddev(ordered, zeros)
    low = 0.0 if zeros else ordered[0]
    high = ordered[-1] if ordered else 0.0
    return Stats(count, low, mean, stddev, p50, p95, p99, high)


def spread(values: Sequence[float]) -> Spread:
    """Median, mean ± stddev and range of one figure over the runs (at least one)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    mean, stddev = mean_and_stddev(ordered)
    return Spread(median, mean, stddev, ordered[0], ordered[-1])
