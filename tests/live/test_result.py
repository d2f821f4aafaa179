"""Lock-wait percentiles and the histogram, on known data."""

from __future__ import annotations

import pytest

from vacancy_cli.live.result import Bin, LockWait, lock_wait, percentile, wait_histogram


def test_nearest_rank_percentiles_of_1_to_100() -> None:
    data = [float(i) for i in range(1, 101)]
    assert [percentile(data, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    found = lock_wait(data)
    assert found is not None
    assert (found.p50, found.p95, found.p99, found.max) == (50.0, 95.0, 99.0, 100.0)
    assert (found.count, found.min, found.mean) == (100, 1.0, 50.5)


def test_percentiles_on_small_and_edge_cases() -> None:
    twenty = [float(i) for i in range(1, 21)]
    assert percentile(twenty, 95) == 19.0  # rank ceil(0.95 * 20) = 19, no float drift
    assert percentile([7.0], 50) == percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None and lock_wait([]) is None
    # 90 waits of exactly 0 (never blocked) ahead of 10 timed ones.
    timed = [float(i) for i in range(1, 11)]
    assert [percentile(timed, p, zeros=90) for p in (50, 95, 99)] == [0.0, 5.0, 9.0]
    assert lock_wait([], zeros=5) == LockWait(5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_the_histogram_bins_on_a_1_2_5_scale() -> None:
    bins = wait_histogram([0.0015, 0.003, 0.004, 0.012], zeros=3)
    assert bins[0] == Bin(0.0, 0.0, 3)  # the acquisitions that never blocked
    assert [b.count for b in bins[1:]] == [1, 2, 0, 1]  # the empty 5-10 ms bar is kept
    edges = [0.001, 0.002, 0.005, 0.01, 0.02]
    assert [b.low for b in bins[1:]] == pytest.approx(edges[:-1])
    assert [b.high for b in bins[1:]] == pytest.approx(edges[1:])
    assert wait_histogram([4e-7]) == (Bin(0.0, pytest.approx(1e-6), 1),)
    assert wait_histogram([], zeros=0) == ()
    assert wait_histogram([250.0])[-1].count == 1  # beyond the last edge: one more bar
