"""``vacancy play``: the learner is the scheduler.

A ``Game`` holds the moves made so far and a scheduler standing after them.
Undo and restart replay the moves on a fresh scheduler: replays are exact, so
going back costs a few steps and can never drift. The game answers questions
(what can move, where is each request parked, is it over, was the challenge
met, is it possible at all, what is the next hint) and never prints: the CLI
asks the learner and render draws the view. It also keeps what the learner did
(every move, undo, restart and hint), which ``play --json`` hands to a
facilitator as a ``PlayRecord``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from vacancy_cli.app.choose import strategy_for
from vacancy_cli.app.solve import impossible
from vacancy_cli.engine.runs import finish_run
from vacancy_cli.engine.scheduler import State
from vacancy_cli.engine.stepper import Stepper, schedule
from vacancy_cli.model import trace
from vacancy_cli.model.errors import VacancyError
from vacancy_cli.model.goal import Goal
from vacancy_cli.model.requests import AVAILABLE
from vacancy_cli.model.result import Run
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import NO_SERVERS, Servers

# States play explores when it starts, to prove a challenge impossible; past it the
# game starts anyway and says nothing (a proof that costs a minute is not worth it).
PROOF_STATES = 50_000

MOVE, UNDO, RESTART, HINT = "move", "undo", "restart", "hint"


class IllegalMove(VacancyError):
    """A move the game cannot make; the message is a hint for the learner."""


@dataclass(frozen=True)
class RequestView:
    id: str
    op: str
    qty: int
    state: str  # not started | parked | waiting | done
    file: str | None  # where it is parked in the strategy's source: the file
    line: int | None  # and the line
    seen: int | None  # the last stock value it read
    granted: bool | None
    returned: int | None


@dataclass(frozen=True)
class SourceBlock:
    """One method of the strategy, as its real source, with its first line number."""

    name: str
    file: str
    start: int
    code: str


@dataclass(frozen=True)
class PlayView:
    title: str
    strategy: str
    stock: int
    requests: tuple[RequestView, ...]
    steps: tuple[trace.Step, ...]
    options: tuple[str, ...]
    run: Run | None  # the checked run, once every request has finished
    goal: Goal | None
    goal_met: bool
    source: tuple[SourceBlock, ...]
    goal_possible: bool = True  # False: every schedule was explored and none meets it
    other_goal: Goal | None = None  # the scenario's challenge, when it is for another strategy

    @property
    def finished(self) -> bool:
        return self.run is not None


@dataclass(frozen=True)
class Action:
    """One thing the learner did: a move (with its request), an undo (with the
    request it took back), a restart, or a hint asked for."""

    kind: str
    request: str | None = None


@dataclass(frozen=True)
class PlayRecord:
    """What a learner did in one game, for ``play --json``: the facilitator's view."""

    scenario: str
    title: str
    strategy: str
    actions: tuple[Action, ...]
    view: PlayView  # the board as the game ended
    goal: Goal | None  # the challenge played (None when there is none, or it was dropped)
    met_with: tuple[str, ...] | None  # the first schedule that met it, if any did
    hints_used: int
    hints_available: int


