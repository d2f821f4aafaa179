"""The facilitator's loops around a simulation: the room's predictions, asked
before the reveal, and presenter mode (``--step``), one row per key press."""

from __future__ import annotations

from vacancy_cli.cli.interactive import ask
from vacancy_cli.model.result import Simulation
from vacancy_cli.render.console import Console, clear
from vacancy_cli.render.play import hint
from vacancy_cli.render.presenter import show_step_frame


def ask_final_stock(console: Console, strategy: str) -> int | None:
    """Predict, then reveal: the room's guess for the final stock."""
    while True:
        answer = ask(console, f"Predict the final stock under {strategy}: ")
        if answer is None:
            return None
        if answer.isdigit():
            return int(answer)
        hint(console, "a whole number, such as 98")


def predictions(sim: Simulation, console: Console) -> dict[str, int]:
    """The room's guess for each strategy's final stock, before the reveal."""
    guesses = {run.strategy: ask_final_stock(console, run.strategy) for run in sim.runs}
    return {strategy: guess for strategy, guess in guesses.items() if guess is not None}


def step_through(sim: Simulation, console: Console) -> None:
    """Presenter mode: each key press reveals one more row of each timeline."""
    for run in sim.runs:
        for shown in range(1, len(run.steps) + 1):
            show_step_frame(sim, run, shown, console)
            left = len(run.steps) - shown
            if left and ask(console, f"Enter: next step ({left} more), q: show all ") in (
                None,
                "q",
            ):
                break
    clear(console)
