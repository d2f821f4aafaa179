"""Replay a scenario under each strategy and check every run.

This is the function behind ``vacancy simulate``: scenario in, checked
``Simulation`` out. It never prints; the CLI hands the result to render.
"""

from __future__ import annotations

from dataclasses import replace

from vacancy_cli.app.choose import strategies_for
from vacancy_cli.engine import stepper
from vacancy_cli.engine.runs import finish_run
from vacancy_cli.model.errors import ScheduleError
from vacancy_cli.model.result import Run, Simulation
from vacancy_cli.model.scenario import Scenario, parse_schedule, split_token
from vacancy_cli.model.strategies import NO_SERVERS, Servers, Strategy


def replay(scenario: Scenario, strategy: Strategy, schedule: tuple[str, ...]) -> Run:
    """Run ``schedule`` step by step, let the rest finish, and check the trace."""
    with stepper.schedule(scenario, strategy) as scheduler:
        for token in schedule:
            request_id, annotated = split_token(token)
            step = scheduler.step(request_id)
            if annotated is not None and annotated != step.action:
                raise ScheduleError(
                    f"schedule step {step.t} is annotated {token!r}, "
                    f"but that step of {request_id} was {step.action!r}"
                )
        scheduler.finish()
        return finish_run(scheduler, scenario.expect.get(strategy.name))


def run_scenario(
    scenario: Scenario,
    strategies: list[str] | None = None,
    schedule: str | None = None,
    pods: int | None = None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> Simulation:
    """Replay ``scenario`` under each strategy (default: the file's own list), and
    under ``manager`` (a user's ``FILE.py:Class``) when given.

    ``schedule`` replaces the file's schedule when given. Both are validated
    before anything runs, so a bad option never produces half a result. The
    file's ``[expect]`` holds for its own schedule and pods: another schedule
    or pod count is checked for violations only.
    """
    chosen = strategies_for(scenario, strategies, servers, manager)
    own = (scenario.schedule, scenario.pods)
    if pods is not None:
        scenario = scenario.with_pods(pods)
    order = scenario.schedule
    if schedule is not None:
        try:
            order = parse_schedule(schedule, scenario.request_ids)
        except ScheduleError as exc:
            raise ScheduleError(f"schedule {schedule!r}: {exc}") from None
    if (order, scenario.pods) != own:
        scenario = replace(scenario, expect={})
    return Simulation(
        scenario=scenario.name,
        title=scenario.title,
        lesson=scenario.lesson,
        stock=scenario.stock,
        schedule=order,
        runs=tuple(replay(scenario, strategy, order) for strategy in chosen),
    )
