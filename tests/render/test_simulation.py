"""Golden output: the Rich view rendered as plain text at a fixed width.

Regenerate deliberately, never blindly: ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and read the diff before committing it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from vacancy_cli.app.simulate import run_scenario
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
