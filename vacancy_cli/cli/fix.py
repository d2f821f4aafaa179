"""The ``fix`` command: write a StockManager with a race for the learner to fix."""

from __future__ import annotations

from typing import Annotated

import typer

from vacancy_cli.cli.common import call
from vacancy_cli.cli.completion import complete_scenario


def fix(
    scenario: Annotated[
        str,
        typer.Argument(
            autocompletion=complete_scenario,
            help="The bundled scenario to check your fix against (see `vacancy scenarios`).",
        ),
    ] = "lost-update",
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.py",
            help="Where to write the starter. Default: stock_manager.py in this folder.",
        ),
    ] = "stock_manager.py",
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE.py if it exists already.")
    ] = False,
) -> None:
    """Write a StockManager with a race into a file, for you to fix and check.

    The file holds the ADR's StockManager without its lock: it reads the
    stock, awaits the payment call (asyncio.sleep(0)), and writes back what it
    read minus the quantity, so two requests can sell the same ticket. A
    comment says what to fix. For a scenario with its own manager (deadlock),
    the file is that manager instead.

    Then the loop: run the command it prints, which tries every interleaving of
    SCENARIO's requests (a bundled scenario, see `vacancy scenarios`; default
    lost-update) on your code and shows one that breaks; fix the code; run it
    again until it says that none of the interleavings break an invariant. An
    existing file is never overwritten without --force.

    Examples:

      vacancy fix

      vacancy explore lost-update --manager stock_manager.py

      vacancy fix deadlock --output deadlock_fix.py
    """
    from vacancy_cli.app.fix import write_starter

    starter = call(lambda: write_starter(scenario, output, force))
    what = (
        "the lesson's own manager, with its bug"
        if starter.from_lesson
        else "the ADR's StockManager, with its race"
    )
    verb = "Replaced" if starter.replaced else "Wrote"
    typer.echo(f"{verb} {starter.path}: {what}.")
    typer.echo("Fix it, then check every interleaving with:")
    typer.echo(f"  {starter.check}")
