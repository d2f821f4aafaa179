"""Piped output and text exports carry no trailing spaces (Rich pads to the width)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.render.console import RoomConsole

runner = CliRunner()

RUNS = [
    (["simulate", "lost-update"], ""),
    (["explore", "lost-update"], ""),
    (["play", "lost-update"], "A\nq\n"),
]


def padded(text: str) -> list[str]:
    return [line for line in text.splitlines() if line != line.rstrip()]


def run(args: list[str], keys: str) -> str:
    result = runner.invoke(app, args, input=keys, env={"COLUMNS": "80", "LINES": "40"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("args", "keys"), RUNS, ids=lambda a: " ".join(a) or "keys")
def test_piped_output_has_no_trailing_whitespace(args: list[str], keys: str) -> None:
    out = run(args, keys)
    assert len(out.splitlines()) > 10  # a whole view, tables and all
    assert padded(out) == []


@pytest.mark.parametrize(("args", "keys"), RUNS, ids=lambda a: " ".join(a) or "keys")
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_text_exports_have_no_trailing_whitespace(
    tmp_path: Path, args: list[str], keys: str, suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    run([*args, "--export", str(target)], keys)
    text = target.read_text(encoding="utf-8")
    assert "│" in text or "|" in text  # its tables are there
    assert padded(text) == []


def test_a_prompt_keeps_its_space_when_the_answer_follows_on_its_line() -> None:
    file = io.StringIO()
    console = RoomConsole(file=file, width=40)
    console.print("Move which request? ", end="")
    console.print("A")
    console.print("next ", end="")
    console.print("")
    assert file.getvalue() == "Move which request? A\nnext\n"


@given(st.lists(st.text(alphabet="ab \n", max_size=12), max_size=8))
def test_every_line_loses_its_trailing_spaces_and_nothing_else(writes: list[str]) -> None:
    file = io.StringIO()
    console = RoomConsole(file=file, width=200)
    for text in writes:
        console.out(text, end="", highlight=False)
    written = "".join(writes)
    assert file.getvalue() == "\n".join(line.rstrip(" ") for line in written.split("\n"))
