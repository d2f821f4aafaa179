"""`vacancy play` on a real terminal of the room's size (a pseudo-terminal, 80 x 40).

Each bundled challenge is played to success from its solution, asking for hints
and undoing a detour on the way, as a learner would. Every screen (from one
clear to the next) must fit 80 columns and 40 lines, prompt and typed answer
included, with the challenge on its second line.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest
from rich.cells import cell_len

from vacancy_cli.app.play import Game
from vacancy_cli.app.solve import solve
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.model.strategies import parse_strategy

WIDTH, HEIGHT = 80, 40
CLEAR = "\x1b[2J"
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")
PROMPTS = ("Move which request?", "Nothing can move now")


def solvable() -> list[tuple[str, tuple[str, ...]]]:
    """Bundled challenges that need no server and have a solution, with its moves.

    Scenarios with a server's strategy, without a challenge, or whose challenge no
    schedule meets (tested below) are left out here, by selection.
    """
    chosen = []
    for name in bundled_names():
        scenario = load_scenario(name)
        goal = scenario.goal
        if goal is None or parse_strategy(goal.strategy).server is not None:
            continue
        run = solve(scenario, goal)
        if run is not None:
            chosen.append((name, tuple(step.request for step in run.steps)))
    return chosen


class Terminal:
    """``vacancy play`` in a pseudo-terminal of the room's size; keys in, screens out."""

    def __init__(self, *args: str) -> None:
        self.primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        env["TERM"] = "xterm-256color"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vacancy_cli", "play", *args],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=env,
            close_fds=True,
        )
        os.close(secondary)
        self.output = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")  # chunks split chars

    def wait_for_prompt(self, seconds: float = 30.0) -> str:
        """Read until a prompt ends the output (bounded), and return what came."""
        start = len(self.output)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.primary], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(self.primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output += self.decoder.decode(chunk)
            tail = plain(self.output[start:]).rstrip()
            if tail.endswith(":") and any(p in tail.splitlines()[-1] for p in PROMPTS):
                break
        return plain(self.output[start:])

    def type(self, keys: str) -> str:
        os.write(self.primary, keys.encode() + b"\n")
        return self.wait_for_prompt()

    def close(self) -> int:
        try:
            os.write(self.primary, b"q\n")
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.primary)

    def screens(self) -> list[str]:
        """What each clear began: one screen per turn."""
        return [plain(part) for part in self.output.split(CLEAR)[1:]]


def plain(text: str) -> str:
    return ESCAPES.sub("", text).replace("\r\n", "\n").replace("\r", "")


def check_fits(screens: list[str]) -> None:
    assert screens
    for screen in screens:
        lines = screen.rstrip("\n").split("\n")
        assert len(lines) <= HEIGHT, (len(lines), screen)
        assert max(cell_len(line) for line in lines) <= WIDTH, screen
        assert lines[1].startswith("Challenge: "), screen


@pytest.mark.parametrize(("name", "moves"), solvable(), ids=[n for n, _ in solvable()])
def test_every_challenge_is_played_to_success_on_an_80x40_terminal(
    name: str, moves: tuple[str, ...]
) -> None:
    game = Game(load_scenario(name))
    try:
        game.move(moves[0])
        detour = game.view().options[-1]  # any legal move, to be undone
    finally:
        game.close()
    terminal = Terminal(name)
    try:
        first = terminal.wait_for_prompt()
        assert "Challenge: " in first
        hint = terminal.type("hint")
        assert "Hint 1 of " in hint
        terminal.type(moves[0])
        assert "Hint 2 of " in terminal.type("hint")
        terminal.type(detour)
        undone = terminal.type("u")
        assert ", step 1, " in undone and ", step 2, " not in undone
        for rid in moves[1:]:
            last = terminal.type(rid)
    finally:
        code = terminal.close()
    assert code == 0
    assert f"Challenge met in {len(moves)} steps" in last
    check_fits(terminal.screens())
    assert len(terminal.screens()) == len(moves) + 5  # first, 2 hints, detour, undo, moves


def test_an_impossible_challenge_is_said_on_the_first_screen() -> None:
    terminal = Terminal("lock-wait")
    try:
        first = terminal.wait_for_prompt()
        for rid in ["A", "A", "B", "B", "C"]:
            terminal.type(rid)
        last = terminal.type("C")
    finally:
        code = terminal.close()
    assert code == 0
    assert "No schedule can meet this challenge" in first
    assert "Challenge not met, and no schedule can meet it" in last
    assert "Challenge met" not in terminal.output
    check_fits(terminal.screens())
