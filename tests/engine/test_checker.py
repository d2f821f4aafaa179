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


def reads(*ids: str) -> tuple[RequestResult, ...]:
    return tuple(RequestResult(rid, "available", 0, None, 10) for rid in ids)


# The stale-cache lesson's trace: R1 reads 10, A sells one, R1 caches the old 10,
# and R2 is told 10 from the cache while the stock is 9.
STALE_TRACE = (
    step(1, "R1", 10, Event("read", 10)),
    step(2, "A", 10, Event("read", 10)),
    step(3, "A", 9, Event("write", 10, 9)),
    step(4, "R1", 9, Event("caches", 10)),
    step(5, "R2", 9, Event("cache_hit", 10, 100)),
)


def test_a_cache_hit_that_is_no_longer_the_stock_is_a_stale_read() -> None:
    violations = check(10, STALE_TRACE, granted("A") + reads("R1", "R2"))
    assert [(v.kind, v.steps) for v in violations] == [("stale_read", (4, 5))]
    assert violations[0].message == (
        "stale read: R2 was told 10 from the cache at t5 (cached by R1 at t4), but the stock was 9"
    )


def test_a_cache_hit_that_matches_the_stock_is_no_violation() -> None:
    trace = (
        step(1, "R1", 10, Event("read", 10)),
        step(2, "R1", 10, Event("caches", 10)),
        step(3, "R2", 10, Event("cache_hit", 10, 100)),
        step(4, "A", 10, Event("read", 10)),
        step(5, "A", 9, Event("write", 10, 9)),
    )
    assert check(10, trace, granted("A") + reads("R1", "R2")) == ()


def test_every_stale_hit_is_its_own_violation_and_a_hit_without_a_fill_names_only_itself() -> None:
    trace = (
        step(1, "R2", 9, Event("cache_hit", 10, 100)),
        step(2, "R3", 9, Event("cache_hit", 10, 200)),
    )
    violations = check(9, trace, reads("R2", "R3"))
    assert [(v.kind, v.steps) for v in violations] == [("stale_read", (1,)), ("stale_read", (2,))]
    assert "cached by" not in violations[0].message


def test_the_fill_named_is_the_one_of_the_hit_s_own_pod() -> None:
    trace = (
        Step(1, "R1", (Event("caches", 10),), 10, pod=0),
        Step(2, "R9", (Event("caches", 7),), 7, pod=1),
        Step(3, "R2", (Event("cache_hit", 10, 100),), 9, pod=0),
    )
    violations = check(10, trace, reads("R1", "R9", "R2"), final=9, per_pod=True)
    stale = [v for v in violations if v.kind == "stale_read"]
    assert [v.steps for v in stale] == [(1, 3)]
    assert "cached by R1 at t1" in stale[0].message


def test_stale_reads_come_after_the_totals_breaks() -> None:
    trace = (*ADR_TRACE, step(5, "R", 99, Event("cache_hit", 100, 0)))
    kinds = [v.kind for v in check(100, trace, granted("A", "B") + reads("R"))]
    assert kinds == ["lost_update", "stale_read"]
