"""``vacancy reserve --runs N``: each figure's median and spread, as hyperfine shows a time.

One load repeated: one row per figure a perf engineer compares: the median
(what a threshold reads), mean ± σ (sample standard deviation) and the range
(min … max). The figures and their spreads come from ``live/repeated.py``, as
the document's do.

A comparison (``--strategy all``) or a sweep repeated: the same table as with
one run each, every cell the median of that strategy's or level's runs, and
the lock wait's P95 with its σ, as hyperfine's comparison gives each command's
mean ± σ; the whole spread of every figure is in ``--json``.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.live.stats import Spread
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.render.load import (
    alarm,
    ms_short,
    print_verdict,
    setup_text,
    short_verdict,
    sweep_chart,
    sweep_notes,
    waits_label,
)

# (figure, label, format): the rows of the table, in order.
_MS = "ms"
_ROWS: tuple[tuple[str, str, str], ...] = (
    ("throughput_rps", "Throughput (req/s)", "{:,.0f}"),
    ("elapsed_s", "Elapsed (s)", "{:,.3f}"),
    ("granted", "Granted", "{:,.0f}"),
    ("lost_updates", "Lost updates", "{:,.0f}"),
    ("oversold", "Oversold", "{:,.0f}"),
    ("lock_wait_ms.p50", "{wait} P50 (ms)", _MS),
    ("lock_wait_ms.p95", "{wait} P95 (ms)", _MS),
    ("lock_wait_ms.p99", "{wait} P99 (ms)", _MS),
    ("lock_wait_ms.mean", "{wait} mean (ms)", _MS),
    ("request_latency_ms.p50", "Request P50 (ms)", _MS),
    ("request_latency_ms.p95", "Request P95 (ms)", _MS),
    ("request_latency_ms.p99", "Request P99 (ms)", _MS),
    ("request_latency_ms.mean", "Request mean (ms)", _MS),
    ("read_latency_ms.p95", "Read P95 (ms)", _MS),
)


def _number(value: float, fmt: str) -> str:
    if fmt != _MS:
        return fmt.format(value)
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 100 else f"{value:.3f}"


def runs_table(found: Repeated) -> Table:
    """Median, mean ± σ and range of each figure over the runs."""
    first = found.first
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Figure", no_wrap=True)
    table.add_column("Median", justify="right", no_wrap=True)
    table.add_column("Mean ± σ", justify="right", no_wrap=True)
    table.add_column("Range (min … max)", justify="right", no_wrap=True)
    wait = waits_label(first)
    for name, label, fmt in _ROWS:
        found_spread = found.spread(name)
        if found_spread is None:
            continue  # no lock taken, or no reads: nothing to spread
        table.add_row(label.format(wait=wait), *_cells(found_spread, fmt))
    return table


def _cells(spread: Spread, fmt: str) -> tuple[str, str, str]:
    sigma = "-" if spread.stddev is None else _number(spread.stddev, fmt)
    return (
        _number(spread.median, fmt),
        f"{_number(spread.mean, fmt)} ± {sigma}",
        f"{_number(spread.min, fmt)} … {_number(spread.max, fmt)}",
    )


def show_runs(found: Repeated | SweepRuns | ComparisonRuns, console: Console) -> None:
    """``--runs N``: one load's spread table, or a sweep's or a comparison's medians."""
    if isinstance(found, Repeated):
        show_repeated(found, console)
    elif isinstance(found, SweepRuns):
        show_sweep_runs(found, console)
    else:
        show_comparison_runs(found, console)


def show_repeated(found: Repeated, console: Console) -> None:
    """``vacancy reserve --runs N``: the spread table, then the verdict over every run."""
    first = found.first
    summary = parse_strategy(first.strategy).summary
    _framed(
        console,
        f"{first.strategy} ({summary}): {setup_text(first)}, {len(found.runs)} runs",
        runs_table(found),
        "Same seed, a fresh store each run. σ: sample standard deviation",
    )
    count = len(found.runs)
    if not found.violating:
        line = f"✓ correct in every run ({count} of {count}): stock conserved ({found.strategy})"
        console.print(Padding(Text(line, style="green"), (0, 0, 0, 2)))
        return
    print_broken(found, console)


def print_broken(found: Repeated, console: Console, what: str = "") -> None:
    """Which runs broke an invariant (``what``: whose, in a comparison or a sweep), then
    the first of them in full."""
    violating = found.violating
    runs = ", ".join(str(n) for n in violating)
    style = "bold red" if found.is_bug else "yellow"
    line = f"✗ {what}{len(violating)} of {len(found.runs)} runs broke an invariant (run {runs})"
    console.print(Padding(Text(line, style), (0, 0, 0, 2)))
    console.print(Text(f"Run {violating[0]}:", style="bold"))
    print_verdict(found.runs[violating[0] - 1], console)


