"""The figures of a ``reserve --json`` document: every number, by dotted path.

``--threshold`` names a figure (``reserve --threshold 'p95<5ms'``), so this is
where names come from, kept generic: a figure added to the document needs no
change here. ``known_figures`` reads the names from the shipped schema (so a
misspelt name is refused before a load runs); ``figures`` reads the values
from a document (its numeric leaves). Lists are left out (the histogram, the
pods), except ``violations``, which counts: the ADR's "Race Conditions: 0".
A null is not measured (no lock was taken), so it is left out too.

Short names, because a CI line is typed by hand (``aliases``): a part may drop
its unit suffix (``lock_wait.p95``, ``success``, ``elapsed``), and a bare
``p50``, ``p95``, ``p99``, ``max``, ``min`` or ``mean`` is the lock wait's, the
ADR's figure. ``own_unit`` says which unit a figure's values are in, from its
name, as the document's own keys do (``_ms``, ``_s``, ``_rate``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

FRACTION = "fraction"  # the unit of a rate or a share: 0 to 1
_SUFFIXES = ("_ms", "_s", "_rate", "_rps")  # what a short name may drop from a part
_FRACTIONS = ("_rate", "_saving", "_share", "_fraction")  # figures from 0 to 1
_WAIT = "lock_wait_ms"  # the ADR's figure: a bare p95 is its p95
_BARE = ("p50", "p95", "p99", "max", "min", "mean")
_COUNTED = ("violations",)  # lists whose length is a figure
_SKIPPED = ("schema_version",)


def aliases(names: Iterable[str]) -> dict[str, str]:
    """Short names: each part without its unit suffix (``lock_wait.p95``, ``success``),
    and a bare percentile for the lock wait's. A short name two figures share is
    nobody's; a figure's own name always wins."""
    canonical = set(names)
    table: dict[str, str] = {}
    clashes: set[str] = set()
    for name in canonical:
        for short in _short_forms(name):
            if short in canonical:
                continue
            if table.get(short, name) != name:
                clashes.add(short)
            table[short] = name
    for bare in _BARE:
        if f"{_WAIT}.{bare}" in canonical and bare not in canonical:
            table[bare] = f"{_WAIT}.{bare}"
            clashes.discard(bare)
    return {short: name for short, name in table.items() if short not in clashes}


def _short_forms(name: str) -> Iterator[str]:
    choices = []
    for part in name.split("."):
        cut = next((part[: -len(s)] for s in _SUFFIXES if part.endswith(s) and part != s), None)
        choices.append((part,) if cut is None else (part, cut))
    for parts in itertools.product(*choices):
        yield ".".join(parts)


@cache
def known_figures() -> tuple[str, ...]:
    """Every figure a ``reserve`` document can hold, read from its shipped schema (so a
    figure added there is known here), in the schema's order."""
    from vacancy_cli.report.schemas import schema

    found = schema("reserve")
    defs = found.get("$defs", {})
    names: dict[str, None] = {}
    for branch in found.get("oneOf", []):
        names.update(dict.fromkeys(_schema_figures(branch, defs, "")))
    return tuple(names)


def _schema_figures(node: Mapping[str, Any], defs: Mapping[str, Any], prefix: str) -> Iterator[str]:
    """The numeric leaves a schema node describes, by dotted path; a ``runs`` list's
    items are runs, whose figures keep their own names."""
    for ref in _refs(node):
        yield from _schema_figures(defs.get(ref.rsplit("/", 1)[-1], {}), defs, prefix)
    for key, sub in node.get("properties", {}).items():
        if key in _SKIPPED or not isinstance(sub, Mapping):
            continue
        resolved = _resolved(sub, defs)
        types = _types(resolved)
        if key in _COUNTED or types & {"number", "integer"}:
            yield prefix + key
        elif "object" in types or "properties" in resolved:
            yield from _schema_figures(resolved, defs, f"{prefix}{key}.")
        elif key == "runs" and "array" in types:
            yield from _schema_figures(_resolved(resolved.get("items", {}), defs), defs, prefix)


def _refs(node: Mapping[str, Any]) -> list[str]:
    ref = node.get("$ref")
    return [ref] if isinstance(ref, str) else []


def _resolved(node: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """A node with its ``$ref`` followed (``load_run`` -> ``load``), its own keys kept
    and its own properties added to the target's."""
    merged: dict[str, Any] = {}
    for ref in _refs(node):
        merged.update(_resolved(defs.get(ref.rsplit("/", 1)[-1], {}), defs))
    for key, value in node.items():
        if key == "properties":
            merged[key] = {**merged.get(key, {}), **value}
        elif key != "$ref":
            merged[key] = value
    return merged


def _types(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("type")
    found = {kind} if isinstance(kind, str) else set(kind or ())
    for option in [*node.get("anyOf", []), *node.get("oneOf", [])]:
        if isinstance(option, Mapping):
            found |= _types(option)
    return found


def figures(document: Mapping[str, Any]) -> dict[str, float]:
    """Every number of one run's document by dotted path, and each short name
    (``aliases``) for it. Nulls are left out (not measured), so are lists, except
    ``violations``, counted."""
    found: dict[str, float] = {}
    _leaves(document, "", found)
    found.update({short: found[name] for short, name in aliases(found).items()})
    return found


def _leaves(node: Mapping[str, Any], prefix: str, into: dict[str, float]) -> None:
    for key, value in node.items():
        if key in _SKIPPED:
            continue
        if isinstance(value, Mapping):
            _leaves(value, f"{prefix}{key}.", into)
        elif key in _COUNTED and isinstance(value, list):
            into[prefix + key] = float(len(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            into[prefix + key] = float(value)


def own_unit(figure: str) -> str:
    """The unit a figure's values are in, from the nearest part that names one: ``ms``
    or ``s`` (``lock_wait_ms.p95``, ``elapsed_s``), ``%`` for a fraction
    (``success_rate``, ``spread.success_rate.max``), else ``""``; a ``count`` is a count
    wherever it sits (``lock_wait_ms.count``)."""
    parts = figure.split(".")
    if parts[-1] == "count":
        return ""
    for part in reversed(parts):
        if part.endswith("_ms"):
            return "ms"
        if part.endswith("_s"):
            return "s"
        if part.endswith(_FRACTIONS):
            return FRACTION
    return ""
