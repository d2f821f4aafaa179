"""The lesson page (``--export lesson.html``) in a real browser: stepping, predict
mode, the outcome map, and nothing fetched. Skips only without a browser
(``VACANCY_TEST_CHROMIUM``, which ``.ci/run`` sets through ``.ci/browser``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def export(folder: Path, name: str, *args: str) -> Path:
    """The page, written by the real command in its own process (Playwright's sync
    API keeps an event loop running in this one, where the explorer cannot run)."""
    target = folder / f"{name}.html"
    command = [sys.executable, "-m", "vacancy_cli", *args, "--export", str(target)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=os.environ | {"COLUMNS": "80"}
    )
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lesson")
    return {
        "simulate": export(folder, "simulate", "simulate", "lost-update"),
        "explore": export(folder, "explore", "explore", "lost-update", "--strategy", "none"),
        "dark": export(folder, "dark", "--theme", "dark", "simulate", "lost-update"),
        "light": export(folder, "light", "--theme", "light", "simulate", "lost-update"),
    }


OpenPage = Callable[..., Any]


def rows_shown(page: Any, section: int = 0) -> list[list[str]]:
    table = page.locator("table.timeline").nth(section)
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr:visible").all()
    ]


def test_the_arrow_key_steps_to_the_lost_update_row(
    pages: dict[str, Path], open_page: OpenPage
) -> None:
    opened = open_page(pages["simulate"])
    page = opened.page
    assert rows_shown(page) == []
    assert page.locator("li:visible", has_text="B's write at t4").count() == 0
    page.keyboard.press("ArrowRight")
    assert rows_shown(page) == [["t1", "reads 100", "", "100"]]
    page.locator("section.strategy").first.locator("button.next").click()
    page.keyboard.press("ArrowRight")
    assert page.locator("p.outcome:visible").count() == 0  # not before the last row
    page.keyboard.press("ArrowRight")
    assert rows_shown(page) == [
        ["t1", "reads 100", "", "100"],
        ["t2", "", "reads 100", "100"],
        ["t3", "writes 99", "", "99"],
        ["t4", "", "writes 99", "99 ← lost update"],
    ]
    marked = page.locator("table.timeline").first.locator("tr.marked")
    assert marked.count() == 1 and "lost update" in marked.inner_text()
    # The sentence about t2..t4 appears now that t4 is shown, with the outcome line.
    assert page.locator("li:visible", has_text="B's write at t4").count() == 1
    assert "final stock 99" in page.locator("p.outcome:visible").first.inner_text()
    page.keyboard.press("ArrowLeft")
    assert len(rows_shown(page)) == 3
    assert not opened.errors


def test_predict_mode_hides_the_final_stock_until_a_guess(
    pages: dict[str, Path], open_page: OpenPage
) -> None:
    page = open_page(pages["simulate"]).page
    page.check("#predict")
    first = page.locator("section.strategy").first
    assert first.locator("button.next").is_disabled()
    page.keyboard.press("End")
    assert rows_shown(page) == [] and page.locator("p.outcome:visible").count() == 0
    summary = page.locator("table.summary tbody tr").first
    assert "99" not in summary.locator("td.final").inner_text()
    first.locator("input.guess").fill("98")
    first.locator("button.check").click()
    verdict = first.locator(".guess-result")
    assert "Wrong" in verdict.inner_text() and "final stock is 99" in verdict.inner_text()
    assert summary.locator("td.final").inner_text() == "99"
    first.locator("button.all").click()
    assert len(rows_shown(page)) == 4
    second = page.locator("section.strategy").nth(1)
    second.locator("input.guess").fill("98")
    second.locator("button.check").click()
    assert "Right" in second.locator(".guess-result").inner_text()


def test_the_outcome_map_has_a_bar_per_outcome_and_shows_a_witness(
    pages: dict[str, Path], open_page: OpenPage
) -> None:
    opened = open_page(pages["explore"])
    page = opened.page
    bars = page.locator("button.bar")
    assert bars.count() == 2  # lost-update under none: 99 (4 schedules), 98 (2)
    violating = page.locator("button.bar.violating")
    assert violating.count() == 1
    fail_colour = violating.locator(".fill").evaluate("e => getComputedStyle(e).backgroundColor")
    other = page.locator("button.bar:not(.violating) .fill")
    assert fail_colour != other.evaluate("e => getComputedStyle(e).backgroundColor")
    assert page.locator("table.timeline").count() == 0
    violating.click()
    assert "A B A B" in page.locator(".witness h3").inner_text()
    page.keyboard.press("End")
    rows = rows_shown(page)
    assert rows[-1] == ["t4", "", "writes 99", "99 ← lost update"]
    assert 'vacancy simulate lost-update --strategy none --schedule "A B A B"' in (
        page.locator(".witness").inner_text()
    )
    assert not opened.errors


@pytest.mark.parametrize("kind", ["simulate", "explore"])
def test_the_page_fetches_nothing_and_has_a_title_and_viewport(
    pages: dict[str, Path], open_page: OpenPage, kind: str
) -> None:
    opened = open_page(pages[kind])
    page = opened.page
    page.locator("button.bar, button.next").first.click()  # a witness drawn too, for explore
    page.keyboard.press("End")
    assert opened.requests == [pages[kind].resolve().as_uri()]
    assert page.title().startswith("Lost update")
    viewport = page.locator('meta[name="viewport"]').get_attribute("content")
    assert "width=device-width" in (viewport or "")
    tables = page.locator("table")
    assert tables.count() >= 2
    for table in tables.all():
        headers = table.locator("thead th[scope=col]").all_inner_texts()
        assert headers and all(h.strip() for h in headers)


@pytest.mark.parametrize(
    ("kind", "background"), [("dark", "rgb(18, 18, 18)"), ("light", "rgb(255, 255, 255)")]
)
def test_the_rooms_theme_colours_the_page(
    pages: dict[str, Path], open_page: OpenPage, kind: str, background: str
) -> None:
    page = open_page(pages[kind]).page
    page.emulate_media(color_scheme="light" if kind == "dark" else "dark")  # --theme wins
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background


def test_a_phone_sees_no_page_wider_than_itself(
    pages: dict[str, Path], open_page: OpenPage
) -> None:
    page = open_page(pages["simulate"], width=375, height=740).page
    page.keyboard.press("End")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # wide tables scroll inside their own box


def test_screenshots_for_the_readme(
    pages: dict[str, Path], open_page: OpenPage, tmp_path: Path
) -> None:
    """The README's pictures of both pages, taken in tmp_path (a test run must not
    change the checkout); VACANCY_SCREENSHOTS=1 writes them into docs/ instead."""
    folder = DOCS if os.environ.get("VACANCY_SCREENSHOTS") == "1" else tmp_path
    page = open_page(pages["simulate"], width=1000, height=1000).page
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.screenshot(path=str(folder / "lesson-simulate.png"))
    page = open_page(pages["explore"], width=1000, height=900).page
    page.locator("button.bar.violating").click()
    page.keyboard.press("End")
    page.screenshot(path=str(folder / "lesson-explore.png"), full_page=True)
    for name in ("lesson-simulate.png", "lesson-explore.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SIX_SIZES = """title = "Six sizes"
