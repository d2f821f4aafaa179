"""``vacancy play --json FILE``: what a learner did in one game, for the facilitator.

The other documents are built in ``documents.py``, whose ``KINDS`` table lists
the kinds the schema loader checks; this one is built here, with the same
``schema_version``, the same float rounding (``ROUND_TO``) and the same check
that its schema ships (``play.schema.json``, at import). Time is in seconds
(``_s``), as the key says.
"""

from __future__ import annotations

from typing import Any

from vacancy_cli.app.play import PlayRecord
from vacancy_cli.report.documents import ROUND_TO, SCHEMA_VERSION, violation
from vacancy_cli.report.schemas import SCHEMA_NAMES, check_kinds

KIND = "play"
check_kinds({KIND: "play"}, SCHEMA_NAMES)


def play_document(record: PlayRecord, source: str, seconds: float) -> dict[str, Any]:
    """``source``: the scenario as the learner gave it (a name or a path)."""
    view = record.view
    run = view.run
    goal = record.goal
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "scenario": record.scenario,
        "source": source,
        "title": record.title,
        "strategy": record.strategy,
        "actions": [
            {"action": a.kind, "request": a.request} if a.request else {"action": a.kind}
            for a in record.actions
        ],
        "moves": [a.request for a in record.actions if a.kind == "move"],
        "undos": sum(1 for a in record.actions if a.kind == "undo"),
        "restarts": sum(1 for a in record.actions if a.kind == "restart"),
        "schedule": [step.request for step in view.steps],
        "outcome": {
            "finished": run is not None,
            "stock": view.stock,
            "final_stock": run.final_stock if run else None,
            "granted": list(run.granted) if run else [],
            "verdict": run.verdict if run else None,
            "violations": [violation(v) for v in run.violations] if run else [],
        },
        "challenge": None
        if goal is None
        else {
            "text": goal.text,
            "strategy": goal.strategy,
            "possible": view.goal_possible,
            "met": record.met_with is not None,
            "steps": len(record.met_with) if record.met_with is not None else None,
            "schedule": list(record.met_with) if record.met_with is not None else None,
        },
        "hints_used": record.hints_used,
        "hints_available": record.hints_available,
        "time_s": round(seconds, ROUND_TO),
    }
