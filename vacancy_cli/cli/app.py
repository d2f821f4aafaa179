"""The ``vacancy`` command: the Typer app, with each command registered from its module.

Commands live in ``replay`` (simulate, explore), ``catalog`` (scenarios), ``course``, ``play``,
``reserve`` and ``schema``; what they share (options, errors to exit statuses, output) in
``common``, and what the shell completes in ``completion``; the loops that talk with the
room in ``interactive``. No command computes anything itself.

``VacancyGroup`` runs every invocation through ``common.run_app``, so the
error conventions hold before a command starts too (Click's usage errors) and
after it ends (output that cannot be written), for every command and in tests
through ``CliRunner`` alike. ``main`` is the executable's own entry: it also
settles the real standard streams first (``streams.settle``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from vacancy_cli import __version__
from vacancy_cli.cli import (
    catalog,
    common,
    course,
    fix,
    play,
    replay,
    reserve,
    schema,
    serve,
    signals,
    streams,
)


class VacancyGroup(TyperGroup):
    """The root group, whose ``main`` maps everything that escapes to vacancy's own
    one-line errors and exit statuses instead of Click's and Typer's (a usage box,
    a traceback). Overriding ``main`` rather than catching around ``app()`` is what
    makes ``CliRunner`` see the same lines a terminal does."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def invoke() -> Any:
            return super(VacancyGroup, self).main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )

        if not standalone_mode:  # a caller that handles Click's exceptions itself
            return invoke()
        sys.exit(common.run_app(invoke))


app = typer.Typer(
    cls=VacancyGroup,
    name="vacancy",
    help=(
        "Make race conditions visible: replay a shared ticket counter's requests "
        "step by step, with and without a lock, and check every outcome.\n\n"
        "Start with: vacancy simulate lost-update"
    ),
    no_args_is_help=True,
    # --install-completion and --show-completion (bash, zsh): Typer loads its completion
    # module anyway, so they cost no start-up time (benchmarks/bench_startup.py).
    add_completion=True,
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
    serve.serve,
    schema.schema,
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
    color: common.ColorOpt = None,
) -> None:
    """Make race conditions visible.

    ``--theme`` and ``--color`` are the root's, not each command's: they are
    properties of the room (the projector, the terminal's colours) and of where
    the output goes, set once for a session (``VACANCY_THEME``, ``NO_COLOR``) or
    given before any command.
    """
    common.use_theme(ctx, theme)
    common.use_color(color)


def main() -> None:
    """The ``vacancy`` executable: settle the standard streams, then run the app.

    Process-wide set-up goes here, before the app runs; the app's own exit
    (``VacancyGroup.main``) ends the process with the command's status.
    """
    refused = streams.settle()
    if refused is not None:
        sys.exit(refused)
    signals.install()  # SIGTERM and SIGHUP take Ctrl-C's way out: cleaned up, exit 130
    app(prog_name="vacancy")
