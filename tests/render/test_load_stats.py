"""The reserve views' new parts at the room's 80 columns: timings, ``--runs``, ``-q`` lines."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from rich.console import Console

from vacancy_cli.live.load import run_comparison, run_load, run_repeated, run_sweep
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.live.result import LoadResult
from vacancy_cli.render.load import ms_short, show_reserve, timing_table
from vacancy_cli.render.load_quiet import pods_line, verdict_line, verdict_lines
from vacancy_cli.render.load_runs import repeated_line, runs_table

WIDTH = 80
CONTENDED = LoadOptions(stock=60, requests=60, concurrency=10, latency_s=0.001, reads=0.3)


def drawn(view: object) -> str:
    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(view)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


def shown(outcome: LoadResult | Repeated | ComparisonRuns | SweepRuns) -> str:
    """A reserve outcome as the terminal shows it, 80 columns wide."""
    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, legacy_windows=False)
    show_reserve(outcome, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


def fits(text: str) -> bool:
    return all(len(line.rstrip()) <= WIDTH for line in text.splitlines())


def test_ms_stay_short_whatever_their_size() -> None:
    assert [ms_short(x) for x in (0.0004, 9.915, 99.99, 552.47, 1047.2, 60000.0)] == [
        "0.000",
        "9.915",
        "99.990",
        "552.5",
        "1,047",
        "60,000",
    ]


def test_the_timing_table_shows_lock_wait_and_each_kind_of_request_in_80_columns() -> None:
    result = run_load(CONTENDED)
    text = drawn(timing_table(result))
    assert fits(text)
    header = next(line for line in text.splitlines() if "Mean" in line)
    assert header.split() == ["Min", "Mean", "σ", "P50", "P95", "P99", "Max"]
    assert result.lock_wait is not None and result.request_latency is not None
    rows = {line.split()[0]: line.split()[-7:] for line in text.splitlines() if line.strip()}
    assert rows["Lock"][4] == ms_short(result.lock_wait.p95 * 1000)
    assert rows["Reserve"][1] == ms_short(result.request_latency.mean * 1000)
    assert "Read" in rows and "sample standard deviation" in text


def test_the_timing_table_fits_with_a_wait_of_seconds() -> None:
    result = run_load(replace(CONTENDED, requests=12, stock=12, latency_s=0.1, reads=0.0))
    assert result.lock_wait is not None and result.lock_wait.max > 0.5
    assert fits(drawn(timing_table(result)))


def test_a_load_without_a_lock_shows_dashes_not_zeros() -> None:
    result = run_load(LoadOptions(stock=10, requests=10, strategy="none"))
    lock = next(line for line in drawn(timing_table(result)).splitlines() if "Lock wait" in line)
    assert lock.split()[2:] == ["-"] * 7


def test_the_whole_load_view_fits_80_columns() -> None:
    text = shown(run_load(CONTENDED))
    assert fits(text) and "Timings in ms" in text
    assert text.index("Throughput") < text.index("Timings in ms") < text.index("ADR says")


def test_the_runs_view_is_hyperfines_median_mean_sigma_and_range() -> None:
    found = run_repeated(CONTENDED, 3)
    text = shown(found)
    assert fits(text)
    assert "Median" in text and "Mean ± σ" in text and "Range (min … max)" in text
    assert "3 runs" in text and "correct in every run (3 of 3)" in text
    spread = found.spread("request_latency_ms.p95")
    assert spread is not None
    row = next(line for line in text.splitlines() if "Request P95" in line)
    assert row.split()[3] == ms_short(spread.median)
    assert f"{ms_short(spread.min)} … {ms_short(spread.max)}" in row
    assert fits(drawn(runs_table(found)))


def test_a_lesson_in_the_runs_names_the_runs_that_broke() -> None:
    found = run_repeated(LoadOptions(stock=10, requests=20, strategy="none", latency_s=0.001), 2)
    text = shown(found)
    assert "2 of 2 runs broke an invariant (run 1, 2)" in text and "Run 1:" in text
    assert "Lock wait" not in text  # no lock taken: no row of dashes
    line = repeated_line(found)
    assert line.startswith("none: lost update, oversold (expected: the lesson) in 2 of 2 runs")
    assert "median 20 granted, 19 lost, 10 oversold" in line


def test_quiet_lines_are_one_per_load_with_plain_numbers() -> None:
    result = run_load(LoadOptions())
    line = verdict_line(result)
    assert re.fullmatch(
        r"asyncio-lock: correct, 1000 granted, 0 lost, 0 oversold, "
        r"lock wait p95 \d+\.\d{3} ms, request p95 \d+\.\d{3} ms",
        line,
    )
    assert verdict_lines(result) == line
    sweep = run_sweep(LoadOptions(requests=20, stock=20), (1, 5))
    lines = verdict_lines(sweep).splitlines()
    assert [x.split(":")[0] for x in lines] == [
        "asyncio-lock at concurrency 1",
        "asyncio-lock at concurrency 5",
    ]
    comparison = run_comparison(LoadOptions(requests=10, stock=10), ("none", "event-sourced"))
    lines = verdict_lines(comparison).splitlines()
    assert [x.split(":")[0] for x in lines] == ["none", "event-sourced"]
    assert "queue wait p95" in lines[1]


def test_a_bug_says_so_first() -> None:
    bad = run_load(LoadOptions(stock=5, requests=5, strategy="none", latency_s=0.001))
    bug = replace(bad, claims_safety=True)
    assert verdict_line(bug).startswith("none: BUG: lost update, ")
    assert verdict_line(bad).startswith("none: lost update (expected: the lesson), ")
    assert repeated_line(Repeated((run_load(LoadOptions(stock=5, requests=5)), bug))).startswith(
        "asyncio-lock: BUG: lost update in 1 of 2 runs"
    )


@pytest.mark.slow  # real processes
def test_pods_have_a_quiet_line_too() -> None:
    from vacancy_cli.live.pods import run_pods

    result = run_pods(LoadOptions(stock=20, requests=20, strategy="sqlite-conditional"), 2)
    assert pods_line(result) == (
        "sqlite-conditional, 2 pods: correct, 20 reservations, 0 lost, 0 oversold"
    )
