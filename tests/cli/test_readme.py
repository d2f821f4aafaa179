"""The README is the manual: every command documented, pasted output still true."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from vacancy_cli.cli.app import app

pytestmark = pytest.mark.slow  # reruns the README's reserve loads

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
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


# `reserve` measures real time, so its pasted output cannot match to the letter;
# its shape can: the same lines, rows, labels and verdicts, numbers aside.
RESERVE_BLOCKS = re.findall(r"```text\n\$ (vacancy reserve[^\n]*)\n(.*?)\n```", README, re.S)


def shape(text: str) -> list[str]:
    """Every number becomes #, every bar one block, every run of one character one."""
    lines = []
    for line in text.strip("\n").splitlines():
        line = re.sub(r"\d[\d,.]*", "#", line.rstrip())
        line = re.sub(r"[█▉▊▋▌▍▎▏]+", "█", line)
        lines.append(re.sub(r"(.)\1+", r"\1", line))
    return lines


def test_every_reserve_example_is_checked() -> None:
    assert len(RESERVE_BLOCKS) >= 5


@pytest.mark.parametrize(("command", "pasted"), RESERVE_BLOCKS, ids=[c for c, _ in RESERVE_BLOCKS])
def test_pasted_reserve_output_has_the_programs_shape(
    command: str, pasted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for server in ("VACANCY_REDIS_URL", "VACANCY_POSTGRES_URL"):
        monkeypatch.delenv(server, raising=False)  # the README's runs had no servers
    result = CliRunner().invoke(
        app, shlex.split(command)[1:], env={"COLUMNS": "80", "NO_COLOR": "1"}
    )
    assert shape(result.stdout) == shape(pasted)


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_link_inside_the_readme_lands_on_a_heading() -> None:
    outside_code = re.sub(r"```.*?```", "", README, flags=re.S)
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", outside_code, flags=re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", outside_code))
    assert links, "the README links to its own sections"
    assert sorted(links - anchors) == []
