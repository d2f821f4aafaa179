"""The README is the manual: every command documented, pasted output still true."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from vacancy_cli.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str) -> None:
    assert f"### `vacancy {command}" in README
    assert f"| `vacancy {command}" in README


@pytest.mark.parametrize(
    "args",
    [["simulate", "lost-update"], ["explore", "lost-update", "--strategy", "none"], ["scenarios"]],
)
def test_pasted_output_matches_the_program(args: list[str]) -> None:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80", "NO_COLOR": "1"})
    output = "\n".join(line.rstrip() for line in result.stdout.strip().splitlines())
    assert output in README
