"""Shared fixtures: scenario files written to tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

LOST_UPDATE = """
title = "Lost update"
stock = 100
strategies = ["none", "asyncio-lock"]
schedule = "A B A B"

[[requests]]
id = "A"
qty = 1

[[requests]]
id = "B"
qty = 1
"""


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write TOML text to tmp_path/NAME and return its path."""

    def write(text: str, name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
