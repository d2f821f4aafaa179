"""Rich views of results, and their JSON.

Only this module imports Rich. Every view is drawn from the same result
objects that ``trace.simulation_to_dict`` turns into JSON, so what a person
sees and what a script parses cannot disagree.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from vacancy_cli import trace
from vacancy_cli.explain import explain
from vacancy_cli.explore import Exploration, Report
from vacancy_cli.load import Comparison, LoadResult, LockWait, Sweep, adr_claims
from vacancy_cli.scenario import Scenario
from vacancy_cli.strategies import parse_strategy

VERDICT_STYLE = {"correct": "green"}


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)


def show_simulation(
    sim: trace.Simulation, console: Console, predictions: dict[str, int] | None = None
) -> None:
    console.print(header(sim))
    for run in sim.runs:
        console.print()
        console.print(timeline(run))
        console.print(Text(_outcome_line(run), style="bold"))
        for sentence in explain(run):
            console.print(Padding(Text(sentence, style=_sentence_style(run)), (0, 0, 0, 2)))
    console.print()
    console.print(summary(sim, predictions))
    if sim.lesson.strip():
        console.print(Panel(escape(sim.lesson.strip()), title="Lesson", title_align="left"))


def header(sim: trace.Simulation) -> Text:
    schedule = trace.schedule_text(sim.schedule) or "(none: requests run in scenario order)"
    return Text.assemble((sim.title, "bold"), f"  stock {sim.stock}, schedule ", (schedule, "cyan"))


def _sentence_style(run: trace.Run) -> str:
    return "red" if run.violations else "default"


def timeline(run: trace.Run, upto: int | None = None) -> Table:
    """The ADR's table: one row per step (the first ``upto`` of them), one column per request."""
    strategy = parse_strategy(run.strategy)
    table = Table(
        title=f"{run.strategy}: {strategy.summary}",
        title_justify="left",
        title_style="bold",
    )
    ids = [r.id for r in run.requests]
    table.add_column("Time", justify="right", style="dim")
    for rid in ids:
        table.add_column(f"Request {rid}")
    table.add_column("Stock", justify="right")
    qty = {r.id: r.qty for r in run.requests}
    marks = _marks(run)
    guard = "a permit" if run.strategy.startswith("semaphore") else "the lock"
    for step in run.steps[:upto]:
        cells = ["" for _ in ids]
        cells[ids.index(step.request)] = _describe(step, qty[step.request], guard)
        stock = Text(str(step.stock))
        if step.t in marks:
            stock.append(f" ← {marks[step.t]}", style="bold red")
        table.add_row(f"t{step.t}", *cells, stock)
    return table


def _marks(run: trace.Run) -> dict[int, str]:
    """Label the row where each violation happens: its last step."""
    marks: dict[int, str] = {}
    for violation in run.violations:
        if violation.steps:
            word = trace.VERDICT_WORDS[violation.kind]
            at = violation.steps[-1]
            marks[at] = f"{marks[at]}, {word}" if at in marks else word
    for t in run.stale_reads:
        marks.setdefault(t, "stale read")
    return marks


def _describe(step: trace.Step, qty: int, guard: str) -> str:
    words = [_phrase(event, qty, guard) for event in step.events]
    return ", ".join(words)


def _phrase(event: trace.Event, qty: int, guard: str) -> str:
    match event.action:
        case trace.READ:
            return f"reads {event.seen}"
        case trace.WRITE:
            return f"writes {event.value}"
        case trace.REJECTED:
            return f"rejects: saw {event.seen}, needs {qty}"
        case trace.CACHE_HIT:
            return f"reads {event.seen} from cache ({event.value} ms old)"
        case trace.CACHES:
            return f"caches {event.seen}"
        case trace.WAITS:
            return f"waits for {guard}"
        case trace.ACQUIRES:
            return f"takes {guard}"
        case trace.RELEASES:
            return f"releases {guard}"
        case trace.BLOCKED:
            return f"(still waiting for {guard})"
        case trace.DONE:
            return "(already finished)"
        case trace.BLOCKS_LOOP:
            return "calls acquire() on the held threading.Lock: the event loop stops"
        case trace.FROZEN:
            return "(frozen: the event loop is blocked)"
    return event.action


