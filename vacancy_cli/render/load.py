"""Rich views for ``vacancy reserve``: the load's table, its timings, the ADR's claims,
the charts, and the one-line verdicts of ``-q`` (``--runs``: ``load_runs.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from vacancy_cli.live.result import Comparison, LoadResult, LockWait, Sweep, adr_claims
from vacancy_cli.live.stats import Stats
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.strategies import QUEUE, parse_strategy

if TYPE_CHECKING:
    from vacancy_cli.live.pods import PodsResult
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns

    Outcome = LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns

_BLOCKS = " ▏▎▍▌▋▊▉█"


def _bar(value: float, top: float, width: int) -> str:
    """A horizontal bar in eighths of a cell; any nonzero value shows at least a sliver."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[part] if part else "")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.3f}"


def _span(low: float, high: float) -> str:
    """A histogram bin's range in the unit that keeps its numbers short."""
    if high == 0:
        return "0 (no wait)"
    scale, unit = (1e6, "us") if high <= 1e-3 else (1e3, "ms") if high <= 1 else (1, "s")
    return f"{low * scale:g}-{high * scale:g} {unit}"


def show_reserve(outcome: Outcome, console: Console) -> None:
    """``vacancy reserve``: one load, a sweep of concurrency levels, every strategy, or
    (``--runs``, ``load_runs.py``) any of them repeated."""
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns

    if isinstance(outcome, Repeated | SweepRuns | ComparisonRuns):
        from vacancy_cli.render.load_runs import show_runs

        show_runs(outcome, console)
    elif isinstance(outcome, Sweep):
        show_sweep(outcome, console)
    elif isinstance(outcome, Comparison):
        show_comparison(outcome, console)
    else:
        show_load(outcome, console)


def show_load(result: LoadResult, console: Console) -> None:
    """``vacancy reserve``: the result table, the ADR's claims, the verdict, the histogram."""
    console.print(load_table(result))
    console.print()
    console.print(timing_table(result))
    console.print()
    console.print(claims_table(result))
    print_verdict(result, console)
    if result.histogram:
        console.print()
        console.print(wait_histogram(result))
    if result.lock_acquisitions and _nothing_awaits(result):
        console.print(Text(_NO_CONTENTION, style="dim"))


_NO_CONTENTION = (
    "Every acquisition found the lock free: nothing awaits while holding it "
    "(the ADR's own reserve). Add --latency 1ms to see contention."
)


def _nothing_awaits(result: LoadResult) -> bool:
    return not (result.options.latency_s or result.options.yield_at_checkpoint)


def _load_title(result: LoadResult) -> str:
    summary = parse_strategy(result.strategy).summary
    return f"{result.strategy} ({summary}): {setup_text(result)}"


def setup_text(result: LoadResult, flight: bool = True) -> str:
    """The load in words: requests, tickets each, stock, in flight, latency."""
    options = result.options
    low, high = options.qty
    qty = f"{low}-{high} tickets" if high > low else f"{low} ticket{'s' if low > 1 else ''}"
    text = f"{options.requests:,} requests of {qty}, stock {options.stock:,}"
    if flight:
        workers = options.workers
        text += ", in flight " + ("all at once" if workers == options.requests else f"{workers:,}")
    latency = f"{options.latency_s * 1000:g} ms" if options.latency_s else "none"
    return f"{text}, latency {latency}"


