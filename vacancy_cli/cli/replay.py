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
    QuietOpt,
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
from vacancy_cli.model.strategies import STRATEGIES

# The strategies whose breaks fail --check, named in its help from the table.
_CLAIMING = ", ".join(
    dict.fromkeys(
        ["asyncio-lock", "semaphore:1"]
        + [row.name for row in STRATEGIES.values() if row.claims_safety]
    )
)

if TYPE_CHECKING:  # types only: each command imports what it runs when it runs
    from vacancy_cli.app.gate import Failure
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
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="For CI: after the output, exit 1 with one line on stderr per failure: a "
            "run's final stock differs from the scenario's \\[expect], or a strategy that "
            f"claims safety breaks an invariant ({_CLAIMING}; with --pods, only a store the "
            "pods share and that guards itself; your --manager claims it too). A lesson's "
            "unsafe strategy losing an update is no failure.",
        ),
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Replay a scenario step by step under each strategy and check the result.

    Each step moves exactly one request to its next checkpoint (the await
    between reading and writing the stock), so a schedule such as "A B A B"
    reproduces the ADR's lost update every time.

    Examples:

      vacancy simulate lost-update

      vacancy simulate lost-update --strategy semaphore:2 --schedule "A,B,A,B"

      vacancy simulate my-scenario.toml --json

      vacancy simulate my-scenario.toml --check -q

    Exit status: 0 (without --check, whatever the runs broke); 1 when --check
    finds a failure; 2 for a bad option or scenario.
    """
    from vacancy_cli.app.simulate import plan, run_scenario
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.render import simulation as render
    from vacancy_cli.report import documents

    path = export_path(export)
    given = servers(redis_url, postgres_url)
    if json_out and (predict or step):
        fail("error: --predict and --step talk with the room; they cannot go with --json", 2)
    if quiet and (predict or step):
        fail("error: -q prints only the verdict line; it cannot go with --predict or --step", 2)
    loaded = call(lambda: load_scenario(scenario))
    result = call(lambda: run_scenario(loaded, strategy, schedule, pods, given, manager))
    quiet = quiet and not json_out  # --json wins: it is the whole answer already
    if json_out:
        print_json(documents.simulation(result))
    elif quiet:
        _say(render.verdict_line(result))
    view = console(path, quiet=json_out or quiet)
    if not (json_out or quiet):
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
    if check:
        from vacancy_cli.app.gate import check_simulation

        _gate(check_simulation(result))


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
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="For CI: after the output, exit 1 with one line on stderr per failure: a "
            "strategy that claims safety (as for simulate --check; your --manager claims it "
            "too) has an outcome that breaks an invariant (the line gives the witness to "
            "replay), the search stopped at --max-states (an incomplete search proves "
            "nothing), or no interleaving ends at the final stock the scenario's \\[expect] "
            "names. A --random sample fails only on what it found.",
        ),
    ] = False,
    quiet: QuietOpt = False,
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

      vacancy explore my-scenario.toml --manager my_fix.py --check -q

    Exit status: 0 (without --check, whatever the outcomes broke); 1 when
    --check finds a failure; 2 for a bad option or scenario.
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
    from vacancy_cli.render.explore import show_report, verdict_line

    title = f"{report.title}: every interleaving"
    page = path if path is not None and _lesson(path) else None
    emit(
        json_out,
        lambda: documents.exploration_report(report),
        lambda c: show_report(report, c),
        None if page else path,
        title,
        (lambda: verdict_line(report)) if quiet else None,
    )
    if page is not None:  # the interactive page: each outcome's witness replayed for it
        from vacancy_cli.render import lesson

        scenario_run = loaded if pods is None else loaded.with_pods(pods)
        witnesses = call(lambda: _witnesses(report, scenario_run, strategy, given, manager))
        data = lesson.explore_data(documents.exploration_report(report), witnesses)
        call(lambda: lesson.save_lesson(page, title, data, theme()))
    if check:
        from vacancy_cli.app.gate import check_report

        # [expect] holds for the file's own pod count only (as simulate's plan says)
        own = pods is None or pods == loaded.pods
        _gate(check_report(report, loaded.expect if own else None, pods or loaded.pods))


def _say(line: str) -> None:
    """One line on stdout (``-q``'s verdict), flushed while ``run_app`` can report a loss."""
    import sys

    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _gate(failures: list[Failure]) -> None:
    """``--check``'s end: one line on stderr per failure, and exit 1 if there is any."""
    from vacancy_cli.cli import streams
    from vacancy_cli.model.text import printable

    for failure in failures:
        streams.say(printable(f"check failed: {failure.line}"))
    if failures:
        raise typer.Exit(1)


# Witnesses replayed into an explore lesson page, per strategy: a few hundred outcomes
# would make a page of megabytes; the rest keep their replay command on the page.
WITNESS_RUNS = 100


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
        shown = exp.outcomes[:WITNESS_RUNS]
        runs = [replay(scenario, rows[exp.strategy], o.witness) for o in shown]
        found.append((exp, [(documents.run(run), run) for run in runs]))
    return found


def _lesson(path: Path) -> bool:
    """``--export *.html`` of simulate and explore: the interactive page (play keeps
    the static transcript)."""
    return path.suffix.lower() == ".html"