def _count(value: float | None) -> str:
    """A count's median: whole, unless two middle runs split it (``49.5``)."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def _alarm(found: Repeated, name: str) -> Text:
    """A median count that should be 0, red when it is not."""
    value = found.median(name) or 0.0
    return alarm(int(value)) if value.is_integer() else Text(f"{value:,.1f}", style="bold red")


def _with_sigma(
    found: Repeated, name: str, number: Callable[[float], str] = "{:,.1f}".format
) -> str:
    """The median, ± the sample stddev over the runs: the spread a table can hold."""
    spread = found.spread(name)
    if spread is None:
        return "-"
    sigma = "" if spread.stddev is None else f" ± {number(spread.stddev)}"
    return number(spread.median) + sigma


def runs_verdict(found: Repeated) -> Text:
    """``correct``, or what broke and in how many runs (``lost 2/3``)."""
    broken = [run for run in found.runs if run.violations]
    if not broken:
        return Text("correct", style="green")
    kinds = ", ".join(dict.fromkeys(short_verdict(run) for run in broken))
    style = "bold red" if found.is_bug else "yellow"
    return Text(f"{kinds} {len(broken)}/{len(found.runs)}", style=style)


def show_comparison_runs(comparison: ComparisonRuns, console: Console) -> None:
    """``--strategy all --runs N``: every strategy's medians, side by side."""
    count = comparison.repetitions
    table = Table(box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    table.add_column("Strategy", no_wrap=True)
    for name in ("Granted", "Final", "Oversold", "Lost", "P95 ± σ"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Verdict")
    for found in comparison.runs:
        table.add_row(
            found.strategy,
            _count(found.median("granted")),
            _count(found.median("final_stock")),
            _alarm(found, "oversold"),
            _alarm(found, "lost_updates"),
            _with_sigma(found, "lock_wait_ms.p95"),
            runs_verdict(found),
        )
    _framed(
        console,
        f"Every strategy, median of {count} runs: {setup_text(comparison.runs[0].first)}",
        table,
        f"Each cell: the median of {count} runs (same seed, a fresh store each). "
        "Final: final stock; Lost: lost updates; P95 ± σ: lock (or queue) wait in ms, σ "
        "over the runs; Verdict: what broke, in how many runs",
    )
    for found in comparison.runs:
        if found.is_bug:
            print_broken(found, console, f"{found.strategy}: ")


def show_sweep_runs(sweep: SweepRuns, console: Console) -> None:
    """``--sweep LEVELS --runs N``: each level's medians, then their charts."""
    first = sweep.runs[0].first
    count = sweep.repetitions
    summary = parse_strategy(first.strategy).summary
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Concurrency", justify="right", no_wrap=True)
    for name in ("P50", "P95 ± σ", "P99", "Max", "Req/s"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Verdict")
    for level, found in zip(sweep.levels, sweep.runs, strict=True):
        table.add_row(
            f"{level:,}",
            _ms_median(found, "lock_wait_ms.p50"),
            _with_sigma(found, "lock_wait_ms.p95", ms_short),
            _ms_median(found, "lock_wait_ms.p99"),
            _ms_median(found, "lock_wait_ms.max"),
            f"{found.median('throughput_rps') or 0.0:,.0f}",
            runs_verdict(found),
        )
    _framed(
        console,
        f"{first.strategy} ({summary}): {setup_text(first, False)}, median of {count} runs",
        table,
        f"Each cell: the median of {count} runs (same seed, a fresh store each). "
        f"P50 to Max: {waits_label(first).lower()} in ms; ± σ over the runs",
    )
    sweep_notes(first, sweep.levels, console)
    p95s = [found.median("lock_wait_ms.p95") or 0.0 for found in sweep.runs]
    rates = [found.median("throughput_rps") or 0.0 for found in sweep.runs]
    for title, values, fmt in (
        ("P95 lock wait (ms)", p95s, "{:,.3f}"),
        ("Throughput (requests/s)", rates, "{:,.0f}"),
    ):
        console.print()
        console.print(sweep_chart(sweep.levels, values, f"{title}, median of {count} runs", fmt))
    for level, found in zip(sweep.levels, sweep.runs, strict=True):
        if found.violating:
            console.print(Text(f"At concurrency {level:,}:", style="bold"))
            print_broken(found, console)
            break


def _framed(console: Console, title: str, table: Table, caption: str) -> None:
    """A table between its title and its caption, both wrapped at the terminal's width:
    as a table's own title and caption they wrap at the table's width, which follows
    the measured numbers, so the same view would break its lines differently from run
    to run."""
    console.print(Text(title, style="bold"))
    console.print(table)
    console.print(Text(caption, style="dim"))


def _ms_median(found: Repeated, name: str) -> str:
    value = found.median(name)
    return "-" if value is None else ms_short(value)


def repeated_line(found: Repeated, label: str | None = None) -> str:
    """``-q`` with ``--runs``: the verdict over every run and the medians that back it;
    ``label``: what ran, when not the strategy alone (``none at concurrency 10``)."""
    from vacancy_cli.render.load_quiet import verdict_word

    first = found.first
    count = len(found.runs)
    bugs = [run for run in found.runs if run.violations]
    word = "correct" if not bugs else verdict_word(bugs[0])
    line = f"{label or first.strategy}: {word} in {len(bugs) or count} of {count} runs, median"
    for name, label in (("granted", "granted"), ("lost_updates", "lost"), ("oversold", "oversold")):
        median = found.spread(name)
        line += f" {median.median:g} {label}," if median is not None else ""
    line = line.rstrip(",")
    for name, label in (
        ("lock_wait_ms.p95", f"{waits_label(first).lower()} p95"),
        ("request_latency_ms.p95", "request p95"),
    ):
        median = found.spread(name)
        if median is not None:
            line += f", {label} {median.median:.3f} ms"
    return line
