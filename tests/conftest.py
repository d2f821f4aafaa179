"""Shared fixtures: scenario files written to tmp_path, the test servers for the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
def _own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test's course progress in a folder of its own: a test that plays a bundled
    challenge to the end records it, and must not touch the real user's data folder
    (``~/.local/share/vacancy``), nor see what another test recorded."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("VACANCY_DATA_DIR", str(folder))
    return folder


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


# -- the browser: Debian's chromium driven by Playwright ----------------------------
#
# The browser tests run when ``VACANCY_TEST_CHROMIUM`` names a Chromium binary
# (``.ci/browser`` installs Debian's and exports it; ``.ci/run`` sources it) and
# Playwright for Python is installed (the ``dev`` extra). Otherwise they skip,
# saying which is missing, as the server tests do without their servers.

CHROMIUM = "VACANCY_TEST_CHROMIUM"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    binary = os.environ.get(CHROMIUM)
    if not binary:
        return f"no browser: set {CHROMIUM} to a Chromium binary (.ci/browser installs one)"
    if not Path(binary).is_file():
        return f"no browser: {CHROMIUM}={binary} does not exist (.ci/browser installs one)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no browser driver: pip install playwright (the dev extra has it)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser per test module, closed with it: Playwright's sync API keeps an
    event loop running in this thread, and the explorer's tests need none running."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=os.environ[CHROMIUM], args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()
