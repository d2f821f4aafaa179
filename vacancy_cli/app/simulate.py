"""Replay a scenario under each strategy and check every run.

This is the function behind ``vacancy simulate``: scenario in, checked
``Simulation`` out. It never prints; the CLI hands the result to render.
``briefing`` gathers what the room needs to know before it predicts (the
stock, the requests, the schedule, each strategy's code), for ``simulate
--predict`` and ``play --predict`` alike.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace

from vacancy_cli.app.choose import strategies_for
from vacancy_cli.engine import stepper
from vacancy_cli.engine.runs import finish_run
from vacancy_cli.model.errors import ScheduleError, VacancyError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.result import Run, Simulation
from vacancy_cli.model.scenario import Scenario, parse_schedule, split_token
from vacancy_cli.model.strategies import NO_SERVERS, OWN, Servers, Strategy
from vacancy_cli.stock import manager_class
from vacancy_cli.stock.own import load


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


@dataclass(frozen=True)
class Plan:
    """What a simulation will run, checked before anything runs.

    ``scenario`` has the pods asked for; its ``expect`` is emptied and its
    ``lesson`` too when the run is not the file's own (another schedule, pod
    count or set of strategies): the file's numbers and words describe its own
    run only, and would contradict the tables of another.
    """

    scenario: Scenario
    strategies: tuple[Strategy, ...]
    schedule: tuple[str, ...]


def plan(
    scenario: Scenario,
    strategies: list[str] | None = None,
    schedule: str | None = None,
    pods: int | None = None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> Plan:
    """The strategies (default: the file's own list, and ``manager``, a user's
    ``FILE.py:Class``, when given), the schedule (``schedule`` replaces the
    file's) and the pods, all validated, so a bad option never produces half a
    result."""
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
        scenario = replace(scenario, expect={}, lesson="")
    elif (strategies or manager) and _names(chosen) != _names(
        strategies_for(scenario, None, servers)
    ):
        scenario = replace(scenario, lesson="")
    return Plan(scenario, tuple(chosen), order)


def _names(rows: Sequence[Strategy]) -> set[str]:
    return {row.name for row in rows}


def run_plan(chosen: Plan) -> Simulation:
    """Replay the plan's scenario under each of its strategies."""
    scenario = chosen.scenario
    return Simulation(
        scenario=scenario.name,
        title=scenario.title,
        lesson=scenario.lesson,
        stock=scenario.stock,
        schedule=chosen.schedule,
        runs=tuple(replay(scenario, strategy, chosen.schedule) for strategy in chosen.strategies),
    )


def run_scenario(
    scenario: Scenario,
    strategies: list[str] | None = None,
    schedule: str | None = None,
    pods: int | None = None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> Simulation:
    """Replay ``scenario`` under each strategy (see ``plan``). The file's
    ``[expect]`` and lesson hold for its own run: another schedule or pod count
    is checked for violations only, and other strategies get no lesson."""
    return run_plan(plan(scenario, strategies, schedule, pods, servers, manager))


@dataclass(frozen=True)
class StrategyBrief:
    """A strategy as the room meets it before predicting: its row's summary and the
    code of its ``reserve`` ("" when the source cannot be read)."""

    name: str
    summary: str
    code: str


@dataclass(frozen=True)
class Briefing:
    """The context of a prediction: without it "predict the final stock under none"
    is a riddle. ``schedule`` is None when the learner schedules (``play``)."""

    title: str
    stock: int
    pods: int
    requests: tuple[RequestSpec, ...]
    schedule: tuple[str, ...] | None
    strategies: tuple[StrategyBrief, ...]

    def pod_of(self, index: int) -> int:
        """The pod (from 0) serving the ``index``-th request: its own, or round robin."""
        spec = self.requests[index]
        return spec.pod if spec.pod is not None else index % self.pods


def briefing(
    scenario: Scenario,
    strategies: Sequence[Strategy],
    schedule: tuple[str, ...] | None = None,
) -> Briefing:
    """What to show before asking for predictions about ``strategies``."""
    return Briefing(
        title=scenario.title,
        stock=scenario.stock,
        pods=scenario.pods,
        requests=scenario.requests,
        schedule=schedule,
        strategies=tuple(
            StrategyBrief(row.name, row.summary, reserve_source(row)) for row in strategies
        ),
    )


def reserve_source(strategy: Strategy) -> str:
    """The source of the ``reserve`` a strategy runs, dedented; "" if it cannot be read
    (a class made in a REPL, a function factory)."""
    try:
        if strategy.store == OWN:
            owner: object = load(strategy.variant).factory
        else:
            owner = manager_class(strategy)
        method = getattr(owner, "reserve", None)
        if method is None:
            return ""
        return textwrap.dedent(inspect.getsource(method)).rstrip()
    except (OSError, TypeError, ImportError, VacancyError):
        return ""
