"""The loop that talks with the room in ``play``: its turns (``presenter.py`` has
the predictions and presenter mode).

They are the only code that reads the keyboard (``ask``); they draw through
``render``, and the game itself (``app.play.Game``) never prints. On a
terminal every answer redraws the whole screen in place, the note (a hint,
help, what was wrong) under the board; in a pipe or an export the board is
drawn when it changes and a note follows its answer, so the record reads as a
transcript.
"""

from __future__ import annotations

import sys

from vacancy_cli.app.play import Game, IllegalMove, PlayView
from vacancy_cli.render.console import Console
from vacancy_cli.render.play import (
    Note,
    echo,
    help_note,
    hint_note,
    prompt,
    show_note,
    show_screen,
)

QUIT = ("q", "quit", "exit")
HELP = ("h", "help")
HINT = ("hint", "?")


def ask(console: Console, question: str) -> str | None:
    """One line from the user; None at the end of input (Ctrl-D, or a script ran out),
    and when there is no input at all (stdin closed: ``main`` opens it on /dev/null,
    and this holds for any other caller).

    The question stays out of the recording until the answer is known; then both
    go in as one line (``render.play.echo``).
    """
    recording = console.record
    console.record = False
    try:
        if sys.stdin is None:
            raise EOFError
        answer: str | None = console.input(question).strip()
    except EOFError:
        answer = None
    finally:
        console.record = recording
    echo(console, question, answer or "")
    return answer


def play_loop(game: Game, console: Console, ref: str) -> PlayView:
    """Turns until the learner quits or input ends; the last view is returned.

    ``ref``: the scenario as the user gave it, for the commands hints point to.
    """
    view = game.view()
    show_screen(view, console)
    while True:
        answer = ask(console, prompt(view))
        if answer is None or answer.lower() in QUIT:
            return view
        note = _answer(game, view, answer, ref)
        changed = note is None
        if changed:
            view = game.view()
        if changed or console.is_terminal:
            show_screen(view, console, note)
        elif note is not None:
            show_note(note, console)


def _answer(game: Game, view: PlayView, answer: str, ref: str) -> Note | None:
    """Act on one answer: None when the board changed, else the note to show."""
    command = answer.lower()
    try:
        if command in HELP:
            return help_note()
        if command in HINT:
            return hint_note(view, game.next_hint(), len(game.hints), ref)
        if command in ("u", "undo"):
            game.undo()
            return None
        if command in ("r", "restart"):
            game.restart()
            return None
        if not answer:
            raise IllegalMove("type a request's id, or h for help")
        if view.finished:
            raise IllegalMove("every request has finished: u to undo, r to restart, q to quit")
        game.move(_match(answer, view))
        return None
    except IllegalMove as exc:
        options = f" Runnable now: {', '.join(view.options)}." if view.options else ""
        return Note(f"{exc}.{options}")


def _match(answer: str, view: PlayView) -> str:
    """The id the learner meant: exact, or the only one equal ignoring case."""
    ids = [r.id for r in view.requests]
    if answer in ids:
        return answer
    folded = [rid for rid in ids if rid.lower() == answer.lower()]
    return folded[0] if len(folded) == 1 else answer
