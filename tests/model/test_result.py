"""The one result model: violation kinds, and the one verdict."""

from __future__ import annotations

import pytest

from vacancy_cli.model.result import Outcome, Violation, ViolationKind, verdict

LOST, OVERSELL = ViolationKind.LOST_UPDATE, ViolationKind.OVERSELL
NEGATIVE, BLOCKED = ViolationKind.NEGATIVE_STOCK, ViolationKind.EVENT_LOOP_BLOCKED


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ([], "correct"),
        ([LOST], "lost update"),
        ([OVERSELL, LOST], "lost update, oversold"),  # in the enum's order, not the input's
        ([LOST, LOST, NEGATIVE], "lost update, negative stock"),  # each kind once
        ([BLOCKED], "event loop blocked"),
    ],
)
def test_one_verdict_for_kinds_and_violations_alike(broken: list[ViolationKind], said: str) -> None:
    assert verdict(broken) == said
    assert verdict(Violation(kind, (), "") for kind in broken) == said


def test_kinds_are_the_strings_the_json_and_scenario_files_use() -> None:
    assert [str(kind) for kind in ViolationKind] == [
        "lost_update",
        "oversell",
        "negative_stock",
        "event_loop_blocked",
        "deadlock",
        "exception",
        "stale_read",
    ]
    assert ViolationKind("oversell") is OVERSELL


def test_an_outcome_spells_its_witness_bare_and_annotated() -> None:
    outcome = Outcome(99, ("A", "B"), 4, (LOST,), ("A", "B", "A"), ("read", "read", "write"))
    assert outcome.bare == "A B A"
    assert outcome.annotated == "A:read B:read A:write"
    assert outcome.verdict == "lost update"
