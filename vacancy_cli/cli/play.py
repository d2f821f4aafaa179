"""The ``play`` command: the learner is the scheduler (the loop is in ``interactive``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from vacancy_cli.cli.completion import complete_one_strategy
from vacancy_cli.model.strategies import ONE_STRATEGY_HELP

if TYPE_CHECKING:
    from vacancy_cli.app.play import PlayRecord


def play(
    scenario: ScenarioArg,
    strategy: Annotated[
        str | None,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            autocompletion=complete_one_strategy,
            help=f"Strategy to play against. One of: {ONE_STRATEGY_HELP}. Default: the one the "
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
    json_file: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="FILE",
            help="Also write what the learner did to FILE as one JSON document (kind play, "
            "schema play.schema.json): every move, undo, restart and hint, the outcome, "
            "whether the challenge was met and in how many steps, and the time taken. The "
            "screen stays the game's, so unlike other commands --json takes a file.",
        ),
    ] = None,
) -> None:
    """Be the scheduler: choose which request moves next, step by step.

    Each turn shows the stock, every request's state, the strategy's real source
    code with the line each request is parked on, and the timeline so far, fitted
    to the terminal (80 x 40 is enough for every bundled scenario). Type a
    request's id to move it; u undoes, r restarts, hint gives the next of the
    challenge's hints, h helps, q quits. Scenarios with a challenge say when you
    have met it and in how many steps, and say at once when no schedule can.

    Examples:

      vacancy play lost-update

      vacancy play fairness --strategy asyncio-lock

      vacancy play lost-update --solution

      vacancy play lost-update --json result.json
    """
    import shlex
    import time

    from vacancy_cli.app.choose import replay_option, strategy_for
    from vacancy_cli.app.play import Game
    from vacancy_cli.app.solve import solve
    from vacancy_cli.cli.course import record as record_progress
    from vacancy_cli.cli.interactive import play_loop
    from vacancy_cli.cli.presenter import ask_final_stock, show_context
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.render import play as render_play
    from vacancy_cli.render.presenter import show_prediction

    path = export_path(export)
    record_to = json_path(json_file)
    loaded = call(lambda: load_scenario(scenario))
    given = servers(redis_url, postgres_url)
    ref = shlex.quote(scenario)  # as given: a path stays a path when the command is pasted
    view = console(path)
    if solution:
        goal = loaded.goal
        if goal is None:
            fail(f"error: scenario {scenario!r} has no challenge, so no solution to show", 2)
        run = call(lambda: solve(loaded, goal, given))
        hint = call(lambda: replay_option(loaded, strategy_for(loaded, goal.strategy, given)))
        render_play.show_solution(goal, run, ref, hint, view)
        save(view, path, f"{loaded.title}: solution")
        return
    game = call(lambda: Game(loaded, strategy, given, manager))
    started = time.monotonic()
    try:
        if predict:
            show_context(view, game.scenario, [game.strategy])
        guess = ask_final_stock(view, game.strategy.name) if predict else None
        last = call(lambda: play_loop(game, view, ref))
        if last.run is not None:
            show_prediction(view, guess, last.run.final_stock)
        seconds = time.monotonic() - started
        played = game.record()
        met = played.met_with  # kept through a later undo or restart: met is met
        if loaded.bundled and (last.run is not None or met is not None):  # the course
            # A challenge proved impossible (lock-wait's: the lock forbids it) is done
            # once played to the end: seeing why is the lesson, and the course moves on.
            done = met is not None or (last.goal is not None and not last.goal_possible)
            record_progress(loaded.name, done, len(met or last.steps))
        if record_to is not None:
            write_record(record_to, played, scenario, seconds)
    finally:
        game.close()
    save(view, path, f"{loaded.title}: played")


def json_path(text: str | None) -> Path | None:
    """``--json FILE``, checked before the game starts: a typo costs no game."""
    if not text:
        return None
    path = Path(text)
    if path.is_dir():
        fail(f"error: --json {text}: is a folder, not a file", 2)
    if not path.parent.is_dir():
        fail(f"error: --json {text}: folder {str(path.parent)!r} does not exist", 2)
    return path


def write_record(path: Path, record: PlayRecord, ref: str, seconds: float) -> None:
    """The play document, written whole or not at all (a temporary file, renamed)."""
    import json

    from vacancy_cli.app.files import write_whole
    from vacancy_cli.report.play_result import play_document

    text = json.dumps(play_document(record, ref, seconds), indent=2) + "\n"
    try:
        write_whole(path, text)
    except OSError as exc:
        fail(f"error: --json {path}: cannot write: {exc.strerror or exc}", 2)
