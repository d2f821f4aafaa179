"""`vacancy play`: the game core, the command with scripted input, and a real terminal."""

from __future__ import annotations

import inspect
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.app.play import Game, IllegalMove
from vacancy_cli.cli.app import app
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.stock.memory import GuardedStockManager

runner = CliRunner()


def play(*args: str, keys: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["play", *args], input=keys, env={"COLUMNS": "80", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def source_line(number: int) -> str:
    lines, start = inspect.getsourcelines(GuardedStockManager)
    return lines[number - start].strip()


def test_moves_undo_and_restart_replay_exactly() -> None:
    game = Game(load_scenario("lost-update"), "none")
    try:
        for rid in "ABA":
            game.move(rid)
        assert game.view().stock == 99
        game.undo()
        view = game.view()
        assert view.stock == 100 and [s.request for s in view.steps] == ["A", "B"]
        game.restart()
        assert game.view().steps == () and game.moves == []
    finally:
        game.close()


def test_the_view_marks_the_real_source_line_of_each_request() -> None:
    game = Game(load_scenario("lost-update"), "asyncio-lock")
    try:
        game.move("A")
        game.move("B")
        view = game.view()
        a, b = view.requests
        assert a.state == "parked" and a.seen == 100
        assert "await self.hooks.checkpoint()" in source_line(a.line or 0)
        assert b.state == "waiting"
        assert "async with self.hooks.hold(self.lock)" in source_line(b.line or 0)
        assert view.options == ("A",)
        assert view.source[0].name == "GuardedStockManager.reserve"
    finally:
        game.close()


@pytest.mark.parametrize(
    ("moves", "bad", "message"),
    [
        ("A", "Z", "there is no request 'Z'"),
        ("AB", "B", "B is waiting for the lock"),
        ("AA", "A", "A has already finished"),
    ],
)
def test_illegal_moves_are_explained(moves: str, bad: str, message: str) -> None:
    game = Game(load_scenario("lost-update"), "asyncio-lock")
    try:
        for rid in moves:
            game.move(rid)
        with pytest.raises(IllegalMove, match=message):
            game.move(bad)
    finally:
        game.close()


def test_the_challenge_is_met_and_counted() -> None:
    game = Game(load_scenario("lost-update"))  # the challenge's strategy: none
    try:
        for rid in "ABAB":
            game.move(rid)
        view = game.view()
        assert view.finished and view.goal_met and len(view.steps) == 4
    finally:
        game.close()


def test_play_through_the_command_with_scripted_input() -> None:
    code, out, err = play("lost-update", keys="A\nB\nA\nB\nq\n")
    assert code == 0, err
    assert "Challenge: Without the lock, make the stock end at 99" in out
    assert "GuardedStockManager.reserve" not in out and "UnlockedStockManager.reserve" in out
    assert "Challenge met in 4 steps" in out
    assert "B read 100 at t2, before A's write at t3" in out


def test_bad_input_gets_a_hint_and_the_same_question() -> None:
    code, out, _ = play("lost-update", "-s", "asyncio-lock", keys="A\nB\nB\nzz\n\nh\nu\nq\n")
    assert code == 0
    assert "B is waiting for the lock" in out
    assert "there is no request 'zz'" in out
    assert "type a request's id, or h for help" in out
    assert "Commands: u undo the last step" in out
    assert out.count("Move which request?") == 8  # one question per answer, none skipped
    assert "Traceback" not in out


def test_input_ending_early_ends_the_session_quietly() -> None:
    code, out, err = play("lost-update", keys="A\n")
    assert code == 0 and err == ""
    assert "Move which request?" in out


def test_predict_then_reveal_in_play() -> None:
    code, out, _ = play("lost-update", "--predict", keys="98\nA\nB\nA\nB\nq\n")
    assert code == 0
    assert "You predicted 98; the stock ended at 99: wrong." in out


def test_solution_is_explores_witness_replayed() -> None:
    code, out, _ = play("fairness", "--solution", keys="")
    assert code == 0
    assert "A shortest solution under asyncio-lock" in out
    assert 'vacancy simulate fairness --strategy asyncio-lock --schedule "B' in out


def test_solution_without_a_challenge_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text('stock = 1\n[[requests]]\nid = "A"\n', encoding="utf-8")
    code, out, err = play(str(path), "--solution", keys="")
    assert code == 2 and "has no challenge" in err and out == ""


def test_play_export_writes_the_session(tmp_path: Path) -> None:
    target = tmp_path / "session.md"
    code, _, _ = play("lost-update", "--export", str(target), keys="A\nB\nA\nB\nq\n")
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Lost update: played")
    assert "| Time | Request A | Request B | Stock |" in text
    assert "Challenge met in 4 steps" in text


def test_every_line_of_a_turn_fits_80_columns() -> None:
    _, out, _ = play("stale-cache", keys="R1\nA\nA\nR1\nR2\nq\n")
    assert "Move which request? [R1/A/R2]: R1\n" in out  # the answer follows its prompt
    assert max(len(line) for line in out.splitlines()) <= 80


def test_an_impossible_challenge_is_known_at_the_start_and_never_met() -> None:
    game = Game(load_scenario("lock-wait"))
    try:
        assert not game.view().goal_possible
        for rid in "AABBCC":
            game.move(rid)
        view = game.view()
        assert view.finished and view.run is not None and view.run.final_stock == 7
        assert not view.goal_met and game.met_with is None
    finally:
        game.close()


def test_a_challenge_for_another_strategy_is_named_not_played() -> None:
    game = Game(load_scenario("lost-update"), "asyncio-lock")
    try:
        view = game.view()
        assert view.goal is None and view.other_goal is not None
        assert view.other_goal.strategy == "none"
        assert game.hints == () and game.next_hint() is None  # the hints are the challenge's
    finally:
        game.close()


def test_hints_come_one_at_a_time_then_run_out() -> None:
    scenario = load_scenario("lost-update")
    game = Game(scenario)
    try:
        given = [game.next_hint() for _ in range(len(scenario.hints) + 1)]
        assert given == [(n, h) for n, h in enumerate(scenario.hints, 1)] + [None]
        assert game.hints_used == len(scenario.hints)
    finally:
        game.close()


def test_the_record_keeps_every_action_and_the_first_schedule_that_met_the_goal() -> None:
    game = Game(load_scenario("lost-update"))
    try:
        game.next_hint()
        for rid in "ABAB":
            game.move(rid)
        game.undo()
        game.restart()
        game.move("A")
        record = game.record()
        kinds = [(a.kind, a.request) for a in record.actions]
        assert kinds == [
            ("hint", None),
            ("move", "A"),
            ("move", "B"),
            ("move", "A"),
            ("move", "B"),
            ("undo", "B"),
            ("restart", None),
            ("move", "A"),
        ]
        assert record.met_with == ("A", "B", "A", "B")  # undone since, but it was met
        assert record.view.stock == 100 and not record.view.finished
        assert record.hints_used == 1
        assert record.hints_available == len(load_scenario("lost-update").hints)
    finally:
        game.close()


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def read_screen(fd: int, until: str, seconds: float = 20.0) -> str:
    """Read a terminal's output until ``until`` appears (bounded in time)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if until in ANSI.sub("", seen.decode("utf-8", "replace")):
                break
    return seen.decode("utf-8", "replace")


@pytest.mark.parametrize("no_color", [False, True])
def test_play_in_a_real_terminal(no_color: bool) -> None:
    """A pseudo-terminal, as a learner's: type, read the screen, quit."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "50", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "vacancy_cli", "play", "lost-update"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    try:
        first = read_screen(primary, "Move which request?")
        os.write(primary, b"A\n")
        second = read_screen(primary, "reads 100")
        os.write(primary, b"q\n")
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    screen = ANSI.sub("", first + second)
    assert "UnlockedStockManager.reserve" in screen
    assert "A parked at line" in screen
    assert process.returncode == 0
    colours = re.search(r"\x1b\[[0-9;]*3[0-9](;|m)", first + second)
    assert (colours is None) == no_color
