"""The catalogue of bundled scenarios (``vacancy scenarios``), and one scenario's
facilitator view (``vacancy scenarios --notes NAME``).

The facilitator view is the only place a scenario's notes (its discussion
questions) are drawn: ``play`` shows the lesson, the challenge and, on request,
the hints, never the notes.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vacancy_cli.model.scenario import Scenario
from vacancy_cli.render.console import command


def show_catalogue(scenarios: list[Scenario], console: Console) -> None:
    table = Table(title="Bundled scenarios", title_justify="left", title_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Name", style="cyan")
    table.add_column("Title")
    table.add_column("Strategies")
    for number, scenario in enumerate(scenarios, start=1):
        table.add_row(str(number), scenario.name, scenario.title, ", ".join(scenario.strategies))
    console.print(table)
    console.print(Text("Run one: vacancy simulate NAME", style="dim"))


def show_notes(scenario: Scenario, console: Console) -> None:
    """Title, lesson, challenge, hints and discussion questions, for the one who leads."""
    inside = console.width - 4  # a panel's borders and padding
    console.print(Text(f"{scenario.title} ({scenario.name}): facilitator's notes", style="bold"))
    console.print(_panel("Lesson", Text(" ".join(scenario.lesson.split()) or "(no lesson)")))
    goal = scenario.goal
    if goal is None:
        challenge = Text("No challenge: play it freely.", style="dim")
    else:
        challenge = Text(goal.text)
        challenge.append(f"\nPlayed with the strategy {goal.strategy}.", style="dim")
    console.print(_panel("Challenge", challenge))
    console.print(
        _panel(
            "Hints (play gives them one at a time)",
            _numbered(scenario.hints, inside) or Text("No hints in this scenario.", style="dim"),
        )
    )
    console.print(
        _panel(
            "Discussion questions",
            _numbered(scenario.notes, inside)
            or Text(f'None yet: add notes = ["...", "..."] to {scenario.source}.', style="dim"),
        )
    )
    command(console, f"Play it: vacancy play {scenario.ref}")
    console.print(Text("These notes are never shown in vacancy play.", style="dim"))


def _panel(title: str, body: Text) -> Panel:
    return Panel(body, title=title, title_align="left", expand=True)


def _numbered(items: tuple[str, ...], width: int) -> Text | None:
    """``1. item`` lines, a long item wrapped under its own text (a hanging indent),
    which Rich's own wrapping cannot do; ``width`` is the panel's inside."""
    if not items:
        return None
    lines = []
    for number, item in enumerate(items, start=1):
        prefix = f"{number}. "
        lines += textwrap.wrap(
            item,
            width=max(width, 20),
            initial_indent=prefix,
            subsequent_indent=" " * len(prefix),
            break_on_hyphens=False,
        )
    return Text("\n".join(lines))
