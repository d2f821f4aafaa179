"""Presenter mode's screens and the context before a prediction fit the room's
terminal (80x40) for every bundled scenario, and what must be on them is."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, RenderableType

from vacancy_cli.app.simulate import briefing, plan, run_plan
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.render.presenter import PROMPT_LINES, briefing_screen, step_frame

from helpers import TEST_SERVERS, missing_servers

# Every bundled scenario; "servers" when its servers are given (.ci/run starts them).
RUNNABLE = [name for name in bundled_names() if not missing_servers(load_scenario(name).strategies)]


def room(height: int = 40) -> Console:
    return Console(
        file=io.StringIO(), width=80, height=height, color_system=None, legacy_windows=False
    )


def printed(console: Console, renderable: RenderableType) -> list[str]:
    """What ``renderable`` looks like on ``console``, line by line."""
    console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text.splitlines()


def test_every_bundled_scenario_is_checked_here_but_the_server_one_without_servers() -> None:
    assert set(bundled_names()) - set(RUNNABLE) <= {"servers"}
    assert {"lost-update", "pods", "cache-expiry", "deadlock"} <= set(RUNNABLE)


@pytest.mark.parametrize("name", RUNNABLE)
def test_every_step_screen_fits_80_by_40_with_its_prompt(name: str) -> None:
    sim = run_plan(plan(load_scenario(name), servers=TEST_SERVERS))
    for run in sim.runs:
        for shown in range(1, len(run.steps) + 1):
            console = room()
            lines = printed(console, step_frame(sim, run, shown, console))
            assert len(lines) + PROMPT_LINES <= 40, (run.strategy, shown)
            assert max(len(line) for line in lines) <= 80, (run.strategy, shown)
            assert any(f"t{run.steps[shown - 1].t} " in line for line in lines)  # the new row
            last = shown == len(run.steps)
            assert any(line.startswith("final stock ") for line in lines) == last


@pytest.mark.parametrize("name", RUNNABLE)
def test_the_context_before_predicting_fits_80_by_40_with_its_questions(name: str) -> None:
    chosen = plan(load_scenario(name), servers=TEST_SERVERS)
    brief = briefing(chosen.scenario, chosen.strategies, chosen.schedule)
    console = room()
    lines = printed(console, briefing_screen(console, brief, len(chosen.strategies)))
    assert len(lines) + len(chosen.strategies) <= 40
    assert max(len(line) for line in lines) <= 80
    for row in chosen.strategies:
        assert f"{row.name}: {row.summary}" in " ".join(" ".join(lines).split())


def test_code_that_does_not_fit_is_dropped_leaving_the_summary() -> None:
    chosen = plan(load_scenario("sqlite"))
    brief = briefing(chosen.scenario, chosen.strategies, chosen.schedule)
    tall = room(height=100)
    assert "UPDATE stock SET qty" in "\n".join(printed(tall, briefing_screen(tall, brief, 2)))
    short = room(height=16)
    lines = printed(short, briefing_screen(short, brief, 2))
    assert len(lines) + 2 <= 16
    text = "\n".join(lines)
    assert "sqlite-conditional: SQLite: UPDATE ... WHERE qty >= ?" in text
    assert "RETURNING qty" not in text  # its code went: too long for this screen


def test_rows_that_do_not_fit_scroll_off_and_the_newest_stays() -> None:
    sim = run_plan(plan(load_scenario("cache-expiry"), ["asyncio-lock"]))
    run = sim.runs[0]
    console = room(height=20)
    lines = printed(console, step_frame(sim, run, len(run.steps), console))
    assert len(lines) + PROMPT_LINES <= 20
    assert any("scrolled off: q shows everything" in line for line in lines)
    assert any(f"t{run.steps[-1].t} " in line for line in lines)
    assert any(line.startswith("final stock ") for line in lines)
    assert not any(line.startswith("│   t1 ") for line in lines)


def test_a_screen_that_fits_scrolls_nothing_off() -> None:
    sim = run_plan(plan(load_scenario("lost-update")))
    run = sim.runs[0]
    console = room()
    lines = printed(console, step_frame(sim, run, len(run.steps), console))
    assert not any("scrolled off" in line for line in lines)
    assert any(line.startswith("│   t1 ") for line in lines)


def test_wrapped_explanations_keep_their_indent_on_the_step_screen() -> None:
    sim = run_plan(plan(load_scenario("pods")))
    run = sim.runs[1]  # sqlite-locked: long sentences
    console = Console(file=io.StringIO(), width=50, height=200, color_system=None)
    lines = printed(console, step_frame(sim, run, len(run.steps), console))
    first = next(i for i, line in enumerate(lines) if line.startswith("  B read 1 at t2"))
    below = lines[first:]
    assert len(below) > 4  # three sentences, each wrapped
    assert all(line.startswith("  ") and line.strip() for line in below)
