"""Rich views of a replay, and the pieces other views share (the timeline).

Rich is imported only in ``render/`` (ruff and import-linter enforce it).
Every view is drawn from the same result values that ``report/`` turns into
JSON, so what a person sees and what a script parses cannot disagree.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vacancy_cli.app.explain import explain
from vacancy_cli.app.words import describe_step, row_marks
from vacancy_cli.model import trace
from vacancy_cli.model.result import Run, Simulation, ViolationKind
from vacancy_cli.model.strategies import parse_strategy

VERDICT_STYLE = {"correct": "green"}


def show_simulation(
    sim: Simulation,
    console: Console,
    predictions: dict[str, int] | None = None,
    show_log: bool = False,
) -> None:
    console.print(header(sim))
    for run in sim.runs:
        console.print()
        console.print(timeline(run))
        for line in outcome(run):
            console.print(line)
        if show_log:
            console.print(audit_log(run))
    console.print()
    console.print(summary_for(console, sim, predictions))
    if sim.lesson.strip():
        console.print(Panel(escape(sim.lesson.strip()), title="Lesson", title_align="left"))


def audit_log(run: Run) -> Text:
    if not run.audit_log:
        return Text(f"  ({run.strategy} keeps no event log)", style="dim")
    lines = "\n".join(f"  {entry}" for entry in run.audit_log)
    return Text(f"  Event log:\n{lines}", style="cyan")


def header(sim: Simulation) -> Text:
    schedule = trace.schedule_text(sim.schedule) or "(none: requests run in scenario order)"
    return Text.assemble((sim.title, "bold"), f"  stock {sim.stock}, schedule ", (schedule, "cyan"))


def outcome(run: Run) -> list[Text | Padding]:
    """What a timeline ends with: the final stock and verdict, then why, a sentence
    each. A sentence is indented as a block, so its wrapped lines keep the indent
    and the eye can tell one sentence from the next."""
    style = "red" if run.violations else "default"
    return [Text(outcome_line(run), style="bold")] + [
        Padding(Text(sentence, style=style), (0, 0, 0, 2)) for sentence in explain(run)
    ]


# Past this many requests a column each no longer fits a terminal (and drawing
# thousands of empty cells costs seconds): one Request column names who moved.
MAX_REQUEST_COLUMNS = 8


def timeline(run: Run, upto: int | None = None, first: int = 0) -> Table:
    """The ADR's table: one row per step, one column per request. Only rows
    ``first`` to ``upto`` are drawn (presenter mode reveals them one at a time, and
    scrolls the oldest off when the screen is full)."""
    strategy = parse_strategy(run.strategy)
    pods = ""
    if run.pods > 1:
        store = "one shared store" if strategy.shared_store else "a copy of the stock each"
        pods = f", {run.pods} pods, {store}"
    table = Table(
        title=f"{run.strategy}: {strategy.summary}{pods}",
        title_justify="left",
        title_style="bold",
    )
    column = {r.id: n for n, r in enumerate(run.requests)}
    wide = len(column) > MAX_REQUEST_COLUMNS
    table.add_column("Time", justify="right", style="dim")
    for rid in ["Request"] if wide else column:
        table.add_column("Request" if wide else f"Request {rid}")
    if wide:
        table.add_column("Does")
    table.add_column("Stock", justify="right")
    qty = {r.id: r.qty for r in run.requests}
    marks = row_marks(run)
    guard = strategy.guard_noun
    for step in run.steps[first:upto]:
        does = describe_step(step, qty[step.request], guard)
        if wide:
            cells = [step.request, does]
        else:
            cells = ["" for _ in column]
            cells[column[step.request]] = does
        stock = Text(str(step.stock) + (f" (pod {step.pod + 1})" if run.pods > 1 else ""))
        if step.t in marks:
            stock.append(f" ← {marks[step.t]}", style="bold red")
        table.add_row(f"t{step.t}", *cells, stock)
    return table


def outcome_line(run: Run) -> str:
    expected = "" if run.expected_final_stock is None else f", expected {run.expected_final_stock}"
    return f"final stock {run.final_stock}{expected}; {_tickets(run.granted_tickets)} granted; " + (
        _verdict(run)
    )


def verdict_line(sim: Simulation) -> str:
    """``-q``'s one line for the whole command: the title, then each strategy's verdict
    and final stock ("Lost update: none lost update (final 99), asyncio-lock correct
    (final 98)"), with the ``[expect]`` it missed, so a CI log needs nothing else."""
    parts = []
    for run in sim.runs:
        missed = f", expected {run.expected_final_stock}" if run.meets_expectation is False else ""
        parts.append(f"{run.strategy} {_verdict(run)} (final {run.final_stock}{missed})")
    return f"{sim.title}: {', '.join(parts)}"


def _tickets(count: int) -> str:
    return f"{count} ticket" if count == 1 else f"{count} tickets"


def _verdict(run: Run) -> str:
    """The run's verdict, with its stale reads counted unless the verdict names them."""
    stale = len(run.stale_reads)
    if not stale or any(v.kind is ViolationKind.STALE_READ for v in run.violations):
        return run.verdict
    return f"{run.verdict}, {stale} stale read{'s' if stale > 1 else ''}"


def summary_for(
    console: Console, sim: Simulation, predictions: dict[str, int] | None = None
) -> Table | Group:
    """The summary as a table, or stacked (a strategy's name on a line of its own)
    when a name is too long for the table to fit the console without cutting it."""
    table = summary(sim, predictions)
    wide = console.options.update(max_width=10_000)
    if Measurement.get(console, wide, table).minimum <= console.width:
        return table
    return stacked_summary(sim, predictions)


def stacked_summary(sim: Simulation, predictions: dict[str, int] | None = None) -> Group:
    """The summary for long names (a user's ``file.py:Class``): one strategy after another."""
    parts: list[Text | Padding] = [Text("Summary", style="bold")]
    for run in sim.runs:
        granted = [r.id for r in run.requests if r.granted]
        line = Text(f"final stock {run.final_stock}, expected ")
        line.append_text(_check(run.expected_final_stock, run.final_stock))
        if predictions:
            line.append(", predicted ")
            line.append_text(_check(predictions.get(run.strategy), run.final_stock))
        line.append(f", granted {run.granted_tickets} ({', '.join(granted) or 'none'}): ")
        line.append(_verdict(run), style=VERDICT_STYLE.get(run.verdict, "bold red"))
        parts += [Text(run.strategy, style="bold"), Padding(line, (0, 0, 0, 2))]
    return Group(*parts)


def summary(sim: Simulation, predictions: dict[str, int] | None = None) -> Table:
    table = Table(title="Summary", title_justify="left", title_style="bold")
    # A strategy's name is what the room types next: never cut it, let the others wrap.
    longest = max((len(run.strategy) for run in sim.runs), default=0)
    table.add_column("Strategy", no_wrap=True, min_width=longest)
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
