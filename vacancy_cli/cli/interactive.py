"""The loop that talks with the room in ``play``: its turns (``presenter.py`` has
the predictions and presenter mode).

They are the only code that reads the keyboard (``ask``); they draw through
``render``, and the game itself (``app.play.Game``) never prints.
"""

from __future__ import annotations

from vacancy_cli.app.play import Game, IllegalMove, PlayView
from vacancy_cli.render.console import Console, clear
from vacancy_cli.render.play import (
    hint,
    prompt,
    show_end,
    show_help,
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
