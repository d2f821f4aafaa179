"""The JSON Schemas vacancy ships, found by name: ``schema("simulate")``.

Each ``--json`` document names its schema through ``documents.KINDS``; the
TOML scenario format has one too (``scenario``). The files live in
``vacancy_cli/schemas/<name>.schema.json`` and ship in the wheel. Importing
this module checks that every kind's schema exists, so a new kind without a
schema fails at once, not when a user's editor looks for it.

``vacancy schema KIND`` prints one (``text``) or names its file (``path``): an
editor reads a file, and the bundled scenarios name theirs by a relative
``#:schema`` line. KIND is a schema's name or any document kind
(``reserve.sweep`` follows ``reserve``): ``resolve`` tells which file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
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
    loaded = json.loads(text(name))
    if not isinstance(loaded, dict):
        raise ValueError(f"schema {name!r}: expected a JSON object, got {type(loaded).__name__}")
    return loaded


def resolve(kind: str) -> str | None:
    """The schema a name or a ``--json`` kind follows (``reserve.pods``: ``reserve``),
    or ``None`` for neither."""
    if kind in SCHEMA_NAMES:
        return kind
    return KINDS.get(kind)


def choices() -> list[tuple[str, str]]:
    """Every KIND ``vacancy schema`` takes, sorted, with the title of its schema."""
    every = {name: name for name in SCHEMA_NAMES} | KINDS
    return [(kind, title(every[kind])) for kind in sorted(every)]


def text(name: str) -> str:
    """The schema ``name``'s file as shipped, byte for byte what an editor reads."""
    _known(name)
    return _folder().joinpath(name + SUFFIX).read_text(encoding="utf-8")


def path(name: str) -> Path:
    """Where the schema ``name`` is installed (for an editor's settings)."""
    _known(name)
    return Path(str(_folder().joinpath(name + SUFFIX))).resolve()


def title(name: str) -> str:
    """The schema's one-line title (``vacancy simulate --json``)."""
    found = schema(name).get("title")
    return found if isinstance(found, str) else name


def kinds_of(name: str) -> list[str]:
    """The document kinds that follow schema ``name`` under another name
    (``reserve``: ``reserve.load``, ``reserve.sweep``...)."""
    return [kind for kind, followed in KINDS.items() if followed == name and kind != name]


def _known(name: str) -> None:
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema named {name!r} (schemas: {', '.join(SCHEMA_NAMES)})")


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
