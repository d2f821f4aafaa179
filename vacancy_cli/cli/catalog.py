"""The ``scenarios`` command: the bundled scenarios, in course order, and one scenario's
facilitator view (``--notes NAME``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vacancy_cli.cli.common import ExportOpt, call, emit, export_path, fail
from vacancy_cli.cli.completion import complete_scenario

if TYPE_CHECKING:
    from vacancy_cli.render.console import Console


def scenarios(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout instead of a table.")
    ] = False,
    notes: Annotated[
        str | None,
        typer.Option(
            "--notes",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Show one scenario's facilitator view instead of the list: its title, "
            "lesson, challenge, hints and discussion questions (the scenario's notes key). "
            "NAME is a bundled scenario or a .toml file. vacancy play never shows the notes.",
        ),
    ] = None,
    export: ExportOpt = None,
) -> None:
    """List the bundled scenarios, in course order, with their titles.

    With --notes NAME, show what the facilitator needs to lead that scenario,
    including the questions to ask the room afterwards; --export notes.md makes
    it a handout for whoever runs the workshop.

    Examples:

      vacancy scenarios

      vacancy scenarios --notes lost-update --export lost-update-notes.md
    """
    from vacancy_cli.model.scenario import bundled_names, load_scenario
    from vacancy_cli.report import documents

    if notes is not None and json_out:
        fail("error: --notes shows a view for people; it has no --json document", 2)
    path = export_path(export)
    if notes is not None:
        from vacancy_cli.render.catalog import show_notes

        scenario = call(lambda: load_scenario(notes))
        emit(
            False,
            lambda: {},
            lambda view: show_notes(scenario, view),
            path,
            f"{scenario.title}: facilitator's notes",
        )
        return
    catalogue = call(lambda: [load_scenario(name) for name in bundled_names()])

    def show(view: Console) -> None:
        from vacancy_cli.render.catalog import show_catalogue

        show_catalogue(catalogue, view)

    emit(json_out, lambda: documents.catalogue(catalogue), show, path, "Bundled scenarios")