def _outcome_line(run: trace.Run) -> str:
    expected = "" if run.expected_final_stock is None else f", expected {run.expected_final_stock}"
    return f"final stock {run.final_stock}{expected}; {_tickets(run.granted_tickets)} granted; " + (
        _verdict(run)
    )


def _tickets(count: int) -> str:
    return f"{count} ticket" if count == 1 else f"{count} tickets"


def _verdict(run: trace.Run) -> str:
    stale = len(run.stale_reads)
    if not stale:
        return run.verdict
    return f"{run.verdict}, {stale} stale read{'s' if stale > 1 else ''}"


def summary(sim: trace.Simulation, predictions: dict[str, int] | None = None) -> Table:
    table = Table(title="Summary", title_justify="left", title_style="bold")
    table.add_column("Strategy")
    table.add_column("Final stock", justify="right")
    table.add_column("Expected", justify="right")
    if predictions:
        table.add_column("Predicted", justify="right")
    table.add_column("Granted", justify="right")
    table.add_column("Verdict")
    for run in sim.runs:
        granted = [r.id for r in run.requests if r.granted]
        cells: list[str | Text] = [
            run.strategy,
            str(run.final_stock),
            _check(run.expected_final_stock, run.final_stock),
        ]
        if predictions:
            cells.append(_check(predictions.get(run.strategy), run.final_stock))
        cells += [
            f"{run.granted_tickets} ({', '.join(granted) or 'none'})",
            Text(_verdict(run), style=VERDICT_STYLE.get(run.verdict, "bold red")),
        ]
        table.add_row(*cells)
    return table


def _check(wanted: int | None, got: int) -> Text:
    """A number that should have matched the final stock, ticked or crossed."""
    if wanted is None:
        return Text("-")
    ok = wanted == got
    return Text(f"{wanted} {'✓' if ok else '✗'}", style="green" if ok else "bold red")


