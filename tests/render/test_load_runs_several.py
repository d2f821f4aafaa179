"""A comparison and a sweep with ``--runs N`` at the room's 80 columns: every cell a
median (the title says so), the lock wait's σ beside its P95, and ``-q``'s lines."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from render.test_load_stats import fits, shown
from vacancy_cli.engine.checker import check_totals
from vacancy_cli.live.load import run_comparison_runs, run_sweep_runs
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.render.load import ms_short
from vacancy_cli.render.load_quiet import verdict_lines

WIDTH = 80
OPTIONS = LoadOptions(stock=1000, requests=50, latency_s=0.0002)


@cache
def comparison() -> ComparisonRuns:
    return run_comparison_runs(OPTIONS, ("none", "asyncio-lock", "sqlite-conditional"), 3)


@cache
def sweep() -> SweepRuns:
    return run_sweep_runs(OPTIONS, (1, 10, 100), 3)


def row(text: str, first: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.split()[:1] == [first])
    return line.split()


def test_the_comparison_shows_each_strategys_medians_in_80_columns() -> None:
    found = comparison()
    text = shown(found)
    assert fits(text)
    assert text.startswith("Every strategy, median of 3 runs:")
    none, lock, conditional = found.runs
    cells = row(text, "asyncio-lock")
    assert cells[1:5] == [
        f"{lock.median(name):,.0f}"
        for name in ("granted", "final_stock", "oversold", "lost_updates")
    ]
    spread = lock.spread("lock_wait_ms.p95")
    assert spread is not None and spread.stddev is not None
    assert cells[5:8] == [f"{spread.median:,.1f}", "±", f"{spread.stddev:,.1f}"]
    assert cells[8:] == ["correct"]
    assert (
        row(text, "none")[-1] == "3/3"
        and row(text, "none")[4] == f"{none.median('lost_updates'):,.0f}"
    )
    assert row(text, "sqlite-conditional")[5] == "-"  # no lock: no wait to spread
    assert conditional.spread("lock_wait_ms.p95") is None


def test_a_strategy_that_breaks_in_one_run_is_shown_as_a_bug() -> None:
    none, lock, conditional = comparison().runs
    runs = list(lock.runs)
    runs[2] = replace(runs[2], violations=check_totals(1000, 1000, 1))
    broken = ComparisonRuns((none, Repeated(tuple(runs)), conditional))
    text = shown(broken)
    assert fits(text)
    assert row(text, "asyncio-lock")[-2:] == ["lost", "1/3"]
    assert "✗ asyncio-lock: 1 of 3 runs broke an invariant (run 3)" in text
    assert "Run 3:" in text and "claims safety" in text


def test_the_sweep_shows_each_levels_medians_and_charts_them_in_80_columns() -> None:
    found = sweep()
    text = shown(found)
    assert fits(text)
    assert "median of 3 runs" in text.splitlines()[0] + text.splitlines()[1]
    assert "P95 lock wait (ms), median of 3 runs" in text
    assert "Throughput (requests/s), median of 3 runs" in text
    for level, repeated in zip(found.levels, found.runs, strict=True):
        cells = row(text, f"{level:,}")
        p95 = repeated.median("lock_wait_ms.p95")
        assert p95 is not None
        assert cells[2] == ms_short(p95)
        assert cells[-2] == f"{repeated.median('throughput_rps'):,.0f}"
        assert cells[-1] == "correct"
    # The chart's figure for a level is the table's median.
    chart = text.split("P95 lock wait (ms), median of 3 runs")[1].splitlines()
    last = next(line for line in chart if line.split()[:1] == ["100"])
    assert last.split()[-1] == f"{found.runs[-1].median('lock_wait_ms.p95'):,.3f}"


def test_quiet_gives_one_line_of_medians_per_strategy_and_per_level() -> None:
    lines = verdict_lines(comparison()).splitlines()
    assert [line.split(":")[0] for line in lines] == ["none", "asyncio-lock", "sqlite-conditional"]
    assert lines[0].startswith("none: lost update (expected: the lesson) in 3 of 3 runs, median")
    lock = comparison().runs[1]
    p95 = lock.median("lock_wait_ms.p95")
    assert p95 is not None
    assert re.search(rf"lock wait p95 {p95:.3f} ms", lines[1])
    assert lines[1].startswith("asyncio-lock: correct in 3 of 3 runs, median 50 granted")
    levels = verdict_lines(sweep()).splitlines()
    assert [line.split(":")[0] for line in levels] == [
        f"asyncio-lock at concurrency {level}" for level in (1, 10, 100)
    ]
    assert all(" in 3 of 3 runs, median " in line for line in levels)
