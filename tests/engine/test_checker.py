"""The checker on hand-made traces: each invariant, and the steps it names."""

from __future__ import annotations

from vacancy_cli.engine.checker import check, check_totals, lost_tickets
from vacancy_cli.model.trace import Event, RequestResult, Step


def step(t: int, rid: str, stock: int, *events: Event) -> Step:
    return Step(t=t, request=rid, events=events, stock=stock)


def granted(*ids: str, qty: int = 1) -> tuple[RequestResult, ...]:
    return tuple(RequestResult(rid, "reserve", qty, True, 0) for rid in ids)


ADR_TRACE = (
    step(1, "A", 100, Event("read", 100)),
    step(2, "B", 100, Event("read", 100)),
    step(3, "A", 99, Event("write", 100, 99)),
    step(4, "B", 99, Event("write", 100, 99)),
)


def test_adr_trace_is_one_lost_update_naming_the_stale_read_and_the_overwrite() -> None:
    violations = check(100, ADR_TRACE, granted("A", "B"))
    assert [(v.kind, v.steps) for v in violations] == [("lost_update", (2, 4))]
    assert "B read 100 at t2" in violations[0].message
    assert "A's write at t3" in violations[0].message


def test_serial_trace_is_correct() -> None:
    trace = (
        step(1, "A", 100, Event("read", 100)),
        step(2, "A", 99, Event("write", 100, 99)),
        step(3, "B", 99, Event("read", 99)),
        step(4, "B", 98, Event("write", 99, 98)),
    )
    assert check(100, trace, granted("A", "B")) == ()


def test_oversell_names_the_grant_that_passed_the_stock() -> None:
    trace = (
        step(1, "A", 3, Event("read", 3)),
        step(2, "B", 3, Event("read", 3)),
        step(3, "A", 1, Event("write", 3, 1)),
        step(4, "B", 1, Event("write", 3, 1)),
    )
    kinds = {v.kind: v for v in check(3, trace, granted("A", "B", qty=2))}
    assert set(kinds) == {"lost_update", "oversell"}
    assert kinds["oversell"].steps == (4,)
    assert "4 tickets granted but only 3" in kinds["oversell"].message


def test_negative_stock_is_named_at_the_first_step_below_zero() -> None:
    trace = (
        step(1, "A", 1, Event("read", 1)),
        step(2, "A", -1, Event("write", 1, -1)),
    )
    violations = check(1, trace, granted("A", qty=2))
    negative = [v for v in violations if v.kind == "negative_stock"]
    assert negative and negative[0].steps == (2,)


def test_conservation_gap_without_a_stale_write_is_still_reported() -> None:
    # A grant with no write in the trace: the totals do not add up.
    trace = (step(1, "A", 10, Event("read", 10)),)
    violations = check(10, trace, granted("A"))
    assert [v.kind for v in violations] == ["lost_update"]
    assert "not conserved" in violations[0].message


def test_totals_check_for_live_runs() -> None:
    assert check_totals(1000, 0, 1000) == ()
    assert [v.kind for v in check_totals(1000, 999, 1000)] == ["lost_update"]
    assert [v.kind for v in check_totals(3, 1, 4)] == ["lost_update", "oversell"]
    assert lost_tickets(100, 99, 2) == 1