def show_catalogue(scenarios: list[Scenario], console: Console) -> None:
    table = Table(title="Bundled scenarios", title_justify="left", title_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Name", style="cyan")
    table.add_column("Title")
    table.add_column("Strategies")
    for number, scenario in enumerate(scenarios, start=1):
        table.add_row(str(number), scenario.name, scenario.title, ", ".join(scenario.strategies))
    console.print(table)
    console.print(Text("Run one: vacancy simulate NAME", style="dim"))


_BREAKS: dict[tuple[str, ...], str] = {
    ("lost_update",): "lose an update",
    ("oversell",): "oversell",
    ("negative_stock",): "drive the stock negative",
    ("event_loop_blocked",): "freeze the event loop",
}


def show_report(report: Report, console: Console) -> None:
    """``vacancy explore``: per strategy, a headline, the outcomes, the witnesses."""
    console.print(Text.assemble((report.title, "bold"), f"  ({report.scenario})"))
    for exploration in report.explorations:
        console.print()
        _show_exploration(exploration, console)


def _show_exploration(exp: Exploration, console: Console) -> None:
    strategy = parse_strategy(exp.strategy)
    console.print(Text(f"{exp.strategy}: {strategy.summary}", style="bold"))
    console.print(Text(_headline(exp), style="bold red" if exp.violating else "bold green"))
    console.print(Text(_coverage(exp), style="dim"))
    table = Table(title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Final stock", justify="right")
    table.add_column("Granted")
    table.add_column("Schedules", justify="right")
    table.add_column("Breaks")
    for number, outcome in enumerate(exp.outcomes, start=1):
        breaks = ", ".join(trace.VERDICT_WORDS[k] for k in outcome.violations)
        table.add_row(
            str(number),
            str(outcome.final_stock),
            ", ".join(outcome.granted) or "none",
            f"{outcome.schedules:,}",
            Text(breaks or "nothing", style="red" if breaks else "green"),
        )
    console.print(table)
    for number, outcome in enumerate(exp.outcomes, start=1):
        console.print(Text(f"#{number} witness: ", style="bold").append(outcome.bare, "cyan"))
        console.print(Padding(Text(outcome.annotated, style="dim"), (0, 0, 0, 4)))
    if exp.witness_run is not None:
        console.print()
        console.print(Text("The first violating witness, replayed:", style="bold"))
        console.print(timeline(exp.witness_run))
        for violation in exp.witness_run.violations:
            console.print(Padding(Text(f"✗ {violation.message}", style="red"), (0, 0, 0, 2)))
        first = exp.violating[0]
        console.print(
            Text(
                f"Replay it: vacancy simulate {exp.scenario} --strategy {exp.strategy} "
                f'--schedule "{first.bare}"',
                style="dim",
            )
        )


def _headline(exp: Exploration) -> str:
    total = exp.schedules
    kinds = tuple(sorted({k for o in exp.violating for k in o.violations}))
    verb = _BREAKS.get(kinds, "break an invariant")
    what = "interleavings" if exp.mode == "exhaustive" else "sampled schedules"
    if not exp.violating:
        return f"none of {total:,} {what} break an invariant"
    return f"{exp.violating_schedules:,} of {total:,} {what} {verb}"


def _coverage(exp: Exploration) -> str:
    if exp.mode != "exhaustive":
        picker = "PCT" if exp.mode == "pct" else "uniformly random"
        return (
            f"{exp.runs:,} {picker} runs, {exp.states:,} distinct schedules; "
            "sampling is not a proof: other outcomes may exist"
        )
    if not exp.complete:
        return (
            f"incomplete: stopped after {exp.states:,} states (--max-states {exp.max_states}); "
            "the outcomes below are only those reached so far"
        )
    naive = exp.naive_interleavings or 0
    return f"complete: {naive:,} interleavings, {exp.states:,} distinct states explored"


class LazyProgress:
    """A counter on stderr that appears only when work takes more than a moment."""

    def __init__(self, label: str, enabled: bool, delay_s: float = 0.5) -> None:
        self._label = label
        self._enabled = enabled
        self._delay_s = delay_s
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int) -> None:
        if not self._enabled or time.monotonic() - self._started < self._delay_s:
            return
        if self._progress is None:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed:,}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=None)
        assert self._task is not None
        self._progress.update(self._task, completed=done)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


# -- vacancy reserve: the live load test -------------------------------------------------

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


def show_reserve(outcome: LoadResult | Sweep | Comparison, console: Console) -> None:
    """``vacancy reserve``: one load, a sweep of concurrency levels, or every strategy."""
    if isinstance(outcome, Sweep):
        show_sweep(outcome, console)
    elif isinstance(outcome, Comparison):
        show_comparison(outcome, console)
    else:
        show_load(outcome, console)


def show_load(result: LoadResult, console: Console) -> None:
    """``vacancy reserve``: the result table, the ADR's claims, the verdict, the histogram."""
    console.print(load_table(result))
    console.print()
    console.print(claims_table(result))
    _print_verdict(result, console)
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
    return f"{result.strategy} ({summary}): {_setup(result)}"


