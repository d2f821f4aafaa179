"""The ``scenarios`` command: the bundled scenarios, in course order."""

from __future__ import annotations

from typing import Annotated

import typer

from vacancy_cli.cli.common import call, console, print_json


def scenarios(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout instead of a table.")
    ] = False,
) -> None:
    """List the bundled scenarios, in course order, with their titles.

    Example:

      vacancy scenarios
    """
    from vacancy_cli.model.scenario import bundled_names, load_scenario
    from vacancy_cli.report import documents

    catalogue = call(lambda: [load_scenario(name) for name in bundled_names()])
    if json_out:
        print_json(documents.catalogue(catalogue))
    else:
        from vacancy_cli.render.catalog import show_catalogue

        show_catalogue(catalogue, console(None))