def load_table(result: LoadResult) -> Table:
    table = Table(title=_load_title(result), title_justify="left", title_style="bold")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    wait = result.lock_wait
    reads = f" ({result.reads:,} reads)" if result.reads else ""
    if result.frozen:
        reads = f" ({result.finished:,} finished: the loop froze)"
    rows: list[tuple[str, str | Text]] = [
        ("Requests", f"{result.requests:,}{reads}"),
        ("Granted", f"{result.granted:,} ({result.granted_tickets:,} tickets)"),
        ("Rejected", f"{result.rejected:,}"),
        ("Final stock", f"{result.final_stock:,}"),
        ("Oversold", alarm(result.oversold)),
        ("Lost updates", alarm(result.lost_updates)),
        ("Success rate", f"{result.success_rate:.1%}"),
        ("Lock acquisitions", f"{result.lock_acquisitions:,}"),
        ("Cache hits", _cache_cell(result)),
        (f"{waits_label(result)} P50 / P95 / P99 / max", _wait_cell(wait)),
        ("Elapsed", f"{result.elapsed_s:,.3f} s"),
        ("Throughput", f"{result.throughput_rps:,.0f} requests/s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def alarm(count: int) -> Text:
    return Text(f"{count:,}", style="bold red" if count else "green")


def _cache_cell(result: LoadResult) -> str:
    if not result.cache_hits:
        return "0"
    oldest = result.cache_oldest_ms
    return f"{result.cache_hits:,} (oldest value served {oldest} ms old)"


def _wait_cell(wait: LockWait | None) -> str:
    if wait is None:
        return "- (no lock taken)"
    return f"{_ms(wait.p50)} / {_ms(wait.p95)} / {_ms(wait.p99)} / {_ms(wait.max)} ms"


def ms_short(ms: float) -> str:
    """Milliseconds in at most about 7 characters: 3 decimals below 100 ms, fewer above."""
    if ms >= 1000:
        return f"{ms:,.0f}"
    return f"{ms:.1f}" if ms >= 100 else f"{ms:.3f}"


STAT_COLUMNS = ("Min", "Mean", "σ", "P50", "P95", "P99", "Max")


def timing_table(result: LoadResult) -> Table:
    """Lock wait and each request's latency, end to end: min, mean, σ and the tail, in ms."""
    table = Table(
        title="Timings in ms",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        caption="σ: sample standard deviation; "
        + ("Reserve, Read" if result.reads else "Reserve")
        + ": each request end to end",
        caption_justify="left",
    )
    table.add_column("", no_wrap=True)
    for name in STAT_COLUMNS:
        table.add_column(name, justify="right", no_wrap=True)
    rows = [(waits_label(result), result.lock_wait), ("Reserve", result.request_latency)]
    if result.reads:
        rows.append(("Read", result.read_latency))
    for name, found in rows:
        table.add_row(name, *_stat_cells(found))
    return table


def _stat_cells(found: Stats | None) -> list[str]:
    if found is None:
        return ["-"] * len(STAT_COLUMNS)
    values = (found.min, found.mean, found.stddev, found.p50, found.p95, found.p99, found.max)
    return ["-" if v is None else ms_short(v * 1000) for v in values]


def claims_table(result: LoadResult) -> Table:
    table = Table(title="The ADR's claims, rerun", title_justify="left", title_style="bold")
    table.add_column("ADR says")
    table.add_column("This run", justify="right")
    table.add_column("")
    for claim in adr_claims(result):
        mark = Text("✓", style="green") if claim.held else Text("✗", style="bold red")
        table.add_row(claim.text, claim.measured, mark)
    return table


def print_verdict(result: LoadResult, console: Console) -> None:
    if not result.violations:
        line, style = f"✓ correct: stock conserved, nothing oversold ({result.strategy})", "green"
    elif result.is_bug:
        line = f"✗ bug: {result.strategy} claims safety, yet the checker found:"
        style = "bold red"
    else:
        line = f"✗ {result.verdict}, as expected of {result.strategy}: this is the lesson"
        style = "yellow"
    console.print(Padding(Text(line, style=style), (0, 0, 0, 2)))
    for violation in result.violations:
        console.print(Padding(Text(violation.message, style=style), (0, 0, 0, 4)))


def wait_histogram(result: LoadResult, width: int = 32) -> Table:
    """Lock waits drawn in the terminal, one bar per 1-2-5 bin."""
    title = f"{waits_label(result)} histogram"
    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    table.add_column("Wait", justify="right", style="dim")
    table.add_column("", min_width=width)
    table.add_column("Acquisitions", justify="right")
    top = max(b.count for b in result.histogram)
    total = sum(b.count for b in result.histogram)
    for b in result.histogram:
        share = f"{b.count:,} ({b.count / total:.0%})" if total else "0"
        table.add_row(_span(b.low, b.high), Text(_bar(b.count, top, width), "cyan"), share)
    return table


def show_comparison(comparison: Comparison, console: Console) -> None:
    """``vacancy reserve --strategy all``: the same load under every strategy."""
    table = Table(
        title=f"Every strategy: {setup_text(comparison.runs[0])}",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
        caption="Final: final stock; Lost: lost updates; P95: lock (or queue) wait in ms",
        caption_justify="left",
    )
    table.add_column("Strategy", no_wrap=True)
    for name in ("Granted", "Final", "Oversold", "Lost", "P95"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Verdict")
    for run in comparison.runs:
        p95 = f"{run.lock_wait.p95 * 1000:,.1f}" if run.lock_wait else "-"
        table.add_row(
            run.strategy,
            f"{run.granted:,}",
            f"{run.final_stock:,}",
            alarm(run.oversold),
            alarm(run.lost_updates),
            p95,
            Text(short_verdict(run), style=verdict_style(run)),
        )
    console.print(table)
    for run in comparison.runs:
        if run.is_bug:
            print_verdict(run, console)


_SHORT = {
    ViolationKind.LOST_UPDATE: "lost",
    ViolationKind.OVERSELL: "oversold",
    ViolationKind.EVENT_LOOP_BLOCKED: "froze",
}


def short_verdict(run: LoadResult) -> str:
    kinds = dict.fromkeys(v.kind for v in run.violations)
    return ", ".join(_SHORT.get(kind, kind) for kind in kinds) or "correct"


def verdict_style(run: LoadResult) -> str:
    return "green" if not run.violations else "bold red" if run.is_bug else "yellow"


def show_sweep(sweep: Sweep, console: Console) -> None:
    """``vacancy reserve --sweep``: lock wait and throughput per concurrency level."""
    first = sweep.runs[0]
    summary = parse_strategy(first.strategy).summary
    console.print(sweep_table(sweep, f"{first.strategy} ({summary}): {setup_text(first, False)}"))
    sweep_notes(first, sweep.levels, console)
    console.print()
    p95s = [run.lock_wait.p95 * 1000 if run.lock_wait else 0.0 for run in sweep.runs]
    console.print(sweep_chart(sweep.levels, p95s, "P95 lock wait (ms)", "{:,.3f}"))
    console.print()
    rates = [run.throughput_rps for run in sweep.runs]
    console.print(sweep_chart(sweep.levels, rates, "Throughput (requests/s)", "{:,.0f}"))
    for level, run in zip(sweep.levels, sweep.runs, strict=True):
        if run.violations:
            console.print(Text(f"At concurrency {level:,}:", style="bold"))
            print_verdict(run, console)
            break


def sweep_notes(first: LoadResult, levels: Sequence[int], console: Console) -> None:
    """Under a sweep's table: why nothing waits, and which levels are all the requests."""
    if first.lock_acquisitions and _nothing_awaits(first):
        console.print(Text(_NO_CONTENTION, style="dim"))
    capped = [level for level in levels if level > first.requests]
    if capped:
        shown = ", ".join(f"{level:,}" for level in capped)
        console.print(
            Text(f"{shown}: more than the {first.requests:,} requests, so all are in flight.")
        )


def sweep_table(sweep: Sweep, title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", caption_justify="left")
    table.caption = "P50 to Max: lock wait in ms"
    table.add_column("Concurrency", justify="right", no_wrap=True)
    for name in ("P50", "P95", "P99", "Max"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Req/s", justify="right", no_wrap=True)
    table.add_column("Verdict")
    for level, run in zip(sweep.levels, sweep.runs, strict=True):
        wait = run.lock_wait
        waits = [_ms(w) for w in (wait.p50, wait.p95, wait.p99, wait.max)] if wait else ["-"] * 4
        table.add_row(
            f"{level:,}",
            *waits,
            f"{run.throughput_rps:,.0f}",
            Text(run.verdict, style=verdict_style(run)),
        )
    return table


def sweep_chart(
    levels: Sequence[int], values: Sequence[float], title: str, fmt: str, width: int = 40
) -> Table:
    """One bar per concurrency level (``values``: one per level), scaled to the largest."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    table.add_column("Concurrency", justify="right", style="dim")
    table.add_column("", min_width=width)
    table.add_column("", justify="right")
    top = max(values)
    for level, amount in zip(levels, values, strict=True):
        table.add_row(f"{level:,}", Text(_bar(amount, top, width), "cyan"), fmt.format(amount))
    return table


def waits_label(result: LoadResult) -> str:
    """What a request waited for: the lock, or the event-sourced writer's queue."""
    return "Queue wait" if parse_strategy(result.strategy).guard == QUEUE else "Lock wait"


def show_pods(result: PodsResult, console: Console) -> None:
    """``vacancy reserve --pods``: per pod, then the database's own account."""
    latency = f"{result.latency_s * 1000:g} ms" if result.latency_s else "none"
    console.print(
        Text(
            f"{result.strategy}: {result.requests:,} requests from {len(result.pods)} pods "
            f"(processes) on one SQLite file, stock {result.stock:,}, latency {latency}",
            style="bold",
        )
    )
    pods = Table(title="Pods", title_justify="left", title_style="bold")
    for name in ("Pod", "Process", "Requests", "Granted", "Rejected", "Status"):
        pods.add_column(name, justify="left" if name == "Status" else "right")
    for pod in result.pods:
        status = "killed (SIGKILL)" if pod.killed else ("finished" if pod.finished else "lost")
        pods.add_row(
            str(pod.number),
            str(pod.pid),
            f"{pod.requests:,}",
            "-" if pod.granted is None else f"{pod.granted:,}",
            "-" if pod.rejected is None else f"{pod.rejected:,}",
            Text(status, style="bold red" if pod.killed else "green"),
        )
    console.print(pods)
    ledger = Table(title="What the database says", title_justify="left", title_style="bold")
    ledger.add_column("Measure")
    ledger.add_column("Value", justify="right")
    ledger.add_row("Stock left", f"{result.final_stock:,}")
    ledger.add_row("Reservations committed", f"{result.reservations:,}")
    ledger.add_row("Tickets in them", f"{result.granted_tickets:,}")
    ledger.add_row("Lost updates", alarm(result.lost_updates))
    ledger.add_row("Oversold", alarm(result.oversold))
    ledger.add_row("Elapsed", f"{result.elapsed_s:.2f} s")
    console.print(ledger)
    if not result.violations:
        console.print(
            Text(
                f"  ✓ conserved: {result.stock:,} = {result.final_stock:,} left + "
                f"{result.granted_tickets:,} reserved, counted from the database",
                style="bold green",
            )
        )
    for violation in result.violations:
        console.print(Padding(Text(f"✗ {violation.message}", style="bold red"), (0, 0, 0, 2)))
