"""``vacancy reserve --runs N``: each figure's median and spread, as hyperfine shows a time.

One row per figure a perf engineer compares: the median (what a threshold
reads), mean ± σ (sample standard deviation) and the range (min … max). The
figures and their spreads come from ``live/repeated.py``, as the document's do.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from vacancy_cli.live.repeated import Repeated
from vacancy_cli.live.stats import Spread
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.render.load import print_verdict, setup_text, waits_label

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
    summary = parse_strategy(first.strategy).summary
    table = Table(
        title=f"{first.strategy} ({summary}): {setup_text(first)}, {len(found.runs)} runs",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        caption="Same seed, a fresh store each run. σ: sample standard deviation",
        caption_justify="left",
    )
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


def show_repeated(found: Repeated, console: Console) -> None:
    """``vacancy reserve --runs N``: the spread table, then the verdict over every run."""
    console.print(runs_table(found))
    violating = found.violating
    count = len(found.runs)
    first = found.first
    if not violating:
        line = f"✓ correct in every run ({count} of {count}): stock conserved ({first.strategy})"
        console.print(Padding(Text(line, style="green"), (0, 0, 0, 2)))
        return
    runs = ", ".join(str(n) for n in violating)
    style = "bold red" if found.is_bug else "yellow"
    console.print(
        Padding(
            Text(f"✗ {len(violating)} of {count} runs broke an invariant (run {runs})", style),
            (0, 0, 0, 2),
        )
    )
    shown = found.runs[violating[0] - 1]
    console.print(Text(f"Run {violating[0]}:", style="bold"))
    print_verdict(shown, console)


def repeated_line(found: Repeated) -> str:
    """``-q`` with ``--runs``: the verdict over every run and the medians that back it."""
    from vacancy_cli.render.load_quiet import verdict_word

    first = found.first
    count = len(found.runs)
    bugs = [run for run in found.runs if run.violations]
    word = "correct" if not bugs else verdict_word(bugs[0])
    line = f"{first.strategy}: {word} in {len(bugs) or count} of {count} runs, median"
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
