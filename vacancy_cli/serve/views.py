"""The JSON the pages read: the catalogue, a learner's board, the facilitator's tally.

The timeline reuses ``report.documents``' shapes: a finished game is a run
document (``documents.run``, what ``simulate --json`` prints for one
strategy), and the steps of a game in progress are that document's steps.
No server path reaches the browser: the strategy's source is shown with its
method names and line numbers, never its file.
"""

from __future__ import annotations

from typing import Any

from vacancy_cli.app.explain import explain
from vacancy_cli.app.play import Game, PlayView
from vacancy_cli.app.words import step_rows
from vacancy_cli.report import documents
from vacancy_cli.serve.room import Learner, Room

Document = dict[str, Any]


def catalogue(room: Room) -> Document:
    """Every lesson of the room in course order, and which one the room is on."""
    return {
        "current": room.current,
        "need_code": room.need_code,
        "lessons": [
            {
                "index": i,
                "name": lesson.scenario.name,
                "title": lesson.scenario.title,
                "strategy": lesson.strategy,
                "challenge": lesson.scenario.goal.text if lesson.scenario.goal else None,
            }
            for i, lesson in enumerate(room.lessons)
        ],
    }


def board(room: Room, learner: Learner, game: Game, note: str | None = None) -> Document:
    """One learner's game as the page draws it; ``note``: a hint or what was wrong."""
    view = game.view()
    learner.finished = view.finished
    scenario = game.scenario
    qty = {spec.id: spec.qty for spec in scenario.requests}
    return {
        "lesson": learner.lesson,
        "name": scenario.name,
        "title": scenario.title,
        "text": scenario.lesson,
        "strategy": view.strategy,
        "initial_stock": scenario.stock,
        "stock": view.stock,
        "prediction": learner.prediction,
        "can_predict": not game.actions,
        "requests": [_request(r) for r in view.requests],
        "options": list(view.options),
        "steps": [documents.step(s) for s in view.steps],
        # each step in the terminal's words, and the row a violation happened on
        "rows": step_rows(view.steps, qty, game.strategy.guard_noun, view.run),
        "finished": view.finished,
        "run": documents.run(view.run) if view.run is not None else None,
        "explanation": list(explain(view.run)) if view.run is not None else [],
        "challenge": _challenge(game, view),
        "hints_used": game.hints_used,
        "hints_available": len(game.hints),
        "source": [
            {"name": block.name, "start": block.start, "code": block.code} for block in view.source
        ],
        "note": note,
    }


def _request(request: Any) -> Document:
    return {
        "id": request.id,
        "op": request.op,
        "qty": request.qty,
        "state": request.state,
        "line": request.line,
        "seen": request.seen,
        "granted": request.granted,
        "returned": request.returned,
    }


def _challenge(game: Game, view: PlayView) -> Document | None:
    goal = view.goal
    if goal is None:
        other = view.other_goal
        return None if other is None else {"text": other.text, "for": other.strategy}
    return {
        "text": goal.text,
        "strategy": goal.strategy,
        "possible": view.goal_possible,
        "met_now": view.goal_met,
        "met": game.met_with is not None,
        "met_with": list(game.met_with) if game.met_with is not None else None,
    }


def facilitator(room: Room) -> Document:
    """The current lesson's predictions against every outcome its strategy can reach."""
    index = room.current
    lesson = room.lessons[index]
    return {
        "lesson": index,
        "lessons": len(room.lessons),
        "name": lesson.scenario.name,
        "title": lesson.scenario.title,
        "strategy": lesson.strategy,
        "challenge": lesson.scenario.goal.text if lesson.scenario.goal else None,
        "code": room.code,
        "outcomes": room.outcomes(index),
        **room.tally(),
    }
