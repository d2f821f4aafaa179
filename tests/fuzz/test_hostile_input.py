"""Hostile input must end cleanly: exit 0, 1 or 2, at most two lines on stderr, and
never a traceback or an "internal error" (the words ``cli/common.call`` uses for a bug),
nor a raw control character that the terminal would act on.

The inputs are what a room full of people types, or what an editor leaves behind:
scenario files broken in every way (noise, truncation, a duplicated span, spliced bytes,
a value of the wrong type, huge, negative, empty or very long, unicode digits such as
², control characters, unknown keys, nested arrays), and the same kinds of values given
to every option of simulate, explore, play, scenarios --notes and reserve (with loads
kept tiny, so a value that happens to be valid still runs in milliseconds).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fuzz.strategies import ROOM, budget, hostile_text, mutated_files
from vacancy_cli.cli.app import app
from vacancy_cli.live.options import parse_count, parse_latency, parse_sweep
from vacancy_cli.model.scenario import catalogue_dir

runner = CliRunner()
# Characters that move the cursor, clear the screen or ring the bell when printed as is:
# an error line names what was typed, escaped (tab and the line's own end allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WriteFile = Callable[[bytes | str], Path]
LOST_UPDATE = (catalogue_dir() / "01-lost-update.toml").read_text(encoding="utf-8")
TINY_LOAD = ["reserve", "--stock", "5", "--requests", "5"]


def run(args: list[str], stdin: str | None = None) -> Result:
    return runner.invoke(app, args, input=stdin, env=ROOM)


def assert_ends_cleanly(result: Result, args: list[str]) -> None:
    """The promise, for one invocation: a status that means something, one clear line."""
    shown = f"vacancy {' '.join(repr(a) if len(a) < 80 else repr(a[:80]) + '...' for a in args)}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        where = "".join(traceback.format_exception(result.exception)[-3:])
        raise AssertionError(f"{shown}: raised {result.exception!r}\n{where}")
    assert result.exit_code in (0, 1, 2), f"{shown}: exit {result.exit_code}\n{result.stderr}"
    lines = result.stderr.splitlines()
    assert len(lines) <= 2, f"{shown}: {len(lines)} lines on stderr:\n{result.stderr}"
    control = CONTROL.search(result.stderr)
    assert control is None, f"{shown}: raw {control and control[0]!r} on stderr: {result.stderr!r}"
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, f"{shown}:\n{stream}"
        assert "internal error" not in stream, f"{shown}: {result.stderr}"


# What each command is asked to do with a file; play reads no move (stdin is empty).
FILE_COMMANDS: list[tuple[list[str], str | None]] = [
    (["simulate", "{file}", "--json"], None),
    (["simulate", "{file}"], None),
    (["explore", "{file}", "--json"], None),
    (["explore", "{file}"], None),
    (["play", "{file}"], ""),
    (["scenarios", "--notes", "{file}"], None),
]


@budget(300)
@given(content=mutated_files(), command=st.sampled_from(FILE_COMMANDS))
def test_a_broken_scenario_file_ends_cleanly(
    content: bytes, command: tuple[list[str], str | None], scenario_file: WriteFile
) -> None:
    path = scenario_file(content)
    words, stdin = command
    args = [str(path) if word == "{file}" else word for word in words]
    assert_ends_cleanly(run(args, stdin), args)


def _is_cheap(line: list[str], value: str) -> bool:
    """Whether a value, if it turns out valid, still makes a tiny run: the project's own
    parsers say what it means (a parser that raises anything means a quick error)."""
    option = line[-1]
    try:
        if option == "--requests":
            return parse_count(option, value, 1) <= 50
        if option in ("--latency", "--kill-pod-after"):
            return parse_latency(value, option) <= 0.001
        if option == "--sweep":
            return len(parse_sweep(value)) <= 4
        if option == "--random":
            return int(value) <= 200
        if option == "--pods" and line[0] == "reserve":
            return int(value) < 1  # a valid count starts real processes
        if option == "--runs":
            return parse_count(option, value, 1) <= 3
    except Exception:
        return True
    return True


# Each option, with the command line it is given to (the value goes last).
COMMAND_LINES: list[list[str]] = [
    ["simulate", "{file}", "--schedule"],
    ["simulate", "{file}", "--strategy"],
    ["simulate", "{file}", "--pods"],
    ["simulate", "{file}", "--manager"],
    ["simulate", "--json", "--schedule", "A B", "--"],  # the value is the scenario's name
    ["explore", "{file}", "--strategy"],
    ["explore", "{file}", "--max-states"],
    ["explore", "{file}", "--random"],
    ["explore", "{file}", "--random", "5", "--seed"],
    ["explore", "{file}", "--random", "5", "--pct"],
    ["explore", "{file}", "--pods"],
    ["play", "{file}", "--strategy"],
    ["play", "{file}", "--solution", "--strategy"],
    ["play", "{file}", "--manager"],
    ["scenarios", "--notes"],
    ["--theme"],
    ["--color"],
    ["schema"],
    ["schema", "--path", "--"],
    [*TINY_LOAD, "--stock"],
    [*TINY_LOAD, "--requests"],
    [*TINY_LOAD, "--qty"],
    [*TINY_LOAD, "--concurrency"],
    [*TINY_LOAD, "--strategy"],
    [*TINY_LOAD, "--latency"],
    [*TINY_LOAD, "--reads"],
    [*TINY_LOAD, "--seed"],
    [*TINY_LOAD, "--sweep"],
    [*TINY_LOAD, "--pods"],
    [*TINY_LOAD, "--kill-pod-after"],
    [*TINY_LOAD, "--runs"],
    [*TINY_LOAD, "--threshold"],
    [*TINY_LOAD, "--check", "--threshold"],
]


@budget(300)
@given(line=st.sampled_from(COMMAND_LINES), value=hostile_text)
def test_a_hostile_option_value_ends_cleanly(
    line: list[str], value: str, scenario_file: WriteFile
) -> None:
    assume(_is_cheap(line, value))
    path = scenario_file(LOST_UPDATE)
    args = [str(path) if word == "{file}" else word for word in line] + [value]
    if line in (["--theme"], ["--color"]):
        args += ["scenarios"]
    stdin = "" if line[0] == "play" else None
    assert_ends_cleanly(run(args, stdin), args)
