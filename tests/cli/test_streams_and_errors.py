"""Each defect of the fuzzing run, through the command line: a sensible exit status, at
most two lines on stderr, never a traceback nor "internal error".

Closed and failing standard streams need a real process (``CliRunner`` swaps the
streams for its own); everything else goes through ``CliRunner``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.model.scenario_file import MAX_BYTES, MAX_LINE

runner = CliRunner()
ROOM = {"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}
HUGE = "9" * 4301  # one digit past Python's int() limit
TINY_LOAD = ["reserve", "--stock", "5", "--requests", "5"]


def assert_clean(status: int, stderr: str, expected: int) -> list[str]:
    """The promise: the expected status, at most two lines, no traceback, no bug report."""
    lines = stderr.splitlines()
    assert status == expected, stderr
    assert len(lines) <= 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return lines


def cli(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, args, input=stdin, env=ROOM)
    return result.exit_code, result.stdout, result.stderr


def process(
    args: list[str], close: int | None = None, **streams: object
) -> subprocess.CompletedProcess[str]:
    """``python -m vacancy_cli ARGS`` in a real process; ``close``: a descriptor to close
    in the child before it starts (0: ``<&-``, 1: ``>&-``)."""
    return subprocess.run(
        [sys.executable, "-m", "vacancy_cli", *args],
        preexec_fn=(lambda: os.close(close)) if close is not None else None,
        env={**os.environ, **ROOM},
        text=True,
        timeout=120,
        check=False,
        **streams,  # type: ignore[call-overload]
    )


def scenario(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- 1. standard streams -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["play", "lost-update"],
        ["play", "lost-update", "--predict"],
        ["simulate", "lost-update", "--step"],
        ["simulate", "lost-update", "--predict"],
    ],
)
def test_a_closed_stdin_is_the_end_of_input(args: list[str]) -> None:
    done = process(args, close=0, capture_output=True)
    assert_clean(done.returncode, done.stderr, 0)
    assert "Summary" in done.stdout or "Move which request" in done.stdout


@pytest.mark.parametrize("answer", ["²", "9" * 5000])
def test_a_prediction_that_is_no_stock_is_asked_again(answer: str) -> None:
    status, out, err = cli(["simulate", "lost-update", "--predict"], stdin=f"{answer}\n")
    assert_clean(status, err, 0)
    assert "Type a whole number, such as 98 or -1, of at most 16 digits" in out


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "three-way", "--json"],
        ["simulate", "three-way"],
        ["explore", "lost-update", "--json"],
        ["scenarios"],
        [*TINY_LOAD, "--json"],
        ["--help"],
    ],
)
def test_a_full_stdout_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = process(args, stdout=full, stderr=subprocess.PIPE)
    lines = assert_clean(done.returncode, done.stderr, 1)
    assert lines == ["vacancy: error: cannot write to standard output: No space left on device"]


def test_a_closed_stdout_is_one_line_and_exit_1_before_any_work() -> None:
    done = process([*TINY_LOAD, "--json"], close=1, stderr=subprocess.PIPE)
    lines = assert_clean(done.returncode, done.stderr, 1)
    assert lines == [
        "vacancy: error: standard output is closed: nothing this command shows could be seen"
    ]


@pytest.mark.parametrize("args", [["explore", "three-way"], ["simulate", "three-way", "--json"]])
def test_a_broken_pipe_ends_silently_with_exit_1(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first write: a broken pipe, every time
    try:
        done = process(args, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    lines = assert_clean(done.returncode, done.stderr, 1)
    assert lines == []


# -- 2. bad input is bad input: exit 2, before anything runs ----------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("stock = 1\nx = " + "[" * 500 + "]" * 500, "nested too deeply"),
        ("stock = 1\nx = " + "{a = " * 330 + "1" + "}" * 330, "nested too deeply"),
        (f"stock = {HUGE}\n", "characters long"),
        ('stock = 1\nstrategies = ["semaphore:²"]\n[[requests]]\nid = "A"\n', "permit count"),
    ],
    ids=["arrays", "tables", "digits", "unicode-digit"],
)
def test_a_hostile_scenario_file_is_exit_2(tmp_path: Path, text: str, says: str) -> None:
    status, _, err = cli(["simulate", scenario(tmp_path, text)])
    (line,) = assert_clean(status, err, 2)
    assert line.startswith("vacancy: error: ") and says in line


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "lost-update", "-s", "semaphore:²"],
        ["simulate", "lost-update", "-s", f"semaphore:{HUGE}"],
        ["explore", "lost-update", "--seed", HUGE],
        ["simulate", "lost-update", "--pods", HUGE],
    ],
    ids=["unicode-digit", "huge-permits", "huge-seed", "huge-pods"],
)
def test_a_hostile_option_is_exit_2_and_a_short_line(args: list[str]) -> None:
    status, _, err = cli(args)
    lines = assert_clean(status, err, 2)
    assert lines[0].startswith("vacancy: error: ") and len(lines[0]) < 300


# -- 3. control characters never reach the terminal ------------------------------------

TITLED = """title = "T\\u001b]0;pwned\\u0007"
lesson = "L\\u001b[2J\\rsecond"
challenge = "C\\u001b[31m"
hints = ["H\\u009b"]
stock = 2
[goal]
final_stock = 1
[[requests]]
id = "A"
[[requests]]
id = "B"
"""


def test_a_scenario_title_cannot_drive_the_terminal(tmp_path: Path) -> None:
    path = scenario(tmp_path, TITLED)
    status, out, err = cli(["simulate", path, "--export", str(tmp_path / "out.md")])
    assert_clean(status, err, 0)
    markdown = (tmp_path / "out.md").read_text(encoding="utf-8")
    for shown in (out, markdown):
        assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
        assert "\\x1b]0;pwned\\x07" in shown
    assert markdown.startswith("# T\\x1b]0;pwned\\x07")


@pytest.mark.parametrize(
    "text",
    [
        'stock = 2\n"x\\ny" = 1\n[[requests]]\nid = "A"\n',
        'stock = 2\nchallenge = "c"\n[goal]\n"x\\ny" = 1\n[[requests]]\nid = "A"\n',
        'stock = 2\n[[requests]]\nid = "A"\n"x\\ny" = 1\n',
        'stock = 2\n[expect]\n"x\\ny" = 1\n[[requests]]\nid = "A"\n',
    ],
    ids=["top", "goal", "request", "expect"],
)
def test_a_key_with_a_newline_is_quoted_on_one_line(tmp_path: Path, text: str) -> None:
    status, _, err = cli(["simulate", scenario(tmp_path, text)])
    (line,) = assert_clean(status, err, 2)
    assert "x\\ny" in line


# -- 4. usage errors are one line like the rest ----------------------------------------


@pytest.mark.parametrize(
    ("args", "help_of"),
    [
        (["simulate", "lost-update", "--pods", "abc"], "vacancy simulate"),
        (["simulate", "lost-update", "--bogus"], "vacancy simulate"),
        (["simulate"], "vacancy simulate"),
        (["reserve", "--bogus"], "vacancy reserve"),
        (["bogus"], "vacancy"),
    ],
)
def test_a_usage_error_is_one_line_and_where_to_read(args: list[str], help_of: str) -> None:
    status, out, err = cli(args)
    lines = assert_clean(status, err, 2)
    assert len(lines) == 2 and lines[0].startswith("vacancy: error: "), err
    assert lines[1] == f"try '{help_of} --help'"
    assert "╭" not in err and out == ""


# -- 5. the smaller ones -----------------------------------------------------------------


def test_a_request_id_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    status, _, err = cli(["simulate", scenario(tmp_path, 'stock = 2\n[[requests]]\nid = "A\\n"\n')])
    (line,) = assert_clean(status, err, 2)
    assert "requests[1].id" in line and "'A\\n'" in line


def test_a_scenario_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    comment = "# " + "x" * 70 + "\n"
    text = "stock = 1\n" + comment * (MAX_BYTES // len(comment) + 1)
    status, _, err = cli(["simulate", scenario(tmp_path, text)])
    (line,) = assert_clean(status, err, 2)
    assert f"larger than {MAX_BYTES // 1024} KiB" in line


def test_a_dotted_key_too_long_to_parse_quickly_is_refused(tmp_path: Path) -> None:
    text = "stock = 1\na" + ".a" * MAX_LINE + " = 1\n"
    status, _, err = cli(["simulate", scenario(tmp_path, text)])
    (line,) = assert_clean(status, err, 2)
    assert "line 2" in line and f"at most {MAX_LINE:,}" in line


def test_many_requests_load_with_each_id_checked_once(tmp_path: Path) -> None:
    ids = [f"R{i}" for i in range(2000)]
    body = "".join(f'[[requests]]\nid = "{rid}"\n' for rid in ids)
    path = scenario(tmp_path, f'stock = 5000\n{body}[[requests]]\nid = "R1999"\n')
    status, _, err = cli(["simulate", path])
    (line,) = assert_clean(status, err, 2)
    assert "request id 'R1999' is used twice" in line
