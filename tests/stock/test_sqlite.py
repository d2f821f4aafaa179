"""ADR alternative 3 on a real SQLite database: the naive pair of statements races,
the conditional update does not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario, load_scenario
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock.sqlite import SqliteStockManager

from reference_model import Model


def test_the_naive_statements_lose_the_adrs_update_across_connections() -> None:
    run = run_scenario(load_scenario("sqlite"), ["sqlite-naive"]).runs[0]
    assert [(s.request, s.action, s.stock) for s in run.steps] == [
        ("A", "read", 100),
        ("B", "read", 100),
        ("A", "write", 99),
        ("B", "write", 99),
    ]
    assert [(v.kind, v.steps) for v in run.violations] == [("lost_update", (2, 4))]


def test_the_conditional_update_is_one_step_per_request_and_correct() -> None:
    run = run_scenario(load_scenario("sqlite"), ["sqlite-conditional"]).runs[0]
    assert [s.action for s in run.steps[:2]] == ["write", "write"]
    assert run.final_stock == 98 and run.violations == ()


def test_the_conditional_update_rejects_what_is_not_there() -> None:
    run = run_scenario(load_scenario("oversell"), ["sqlite-conditional"]).runs[0]
    assert [r.granted for r in run.requests] == [True, False]
    assert run.final_stock == 1


@pytest.mark.parametrize("name", ["lost-update", "three-way", "oversell", "bulk-orders"])
def test_the_conditional_update_never_violates_anything_exhaustively(name: str) -> None:
    exploration = explore_scenario(load_scenario(name), ["sqlite-conditional"]).explorations[0]
    assert exploration.complete and exploration.violating == ()


def test_the_naive_statements_behave_like_the_unlocked_model() -> None:
    scenario = load_scenario("three-way")
    ours = explore_scenario(scenario, ["sqlite-naive"]).explorations[0].outcomes
    memory = explore_scenario(scenario, ["none"]).explorations[0].outcomes
    assert Counter({(o.final_stock, o.schedules) for o in ours}) == Counter(
        {(o.final_stock, o.schedules) for o in memory}
    )
    schedule = ["A", "B", "C", "A", "B", "C"]
    model = Model.of(100, [("A", 1), ("B", 1), ("C", 1)], None).run(schedule)
    run = run_scenario(scenario, ["sqlite-naive"], " ".join(schedule)).runs[0]
    assert (run.final_stock, tuple(r.id for r in run.requests if r.granted)) == model


def test_the_database_is_real_and_removed_on_close() -> None:
    requests = (RequestSpec("A"), RequestSpec("B"))
    scheduler = Scheduler(10, requests, parse_strategy("sqlite-conditional"))
    manager = scheduler.manager
    assert isinstance(manager, SqliteStockManager)
    database: Path = manager.path
    scheduler.finish()
    with manager.connect() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT qty FROM stock").fetchone()[0] == 8
    scheduler.close()
    assert not database.exists()


def test_a_database_that_cannot_be_set_up_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from vacancy_cli.live.hooks import LiveHooks
    from vacancy_cli.model.clock import VirtualClock

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    hooks = LiveHooks(1, 0.0, False)
    with pytest.raises(OverflowError):  # past what SQLite holds: options refuse it first
        SqliteStockManager(2**64, hooks, VirtualClock(), parse_strategy("sqlite-naive"))
    assert list(tmp_path.iterdir()) == []


def test_larger_quantities_oversell_through_the_database_too() -> None:
    scenario = Scenario(
        "s",
        "s",
        "",
        3,
        ("sqlite-naive",),
        (),
        (RequestSpec("A", 2), RequestSpec("B", 2)),
        {},
        100,
        "t",
    )
    run = run_scenario(scenario, schedule="A B A B").runs[0]
    assert {v.kind for v in run.violations} == {"lost_update", "oversell"}


def test_no_place_for_the_database_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    from typer.testing import CliRunner

    from vacancy_cli.cli.app import app

    monkeypatch.setattr(tempfile, "tempdir", "/nonexistent/vacancy")
    result = CliRunner().invoke(app, ["simulate", "sqlite"])
    assert result.exit_code == 2
    assert "cannot make a folder for the SQLite database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_database_lost_mid_run_is_a_server_error() -> None:
    import shutil

    from vacancy_cli.model.errors import ServerError

    requests = (RequestSpec("A"), RequestSpec("B"))
    scheduler = Scheduler(10, requests, parse_strategy("sqlite-naive"))
    manager = scheduler.manager
    assert isinstance(manager, SqliteStockManager)
    scheduler.step("A")
    shutil.rmtree(manager.folder)
    with pytest.raises(ServerError, match="failed"):
        scheduler.step("B")
    scheduler.close()


def test_all_means_every_strategy_and_the_servers_given() -> None:
    from vacancy_cli.model.strategies import ALL_STRATEGIES, Servers, strategy_names

    assert strategy_names(["all"]) == list(ALL_STRATEGIES)
    servers = Servers(redis="redis://127.0.0.1:6379/0")
    assert strategy_names(["none", "all"], servers)[-2:] == ["redis-lua", "redis-naive"]
