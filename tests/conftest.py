"""Shared fixtures: scenario files written to tmp_path."""

from __future__ import annotations

import os
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


SERVER_URLS = {"redis": "VACANCY_TEST_REDIS_URL", "postgres": "VACANCY_TEST_POSTGRES_URL"}


@pytest.fixture(autouse=True)
def _test_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the server strategies at the test servers, when .ci/services started them.

    Set through monkeypatch even when there is no server, so that a URL a test's
    command line writes into the environment (``--redis-url``) is undone after it.
    """
    for kind, variable in SERVER_URLS.items():
        url = os.environ.get(variable)
        name = f"VACANCY_{kind.upper()}_URL"
        monkeypatch.setenv(name, url or "none")
        if not url:
            monkeypatch.delenv(name)


def missing_servers(strategies: tuple[str, ...] | list[str]) -> str | None:
    """Why these strategies cannot run here (a server they need was not started), or None."""
    for kind, variable in SERVER_URLS.items():
        if any(s.startswith(f"{kind}-") for s in strategies) and not os.environ.get(variable):
            return f"no {kind} server: set {variable} (.ci/run starts one)"
    return None