class Game:
    def __init__(
        self,
        scenario: Scenario,
        strategy: str | None = None,
        servers: Servers = NO_SERVERS,
        manager: str | None = None,
    ) -> None:
        goal = scenario.goal
        self.scenario = scenario
        self.strategy = strategy_for(scenario, strategy, servers, manager)
        challenged = goal and strategy_for(scenario, goal.strategy, servers) == self.strategy
        self.goal = goal if challenged else None
        self.other_goal = None if challenged else goal  # shown: "the challenge is for ..."
        self.moves: list[str] = []
        self.actions: list[Action] = []
        self.hints_used = 0
        self.met_with: tuple[str, ...] | None = None
        self.possible = self.goal is None or not impossible(
            scenario, self.goal, servers, max_states=PROOF_STATES
        )
        self._scheduler = self._replay()

    @property
    def hints(self) -> tuple[str, ...]:
        """The scenario's graded hints: they are about its challenge, so none without it."""
        return self.scenario.hints if self.goal is not None else ()

    def _replay(self) -> Stepper:
        scheduler = schedule(self.scenario, self.strategy)
        for rid in self.moves:
            scheduler.step(rid)
        return scheduler

    def move(self, request_id: str) -> trace.Step:
        """Give one step to ``request_id``; only runnable requests may move."""
        ids = self.scenario.request_ids
        if request_id not in ids:
            raise IllegalMove(f"there is no request {request_id!r}: choose one of {', '.join(ids)}")
        state = self._scheduler.state(request_id)
        if state is State.DONE:
            raise IllegalMove(f"{request_id} has already finished")
        if state is State.WAITING:
            raise IllegalMove(
                f"{request_id} is waiting for the lock: it can move once the holder releases it"
            )
        step = self._scheduler.step(request_id)
        self.moves.append(request_id)
        self.actions.append(Action(MOVE, request_id))
        self._note_goal()
        return step

    def _note_goal(self) -> None:
        """Remember the first schedule that met the challenge (an undo cannot take it back)."""
        if self.goal is None or not self.possible or self.met_with is not None:
            return
        if self._scheduler.finished and self.goal.met_by(finish_run(self._scheduler)):
            self.met_with = tuple(self.moves)

    def undo(self) -> None:
        if not self.moves:
            raise IllegalMove("nothing to undo: no request has moved yet")
        self.actions.append(Action(UNDO, self.moves.pop()))
        self._restart_scheduler()

    def restart(self) -> None:
        self.moves.clear()
        self.actions.append(Action(RESTART))
        self._restart_scheduler()

    def next_hint(self) -> tuple[int, str] | None:
        """The next graded hint, numbered from 1; None once every hint has been given."""
        if self.hints_used >= len(self.hints):
            return None
        self.hints_used += 1
        self.actions.append(Action(HINT))
        return self.hints_used, self.hints[self.hints_used - 1]

    def _restart_scheduler(self) -> None:
        self._scheduler.close()
        self._scheduler = self._replay()

    def close(self) -> None:
        self._scheduler.close()

    def record(self) -> PlayRecord:
        return PlayRecord(
            scenario=self.scenario.name,
            title=self.scenario.title,
            strategy=self.strategy.name,
            actions=tuple(self.actions),
            view=self.view(),
            goal=self.goal,
            met_with=self.met_with,
            hints_used=self.hints_used,
            hints_available=len(self.hints),
        )

    def view(self) -> PlayView:
        scheduler = self._scheduler
        steps = tuple(scheduler.steps)
        results = {r.id: r for r in scheduler.results()}
        run = finish_run(scheduler, self._expected) if scheduler.finished else None
        met = bool(run and self.goal and self.possible and self.goal.met_by(run))
        return PlayView(
            title=self.scenario.title,
            strategy=self.strategy.name,
            stock=scheduler.stock,
            requests=tuple(self._request(rid, steps, results) for rid in self.scenario.request_ids),
            steps=steps,
            options=tuple(scheduler.runnable()),
            run=run,
            goal=self.goal,
            goal_met=met,
            source=self.source(),
            goal_possible=self.possible,
            other_goal=self.other_goal,
        )

    def _request(
        self, rid: str, steps: tuple[trace.Step, ...], results: dict[str, trace.RequestResult]
    ) -> RequestView:
        spec = next(s for s in self.scenario.requests if s.id == rid)
        state = self._scheduler.state(rid)
        reads = [s.seen for s in steps if s.request == rid and s.has(trace.READ)]
        done = state is State.DONE
        where = parked_at(self._scheduler, rid, {block.file for block in self.source()})
        return RequestView(
            id=rid,
            op=spec.op,
            qty=spec.qty,
            state=state.value,
            file=where[0] if where else None,
            line=where[1] if where else None,
            seen=reads[-1] if reads else None,
            granted=results[rid].granted if done else None,
            returned=results[rid].returned if done else None,
        )

    @property
    def _expected(self) -> int | None:
        return self.scenario.expect.get(self.strategy.name)

    def source(self) -> tuple[SourceBlock, ...]:
        """The strategy's own methods this scenario runs, read from its source file."""
        manager = type(self._scheduler.managers[0])
        names = ["reserve"] + (
            ["available"] if any(r.op == AVAILABLE for r in self.scenario.requests) else []
        )
        blocks = []
        for name in names:
            method = getattr(manager, name)
            lines, start = inspect.getsourcelines(method)
            file = inspect.getsourcefile(method) or ""
            owner = method.__qualname__.split(".")[0]
            blocks.append(SourceBlock(f"{owner}.{name}", file, start, "".join(lines)))
        return tuple(blocks)


def parked_at(scheduler: Stepper, request_id: str, files: set[str]) -> tuple[str, int] | None:
    """The file and line of the strategy's source where a started, unfinished
    request is parked: the innermost frame of its real await chain that is in
    one of ``files`` (the files of the methods ``source`` shows).
    """
    found = None
    link: object = scheduler.coroutine(request_id)
    while link is not None:
        frame = getattr(link, "cr_frame", None) or getattr(link, "ag_frame", None)
        if frame is not None and frame.f_code.co_filename in files:
            found = (frame.f_code.co_filename, frame.f_lineno)
        link = getattr(link, "cr_await", None) or getattr(link, "ag_await", None)
    return found
