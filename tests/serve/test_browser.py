"""``vacancy serve`` in a real browser: Debian's chromium, driven by Playwright, against
uvicorn serving the app on a free port in a background thread."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vacancy_cli.serve.room import Room, lessons_from


@pytest.fixture
def served() -> Iterator[tuple[str, Room]]:
    """The app on 127.0.0.1 at a free port, stopped when the test ends."""
    import uvicorn

    from vacancy_cli.serve.api import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    room = Room(lessons_from([])[:2])
    server = uvicorn.Server(
        uvicorn.Config(create_app(room), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):  # polled until it listens; the assert below says if it never did
        if server.started:
            break
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", room
    server.should_exit = True
    thread.join()


def test_a_learner_plays_lost_update_to_the_challenge_in_the_page(
    browser: Any, served: tuple[str, Room]
) -> None:
    address, room = served
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    requested: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(address + "/")
    page.locator("#guess").fill("99")
    page.locator("#predict button").click()
    page.locator("#prediction").get_by_text("99").wait_for()
    for done, request in enumerate(("A", "B", "A", "B")):
        page.locator(f"button.move[data-request='{request}']").click()
        page.locator("#timeline tbody tr").nth(done).wait_for()  # drawn before the next
    page.locator("#final").wait_for()
    assert "Final stock 99" in page.locator("#final").inner_text()
    assert "met in 4 steps" in page.locator("#challenge").inner_text()
    timeline = page.locator("#timeline tbody tr").all_inner_texts()
    assert [row.split("\t")[1] for row in timeline] == ["A", "B", "A", "B"]
    assert timeline[3].split("\t")[2:] == ["writes 99", "99 ← lost update"]  # as play says
    board = page.locator("#board tbody tr").all_inner_texts()
    assert all("granted" in row for row in board)

    boss = context.new_page()
    boss.goto(f"{address}/facilitator?token={room.token}")
    boss.locator("#met").get_by_text("1").wait_for()
    row = boss.locator("#histogram tr[data-stock='99']")
    assert row.locator("td").nth(1).inner_text().strip() == "1"  # the learner's prediction
    assert errors == []
    assert all(url.startswith(address) for url in requested)  # nothing from a CDN
    if os.environ.get("VACANCY_SCREENSHOTS") == "1":  # the README's pictures
        docs = Path(__file__).parents[2] / "docs"
        page.screenshot(path=str(docs / "serve-learner.png"), full_page=True)
        boss.screenshot(path=str(docs / "serve-facilitator.png"), full_page=True)
    context.close()
