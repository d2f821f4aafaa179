"""What a facilitator shows the room around a simulation: the context before a
prediction, predictions checked, and presenter mode's screens (``simulate
--step``, ``--predict``, ``play --predict``).

Every screen here must fit the room's terminal (80x40): each is built, measured
on the console it will be printed on, and trimmed until it fits (code blocks
dropped, the oldest timeline rows scrolled off), never cut mid-line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.syntax import Syntax
from rich.text import Text

from vacancy_cli.model import trace
from vacancy_cli.model.requests import AVAILABLE
from vacancy_cli.model.result import Run, Simulation
from vacancy_cli.render.console import clear
from vacancy_cli.render.simulation import header, outcome, timeline

if TYPE_CHECKING:
    from vacancy_cli.app.simulate import Briefing

PROMPT_LINES = 1  # the question under a screen: Enter, q, or a prediction


def show_prediction(console: Console, guess: int | None, final: int) -> None:
    if guess is None:
        return
    right = guess == final
    console.print(
        Text(
            f"You predicted {guess}; the stock ended at {final}: {'right' if right else 'wrong'}.",
            style="bold green" if right else "bold red",
        )
    )


def note(console: Console, message: str) -> None:
    """A hint under a question, indented as a block: its wrapped lines keep the indent."""
    console.print(Padding(Text(message, style="yellow"), (0, 0, 0, 2)))


def height(console: Console, renderable: RenderableType) -> int:
    """How many lines ``renderable`` takes on ``console``, wrapped at its width."""
    return len(console.render_lines(renderable, console.options, pad=False, new_lines=False))


# -- before predicting: the scenario and the code ---------------------------------------


def show_briefing(console: Console, brief: Briefing, questions: int = 1) -> None:
    """A fresh screen with the scenario and each strategy's code, leaving room for
    ``questions`` prompts under it."""
    clear(console)
    console.print(briefing_screen(console, brief, questions))


def briefing_screen(console: Console, brief: Briefing, questions: int = 1) -> Group:
    """The scenario (stock, requests, pods, schedule) and, for each strategy, its
    summary and the code of its ``reserve``: the code of as many strategies as fit
    on the console with ``questions`` prompt lines below, in order; the summary
    alone for the rest."""
    room = console.height - questions * PROMPT_LINES
    shown = [bool(s.code) for s in brief.strategies]
    screen = _briefing(brief, shown)
    for index in reversed(range(len(shown))):
        if height(console, screen) <= room:
            break
        if shown[index]:
            shown[index] = False
            screen = _briefing(brief, shown)
    return screen


def _briefing(brief: Briefing, with_code: Sequence[bool]) -> Group:
    parts: list[RenderableType] = [
        Text(f"Predict: {brief.title}", style="bold"),
        _fact("Stock", f"{brief.stock} {'ticket' if brief.stock == 1 else 'tickets'}"),
        _fact("Requests", ", ".join(_wants(brief, i) for i in range(len(brief.requests)))),
        _fact("Schedule", _schedule(brief.schedule)),
    ]
    for strategy, code in zip(brief.strategies, with_code, strict=True):
        parts += [Text(), Text.assemble((strategy.name, "bold cyan"), f": {strategy.summary}")]
        if code:
            parts.append(
                Padding(
                    Syntax(strategy.code, "python", theme="ansi_dark", word_wrap=True),
                    (0, 0, 0, 2),
                )
            )
    return Group(*parts)


def _fact(name: str, value: str) -> Padding:
    """One line of the scenario, its continuation lines indented under the value."""
    return Padding(Text.assemble((f"{name}: ", "bold"), value), (0, 0, 0, 2))


def _wants(brief: Briefing, index: int) -> str:
    spec = brief.requests[index]
    wants = (
        "reads the stock"
        if spec.op == AVAILABLE
        else f"reserves {spec.qty} {'ticket' if spec.qty == 1 else 'tickets'}"
    )
    pod = f" on pod {brief.pod_of(index) + 1}" if brief.pods > 1 else ""
    return f"{spec.id} {wants}{pod}"


def _schedule(schedule: tuple[str, ...] | None) -> str:
    if schedule is None:
        return "yours: you choose which request moves at each step"
    if not schedule:
        return "none: each request runs to its end, in the file's order"
    return (
        f"{trace.schedule_text(schedule)} (each letter: that request runs to its next await; "
        "any left over then finish in the file's order)"
    )


# -- presenter mode: one more row per key press ------------------------------------------


def show_step_frame(sim: Simulation, run: Run, shown: int, console: Console) -> None:
    """Presenter mode's screen: the header and the first ``shown`` rows of ``run``
    (with its verdict and why, once every row is shown)."""
    clear(console)
    console.print(step_frame(sim, run, shown, console))


def step_frame(sim: Simulation, run: Run, shown: int, console: Console) -> Group:
    """One screen of presenter mode, fitting the console with a prompt line below:
    when the rows do not fit, the oldest scroll off (a line says which), so the row
    just revealed, and the verdict under the last one, are always on screen."""
    room = console.height - PROMPT_LINES
    first = 0
    frame = _frame(sim, run, shown, first)
    while first < shown - 1 and height(console, frame) > room:
        first += 1
        frame = _frame(sim, run, shown, first)
    return frame


def _frame(sim: Simulation, run: Run, shown: int, first: int) -> Group:
    parts: list[RenderableType] = [header(sim)]
    if first:
        rows = "t1" if first == 1 else f"t1-t{run.steps[first - 1].t}"
        parts.append(Text(f"({rows} scrolled off: q shows everything)", style="dim"))
    parts.append(timeline(run, upto=shown, first=first))
    if shown >= len(run.steps):
        parts += outcome(run)
    return Group(*parts)
