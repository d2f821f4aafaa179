"""The loops that talk with the room: play's turns, predictions, presenter mode.

They are the only code that reads the keyboard (``ask``); they draw through
``render``, and the game itself (``app.play.Game``) never prints.
"""

from __future__ import annotations

from vacancy_cli.app.play import Game, IllegalMove, PlayView
from vacancy_cli.model.result import Simulation
from vacancy_cli.render.console import Console
from vacancy_cli.render.play import (
    clear,
    hint,
    prompt,
    show_end,
    show_help,
    show_step_frame,
    show_turn,
)

QUIT = ("q", "quit", "exit")


def ask(console: Console, question: str) -> str | None:
    """One line from the user; None at the end of input (Ctrl-D, or a script ran out)."""
    try:
        return console.input(question).strip()
    except EOFError:
        return None


def play_loop(game: Game, console: Console) -> PlayView:
    """Turns until the learner quits or input ends; the last view is returned."""
    while True:
        view = game.view()
        clear(console)
        show_turn(view, console)
        if view.finished:
            show_end(view, console)
        while True:
            answer = ask(console, prompt(view))
            if answer is None or answer.lower() in QUIT:
                return view
            if _answer(game, view, answer, console):
                break


def _answer(game: Game, view: PlayView, answer: str, console: Console) -> bool:
    """Act on one answer; True when the view changed and must be drawn again."""
    command = answer.lower()
    try:
        if command in ("h", "help", "?"):
            show_help(console)
            return False
        if command in ("u", "undo"):
            game.undo()
            return True
        if command in ("r", "restart"):
            game.restart()
            return True
        if not answer:
            raise IllegalMove("type a request's id, or h for help")
        if view.finished:
            raise IllegalMove("every request has finished: u to undo, r to restart, q to quit")
        game.move(_match(answer, view))
        return True
    except IllegalMove as exc:
        options = f" Runnable now: {', '.join(view.options)}." if view.options else ""
        hint(console, f"{exc}.{options}")
        return False


def _match(answer: str, view: PlayView) -> str:
    """The id the learner meant: exact, or the only one equal ignoring case."""
    ids = [r.id for r in view.requests]
    if answer in ids:
        return answer
    folded = [rid for rid in ids if rid.lower() == answer.lower()]
    return folded[0] if len(folded) == 1 else answer


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
