"""The ``course`` command: the lessons in order, this learner's ✓s, and what to play next.

The command layer is the one that reads the environment, so the progress
file's folder is chosen here (``user_data_dir``) and handed to the report layer's
``progress_file``. ``record`` is what ``play`` calls when a game ends: it
never stops the game's end over the progress file, only warns.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from vacancy_cli.cli.common import ExportOpt, call, console, export_path, fail, save


def user_data_dir() -> Path:
    """The folder of ``progress.json``: ``VACANCY_DATA_DIR``, else the platform's data folder."""
    from vacancy_cli.report.progress_file import ENV_VAR, ProgressFileError, data_folder

    try:
        home = Path.home()
    except RuntimeError:  # no HOME, no password entry: say what to set
        if not os.environ.get(ENV_VAR):
            raise ProgressFileError(
                f"cannot find your home folder for the progress file: set {ENV_VAR}"
            ) from None
        home = Path()
    return data_folder(os.environ, sys.platform, home)


def record(
    scenario_name: str, challenge_met: bool, steps: int, data_dir: Path | None = None
) -> None:
    """Remember one finished game of ``scenario_name`` (``play`` calls it at the end).

    A progress file that cannot be read or written costs the learner nothing but
    this record: one warning line on stderr, the game's end unchanged, and an
    unreadable file left as it is for ``vacancy course`` to report.
    """
    from vacancy_cli.model.errors import VacancyError
    from vacancy_cli.report import progress_file

    try:
        folder = data_dir if data_dir is not None else user_data_dir()
        progress_file.record(folder, scenario_name, challenge_met, steps)
    except VacancyError as exc:
        typer.echo(f"vacancy: warning: progress not saved: {exc}", err=True)


def _interactive() -> bool:
    """Whether a person can answer a question (tests replace it to play one)."""
    return sys.stdin.isatty()


def course(
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Forget this learner's progress (asks first, unless --yes)."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --reset: do not ask, forget at once.")
    ] = False,
    export: ExportOpt = None,
) -> None:
    """Walk the lessons in order: what you have met, and what to play next.

    Lists the bundled scenarios with a ✓ for each challenge you met in vacancy
    play, then names the next lesson (the first challenge not met yet) and the
    exact command that plays it. Progress is saved when a game of vacancy play
    ends, in progress.json in your data folder: $VACANCY_DATA_DIR if set, else
    $XDG_DATA_HOME/vacancy (default ~/.local/share/vacancy; on macOS
    ~/Library/Application Support/vacancy, on Windows %APPDATA%\\vacancy).

    Examples:

      vacancy course

      vacancy course --reset
    """
    if yes and not reset:
        fail("error: --yes only confirms --reset", 2)
    if reset:
        if export:
            fail("error: --export saves the course; --reset shows none", 2)
        _reset(yes)
        return
    from vacancy_cli.app.course import course_view
    from vacancy_cli.model.scenario import bundled_names, load_scenario
    from vacancy_cli.render.course import show_course
    from vacancy_cli.report.progress_file import read

    path = export_path(export)
    folder = call(user_data_dir)
    progress = call(lambda: read(folder))
    scenarios = call(lambda: [load_scenario(name) for name in bundled_names()])
    view = console(path)
    show_course(course_view(scenarios, progress), view)
    save(view, path, "The course")


def _reset(yes: bool) -> None:
    from vacancy_cli.report.progress_file import forget, progress_path

    folder = call(user_data_dir)
    path = progress_path(folder)
    if not path.exists():
        typer.echo(f"Nothing to forget: no progress saved in {path}.")
        return
    if not yes:
        if not _interactive():
            fail(
                "error: --reset asks before forgetting, and the input is not a terminal: "
                "add --yes to forget the progress without asking",
                2,
            )
        try:
            sure = typer.confirm(f"Forget every challenge met, saved in {path}?", default=False)
        except typer.Abort:  # Ctrl-C or the end of input at the question
            fail("interrupted: the progress is kept", 130)
        if not sure:
            typer.echo("Kept the progress.")
            return
    call(lambda: forget(folder))
    typer.echo(f"Forgot the progress: removed {path}.")
