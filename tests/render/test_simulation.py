"""Golden output: the Rich view rendered as plain text at a fixed width.

Regenerate deliberately, never blindly: ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and read the diff before committing it.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.model.result import Simulation
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.render.simulation import show_simulation

GOLDEN = Path(__file__).parent.parent / "golden"


def render(name: str, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    show_simulation(run_scenario(load_scenario(name)), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("name", ["lost-update", "oversell", "stale-cache"])
def test_timeline_matches_golden_text(name: str) -> None:
    expected_file = GOLDEN / f"{name}.txt"
    actual = render(name, 80)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_line_fits_an_80_column_terminal() -> None:
    for name in ["lost-update", "three-way", "semaphore-permits", "lock-wait"]:
        assert max(len(line) for line in render(name, 80).splitlines()) <= 80


def show(sim: Simulation, width: int = 80, predictions: dict[str, int] | None = None) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    show_simulation(sim, console, predictions)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


# -- the Lesson box: only over the file's own run ------------------------------------------


@pytest.mark.parametrize(
    ("strategies", "schedule", "pods", "shown"),
    [
        (None, None, None, True),
        (["asyncio-lock", "none"], None, None, True),  # the same set, another order
        (None, "A B A B", None, True),  # the file's schedule, given again
        (None, "A A B B", None, False),  # another schedule: B reads 99, not 100
        (["none"], None, None, False),  # the lesson compares two strategies
        (["none", "asyncio-lock", "semaphore:2"], None, None, False),
        (None, None, 2, False),  # another pod count
    ],
)
def test_the_lesson_shows_only_when_the_run_is_the_files_own(
    strategies: list[str] | None, schedule: str | None, pods: int | None, shown: bool
) -> None:
    sim = run_scenario(load_scenario("lost-update"), strategies, schedule, pods)
    assert ("Lesson" in show(sim)) == shown


def test_another_schedule_drops_the_lesson_that_would_contradict_the_table() -> None:
    out = show(run_scenario(load_scenario("lost-update"), schedule="A A B B"))
    assert "reads 99" in out  # B read after A's write: no lost update
    assert "Lesson" not in out and "lost update" not in out.split("Summary")[1]


# -- the summary: a strategy's name is never cut -----------------------------------------


@pytest.mark.parametrize("name", ["pods", "sqlite", "semaphore-permits", "deadlock"])
def test_strategy_names_are_never_truncated_in_the_summary_with_predictions(name: str) -> None:
    sim = run_scenario(load_scenario(name))
    out = show(sim, predictions={run.strategy: 0 for run in sim.runs})
    summary = out[out.index("Summary") :]
    for run in sim.runs:
        assert re.search(rf"(^|│ ){re.escape(run.strategy)}( |$)", summary, re.M), run.strategy
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in summary.split("Lesson")[0]


def test_a_name_too_long_for_the_table_is_stacked_above_its_numbers() -> None:
    sim = run_scenario(load_scenario("deadlock"))
    out = show(sim, predictions={sim.runs[0].strategy: 10})
    lines = out[out.index("Summary") :].splitlines()
    assert lines[1] == "16-deadlock.py:TwoLockStockManager"
    assert lines[2].startswith("  final stock 10, expected 10 ✓, predicted 10 ✓")


# -- explanations keep their indent when they wrap ---------------------------------------


@pytest.mark.parametrize("width", [50, 80])
def test_wrapped_explanation_lines_keep_their_indent(width: int) -> None:
    out = show(run_scenario(load_scenario("pods")), width=width)
    lines = out.splitlines()
    for start, line in enumerate(lines):
        if not line.startswith("final stock "):
            continue
        block = []
        for following in lines[start + 1 :]:
            if not following.strip():
                break
            block.append(following)
        explanation = block[next(i for i, b in enumerate(block) if b.startswith("  ")) :]
        assert explanation and all(b.startswith("  ") for b in explanation), block


def test_many_requests_share_one_request_column() -> None:
    """A column per request stops fitting past a few (and 2,000 empty columns took
    minutes to draw): then one column names who moved, row by row."""
    from vacancy_cli.app.simulate import run_scenario
    from vacancy_cli.model.requests import RequestSpec
    from vacancy_cli.model.scenario import Scenario
    from vacancy_cli.render.simulation import MAX_REQUEST_COLUMNS, timeline

    requests = tuple(RequestSpec(f"R{n}") for n in range(MAX_REQUEST_COLUMNS + 1))
    scenario = Scenario("many", "", "", 100, ("none",), (), requests, {}, 100, "test")
    (run,) = run_scenario(scenario).runs
    table = timeline(run)
    assert [c.header for c in table.columns] == ["Time", "Request", "Does", "Stock"]
    assert list(table.columns[1].cells) == [step.request for step in run.steps]
    fewer = run_scenario(replace(scenario, requests=requests[:-1])).runs[0]
    assert len(timeline(fewer).columns) == MAX_REQUEST_COLUMNS + 2
