"""Shared fixtures: scenario files written to tmp_path, the test servers for the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import SERVER_URLS


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write TOML text to tmp_path/NAME and return its path."""

    def write(text: str, name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _test_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the command line the test servers, when .ci/services started them.

    The command layer reads ``VACANCY_*_URL`` as the default of ``--redis-url``
    and ``--postgres-url``; set through monkeypatch even when there is no
    server, so that nothing a test sets outlives it.
    """
    for kind, variable in SERVER_URLS.items():
        url = os.environ.get(variable)
        name = f"VACANCY_{kind.upper()}_URL"
        monkeypatch.setenv(name, url or "none")
        if not url:
            monkeypatch.delenv(name)
