"""The JSON Schemas vacancy ships, found by name: ``schema("simulate")``.

Each ``--json`` document names its schema through ``documents.KINDS``; the
TOML scenario format has one too (``scenario``). The files live in
``vacancy_cli/schemas/<name>.schema.json`` and ship in the wheel. Importing
this module checks that every kind's schema exists, so a new kind without a
schema fails at once, not when a user's editor looks for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from vacancy_cli.report.documents import KINDS

SUFFIX = ".schema.json"


class MissingSchemaError(RuntimeError):
    """A document kind names a schema file that is not there."""


def _folder() -> Traversable:
    return resources.files("vacancy_cli").joinpath("schemas")


# Every schema shipped, by name (the file name without ``.schema.json``), sorted.
SCHEMA_NAMES: tuple[str, ...] = tuple(
    sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in _folder().iterdir()
        if entry.is_file() and entry.name.endswith(SUFFIX)
    )
)


def schema(name: str) -> dict[str, Any]:
    """The schema ``name`` (``simulate``, ``reserve``, ``scenario``...) as a fresh dict."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema named {name!r} (schemas: {', '.join(SCHEMA_NAMES)})")
    text = _folder().joinpath(name + SUFFIX).read_text(encoding="utf-8")
    loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError(f"schema {name!r}: expected a JSON object, got {type(loaded).__name__}")
    return loaded


def check_kinds(kinds: Mapping[str, str], names: Iterable[str]) -> None:
    """Raise MissingSchemaError naming the first kind whose schema is not among ``names``."""
    known = set(names)
    for kind, name in kinds.items():
        if name not in known:
            raise MissingSchemaError(
                f"document kind {kind!r} follows schema {name!r}, but "
                f"vacancy_cli/schemas/{name}{SUFFIX} does not exist "
                f"(schemas: {', '.join(sorted(known)) or 'none'})"
            )


check_kinds(KINDS, SCHEMA_NAMES)