def _setup(result: LoadResult, flight: bool = True) -> str:
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
        ("Oversold", _alarm(result.oversold)),
        ("Lost updates", _alarm(result.lost_updates)),
        ("Success rate", f"{result.success_rate:.1%}"),
        ("Lock acquisitions", f"{result.lock_acquisitions:,}"),
        ("Cache hits", _cache_cell(result)),
        ("Lock wait P50 / P95 / P99 / max", _wait_cell(wait)),
        ("Elapsed", f"{result.elapsed_s:,.3f} s"),
        ("Throughput", f"{result.throughput_rps:,.0f} requests/s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _alarm(count: int) -> Text:
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


def claims_table(result: LoadResult) -> Table:
    table = Table(title="The ADR's claims, rerun", title_justify="left", title_style="bold")
    table.add_column("ADR says")
    table.add_column("This run", justify="right")
    table.add_column("")
    for claim in adr_claims(result):
        mark = Text("✓", style="green") if claim.held else Text("✗", style="bold red")
        table.add_row(claim.text, claim.measured, mark)
    return table


def _print_verdict(result: LoadResult, console: Console) -> None:
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
    table = Table(title="Lock wait histogram", title_justify="left", title_style="bold", box=None)
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
        title=f"Every strategy: {_setup(comparison.runs[0])}",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
        caption="Final: final stock; Lost: lost updates; P95: lock wait in ms",
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
            _alarm(run.oversold),
            _alarm(run.lost_updates),
            p95,
            Text(_short_verdict(run), style=_verdict_style(run)),
        )
    console.print(table)
    for run in comparison.runs:
        if run.is_bug:
            _print_verdict(run, console)


_SHORT = {"lost_update": "lost", "oversell": "oversold", "event_loop_blocked": "froze"}


def _short_verdict(run: LoadResult) -> str:
    kinds = dict.fromkeys(v.kind for v in run.violations)
    return ", ".join(_SHORT.get(kind, kind) for kind in kinds) or "correct"


def _verdict_style(run: LoadResult) -> str:
    return "green" if not run.violations else "bold red" if run.is_bug else "yellow"


def show_sweep(sweep: Sweep, console: Console) -> None:
    """``vacancy reserve --sweep``: lock wait and throughput per concurrency level."""
    first = sweep.runs[0]
    summary = parse_strategy(first.strategy).summary
    console.print(sweep_table(sweep, f"{first.strategy} ({summary}): {_setup(first, False)}"))
    if first.lock_acquisitions and _nothing_awaits(first):
        console.print(Text(_NO_CONTENTION, style="dim"))
    capped = [level for level in sweep.levels if level > first.requests]
    if capped:
        levels = ", ".join(f"{level:,}" for level in capped)
        console.print(
            Text(f"{levels}: more than the {first.requests:,} requests, so all are in flight.")
        )
    console.print()
    console.print(sweep_chart(sweep, "P95 lock wait (ms)", _p95_ms, "{:,.3f}"))
    console.print()
    console.print(sweep_chart(sweep, "Throughput (requests/s)", _throughput, "{:,.0f}"))
    for level, run in zip(sweep.levels, sweep.runs, strict=True):
        if run.violations:
            console.print(Text(f"At concurrency {level:,}:", style="bold"))
            _print_verdict(run, console)
            break


def _p95_ms(run: LoadResult) -> float:
    return run.lock_wait.p95 * 1000 if run.lock_wait else 0.0


def _throughput(run: LoadResult) -> float:
    return run.throughput_rps


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
            Text(run.verdict, style=_verdict_style(run)),
        )
    return table


def sweep_chart(
    sweep: Sweep, title: str, value: Callable[[LoadResult], float], fmt: str, width: int = 40
) -> Table:
    """One bar per concurrency level, scaled to the largest."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    table.add_column("Concurrency", justify="right", style="dim")
    table.add_column("", min_width=width)
    table.add_column("", justify="right")
    values = [value(run) for run in sweep.runs]
    top = max(values)
    for level, amount in zip(sweep.levels, values, strict=True):
        table.add_row(f"{level:,}", Text(_bar(amount, top, width), "cyan"), fmt.format(amount))
    return table


class LoadProgress:
    """A bar on stderr for a load that takes more than a moment; gone when done."""

    def __init__(self, enabled: bool, delay_s: float = 0.5) -> None:
        self._enabled = enabled
        self._delay_s = delay_s
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int, total: int) -> None:
        if not self._enabled or time.monotonic() - self._started < self._delay_s:
            return
        if self._progress is None:
            self._progress = Progress(
                TextColumn("reserving"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("reserving", total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total)

    def __enter__(self) -> LoadProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
