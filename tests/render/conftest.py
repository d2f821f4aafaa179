"""The lesson page loaded in the browser (tests/conftest.py's ``browser``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Opened:
    """A page loaded from a file, with every request it made and every script error."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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
