"""Browser fixtures for the lesson page: Debian's chromium driven by Playwright.

The browser tests run when ``VACANCY_TEST_CHROMIUM`` names a Chromium binary
(``.ci/browser`` installs Debian's and exports it; ``.ci/run`` sources it) and
Playwright for Python is installed (the ``dev`` extra). Otherwise they skip,
saying which is missing, as the server tests do without their servers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

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


@dataclass
class Opened:
    """A page loaded from a file, with every request it made and every script error."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """``open_page(path, width=, height=)``: the file loaded in a fresh page, watched."""
    contexts: list[Any] = []

    def load(path: Path, width: int = 1100, height: int = 900) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)  # a local file: anything slower is a failure
        opened = Opened(page)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on(
            "console",
            lambda message: opened.errors.append(message.text) if message.type == "error" else None,
        )
        page.goto(path.resolve().as_uri())
        return opened

    yield load
    for context in contexts:
        context.close()
