"""The bundled catalogue and how a command line names a scenario: a bundled name
(``lost-update``, from ``vacancy_cli/scenarios/01-lost-update.toml``) or a path.

Kept apart from ``scenario.py``, which parses what a file says: this module only
finds the file, and says in one line why a name finds none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.text import shortened

# Longer than any name a system gives one file (NAME_MAX, 255): a path this long in
# an error line is shortened; any path a test or a user really has is shown whole.
PATH_LIMIT = 255


def catalogue_dir() -> Path:
    """Where the bundled scenarios live: ``vacancy_cli/scenarios``, beside the package's
    code in a source checkout and in an installed wheel alike, so the relative
    ``#:schema ../schemas/scenario.schema.json`` line each file opens with finds the
    shipped schema in both."""
    return Path(__file__).resolve().parents[1] / "scenarios"


def bundled_names() -> list[str]:
    """Bundled scenario names in course order (files are numbered ``NN-name.toml``)."""
    return [name_of(p) for p in sorted(catalogue_dir().glob("*.toml"))]


def name_of(path: Path) -> str:
    stem = path.stem
    prefix, _, rest = stem.partition("-")
    return rest if re.fullmatch("[0-9]+", prefix) and rest else stem


def find_scenario(ref: str) -> Path:
    """A path to an existing file, or the name of a bundled scenario.

    An empty name is refused first: ``Path("")`` is the current folder, so it would
    otherwise be reported as "a folder", which says nothing about the mistake.
    """
    if not ref.strip():
        raise ScenarioError(
            "the scenario name is empty: give a bundled scenario name "
            "(see vacancy scenarios) or a .toml file"
        )
    path = Path(ref)
    if _is(path.is_file):
        return path
    for candidate in sorted(catalogue_dir().glob("*.toml")):
        if name_of(candidate) == ref:
            return candidate
    shown = shortened(ref, PATH_LIMIT)  # a real path whole; a pasted novel, not
    if _is(path.is_dir):
        raise ScenarioError(f"{shown}: a folder, not a scenario file")
    if path.suffix == ".toml" or "/" in ref:
        raise ScenarioError(f"{shown}: no such file")
    raise ScenarioError(
        f"unknown scenario {shown!r}: not a file and not a bundled scenario "
        f"(bundled: {', '.join(bundled_names())})"
    )


def _is(test: Callable[[], bool]) -> bool:
    """``Path.is_file()`` or ``is_dir()``, False for a name the system cannot even look
    up (too long, a NUL byte): such a name is no file, and the error says so."""
    try:
        return test()
    except (OSError, ValueError):
        return False
