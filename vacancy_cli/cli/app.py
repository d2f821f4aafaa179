"""The ``vacancy`` command: the Typer app, with each command registered from its module.

Commands live in ``replay`` (simulate, explore), ``catalog`` (scenarios), ``course``, ``play`` and
``reserve``; what they share (options, errors to exit statuses, output) in
``common``; the loops that talk with the room in ``interactive``. No command
computes anything itself.
"""

from __future__ import annotations

from typing import Annotated

import typer

from vacancy_cli import __version__
from vacancy_cli.cli import catalog, common, course, fix, play, replay, reserve

app = typer.Typer(
    name="vacancy",
    help=(
        "Make race conditions visible: replay a shared ticket counter's requests "
        "step by step, with and without a lock, and check every outcome.\n\n"
        "Start with: vacancy simulate lost-update"
    ),
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for command in (
    replay.simulate,
    catalog.scenarios,
    course.course,
    replay.explore,
    play.play,
    reserve.reserve,
    fix.fix,
):
    app.command()(command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vacancy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    theme: common.ThemeOpt = None,
) -> None:
    """Make race conditions visible.

    ``--theme`` is the root's, not each command's: it is a property of the room
    (the projector, the terminal's colours), set once for a session with
    ``VACANCY_THEME`` or given before any command.
    """
    common.use_theme(ctx, theme)


def main() -> None:
    app(prog_name="vacancy")
