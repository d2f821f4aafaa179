"""Replay a scenario under each strategy and check every run.

This is the function behind ``vacancy simulate``: scenario in, checked
``Simulation`` out. It never prints; the CLI hands the result to render.
"""

from __future__ import annotations

from dataclasses import replace

from vacancy_cli.engine.checker import check
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model import trace
from vacancy_cli.model.errors import ScheduleError
from vacancy_cli.model.scenario import Scenario, parse_schedule, split_token
from vacancy_cli.stock.base import parse_strategy, strategy_names


def replay(scenario: Scenario, strategy_name: str, schedule: tuple[str, ...]) -> trace.Run:
    """Run ``schedule`` step by step, let the rest finish, and check the trace."""
    strategy = parse_strategy(strategy_name)
    with Scheduler(
        scenario.stock, scenario.requests, strategy, scenario.step_ms, pods=scenario.pods
    ) as scheduler:
        for token in schedule:
            request_id, annotated = split_token(token)
            step = scheduler.step(request_id)
            if annotated is not None and annotated != step.action:
                raise ScheduleError(
                    f"schedule step {step.t} is annotated {token!r}, "
                    f"but that step of {request_id} was {step.action!r}"
                )
        scheduler.finish()
        steps = tuple(scheduler.steps)
        results = scheduler.results()
        final = scheduler.final_stock
        per_pod = not scheduler.shared_store
        log = tuple(entry for m in scheduler.managers for entry in m.audit_log())
    return trace.Run(
        strategy=strategy.name,
        initial_stock=scenario.stock,
        final_stock=final,
        expected_final_stock=scenario.expect.get(strategy.name),
        requests=results,
        steps=steps,
        violations=check(scenario.stock, steps, results, final, per_pod),
        audit_log=log,
        pods=scenario.pods,
    )


def run_scenario(
    scenario: Scenario,
    strategies: list[str] | None = None,
    schedule: str | None = None,
    pods: int | None = None,
) -> trace.Simulation:
    """Replay ``scenario`` under each strategy (default: the file's own list).

    ``schedule`` replaces the file's schedule when given. Both are validated
    before anything runs, so a bad option never produces half a result. The
    file's ``[expect]`` holds for its own schedule and pods: another schedule
    or pod count is checked for violations only.
    """
    names = strategy_names(strategies or scenario.strategies)
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
    return trace.Simulation(
        scenario=scenario.name,
        title=scenario.title,
        lesson=scenario.lesson,
        stock=scenario.stock,
        schedule=order,
        runs=tuple(replay(scenario, name, order) for name in names),
    )
