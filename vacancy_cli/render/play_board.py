"""The pieces of a ``vacancy play`` board, each drawn at a given size.

A board must fit the room's terminal (80 x 40) whatever the scenario, so each
piece that can grow takes a size: the code shows only the lines around where
requests are parked (``context`` lines either side), the timeline only its
last ``rows`` steps. ``render/play.py`` tries sizes from the richest down and
keeps the first board that fits.
"""

from __future__ import annotations

from dataclasses import replace

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from vacancy_cli.app.explain import explain
from vacancy_cli.app.play import PlayView, RequestView, SourceBlock
from vacancy_cli.model import trace
from vacancy_cli.model.result import Run, ViolationKind
from vacancy_cli.render.simulation import timeline


def header(view: PlayView) -> Text:
    return Text.assemble(
        (view.title, "bold"),
        "  stock ",
        (str(view.stock), "bold"),
        f", step {len(view.steps)}, strategy {view.strategy}",
        no_wrap=True,
        overflow="ellipsis",
    )


def challenge(view: PlayView) -> list[Text]:
    """The challenge, always at the top, and whether it can be met at all."""
    if view.goal is not None:
        lines = [Text(f"Challenge: {view.goal.text}", style="yellow")]
        if not view.goal_possible:
            lines.append(
                Text(
                    "No schedule can meet this challenge: every order was tried. Play to see why.",
                    style="bold yellow",
                )
            )
        return lines
    if view.other_goal is not None:
        return [
            Text(
                f"The challenge is for {view.other_goal.strategy}; "
                f"playing {view.strategy} without it.",
                style="yellow",
            )
        ]
    return []


def requests_table(view: PlayView) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in ("Request", "Wants", "State", "Parked at", "Has read", "Result"):
        table.add_column(name)
    for request in view.requests:
        wants = f"{request.qty} ticket(s)" if request.op == "reserve" else "to read the stock"
        table.add_row(
            Text(request.id, style="bold cyan"),
            wants,
            request.state,
            f"line {request.line}" if request.line else "",
            "" if request.seen is None else str(request.seen),
            _result(request),
        )
    return table


def _result(request: RequestView) -> str:
    if request.state != "done":
        return ""
    if request.op == "available":
        return f"told {request.returned}"
    return "granted" if request.granted else "rejected"


def code(view: PlayView, block: SourceBlock, context: int | None) -> Panel:
    """The strategy's real source, each request's line highlighted and named.

    ``context``: how many lines to show either side of the lines where requests
    are parked (the first lines when none is); None shows the whole method.
    """
    lines = block.code.splitlines()
    end = block.start + len(lines) - 1
    here = [
        r
        for r in view.requests
        if r.line is not None and r.file == block.file and block.start <= r.line <= end
    ]
    marked = sorted({r.line for r in here if r.line is not None})
    first, last = block.start, end
    if context is not None:
        first = max(block.start, (marked[0] if marked else block.start) - context)
        last = min(end, (marked[-1] if marked else block.start) + context)
    syntax = Syntax(
        block.code.rstrip("\n"),
        "python",
        line_numbers=True,
        start_line=block.start,
        line_range=(first - block.start + 1, last - block.start + 1),
        highlight_lines=set(marked),
        theme="ansi_dark",
        word_wrap=True,
        dedent=True,
    )
    shown = (first, last) != (block.start, end)
    return Panel(
        Group(syntax, legend(here, lines, block.start)) if here else syntax,
        title=block.name,
        title_align="left",
        subtitle=f"lines {first}-{last} of {block.start}-{end}" if shown else None,
        subtitle_align="right",
        box=box.ROUNDED,
    )


def legend(here: list[RequestView], lines: list[str], start: int) -> Text:
    """One line per place requests stand: "▶ A parked at line 26: await ..."."""
    places: dict[tuple[int, str], list[str]] = {}
    for request in here:
        assert request.line is not None
        places.setdefault((request.line, request.state), []).append(request.id)
    text = Text()
    for (line, state), ids in places.items():
        source = lines[line - start].split("#")[0].strip()
        waiting = state == "waiting"
        if text:
            text.append("\n")
        text.append(f"{'⏸' if waiting else '▶'} {', '.join(ids)}", style="bold cyan")
        text.append(f" {'waiting for the lock' if waiting else 'parked'} at line {line}: {source}")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def recent(view: PlayView, rows: int | None) -> Table | None:
    """The timeline so far, only its last ``rows`` steps (None: all of them)."""
    run = partial_run(view)
    if not run.steps or rows == 0:
        return None
    hidden = len(run.steps) - rows if rows is not None else 0
    if hidden <= 0:
        return timeline(run)
    table = timeline(replace(run, steps=run.steps[hidden:]))
    table.caption = f"({hidden} earlier step(s) not shown: the screen is full)"
    table.caption_justify = "left"
    return table


def partial_run(view: PlayView) -> Run:
    """The steps so far, as a run the timeline can draw (unchecked until it ends)."""
    if view.run is not None:
        return view.run
    results = tuple(
        trace.RequestResult(r.id, r.op, r.qty, r.granted, r.returned or 0) for r in view.requests
    )
    return Run(view.strategy, 0, view.stock, None, results, view.steps, ())


def ending(view: PlayView) -> list[RenderableType]:
    """The verdict, why, and whether the challenge was met."""
    run = view.run
    assert run is not None
    kinds = {v.kind for v in run.violations}
    if ViolationKind.DEADLOCK in kinds:
        headline = "No request can move: deadlock"
    elif ViolationKind.EVENT_LOOP_BLOCKED in kinds:
        headline = "The event loop is blocked: nothing can run again"
    else:
        headline = "All requests have finished"
    parts: list[RenderableType] = [
        Text(
            f"{headline}: final stock {run.final_stock}, "
            f"{run.granted_tickets} ticket(s) granted, {run.verdict}.",
            style="bold green" if not run.violations else "bold red",
        )
    ]
    parts += [Padding(Text(sentence), (0, 0, 0, 2)) for sentence in explain(run)]
    goal = view.goal
    if goal is None:
        return parts
    if view.goal_met:
        parts.append(
            Text(f"Challenge met in {len(view.steps)} steps: {goal.text}", style="bold green")
        )
    elif not view.goal_possible:
        parts.append(
            Text(
                "Challenge not met, and no schedule can meet it: every order was tried.",
                style="yellow",
            )
        )
    else:
        parts.append(
            Text(
                f"Challenge not met: {goal.text} (u undo, r restart, hint for a hint)",
                style="yellow",
            )
        )
    return parts
