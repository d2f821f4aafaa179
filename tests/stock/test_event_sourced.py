"""ADR future option 3: a single writer task serializes without a lock, and logs."""

from __future__ import annotations

import asyncio
import gc

import pytest

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock.event_sourced import EventSourcedStockManager

from helpers import YieldingHooks


def test_the_writer_decides_and_logs_every_decision() -> None:
    run = run_scenario(load_scenario("event-sourced"), ["event-sourced"]).runs[0]
    assert [(s.request, s.action) for s in run.steps] == [
        ("A", "read"),
        ("B", "read"),
        ("A", "write"),
        ("B", "rejected"),
    ]
    assert run.audit_log == ("#1 reserved 2 -> stock 1", "#2 rejected 2 -> stock 1")
    assert run.violations == ()


@pytest.mark.parametrize(
    "name", [n for n in bundled_names() if n not in ("threading-lock", "pods")]
)
def test_no_interleaving_loses_an_update_or_oversells(name: str) -> None:
    """Its claim: the single writer serializes every sale. Its reads are another matter:
    ``available()`` fills the cache outside the writer, so a sale can land between the
    read and the fill, and the cache scenarios find stale reads (the same as a lock)."""
    exploration = explore_scenario(load_scenario(name), ["event-sourced"]).explorations[0]
    assert exploration.complete
    assert all(set(o.violations) <= {ViolationKind.STALE_READ} for o in exploration.outcomes)


async def test_under_plain_asyncio_with_real_awaits() -> None:
    strategy = parse_strategy("event-sourced")
    manager = EventSourcedStockManager(100, YieldingHooks(), VirtualClock(), strategy)
    results = await asyncio.gather(*(manager.reserve(1) for _ in range(150)))
    assert manager.total == 0
    assert sum(granted for granted, _ in results) == 100
    assert len(manager.log) == 150
    manager.close()


def test_closing_leaves_no_pending_writer_behind(caplog: pytest.LogCaptureFixture) -> None:
    run_scenario(load_scenario("event-sourced"), ["event-sourced"], "A")
    explore_scenario(load_scenario("event-sourced"), ["event-sourced"])
    gc.collect()
    assert "Task was destroyed but it is pending" not in caplog.text


def test_show_log_prints_the_event_log() -> None:
    from typer.testing import CliRunner

    from vacancy_cli.cli.app import app

    result = CliRunner().invoke(app, ["simulate", "event-sourced", "--show-log"])
    assert result.exit_code == 0
    assert "Event log:" in result.stdout and "#2 rejected 2 -> stock 1" in result.stdout
    assert "(none keeps no event log)" in result.stdout


def test_reserve_shows_what_the_queue_costs() -> None:
    from vacancy_cli.live.load import run_load
    from vacancy_cli.live.options import LoadOptions

    result = run_load(LoadOptions(stock=300, requests=300, strategy="event-sourced"))
    assert result.final_stock == 0 and result.violations == ()
    assert result.lock_wait is not None  # every request waited for the writer's answer
    assert result.lock_acquisitions == 300
