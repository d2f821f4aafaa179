"""Rich views for ``vacancy explore``: the headline, the outcomes, the witnesses."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from vacancy_cli.model.result import Exploration, Report, ViolationKind, verdict
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.render.console import command
from vacancy_cli.render.simulation import timeline

_BREAKS: dict[tuple[str, ...], str] = {
    (ViolationKind.LOST_UPDATE,): "lose an update",
    (ViolationKind.OVERSELL,): "oversell",
    (ViolationKind.NEGATIVE_STOCK,): "drive the stock negative",
    (ViolationKind.EVENT_LOOP_BLOCKED,): "freeze the event loop",
    (ViolationKind.DEADLOCK,): "deadlock",
    (ViolationKind.EXCEPTION,): "raise an exception",
    (ViolationKind.STALE_READ,): "serve a stale read from the cache",
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
    console.print(Text(headline(exp), style="bold red" if exp.violating else "bold green"))
    console.print(Text(coverage_line(exp), style="dim"))
    table = Table(title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Final stock", justify="right")
    table.add_column("Granted")
    table.add_column("Schedules", justify="right")
    table.add_column("Breaks")
    for number, outcome in enumerate(exp.outcomes, start=1):
        breaks = outcome.verdict if outcome.violations else ""
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
        command(
            console,
            " ".join(["Replay it: vacancy simulate", exp.scenario, exp.replay_with]).strip()
            + f' --schedule "{first.bare}"',
        )


def headline(exp: Exploration) -> str:
    total = exp.schedules
    kinds = tuple(sorted({k for o in exp.violating for k in o.violations}))
    verb = _BREAKS.get(kinds, "break an invariant")
    what = "interleavings" if exp.mode == "exhaustive" else "sampled schedules"
    if not exp.violating:
        return f"none of {total:,} {what} break an invariant"
    return f"{exp.violating_schedules:,} of {total:,} {what} {verb}"


def verdict_line(report: Report) -> str:
    """``-q``'s one line for the whole command: per strategy, what breaks in how many
    schedules, or that none does, and whether the count is a proof ("Lost update:
    none lost update in 2 of 6 interleavings, asyncio-lock correct in all 6")."""
    return f"{report.title}: {', '.join(_verdict_part(exp) for exp in report.explorations)}"


def _verdict_part(exp: Exploration) -> str:
    if exp.mode == "exhaustive" and not exp.complete:  # counts so far prove nothing
        found = verdict({k for o in exp.violating for k in o.violations})
        found = found if exp.violating else "no break found"
        return f"{exp.strategy} {found} so far (incomplete: stopped after {exp.states:,} states)"
    what = "interleaving" if exp.mode == "exhaustive" else "sampled schedule"
    what += "" if exp.schedules == 1 else "s"
    if exp.violating:
        kinds = {k for o in exp.violating for k in o.violations}
        part = f"{exp.strategy} {verdict(kinds)} in {exp.violating_schedules:,} of "
    else:
        part = f"{exp.strategy} correct in " + ("its " if exp.schedules == 1 else "all ")
    return part + f"{exp.schedules:,} {what}"


def coverage_line(exp: Exploration) -> str:
    if exp.mode != "exhaustive":
        picker = "PCT" if exp.mode == "pct" else "uniformly random"
        return (
            f"{exp.runs:,} {picker} runs, {exp.states:,} distinct schedules; "
            "sampling is not a proof: other outcomes may exist"
        )
    if not exp.complete:
        return (
            f"incomplete: stopped after {exp.states:,} states (--max-states {exp.max_states:,}); "
            "the outcomes below are only those reached so far: try --random 10000, fewer "
            "requests, or a larger --max-states"
        )
    naive = exp.naive_interleavings or 0
    line = f"complete: {naive:,} interleavings, {exp.states:,} distinct states explored"
    if not exp.merged:
        line += " (some state held objects vacancy cannot compare: no states were merged)"
    return line
