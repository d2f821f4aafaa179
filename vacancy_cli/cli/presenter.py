"""The facilitator's loops around a simulation: the room's predictions, asked
after showing what there is to predict, and presenter mode (``--step``), one
row per key press."""

from __future__ import annotations

import re
from collections.abc import Sequence

from vacancy_cli.app.simulate import briefing
from vacancy_cli.cli.interactive import ask
from vacancy_cli.model.result import Simulation
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import MAX_COUNT, Strategy
from vacancy_cli.render.console import Console, clear
from vacancy_cli.render.presenter import note, show_briefing, show_step_frame

# ASCII digits only ("²" is a digit to str.isdigit, not to int), and no more than the
# largest stock has: int() refuses 4,301 digits, and no final stock has 17.
DIGITS = len(str(MAX_COUNT))
_WHOLE = re.compile(f"[+-]?[0-9]{{1,{DIGITS}}}")
SHOW_ALL = ("q", "quit")


def show_context(
    console: Console,
    scenario: Scenario,
    strategies: Sequence[Strategy],
    schedule: tuple[str, ...] | None = None,
) -> None:
    """Before any prediction: the scenario's stock, requests and schedule, and each
    strategy's code, on a fresh screen that leaves a line for each question.
    ``schedule`` None: the learner schedules (``play``)."""
    show_briefing(console, briefing(scenario, strategies, schedule), questions=len(strategies))


def parse_prediction(answer: str) -> int | None:
    """A whole number, signed or not ("98", "-1", "+3", " 7 "); None for anything else,
    and for more digits than any stock has. Negative matters: an oversell ends below
    zero (``pods`` under asyncio-lock: -1)."""
    text = answer.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def ask_final_stock(console: Console, strategy: str) -> int | None:
    """Predict, then reveal: the room's guess for the final stock (None: input ended)."""
    while True:
        answer = ask(console, f"Predict the final stock under {strategy}: ")
        if answer is None:
            return None
        guess = parse_prediction(answer)
        if guess is not None:
            return guess
        note(
            console,
            f"Type a whole number, such as 98 or -1, of at most {DIGITS} digits: negative "
            "numbers are allowed (an oversell ends below 0).",
        )


def predictions(sim: Simulation, console: Console) -> dict[str, int]:
    """The room's guess for each strategy's final stock, before the reveal (show the
    context first: ``show_context``)."""
    guesses = {run.strategy: ask_final_stock(console, run.strategy) for run in sim.runs}
    return {strategy: guess for strategy, guess in guesses.items() if guess is not None}


def step_through(sim: Simulation, console: Console) -> None:
    """Presenter mode: each Enter reveals one more row of a timeline; the last row
    stays on screen with the verdict and why until the next Enter. ``q`` (or the end
    of input) stops here: the caller then shows everything, every strategy."""
    for index, run in enumerate(sim.runs):
        for shown in range(1, len(run.steps) + 1):
            show_step_frame(sim, run, shown, console)
            answer = ask(console, _prompt(sim, index, len(run.steps) - shown))
            if answer is None or answer.lower() in SHOW_ALL:
                clear(console)
                return
    clear(console)


def _prompt(sim: Simulation, index: int, left: int) -> str:
    if left:
        return f"Enter: next step ({left} more), q: show all "
    if index + 1 < len(sim.runs):
        return f"Enter: next strategy ({sim.runs[index + 1].strategy}), q: show all "
    return "Enter: show all "
