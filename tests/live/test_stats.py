"""The statistics a load reports, on samples computed by hand and against ``statistics``."""

from __future__ import annotations

import math
import statistics

from hypothesis import given
from hypothesis import strategies as st

from vacancy_cli.live.stats import Spread, Stats, describe, mean_and_stddev, percentile, spread


def test_describe_on_a_sample_worked_by_hand() -> None:
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squares about it 32, sample variance 32 / 7.
    found = describe([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    assert found is not None
    assert (found.count, found.min, found.max, found.mean) == (8, 2.0, 9.0, 5.0)
    assert found.stddev == math.sqrt(32 / 7)
    assert (found.p50, found.p95, found.p99) == (4.0, 9.0, 9.0)  # ranks 4, 8, 8


def test_zeros_count_in_every_statistic() -> None:
    # Two acquisitions that could not block (0) and one timed wait of 3: 0, 0, 3.
    found = describe([3.0], zeros=2)
    assert found == Stats(3, 0.0, 1.0, math.sqrt(3.0), 0.0, 3.0, 3.0, 3.0)
    assert describe([], zeros=4) == Stats(4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_a_single_value_has_no_sample_stddev_and_an_empty_sample_no_stats() -> None:
    assert describe([7.0]) == Stats(1, 7.0, 7.0, None, 7.0, 7.0, 7.0, 7.0)
    assert describe([]) is None
    assert spread([3.0]) == Spread(3.0, 3.0, None, 3.0, 3.0)


def test_spread_is_median_mean_stddev_and_range() -> None:
    # 1, 3, 5, 10: median (3 + 5) / 2, mean 4.75, squares about it 14.0625 + 3.0625 +
    # 0.0625 + 27.5625 = 44.75 over n - 1 = 3.
    assert spread([5.0, 1.0, 3.0, 10.0]) == Spread(4.0, 4.75, math.sqrt(44.75 / 3), 1.0, 10.0)


durations = st.floats(min_value=0.0, max_value=60.0, allow_nan=False, allow_infinity=False)


@given(st.lists(durations, min_size=1, max_size=200), st.integers(0, 50))
def test_every_statistic_agrees_with_the_statistics_module(timed: list[float], zeros: int) -> None:
    ordered = sorted(timed)
    whole = [0.0] * zeros + ordered
    found = describe(ordered, zeros)
    assert found is not None
    assert found.count == len(whole)
    assert found.min == min(whole) and found.max == max(whole)
    assert math.isclose(found.mean, statistics.fmean(whole), rel_tol=1e-9, abs_tol=1e-12)
    if len(whole) > 1:
        assert found.stddev is not None
        assert math.isclose(found.stddev, statistics.stdev(whole), rel_tol=1e-7, abs_tol=1e-9)
    else:
        assert found.stddev is None
    # Nearest rank: the value at position ceil(p/100 * n), 1-based, of the whole sample.
    for p, value in zip((50, 95, 99), (found.p50, found.p95, found.p99), strict=True):
        assert value == whole[math.ceil(p * len(whole) / 100) - 1]
        assert value == percentile(ordered, p, zeros)


@given(st.lists(durations, min_size=1, max_size=50))
def test_spread_agrees_with_the_statistics_module(values: list[float]) -> None:
    found = spread(values)
    assert found.median == statistics.median(values)
    assert found.min == min(values) and found.max == max(values)
    mean, stddev = mean_and_stddev(values)
    assert found.mean == mean and found.stddev == stddev
    assert math.isclose(found.mean, statistics.fmean(values), rel_tol=1e-9, abs_tol=1e-12)
    if len(values) > 1:
        assert found.stddev is not None
        assert math.isclose(found.stddev, statistics.stdev(values), rel_tol=1e-7, abs_tol=1e-9)
