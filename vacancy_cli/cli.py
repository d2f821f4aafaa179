"""The ``vacancy`` command: parse options, call the core, render, exit.

No command computes anything itself. Errors caused by input (``VacancyError``)
become one line on stderr and exit status 2; anything else is a bug, reported
in one line with exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from vacancy_cli import __version__, render
from vacancy_cli.errors import VacancyError
from vacancy_cli.explore import explore_scenario, report_to_dict
from vacancy_cli.scenario import bundled_names, load_scenario, summary_dict
from vacancy_cli.simulate import run_scenario
from vacancy_cli.strategies import STRATEGY_HELP
from vacancy_cli.trace import simulation_to_dict

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

T = TypeVar("T")


def _fail(message: str, status: int) -> NoReturn:
    typer.echo(f"vacancy: {message}", err=True)
    raise typer.Exit(status)


def _call(work: Callable[[], T]) -> T:
    """Run core work, mapping its errors to one line and an exit status."""
    try:
        return work()
    except VacancyError as exc:
        _fail(f"error: {exc}", 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # a bug: say so briefly, never a traceback
        _fail(f"internal error: {type(exc).__name__}: {exc}", 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vacancy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Make race conditions visible."""


def _print_json(document: dict[str, Any]) -> None:
    sys.stdout.write(render.to_json(document) + "\n")


@app.command()
def simulate(
    scenario: Annotated[
        str,
        typer.Argument(help="A bundled scenario name (see `vacancy scenarios`) or a .toml file."),
    ],
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            help=f"Strategy to replay; repeat to compare. One of: {STRATEGY_HELP}. "
            "Default: the scenario's own list.",
        ),
    ] = None,
    schedule: Annotated[
        str | None,
        typer.Option(
            metavar="STEPS",
            help='Which request moves at each step, e.g. "A B A B" or "A,B,A,B". '
            "Default: the scenario's own schedule. Requests left over finish in scenario order.",
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
    ] = False,
) -> None:
    """Replay a scenario step by step under each strategy and check the result.

    Each step moves exactly one request to its next checkpoint (the await
    between reading and writing the stock), so a schedule such as "A B A B"
    reproduces the ADR's lost update every time.

    Examples:

      vacancy simulate lost-update

      vacancy simulate lost-update --strategy semaphore:2 --schedule "A,B,A,B"

      vacancy simulate my-scenario.toml --json
    """
    result = _call(lambda: run_scenario(load_scenario(scenario), strategy, schedule))
    if json_out:
        _print_json(simulation_to_dict(result))
    else:
        render.show_simulation(result, Console(highlight=False))


@app.command()
def scenarios(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout instead of a table.")
    ] = False,
) -> None:
    """List the bundled scenarios, in course order, with their titles.

    Example:

      vacancy scenarios
    """
    catalogue = _call(lambda: [load_scenario(name) for name in bundled_names()])
    if json_out:
        _print_json({"scenarios": [summary_dict(s) for s in catalogue]})
    else:
        render.show_catalogue(catalogue, Console(highlight=False))


@app.command()
def explore(
    scenario: Annotated[
        str,
        typer.Argument(help="A bundled scenario name (see `vacancy scenarios`) or a .toml file."),
    ],
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            help=f"Strategy to explore; repeat for several. One of: {STRATEGY_HELP}. "
            "Default: the scenario's own list.",
        ),
    ] = None,
    max_states: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Stop after N states and report the result as incomplete. Default: no bound.",
        ),
    ] = None,
    random_runs: Annotated[
        int | None,
        typer.Option(
            "--random",
            metavar="N",
            help="Instead of every schedule, run N seeded random ones (for large scenarios).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --random: same seed, same result.")] = 0,
    pct: Annotated[
        int | None,
        typer.Option(
            metavar="DEPTH",
            help="With --random: pick schedules with PCT (random priorities, DEPTH-1 "
            "priority changes) instead of uniformly; finds shallow bugs far more often.",
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
    ] = False,
) -> None:
    """Explore every interleaving of a scenario's requests and count each outcome.

    The scenario's own schedule is ignored: every order in which its requests
    can take their steps is run (states reached twice are explored once, and
    identical requests count as interchangeable). Each distinct outcome gets a
    witness: the shortest schedule that reaches it, which
    `vacancy simulate SCENARIO --strategy S --schedule "WITNESS"` replays exactly.

    Examples:

      vacancy explore lost-update --strategy none

      vacancy explore three-way --strategy semaphore:2 --json

      vacancy explore three-way --random 200 --seed 7 --pct 2
    """
    with render.LazyProgress(
        "exploring states", enabled=not json_out and sys.stderr.isatty()
    ) as bar:
        report = _call(
            lambda: explore_scenario(
                load_scenario(scenario),
                strategy,
                max_states=max_states,
                random_runs=random_runs,
                seed=seed,
                pct_depth=pct,
                on_progress=bar.update,
            )
        )
    if json_out:
        _print_json(report_to_dict(report))
    else:
        render.show_report(report, Console(highlight=False))


def main() -> None:
    app(prog_name="vacancy")
