"""``--runs N`` with ``--strategy all`` or ``--sweep``: each strategy or level repeated,
as hyperfine repeats each command it compares, under one progress bar."""

from __future__ import annotations

import statistics
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from vacancy_cli.engine.checker import check_totals
from vacancy_cli.live.load import (
    run_comparison_runs,
    run_load,
    run_reserve,
    run_sweep_runs,
)
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import FIGURES, ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.live.result import Comparison, Sweep

SMALL = LoadOptions(stock=40, requests=50, latency_s=0.0002)


def test_a_comparison_repeats_each_strategy_and_counts_progress_over_all() -> None:
    seen: list[tuple[int, int]] = []
    found = run_comparison_runs(
        SMALL, ("none", "asyncio-lock"), 3, lambda done, total: seen.append((done, total))
    )
    assert [r.strategy for r in found.runs] == ["none", "asyncio-lock"]
    assert [len(r.runs) for r in found.runs] == [3, 3] and found.repetitions == 3
    assert all(run.strategy == r.strategy for r in found.runs for run in r.runs)
    # One bar over strategies x runs x requests, counting up, never back.
    assert seen[-1] == (2 * 3 * 50, 2 * 3 * 50)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert {total for _, total in seen} == {300}
    # none loses updates in every run: the lesson, not a bug.
    assert found.runs[0].violating == (1, 2, 3) and not found.is_bug
    assert found.runs[1].violating == ()


def test_each_strategys_median_is_the_median_of_its_own_runs() -> None:
    found = run_comparison_runs(SMALL, ("none", "asyncio-lock"), 3)
    for repeated in found.runs:
        for name, figure in FIGURES.items():
            values = [v for v in (figure(run) for run in repeated.runs) if v is not None]
            expected = statistics.median(values) if values else None
            assert repeated.median(name) == expected, (repeated.strategy, name)


def test_a_sweep_repeats_each_level_at_its_own_concurrency() -> None:
    seen: list[tuple[int, int]] = []
    found = run_sweep_runs(SMALL, (1, 10), 2, lambda done, total: seen.append((done, total)))
    assert found.levels == (1, 10) and found.repetitions == 2
    assert [[run.options.workers for run in r.runs] for r in found.runs] == [[1, 1], [10, 10]]
    assert seen[-1] == (2 * 2 * 50, 2 * 2 * 50)
    one, ten = found.runs
    # One request in flight never waits for the lock; ten queue behind 0.2 ms each.
    assert one.median("lock_wait_ms.max") == 0.0
    ten_p95 = ten.median("lock_wait_ms.p95")
    assert ten_p95 is not None and ten_p95 > 0
    assert ten_p95 == statistics.median(
        run.lock_wait.p95 * 1000 for run in ten.runs if run.lock_wait is not None
    )


def test_run_reserve_repeats_a_comparison_or_a_sweep_only_when_asked() -> None:
    both = replace(SMALL, requests=10, strategy="all")
    assert isinstance(run_reserve(both, runs=2), ComparisonRuns)
    assert isinstance(run_reserve(both, runs=1), Comparison)
    one = replace(SMALL, requests=10)
    sweep = run_reserve(one, "1,2", runs=2)
    assert isinstance(sweep, SweepRuns) and sweep.levels == (1, 2)
    assert isinstance(run_reserve(one, "1,2", runs=1), Sweep)


def _broken(safe: bool) -> Repeated:
    """Three runs of a load, the second made to lose an update; ``safe``: the strategy
    claims safety."""
    good = run_load(LoadOptions(stock=5, requests=5))
    lost = check_totals(5, 5, 1)  # a ticket sold, the stock unchanged: a lost update
    assert lost
    bad = replace(good, violations=lost)
    return Repeated(tuple(replace(run, claims_safety=safe) for run in (good, bad, good)))


@settings(max_examples=8, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=4))
def test_a_bug_in_any_run_of_any_strategy_is_a_bug(claims: list[bool]) -> None:
    repeats = {safe: _broken(safe) for safe in (True, False)}
    each = tuple(repeats[safe] for safe in claims)
    assert ComparisonRuns(each).is_bug == any(claims)
    levels = tuple(range(1, len(claims) + 1))
    assert SweepRuns(levels, each).is_bug == any(claims)
    assert all(r.violating == (2,) for r in each)
