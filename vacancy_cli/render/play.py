"""Rich views for ``vacancy play``: one screen per turn, fitted to the terminal.

A screen is the board (the challenge at the top, the requests, the code where
they are parked, the last steps of the timeline), the end when the game is
over, and a note (a hint, help, or what was wrong with the last answer). It
must fit the room's terminal, 80 x 40, whatever the scenario: ``show_screen``
draws the board at the richest size that fits (``SIZES``), one line kept for
the prompt. On a terminal each screen replaces the last (clear, then draw); in
a pipe or an export the screens follow each other, each answer echoed after
its prompt, so the record reads as a transcript.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from vacancy_cli.app.explain import explain
from vacancy_cli.app.play import PlayView, SourceBlock
from vacancy_cli.model.goal import Goal
from vacancy_cli.model.result import Run
from vacancy_cli.render.console import clear, command
from vacancy_cli.render.play_board import (
    challenge,
    code,
    ending,
    header,
    recent,
    requests_table,
)
from vacancy_cli.render.simulation import timeline

ROOM_LINES = 40  # the height a screen is fitted to when the output is not a terminal
KEYS = "Type a request's id to move it.  u undo  r restart  hint  h help  q quit"
HELP = (
    "Type a request's id to give it one step: it runs to its next await, to its end, "
    "or until it has to wait for the lock. Commands: u undo the last step, r restart, "
    "hint for the next hint, h help, q quit."
)
# Board sizes, richest first: (code lines either side of a parked line, None for the
# whole method, -1 for no code; timeline rows kept, None for all of them).
SIZES: tuple[tuple[int | None, int | None], ...] = (
    (None, None),
    (None, 8),
    (3, 8),
    (3, 5),
    (2, 5),
    (1, 4),
    (1, 3),
    (0, 3),
    (0, 2),
    (0, 1),
    (0, 0),
    (-1, 0),
)


@dataclass(frozen=True)
class Note:
    """A message under the board: ``kind`` is problem, hint or help (its colour)."""

    text: str
    kind: str = "problem"


NOTE_STYLE = {"problem": "yellow", "hint": "bold magenta", "help": ""}


def show_screen(view: PlayView, console: Console, note: Note | None = None) -> None:
    """Clear the terminal and draw the turn, fitted to its height; in a pipe or
    an export, a blank line and the turn."""
    parts = fitted(view, console, note)
    if console.is_terminal:
        clear(console)
    else:
        console.line()
    console.print(Group(*parts))  # as measured: a bare Text printed alone loses no_wrap


def show_note(note: Note, console: Console) -> None:
    """A note alone, after the prompt it answers (a pipe or an export)."""
    console.print(_note(note))


def fitted(view: PlayView, console: Console, note: Note | None) -> list[RenderableType]:
    """The richest board that leaves a line for the prompt on the screen."""
    limit = (console.height if console.is_terminal else ROOM_LINES) - 1
    options = console.options.update(width=console.width)
    parts: list[RenderableType] = []
    for context, rows in SIZES:
        parts = screen(view, context, rows, note)
        if len(console.render_lines(Group(*parts), options, pad=False)) <= limit:
            break
    return parts


def screen(
    view: PlayView, context: int | None, rows: int | None, note: Note | None
) -> list[RenderableType]:
    parts: list[RenderableType] = [header(view), *challenge(view), requests_table(view)]
    if context is None or context >= 0:
        parts += [code(view, block, context) for block in _blocks(view)]
    steps = recent(view, rows)
    if steps is not None:
        parts.append(steps)
    if view.finished:
        parts += ending(view)
    else:
        parts.append(Text(KEYS, style="dim", no_wrap=True, overflow="ellipsis"))
    if note is not None:
        parts.append(_note(note))
    return parts


def _blocks(view: PlayView) -> tuple[SourceBlock, ...]:
    """The methods to show: all while the game runs; at the end only those where a
    request still stands (a deadlock's), since the rest have nothing to point at."""
    if not view.finished:
        return view.source
    return tuple(block for block in view.source if any(r.file == block.file for r in view.requests))


def _note(note: Note) -> Text:
    return Text(note.text, style=NOTE_STYLE.get(note.kind, ""))


def prompt(view: PlayView) -> str:
    if view.finished or not view.options:
        return "Nothing can move now: u undo, r restart, q quit: "
    return f"Move which request? [{'/'.join(view.options)}]: "


def echo(console: Console, question: str, answer: str) -> None:
    """Put what was typed after its question, so an export reads as a transcript.

    A terminal has already shown the answer (it echoes what is typed): only the
    recording, if any, gets the line. A pipe shows nothing of what was read, so the
    answer is printed after the question there, by Rich's own ``print`` with the
    recording paused (a recording console's ``print`` would also keep it for the
    Markdown export, which gets the whole line below).
    """
    if not console.is_terminal:
        recording = console.record
        console.record = False
        try:
            Console.print(console, Text(answer), soft_wrap=True)
        finally:
            console.record = recording
    if not console.record:
        return
    shown = console.file
    console.file = io.StringIO()  # the recording gets the line; the screen has it already
    try:
        console.print(Text.assemble(question, (answer, "bold")), soft_wrap=True)
    finally:
        console.file = shown


def hint(console: Console, message: str) -> None:
    console.print(Padding(Text(message, style="yellow"), (0, 0, 0, 2)))


def help_note() -> Note:
    return Note(HELP, "help")


def hint_note(view: PlayView, given: tuple[int, str] | None, total: int, ref: str) -> Note:
    """The next hint, or why there is none: no challenge, the challenge is for
    another strategy, or every hint has been given (then: --solution)."""
    if given is not None:
        number, text = given
        return Note(f"Hint {number} of {total}: {text}", "hint")
    if view.other_goal is not None:
        return Note(
            f"The hints are for the challenge, played with {view.other_goal.strategy}: "
            f"vacancy play {ref} --strategy {view.other_goal.strategy}",
            "hint",
        )
    if view.goal is None:
        return Note("This scenario has no challenge, so no hints.", "hint")
    if not total:
        return Note(f"This challenge has no hints: vacancy play {ref} --solution", "hint")
    return Note(
        f"No more hints. vacancy play {ref} --solution shows a shortest schedule "
        "that meets the challenge (or says that none can).",
        "hint",
    )


def show_solution(
    goal: Goal, run: Run | None, scenario: str, replay_with: str, console: Console
) -> None:
    """``scenario``: as the user gave it (a name or a path), so the command pastes."""
    console.print(Text(f"Challenge: {goal.text}", style="yellow"))
    if run is None:
        console.print(Text("No schedule meets this challenge.", style="bold"))
        return
    schedule = " ".join(step.request for step in run.steps)
    console.print(Text(f"A shortest solution under {goal.strategy}: {schedule}", style="bold"))
    console.print(timeline(run))
    for sentence in explain(run):
        console.print(Padding(Text(sentence), (0, 0, 0, 2)))
    command(
        console,
        " ".join(["Replay it: vacancy simulate", scenario, replay_with]).strip()
        + f' --schedule "{schedule}"',
    )
