"""``--runs N``: one load repeated, request latencies recorded, medians and spreads."""

from __future__ import annotations

import math
import statistics
from dataclasses import replace

import pytest

from vacancy_cli.live.load import run_load, run_repeated, run_reserve
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import FIGURES, Repeated
from vacancy_cli.live.result import LoadResult
from vacancy_cli.model.errors import OptionError

CONTENDED = LoadOptions(stock=40, requests=60, concurrency=5, latency_s=0.0005)


def test_every_finished_request_is_timed_end_to_end() -> None:
    result = run_load(replace(CONTENDED, reads=0.4, seed=3))
    samples, latency, reads = result.samples, result.request_latency, result.read_latency
    assert samples is not None and latency is not None and reads is not None
    assert len(samples.latency) == result.requests
    assert not any(math.isnan(x) for x in samples.latency)
    assert (latency.count, reads.count) == (result.reserves, result.reads)
    assert sum(samples.granted) == result.granted
    # Each reservation sleeps --latency inside the lock: it cannot answer sooner.
    assert latency.min >= CONTENDED.latency_s
    # A request's time includes its lock wait (reads take the lock too, for the ADR's
    # decision): the longest request outlasts the longest wait.
    assert result.lock_wait is not None
    assert max(latency.max, reads.max) >= result.lock_wait.max


def test_a_frozen_load_leaves_the_unfinished_requests_untimed() -> None:
    options = LoadOptions(stock=10, requests=20, strategy="threading-lock", latency_s=0.001)
    result = run_load(options)
    assert result.frozen and result.samples is not None
    assert all(math.isnan(x) for x in result.samples.latency)
    assert result.request_latency is None and result.read_latency is None


def test_runs_repeat_the_same_load_on_a_fresh_store_each() -> None:
    seen: list[tuple[int, int]] = []
    found = run_repeated(CONTENDED, 3, lambda done, total: seen.append((done, total)))
    assert len(found.runs) == 3 and not found.is_bug and found.violating == ()
    assert [run.final_stock for run in found.runs] == [0, 0, 0]  # each from a stock of 40
    assert {run.granted for run in found.runs} == {40}
    # One progress bar over all the runs: it counts up to 3 x 60, never back.
    assert seen[-1] == (180, 180)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_each_median_is_the_median_of_the_runs_figure() -> None:
    found = run_repeated(replace(CONTENDED, reads=0.3), 4)
    summary = found.summary()
    assert list(summary) == list(FIGURES)
    for name, figure in FIGURES.items():
        values = [figure(run) for run in found.runs]
        spread = summary[name]
        assert spread is not None, name  # a lock, reservations and reads in every run
        present = [v for v in values if v is not None]
        assert spread.median == statistics.median(present), name
        assert (spread.min, spread.max) == (min(present), max(present)), name
    wait = found.spread("lock_wait_ms.p95")
    assert wait is not None and wait.median > 0  # contended: a real wait, in ms
    assert found.spread("lock_wait_ms.p95") == summary["lock_wait_ms.p95"]


def test_a_figure_no_run_has_has_no_spread() -> None:
    found = run_repeated(LoadOptions(stock=10, requests=10, strategy="none"), 2)
    assert found.spread("lock_wait_ms.p95") is None  # no lock taken
    assert found.spread("read_latency_ms.p50") is None  # no reads
    assert found.spread("granted") is not None


def test_a_bug_in_any_run_is_a_bug() -> None:
    good = run_load(LoadOptions(stock=5, requests=5))
    bad = run_load(LoadOptions(stock=5, requests=5, strategy="none", latency_s=0.001))
    bad = replace(bad, claims_safety=True)  # as if a safe strategy had lost updates
    assert bad.is_bug and not good.is_bug
    assert Repeated((good, bad, good)).is_bug
    assert Repeated((good, bad, good)).violating == (2,)
    assert not Repeated((good, good)).is_bug


@pytest.mark.parametrize(
    ("options", "sweep", "named"),
    [
        (LoadOptions(requests=10, concurrency=2), "1,2", "leave out --concurrency"),
        (LoadOptions(requests=10, strategy="all"), "1,2", "'all'"),
    ],
)
def test_runs_keep_the_sweeps_refusals(options: LoadOptions, sweep: str, named: str) -> None:
    """--runs repeats a sweep now, but not one --sweep itself refuses."""
    with pytest.raises(OptionError, match="--sweep") as raised:
        run_reserve(options, sweep, runs=2)
    assert named in str(raised.value)


def test_runs_below_1_are_refused() -> None:
    with pytest.raises(OptionError, match=r"--runs 0: expected a whole number >= 1"):
        run_reserve(LoadOptions(requests=10), runs=0)


def test_one_run_is_the_plain_load() -> None:
    assert isinstance(run_reserve(LoadOptions(requests=10), runs=1), LoadResult)