stock = 15
strategies = ["none"]
""" + "".join(f'[[requests]]\nid = "{r}"\nqty = {q}\n' for q, r in enumerate("ABCDEF", 1))


def test_past_its_witness_runs_the_page_still_gives_each_outcome_s_replay(
    tmp_path: Path, open_page: OpenPage
) -> None:
    from vacancy_cli.cli.replay import WITNESS_RUNS

    scenario = tmp_path / "six.toml"
    scenario.write_text(SIX_SIZES)
    opened = open_page(export(tmp_path, "six", "explore", str(scenario)))
    page = opened.page
    data = page.evaluate("JSON.parse(document.getElementById('lesson-data').textContent)")
    outcomes = data["document"]["explorations"][0]["outcomes"]
    assert len(outcomes) > WITNESS_RUNS  # six requests of 1..6 tickets: 149 final states
    assert len(data["witness_runs"][0]) == WITNESS_RUNS
    assert len(data["notes"][0]["replays"]) == len(outcomes)
    bars = page.locator("button.bar")
    assert bars.count() == len(outcomes)  # the map still shows every outcome
    bars.nth(len(outcomes) - 1).click()
    shown = page.locator(".witness").inner_text()
    assert f"first {WITNESS_RUNS} witnesses only" in shown
    assert f'--schedule "{outcomes[-1]["witness"]}"' in shown
    assert page.locator(".witness table.timeline").count() == 0
    bars.nth(0).click()  # one the page carries: stepped as before
    assert page.locator(".witness table.timeline").count() == 1
    assert not opened.errors
