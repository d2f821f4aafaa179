"""The deadlock lesson (scenarios/16-deadlock.toml and its manager, 16-deadlock.py)."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.app.solve import solve
from vacancy_cli.cli.app import app
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import bundled_names, catalogue_dir, load_scenario

MANAGER = "16-deadlock.py:TwoLockStockManager"
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, list(args), input=stdin, env={"COLUMNS": "100", "NO_COLOR": "1"}
    )
    return result.exit_code, " ".join(result.stdout.split())


def manager_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "deadlock_lesson", catalogue_dir() / "16-deadlock.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_is_the_last_lesson_and_runs_its_own_manager_alone() -> None:
    assert bundled_names()[-1] == "deadlock"
    scenario = load_scenario("deadlock")
    assert scenario.manager is not None and scenario.manager.endswith(MANAGER)
    assert scenario.strategies == (MANAGER,)
    assert scenario.goal is not None and scenario.goal.violation == ViolationKind.DEADLOCK
    assert "global lock order" in " ".join(scenario.lesson.split())


def test_simulate_shows_the_deadlock_on_the_files_schedule() -> None:
    (run,) = run_scenario(load_scenario("deadlock")).runs
    assert run.strategy == MANAGER
    assert [(s.request, s.action) for s in run.steps] == [
        ("A", "runs"),
        ("B", "runs"),
        ("A", "waits"),
        ("B", "waits"),
    ]
    assert [v.kind for v in run.violations] == [ViolationKind.DEADLOCK]
    assert run.verdict == "deadlock"
    assert (run.final_stock, run.granted) == (10, ())
    assert run.meets_expectation


def test_a_serial_schedule_sells_both_orders() -> None:
    (run,) = run_scenario(load_scenario("deadlock"), schedule="A A B B").runs
    assert run.violations == ()
    assert (run.final_stock, run.granted) == (4, ("A", "B"))


def test_explore_finds_the_deadlock_with_a_witness_that_replays_to_it() -> None:
    (exploration,) = explore_scenario(load_scenario("deadlock")).explorations
    assert exploration.complete
    assert (exploration.violating_schedules, exploration.schedules) == (4, 6)
    (stuck,) = exploration.violating
    assert stuck.violations == (ViolationKind.DEADLOCK,)
    assert stuck.bare == "A B A B"
    assert stuck.annotated == "A:runs B:runs A:waits B:waits"
    (replayed,) = run_scenario(load_scenario("deadlock"), schedule=stuck.bare).runs
    assert [v.kind for v in replayed.violations] == [ViolationKind.DEADLOCK]
    assert exploration.witness_run is not None and exploration.witness_run.final_stock == 10


def test_the_challenge_has_a_solution() -> None:
    scenario = load_scenario("deadlock")
    assert scenario.goal is not None
    run = solve(scenario, scenario.goal)
    assert run is not None and scenario.goal.met_by(run)
    assert " ".join(s.request for s in run.steps) == "A B A B"


def test_the_commands_show_it() -> None:
    code, out = invoke("simulate", "deadlock")
    assert code == 0 and "← deadlock" in out and "A, B wait for each other" in out
    code, out = invoke("explore", "deadlock")
    assert code == 0 and "4 of 6 interleavings deadlock" in out and "witness: A B A B" in out
    code, out = invoke("play", "deadlock", "--solution")
    assert code == 0 and "A shortest solution under" in out and "A B A B" in out
    code, out = invoke("play", "deadlock", stdin="A\nB\nA\nB\nq\n")
    assert code == 0 and "Challenge met in 4 steps" in out


async def test_the_manager_is_plain_asyncio_and_really_deadlocks() -> None:
    stock = manager_module().TwoLockStockManager(10)
    assert await stock.reserve(1) == (True, 9)  # one at a time, it is correct
    assert await stock.reserve(5) == (True, 4)
    assert await stock.reserve(5) == (False, 4)
    assert stock.audit_log == [(1, True), (5, True), (5, False)]
    with pytest.raises(TimeoutError):  # together, on a real loop, it hangs
        await asyncio.wait_for(asyncio.gather(stock.reserve(1), stock.reserve(5)), 0.5)


def test_one_global_lock_order_fixes_it(tmp_path: Path) -> None:
    source = (catalogue_dir() / "16-deadlock.py").read_text(encoding="utf-8")
    bulk = "first, second = self.audit_lock, self.stock_lock"
    assert bulk in source
    fixed = tmp_path / "fixed.py"
    fixed.write_text(
        source.replace(bulk, "first, second = self.stock_lock, self.audit_lock"), "utf-8"
    )
    report = explore_scenario(load_scenario("deadlock"), manager=str(fixed))
    (exploration,) = report.explorations
    assert exploration.complete and exploration.violating == ()
    assert {o.final_stock for o in exploration.outcomes} == {4}


def test_the_readmes_excerpt_of_simulate_deadlock_is_the_programs() -> None:
    result = CliRunner().invoke(
        app, ["simulate", "deadlock"], env={"COLUMNS": "80", "NO_COLOR": "1"}
    )
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    excerpt = "\n".join(lines[: lines.index("Summary") - 1])
    assert excerpt.startswith("Deadlock: two locks") and excerpt.endswith("0 granted.")
    assert f"```text\n{excerpt}\n```" in README
