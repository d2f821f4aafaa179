"""The ``vacancy`` command: parse options, call the core, render, exit.

No command computes anything itself. Errors caused by input (``VacancyError``)
become one line on stderr and exit status 2; anything else is a bug, reported
in one line with exit status 1.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from vacancy_cli import __version__
from vacancy_cli.model.errors import ServerError, VacancyError
from vacancy_cli.model.strategies import STRATEGY_HELP

if TYPE_CHECKING:
    from rich.console import Console

    from vacancy_cli.live.options import LoadOptions
    from vacancy_cli.model.trace import Simulation
    from vacancy_cli.render.progress import LazyProgress

# Each command imports what it uses when it runs: `vacancy reserve` need not load
# the explorer, nor `vacancy simulate` the load test (start-up is measured).

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

ScenarioArg = Annotated[
    str,
    typer.Argument(help="A bundled scenario name (see `vacancy scenarios`) or a .toml file."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
]
StrategiesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--strategy",
        "-s",
        metavar="STRATEGY",
        help=f"Strategy to run; repeat to compare side by side. One of: {STRATEGY_HELP}. "
        "Default: the scenario's own list.",
    ),
]
PodsOpt = Annotated[
    int | None,
    typer.Option(
        metavar="N",
        help="Serve the requests from N pods (copies of the service), round robin: "
        "memory strategies then keep a copy of the stock and a lock per pod; the SQLite "
        "ones share the database. Default: the scenario's own (1).",
    ),
]
RedisOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        envvar="VACANCY_REDIS_URL",
        help="Redis server for the redis-* strategies, e.g. redis://127.0.0.1:6379/0 "
        "(needs pip install 'vacancy\\[redis]').",
    ),
]
PostgresOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        envvar="VACANCY_POSTGRES_URL",
        help="PostgreSQL server for the postgres-* strategies, e.g. "
        "postgresql://user@127.0.0.1:5432/db (needs pip install 'vacancy\\[postgres]').",
    ),
]
ExportOpt = Annotated[
    str | None,
    typer.Option(
        metavar="FILE",
        help="Also save what the terminal shows, by extension: .svg, .html (for slides), "
        ".md (tables as Markdown, for handouts) or .txt.",
    ),
]


def _fail(message: str, status: int) -> NoReturn:
    typer.echo(f"vacancy: {message}", err=True)
    raise typer.Exit(status)


def _call(work: Callable[[], T]) -> T:
    """Run core work, mapping its errors to one line and an exit status."""
    try:
        return work()
    except VacancyError as exc:
        _fail(f"error: {exc}", 2)
    except ServerError as exc:
        _fail(f"error: {exc}", 1)
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
    import json

    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def _predictions(result: Simulation, console: Console) -> dict[str, int]:
    from vacancy_cli.render.play import ask_final_stock

    guesses = {r.strategy: ask_final_stock(console, r.strategy) for r in result.runs}
    return {strategy: guess for strategy, guess in guesses.items() if guess is not None}


def _export_path(export: str | None) -> Path | None:
    """Checked before any work starts: a bad path costs nothing."""
    if not export:
        return None
    from vacancy_cli.render.export import check_export_path

    return _call(lambda: check_export_path(export))


def _console(export: Path | None, quiet: bool = False) -> Console:
    """The terminal, or a recording console when the view is to be exported too."""
    if export is None:
        from rich.console import Console

        return Console(highlight=False)
    from vacancy_cli.render.export import recording_console

    return recording_console(quiet=quiet)


def _save(console: Console, path: Path | None, title: str) -> None:
    if path is None:
        return  # nothing to save, and export.py (and its Rich imports) is not needed
    from vacancy_cli.render.export import RecordingConsole, save

    if isinstance(console, RecordingConsole):
        _call(lambda: save(console, path, title))


def _servers(redis_url: str | None, postgres_url: str | None) -> None:
    """Where the server strategies find their servers (they read the environment)."""
    for variable, url in (("VACANCY_REDIS_URL", redis_url), ("VACANCY_POSTGRES_URL", postgres_url)):
        if url:
            os.environ[variable] = url


def _emit(
    json_out: bool,
    document: Callable[[], dict[str, Any]],
    show: Callable[[Console], None],
    path: Path | None,
    title: str,
) -> None:
    """--json on stdout, or the Rich view on the terminal; the view to --export too."""
    if json_out:
        _print_json(document())
    if path or not json_out:
        console = _console(path, quiet=json_out)
        show(console)
        _save(console, path, title)


def _progress(label: str, json_out: bool) -> LazyProgress:
    from vacancy_cli.render.progress import LazyProgress

    return LazyProgress(label, enabled=not json_out and sys.stderr.isatty())


@app.command()
def simulate(
    scenario: ScenarioArg,
    strategy: StrategiesOpt = None,
    schedule: Annotated[
        str | None,
        typer.Option(
            metavar="STEPS",
            help='Which request moves at each step, e.g. "A B A B" or "A,B,A,B", or annotated '
            'as explore prints witnesses: "A:read B:read A:write B:write". Default: the '
            "scenario's own schedule. Requests left over finish in scenario order.",
        ),
    ] = None,
    predict: Annotated[
        bool,
        typer.Option(help="Ask the room for the final stock of each strategy before showing it."),
    ] = False,
    step: Annotated[
        bool,
        typer.Option(help="Presenter mode: reveal each timeline one row per Enter key."),
    ] = False,
    show_log: Annotated[
        bool,
        typer.Option(help="Print the event log of strategies that keep one (event-sourced)."),
    ] = False,
    pods: PodsOpt = None,
    redis_url: RedisOpt = None,
    postgres_url: PostgresOpt = None,
    export: ExportOpt = None,
    json_out: JsonOpt = False,
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
    from vacancy_cli.app import simulate
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.model.trace import simulation_to_dict
    from vacancy_cli.render import simulation as render

    path = _export_path(export)
    _servers(redis_url, postgres_url)
    if json_out and (predict or step):
        _fail("error: --predict and --step talk with the room; they cannot go with --json", 2)
    result = _call(lambda: simulate.run_scenario(load_scenario(scenario), strategy, schedule, pods))
    if json_out:
        _print_json(simulation_to_dict(result))
    console = _console(path, quiet=json_out)
    if not json_out:
        predictions = _predictions(result, console) if predict else None
        if step:
            from vacancy_cli.render.play import step_through

            step_through(result, console)
        render.show_simulation(result, console, predictions, show_log)
    elif path:
        render.show_simulation(result, console, show_log=show_log)
    _save(console, path, result.title)


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
    from vacancy_cli.model.scenario import bundled_names, load_scenario, summary_dict

    catalogue = _call(lambda: [load_scenario(name) for name in bundled_names()])
    if json_out:
        _print_json({"scenarios": [summary_dict(s) for s in catalogue]})
    else:
        from vacancy_cli.render.simulation import show_catalogue

        show_catalogue(catalogue, _console(None))


@app.command()
def explore(
    scenario: ScenarioArg,
    strategy: StrategiesOpt = None,
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
    pods: PodsOpt = None,
    redis_url: RedisOpt = None,
    postgres_url: PostgresOpt = None,
    export: ExportOpt = None,
    json_out: JsonOpt = False,
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
    from vacancy_cli.app.explore import explore_scenario, report_to_dict
    from vacancy_cli.model.scenario import load_scenario

    path = _export_path(export)
    _servers(redis_url, postgres_url)
    with _progress("exploring states", json_out) as bar:
        report = _call(
            lambda: explore_scenario(
                load_scenario(scenario),
                strategy,
                max_states=max_states,
                random_runs=random_runs,
                seed=seed,
                pct_depth=pct,
                on_progress=bar.update,
                pods=pods,
            )
        )
    from vacancy_cli.render.explore import show_report

    title = f"{report.title}: every interleaving"
    _emit(json_out, lambda: report_to_dict(report), lambda c: show_report(report, c), path, title)


@app.command()
def play(
    scenario: ScenarioArg,
    strategy: Annotated[
        str | None,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            help=f"Strategy to play against. One of: {STRATEGY_HELP}. Default: the one the "
            "scenario's challenge names, or its first strategy.",
        ),
    ] = None,
    predict: Annotated[
        bool, typer.Option(help="Ask the room for the final stock before the first move.")
    ] = False,
    solution: Annotated[
        bool,
        typer.Option(
            help="Show a shortest schedule that meets the scenario's challenge, and stop."
        ),
    ] = False,
    export: ExportOpt = None,
) -> None:
    """Be the scheduler: choose which request moves next, step by step.

    Each turn shows the stock, every request's state, the strategy's real source
    code with the line each request is parked on, and the timeline so far. Type
    a request's id to move it; u undoes, r restarts, h helps, q quits. Scenarios
    with a challenge say when you have met it, and in how many steps.

    Examples:

      vacancy play lost-update

      vacancy play fairness --strategy asyncio-lock

      vacancy play lost-update --solution
    """
    from vacancy_cli.app.explore import solve
    from vacancy_cli.app.play import Game
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.render import play as render_play

    path = _export_path(export)
    loaded = _call(lambda: load_scenario(scenario))
    console = _console(path)
    if solution:
        goal = loaded.goal
        if goal is None:
            _fail(f"error: scenario {scenario!r} has no challenge, so no solution to show", 2)
        run = _call(lambda: solve(loaded, goal))
        render_play.show_solution(goal, run, loaded.name, console)
        _save(console, path, f"{loaded.title}: solution")
        return
    game = _call(lambda: Game(loaded, strategy))
    try:
        guess = render_play.ask_final_stock(console, game.strategy.name) if predict else None
        view = render_play.play_loop(game, console)
        if view.run is not None:
            render_play.show_prediction(console, guess, view.run.final_stock)
    finally:
        game.close()
    _save(console, path, f"{loaded.title}: played")


@app.command()
def reserve(
    stock: Annotated[
        str, typer.Option(metavar="N", help="Tickets in stock at the start.")
    ] = "1000",
    requests: Annotated[str, typer.Option(metavar="N", help="Requests to send, in all.")] = "1000",
    qty: Annotated[
        str,
        typer.Option(
            metavar="N|LOW-HIGH",
            help="Tickets per reservation: a number, or a range such as 1-3 drawn per "
            "request with --seed.",
        ),
    ] = "1",
    concurrency: Annotated[
        str | None,
        typer.Option(
            metavar="N",
            help="Most requests in flight at once. Default: all at once, as the ADR tested "
            "(one task each: for 100,000 requests or more, set e.g. 10000).",
        ),
    ] = None,
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            help=f"One of: {STRATEGY_HELP} (all: the same load under each, side by side).",
        ),
    ] = "asyncio-lock",
    latency: Annotated[
        str,
        typer.Option(
            metavar="DURATION",
            help="Simulated I/O between reading the stock and writing it back (inside the "
            "lock, for a locking strategy), e.g. 1ms, 0.5ms, 250us, 2s. 0: no await at all.",
        ),
    ] = "0",
    reads: Annotated[
        str,
        typer.Option(
            metavar="FRACTION",
            help="Share of requests that are available() reads, served by the 1 s cache "
            "when it is fresh, e.g. 0.9.",
        ),
    ] = "0",
    seed: Annotated[
        str, typer.Option(metavar="N", help="Seed for --reads and a --qty range.")
    ] = "0",
    sweep: Annotated[
        str | None,
        typer.Option(
            metavar="LEVELS",
            help="Run the same load at each concurrency, e.g. 10,100,1000, and chart "
            "lock wait and throughput per level.",
        ),
    ] = None,
    pods: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Run the load from N pods: real processes sharing one SQLite file (with a "
            "sqlite-* strategy); conservation is then checked from the database.",
        ),
    ] = None,
    kill_pod_after: Annotated[
        str | None,
        typer.Option(
            metavar="DURATION",
            help="With --pods: SIGKILL pod 1 this long after the start, e.g. 300ms; no "
            "committed reservation may be lost.",
        ),
    ] = None,
    redis_url: RedisOpt = None,
    postgres_url: PostgresOpt = None,
    export: ExportOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Run the ADR's validation load test for real, and check the stock afterwards.

    Every request runs the same StockManager code as `vacancy simulate`, on a
    real event loop; --latency is the await between reading the stock and
    writing it back. The result shows granted and rejected requests, oversold
    tickets, lost updates (the conservation gap), lock acquisitions, cache
    hits, and lock wait percentiles with a histogram, next to the ADR's claims.

    Exit status: 0 when the stock checks out, or when `none` loses updates
    (that is the lesson); 1 when a strategy that claims safety (asyncio-lock,
    semaphore:1) loses or oversells; 2 for a bad option.

    Without --latency nothing awaits inside the lock, so the lock is never
    contended (the ADR's own reserve); add --latency to see contention.

    Examples:

      vacancy reserve

      vacancy reserve --strategy none --latency 1ms

      vacancy reserve --reads 0.9

      vacancy reserve --sweep 10,100,1000,10000 --latency 1ms

      vacancy reserve --strategy all --latency 1ms --stock 800
    """
    from vacancy_cli.live.load import run_reserve
    from vacancy_cli.live.options import options_from_text, parse_latency
    from vacancy_cli.live.result import reserve_to_dict

    path = _export_path(export)
    _servers(redis_url, postgres_url)

    def options() -> LoadOptions:
        return options_from_text(
            stock=stock,
            requests=requests,
            qty=qty,
            concurrency=concurrency,
            strategy=strategy,
            latency=latency,
            reads=reads,
            seed=seed,
        )

    if pods is not None or kill_pod_after is not None:
        if sweep is not None:
            _fail("error: --pods runs one load; it cannot go with --sweep", 2)
        kill = None if kill_pod_after is None else _call(lambda: parse_latency(kill_pod_after))
        _reserve_pods(options, pods if pods is not None else 2, kill, path, json_out)
        return
    with _progress("reserving", json_out) as bar:
        outcome = _call(lambda: run_reserve(options(), sweep, bar.update))
    from vacancy_cli.render.load import show_reserve

    show = functools.partial(show_reserve, outcome)
    _emit(json_out, lambda: reserve_to_dict(outcome), show, path, "vacancy reserve")
    if outcome.is_bug:
        raise typer.Exit(1)


def _reserve_pods(
    options: Callable[[], LoadOptions],
    pods: int,
    kill: float | None,
    path: Path | None,
    json_out: bool,
) -> None:
    from vacancy_cli.live.pods import pods_to_dict, run_pods

    result = _call(lambda: run_pods(options(), pods, kill))
    from vacancy_cli.render.load import show_pods

    show = functools.partial(show_pods, result)
    _emit(json_out, lambda: pods_to_dict(result), show, path, "vacancy reserve --pods")
    if result.is_bug:
        raise typer.Exit(1)


def main() -> None:
    app(prog_name="vacancy")
