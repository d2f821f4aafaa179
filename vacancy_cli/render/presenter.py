"""What a facilitator shows the room around a simulation: predictions asked and
checked, and presenter mode's screens (``simulate --step``, ``--predict``)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from vacancy_cli.model.result import Run, Simulation
from vacancy_cli.render.console import clear
from vacancy_cli.render.simulation import header, timeline


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


def show_step_frame(sim: Simulation, run: Run, shown: int, console: Console) -> None:
    """Presenter mode's screen: the header and the first ``shown`` rows of ``run``."""
    clear(console)
    console.print(header(sim))
    console.print(timeline(run, upto=shown))
