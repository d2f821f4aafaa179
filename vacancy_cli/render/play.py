"""Rich views for ``vacancy play``: the turn, the code with each request's line, the end."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from vacancy_cli.app.explain import explain
from vacancy_cli.app.play import PlayView, SourceBlock
from vacancy_cli.model import trace
from vacancy_cli.model.goal import Goal
from vacancy_cli.model.result import Run, ViolationKind
from vacancy_cli.render.console import command
from vacancy_cli.render.simulation import timeline

HELP = (
    "Type a request's id to give it one step: it runs to its next await, to its end, "
    "or until it has to wait for the lock. Commands: u undo the last step, r restart, "
    "h help, q quit."
)


def show_turn(view: PlayView, console: Console) -> None:
    console.print(
        Text.assemble(
            (view.title, "bold"), f"  strategy {view.strategy}, stock ", (str(view.stock), "bold")
        )
    )
    if view.goal is not None:
        console.print(Text(f"Challenge: {view.goal.text}", style="yellow"))
    console.print(requests_table(view))
    for block in view.source:
        console.print(code(view, block))
    if view.steps:
        console.print(timeline(partial_run(view)))


def requests_table(view: PlayView) -> Table:
    table = Table()
    for name in ("Request", "Wants", "State", "Parked at", "Has read", "Result"):
        table.add_column(name)
    for request in view.requests:
        wants = f"{request.qty} ticket(s)" if request.op == "reserve" else "to read the stock"
        result = ""
        if request.state == "done":
            if request.op == "available":
                result = f"told {request.returned}"
            else:
                result = "granted" if request.granted else "rejected"
        table.add_row(
            Text(request.id, style="bold cyan"),
            wants,
            request.state,
            f"line {request.line}" if request.line else "",
            "" if request.seen is None else str(request.seen),
            result,
        )
    return table


def code(view: PlayView, block: SourceBlock) -> Panel:
    """The strategy's real source, each request's line highlighted and named."""
    lines = block.code.splitlines()
    end = block.start + len(lines) - 1
    here = [
        r
        for r in view.requests
        if r.line is not None and r.file == block.file and block.start <= r.line <= end
    ]
    syntax = Syntax(
        block.code.rstrip("\n"),
        "python",
        line_numbers=True,
        start_line=block.start,
        highlight_lines={r.line for r in here if r.line is not None},
        theme="ansi_dark",
        word_wrap=True,
    )
    legend = Text()
    for request in here:
        assert request.line is not None
        source = lines[request.line - block.start].split("#")[0].strip()
        mark = "⏸" if request.state == "waiting" else "▶"
        why = "waiting for the lock" if request.state == "waiting" else "parked"
        if legend:
            legend.append("\n")
        legend.append(f"{mark} {request.id}", style="bold cyan")
        legend.append(f" {why} at line {request.line}: {source}")
    return Panel(Group(syntax, legend) if here else syntax, title=block.name, title_align="left")


def partial_run(view: PlayView) -> Run:
    """The steps so far, as a run the timeline can draw (unchecked until it ends)."""
    if view.run is not None:
        return view.run
    results = tuple(
        trace.RequestResult(r.id, r.op, r.qty, r.granted, r.returned or 0) for r in view.requests
    )
    return Run(view.strategy, 0, view.stock, None, results, view.steps, ())


def prompt(view: PlayView) -> str:
    if view.finished:
        return "Nothing can move now: u undo, r restart, q quit: "
    return f"Move which request? [{'/'.join(view.options)}] (u undo, r restart, h help, q quit): "


def show_end(view: PlayView, console: Console) -> None:
    run = view.run
    assert run is not None
    stuck = any(v.kind is ViolationKind.DEADLOCK for v in run.violations)
    headline = "No request can move: deadlock" if stuck else "All requests have finished"
    console.print(
        Text(
            f"{headline}: final stock {run.final_stock}, "
            f"{run.granted_tickets} ticket(s) granted, {run.verdict}.",
            style="bold green" if not run.violations else "bold red",
        )
    )
    for sentence in explain(run):
        console.print(Text(f"  {sentence}"))
    if view.goal is not None:
        if view.goal_met:
            console.print(
                Text(
                    f"Challenge met in {len(view.steps)} steps: {view.goal.text}",
                    style="bold green",
                )
            )
        else:
            console.print(
                Text(
                    f"Challenge not met: {view.goal.text} (r to restart, u to undo)", style="yellow"
                )
            )


def hint(console: Console, message: str) -> None:
    console.print(Text(f"  {message}", style="yellow"))


def show_help(console: Console) -> None:
    console.print(Text(HELP))


def show_solution(
    goal: Goal, run: Run | None, scenario: str, replay_with: str, console: Console
) -> None:
    console.print(Text(f"Challenge: {goal.text}", style="yellow"))
    if run is None:
        console.print(Text("No schedule meets this challenge.", style="bold"))
        return
    schedule = " ".join(step.request for step in run.steps)
    console.print(Text(f"A shortest solution under {goal.strategy}: {schedule}", style="bold"))
    console.print(timeline(run))
    for sentence in explain(run):
        console.print(Text(f"  {sentence}"))
    command(
        console,
        " ".join(["Replay it: vacancy simulate", scenario, replay_with]).strip()
        + f' --schedule "{schedule}"',
    )
