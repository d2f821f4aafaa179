"""Rich views of results, and their JSON.

Only this module imports Rich. Every view is drawn from the same result
objects that ``trace.simulation_to_dict`` turns into JSON, so what a person
sees and what a script parses cannot disagree.
"""

from __future__ import annotations

import json
import time
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from vacancy_cli import trace
from vacancy_cli.explain import explain
from vacancy_cli.explore import Exploration, Report
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
