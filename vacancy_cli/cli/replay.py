"""The replay commands: ``simulate``, ``scenarios`` and ``explore``.

Each parses its options, calls one function of ``app``, and hands the result
to ``render`` (or ``report`` for ``--json``). Each imports what it uses when it
runs: ``vacancy reserve`` need not load the explorer (start-up is measured).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vacancy_cli.cli.common import (
    ExportOpt,
    JsonOpt,
    ManagerOpt,
    PodsOpt,
    PostgresOpt,
    RedisOpt,
    ScenarioArg,
    StrategiesOpt,
    call,
    console,
    emit,
    export_path,
    fail,
    print_json,
    progress,
    save,
    servers,
    theme,
)

if TYPE_CHECKING:  # types only: each command imports what it runs when it runs
    from vacancy_cli.model.result import Exploration, Report, Run
    from vacancy_cli.model.scenario import Scenario
    from vacancy_cli.model.strategies import Servers


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
        typer.Option(
            help="Show the scenario (stock, requests, schedule, each strategy's code), then "
            "ask the room for each strategy's final stock before showing it. Any whole "
            "number: an oversell ends below 0."
        ),
    ] = False,
    step: Annotated[
        bool,
        typer.Option(
            help="Presenter mode: each Enter reveals one more row of a timeline; its last "
            "row stays on screen with the verdict until the next Enter; q shows everything."
        ),
    ] = False,
    show_log: Annotated[
        bool,
        typer.Option(help="Print the event log of strategies that keep one (event-sourced)."),
    ] = False,
    pods: PodsOpt = None,
    manager: ManagerOpt = None,
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
    from vacancy_cli.app.simulate import plan, run_scenario
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.render import simulation as render
    from vacancy_cli.report import documents

    path = export_path(export)
    given = servers(redis_url, postgres_url)
    if json_out and (predict or step):
        fail("error: --predict and --step talk with the room; they cannot go with --json", 2)
    loaded = call(lambda: load_scenario(scenario))
    result = call(lambda: run_scenario(loaded, strategy, schedule, pods, given, manager))
    if json_out:
        print_json(documents.simulation(result))
    view = console(path, quiet=json_out)
    if not json_out:
        from vacancy_cli.cli.presenter import predictions, show_context, step_through

        if predict:  # what the room predicts about: the run's own scenario and rows
            chosen = call(lambda: plan(loaded, strategy, schedule, pods, given, manager))
            show_context(view, chosen.scenario, chosen.strategies, chosen.schedule)
        guesses = predictions(result, view) if predict else None
        if step:
            step_through(result, view)
        render.show_simulation(result, view, guesses, show_log)
    elif path and not _lesson(path):
        render.show_simulation(result, view, show_log=show_log)
    if path is not None and _lesson(path):  # the interactive page, from the JSON document
        from vacancy_cli.render import lesson

        data = lesson.simulate_data(documents.simulation(result), result)
        call(lambda: lesson.save_lesson(path, result.title, data, theme()))
    else:
        save(view, path, result.title)


def explore(
    scenario: ScenarioArg,
    strategy: StrategiesOpt = None,
    max_states: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Stop after N states and report the result as incomplete (each state "
            "takes about 0.5 KB). Default: 1,000,000.",
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
    manager: ManagerOpt = None,
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
    from vacancy_cli.app.explore import DEFAULT_MAX_STATES, explore_scenario
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.report import documents

    path = export_path(export)
    given = servers(redis_url, postgres_url)
    loaded = call(lambda: load_scenario(scenario))
    with progress("exploring states", json_out) as bar:
        report = call(
            lambda: explore_scenario(
                loaded,
                strategy,
                max_states=DEFAULT_MAX_STATES if max_states is None else max_states,
                random_runs=random_runs,
                seed=seed,
                pct_depth=pct,
                on_progress=bar.update,
                pods=pods,
                servers=given,
                manager=manager,
            )
        )
    from vacancy_cli.render.explore import show_report

    title = f"{report.title}: every interleaving"
    page = path if path is not None and _lesson(path) else None
    emit(
        json_out,
        lambda: documents.exploration_report(report),
        lambda c: show_report(report, c),
        None if page else path,
        title,
    )
    if page is not None:  # the interactive page: each outcome's witness replayed for it
        from vacancy_cli.render import lesson

        scenario_run = loaded if pods is None else loaded.with_pods(pods)
        witnesses = call(lambda: _witnesses(report, scenario_run, strategy, given, manager))
        data = lesson.explore_data(documents.exploration_report(report), witnesses)
        call(lambda: lesson.save_lesson(page, title, data, theme()))


def _witnesses(
    report: Report, scenario: Scenario, names: list[str] | None, given: Servers, manager: str | None
) -> list[tuple[Exploration, list[tuple[dict[str, Any], Run]]]]:
    """Each outcome's witness replayed (``app.simulate.replay``), as a run document
    and a run: the explore document holds only the witness schedule."""
    from vacancy_cli.app.choose import strategies_for
    from vacancy_cli.app.simulate import replay
    from vacancy_cli.report import documents

    rows = {row.name: row for row in strategies_for(scenario, names, given, manager)}
    found = []
    for exp in report.explorations:
        runs = [replay(scenario, rows[exp.strategy], o.witness) for o in exp.outcomes]
        found.append((exp, [(documents.run(run), run) for run in runs]))
    return found


def _lesson(path: Path) -> bool:
    """``--export *.html`` of simulate and explore: the interactive page (play keeps
    the static transcript)."""
    return path.suffix.lower() == ".html"
