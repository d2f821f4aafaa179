"""The ``play`` command: the learner is the scheduler (the loop is in ``interactive``)."""

from __future__ import annotations

from typing import Annotated

import typer

from vacancy_cli.cli.common import (
    ExportOpt,
    ManagerOpt,
    PostgresOpt,
    RedisOpt,
    ScenarioArg,
    call,
    console,
    export_path,
    fail,
    save,
    servers,
)
from vacancy_cli.model.strategies import STRATEGY_HELP


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
    manager: ManagerOpt = None,
    redis_url: RedisOpt = None,
    postgres_url: PostgresOpt = None,
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
    from vacancy_cli.app.choose import replay_option, strategy_for
    from vacancy_cli.app.play import Game
    from vacancy_cli.app.solve import solve
    from vacancy_cli.cli.interactive import play_loop
    from vacancy_cli.cli.presenter import ask_final_stock
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.render import play as render_play
    from vacancy_cli.render.presenter import show_prediction

    path = export_path(export)
    loaded = call(lambda: load_scenario(scenario))
    given = servers(redis_url, postgres_url)
    view = console(path)
    if solution:
        goal = loaded.goal
        if goal is None:
            fail(f"error: scenario {scenario!r} has no challenge, so no solution to show", 2)
        run = call(lambda: solve(loaded, goal, given))
        hint = call(lambda: replay_option(loaded, strategy_for(loaded, goal.strategy, given)))
        render_play.show_solution(goal, run, loaded.name, hint, view)
        save(view, path, f"{loaded.title}: solution")
        return
    game = call(lambda: Game(loaded, strategy, given, manager))
    try:
        guess = ask_final_stock(view, game.strategy.name) if predict else None
        last = play_loop(game, view)
        if last.run is not None:
            show_prediction(view, guess, last.run.final_stock)
    finally:
        game.close()
    save(view, path, f"{loaded.title}: played")
