"""``vacancy schema``: the JSON Schemas vacancy ships, for editors and for scripts.

The scenario schema lets an editor (VS Code's Even Better TOML, anything on
taplo) complete and check a scenario file as it is typed; the ``--json``
schemas let a script check what it reads. The files are in the package
(``report.schemas``); this command prints one, or with ``--path`` says where it
is installed, since an editor's setting wants a file, and that path changes
with every virtual environment.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from vacancy_cli.cli.common import fail
from vacancy_cli.cli.completion import complete_schema


def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]",
            show_default=False,
            help="scenario (the TOML scenario files), or a --json kind: simulate, explore, "
            "scenarios, play, reserve (and reserve.load, reserve.sweep, ...). "
            "Without it: the list.",
            autocompletion=complete_schema,
        ),
    ] = None,
    path: Annotated[
        bool,
        typer.Option(
            "--path",
            help="Print where the schema file is installed instead of its text (for an "
            "editor's settings); without KIND, every file's path.",
        ),
    ] = False,
) -> None:
    """Print a JSON Schema vacancy ships: the scenario file's, or a --json document's.

    Bundled scenarios name theirs in their first line (#:schema), so an editor
    with Even Better TOML (or taplo) completes and checks them. Give your own
    scenario files the same first line: #:schema and the path that
    vacancy schema scenario --path prints.

    Examples:

      vacancy schema

      vacancy schema scenario --path

      vacancy schema simulate > simulate.schema.json
    """
    from vacancy_cli.report import schemas

    if kind is None:
        lines = (
            [str(schemas.path(name)) for name in schemas.SCHEMA_NAMES]
            if path
            else [_listed(name) for name in schemas.SCHEMA_NAMES]
        )
        sys.stdout.write("".join(line + "\n" for line in lines))
        return
    name = schemas.resolve(kind.strip())
    if name is None:
        known = ", ".join(kind for kind, _ in schemas.choices())
        fail(f"error: unknown schema kind {kind!r}: expected one of {known}", 2)
    sys.stdout.write(f"{schemas.path(name)}\n" if path else schemas.text(name))


def _listed(name: str) -> str:
    """One line of the list: the name, its title, and the kinds that follow it."""
    from vacancy_cli.report import schemas

    others = schemas.kinds_of(name)
    family = all(kind.startswith(name + ".") for kind in others)
    also = f" (kinds {f'{name}.*' if family else ', '.join(others)})" if others else ""
    return f"{name:<10} {schemas.title(name)}{also}"
