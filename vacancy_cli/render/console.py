"""The console every view draws on: the terminal, or a recording for ``--export``.

The command layer asks for one here and passes it to the views; it never
imports Rich itself. Export (and its Rich and Pygments imports) loads only
when a file was asked for.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

__all__ = ["Console", "clear", "command", "for_command", "save"]


def for_command(export: Path | None, quiet: bool = False) -> Console:
    """The terminal, or a recording console when the view is to be exported too.

    ``quiet``: record without printing (``--json`` owns stdout).
    """
    if export is None:
        return Console(highlight=False)
    from vacancy_cli.render.export import recording_console

    return recording_console(quiet=quiet)


def save(console: Console, path: Path | None, title: str) -> None:
    """Write what ``console`` recorded to ``path``, if a path was asked for."""
    if path is None:
        return
    from vacancy_cli.render.export import RecordingConsole
    from vacancy_cli.render.export import save as write

    if isinstance(console, RecordingConsole):
        write(console, path, title)


def command(console: Console, line: str) -> None:
    """Print a command the reader may copy (``Replay it: vacancy simulate ...``).

    Never wrapped by Rich: a newline inside a long path or schedule would break the
    command when pasted. The terminal folds it visually instead.
    """
    console.print(Text(line, style="dim"), soft_wrap=True)


def clear(console: Console) -> None:
    """A fresh screen on a terminal; nothing in a pipe or a recording."""
    if console.is_terminal:
        console.clear()
