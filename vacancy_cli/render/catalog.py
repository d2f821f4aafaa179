"""The catalogue of bundled scenarios (``vacancy scenarios``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from vacancy_cli.model.scenario import Scenario


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
