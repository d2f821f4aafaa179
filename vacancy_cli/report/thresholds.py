"""``reserve --threshold``: k6-style pass/fail criteria on the figures of ``--json``.

A threshold is ``NAME OP VALUE`` (``p95<5ms``, ``success=100%``,
``lost_updates=0``). Every number the ``reserve --json`` document holds can be
named, by its dotted path (``lock_wait_ms.p95``), so a figure added to the
document needs no change here: the names come from the shipped schema (to
refuse a misspelt name before the load runs) and the values from the
document (``figures``: its numeric leaves). Lists are left out (the histogram,
the pods), except ``violations``, which counts: the ADR's "Race Conditions: 0".

Short names, because a CI line is typed by hand: a part may drop its unit
suffix (``lock_wait.p95``, ``success``, ``elapsed``), and a bare ``p50``,
``p95``, ``p99``, ``max``, ``min`` or ``mean`` is the lock wait's, the ADR's
figure (k6's ``p(95)`` is read as ``p95``).

Values carry units: a duration (``250us``, ``5ms``, ``0.2s``) for a ``*_ms``
or ``*_s`` figure, a percentage (``100%`` is 1.0) for a rate or a share, and a
bare number is in the figure's own unit. A threshold keeps the amount and unit
as written, so its text round-trips and a failure says the measured value in
the unit the user chose.

A figure that is null (no lock was taken, so no lock-wait percentile) is not
measured in that run, and its thresholds do not apply there: ``--strategy
all`` mixes strategies with and without a lock. A threshold measured in no
run at all fails, since it checked nothing.

Pure: no Typer, no Rich. ``parse_threshold`` raises ``OptionError`` (option
``threshold``), which the command layer turns into one line and exit 2.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vacancy_cli.live.result import ADR_CACHE_SAVING, ADR_P95_LIMIT_S
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.text import printable, shortened
from vacancy_cli.report.figures import FRACTION, aliases, figures, known_figures, own_unit

OPTION = "threshold"
OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}
_SAME_OP = {"==": "="}
# Durations in microseconds, so converting between them multiplies by whole numbers.
_DURATIONS = {"us": 1, "µs": 1, "μs": 1, "ms": 1_000, "s": 1_000_000}
PERCENT = "%"  # as written; a fraction figure holds 100% as 1.0
# The figures an unknown name's error names first: the ADR's, then the rest in order.
_FIRST = ("success_rate", "lost_updates", "oversold", "violations", "lock_wait_ms.p95")

_SHAPE = re.compile(r"\s*(?P<name>[A-Za-z_][\w.()]*)\s*(?P<op><=|>=|==|!=|<|>|=)\s*(?P<value>.*)")
_VALUE = re.compile(
    r"(?P<amount>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>us|µs|μs|ms|s|%)?\s*"
)
_K6_PERCENTILE = re.compile(r"p\((\d+)\)")


@dataclass(frozen=True)
class Threshold:
    """One criterion: ``figure`` (its canonical dotted path) ``op`` ``amount`` ``unit``.

    ``unit`` is as written: ``""`` (the figure's own), ``us``, ``ms``, ``s`` or
    ``%``. ``text`` is what the user typed, for the failure line; it takes no
    part in equality, so ``parse_threshold(str(t)) == t``.
    """

    figure: str
    op: str
    amount: float
    unit: str = ""
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.figure}{self.op}{_number(self.amount)}{self.unit}"

    @property
    def limit(self) -> float:
        """The amount in the figure's own unit (5ms on a ``*_s`` figure is 0.005)."""
        return _convert(self.amount, self.unit, own_unit(self.figure))

    def holds(self, measured: float) -> bool:
        """Whether ``measured`` (in the figure's own unit) meets the threshold."""
        return OPS[self.op](measured, self.limit)

    def shown(self, measured: float) -> str:
        """``measured`` in this threshold's unit, as it would be written (``7.2ms``), to
        six significant digits."""
        value = _convert(measured, own_unit(self.figure), self.unit)
        return f"{_number(float(f'{value:.6g}'))}{self.unit}"  # 248.979ms, not 248.978962ms


@dataclass(frozen=True)
class Failure:
    """A threshold a run did not meet; ``measured`` is None when no run measured it."""

    threshold: str  # as written
    figure: str
    measured: str | None  # in the threshold's unit, e.g. "7.2ms"
    run: str | None = None  # the strategy or level, in a document of several runs

    @property
    def words(self) -> str:
        where = f" ({self.run})" if self.run else ""
        if self.measured is None:
            return f"{self.threshold}: {self.figure} was not measured{where}"
        return f"{self.threshold}: {self.figure} was {self.measured}{where}"


# -- parsing -------------------------------------------------------------------------------


def parse_threshold(text: str, known: Iterable[str] | None = None) -> Threshold:
    """``NAME OP VALUE`` as a Threshold; ``known``: the figure names (default: every
    number the ``reserve`` schema describes). One clear ``OptionError`` otherwise."""
    names = tuple(known) if known is not None else known_figures()
    quoted = shortened(repr(text))
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        raise OptionError(
            f"{quoted}: expected NAME OP VALUE, e.g. 'p95<5ms', 'success=100%' or "
            f"'lost_updates=0' (OP: {' '.join([*OPS, '=='])})",
            OPTION,
        )
    figure = _resolve(shape["name"], names, quoted)
    value = _VALUE.fullmatch(shape["value"])
    if value is None:
        raise OptionError(
            f"{quoted}: {shortened(repr(shape['value']))} is not a value: a number, with "
            "us, ms or s for a duration or % for a rate",
            OPTION,
        )
    amount = float(value["amount"])
    if not math.isfinite(amount):
        raise OptionError(f"{quoted}: the value is too large", OPTION)
    unit = _unit(figure, value["unit"] or "", amount, quoted)
    op = _SAME_OP.get(shape["op"], shape["op"])
    return Threshold(figure, op, amount, "µs" if unit == "μs" else unit, text=text.strip())


def _resolve(name: str, names: Sequence[str], quoted: str) -> str:
    name = _K6_PERCENTILE.sub(r"p\1", name)
    if name in names:
        return name
    found = aliases(names).get(name)
    if found is None:
        raise OptionError(
            f"{quoted}: unknown figure {shortened(repr(name))}; figures: {_listing(names)}",
            OPTION,
        )
    return found


def _unit(figure: str, unit: str, amount: float, quoted: str) -> str:
    """The unit as written, checked against the figure's kind."""
    own = own_unit(figure)
    if unit in _DURATIONS and own not in _DURATIONS:
        raise OptionError(
            f"{quoted}: {figure} is not a duration: give {_kind_hint(figure)}", OPTION
        )
    if unit == PERCENT and own != FRACTION:
        raise OptionError(f"{quoted}: {figure} is not a rate: give {_kind_hint(figure)}", OPTION)
    if own == FRACTION and unit == "" and not 0 <= amount <= 1:
        raise OptionError(
            f"{quoted}: {figure} is a fraction from 0 to 1: write {_number(amount)}% or "
            f"{_number(amount / 100)}",
            OPTION,
        )
    return unit


def _kind_hint(figure: str) -> str:
    own = own_unit(figure)
    if own == FRACTION:
        return "a percentage such as 100% (or a fraction from 0 to 1)"
    if own in _DURATIONS:
        return f"a duration such as 5ms (a bare number is in {own})"
    return "a plain number"


def _convert(amount: float, unit: str, to: str) -> float:
    """``amount`` ``unit`` in ``to``: durations into each other, % into a fraction."""
    if unit == to or unit == "" or to == "":
        return amount
    if unit == PERCENT:
        return amount / 100
    if to == PERCENT:
        return amount * 100
    return amount * _DURATIONS[unit] / _DURATIONS[to]


def _number(value: float) -> str:
    """A float as it reads back exactly: ``5``, ``0.25``, ``1e-07``."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _listing(names: Sequence[str], most: int = 12) -> str:
    ordered = [n for n in _FIRST if n in names] + [n for n in names if n not in _FIRST]
    shown = ", ".join(ordered[:most])
    rest = len(ordered) - most
    return shown + (f" and {rest} more (every number reserve --json prints)" if rest > 0 else "")


# -- checking ------------------------------------------------------------------------------

Runs = list[tuple[str | None, Mapping[str, Any]]]


def _each_run(name: Callable[[Mapping[str, Any]], str]) -> Callable[[Mapping[str, Any]], Runs]:
    """A sweep's or a comparison's runs, named by ``name``; with ``--runs N`` an entry
    is a ``reserve.runs`` document, checked by its medians as one would be alone
    (``asyncio-lock, median of 3 runs``)."""

    def runs(document: Mapping[str, Any]) -> Runs:
        found: Runs = []
        for run in _listed(document):
            named = printable(name(run))
            if run.get("kind") == "reserve.runs":
                found += [(f"{named}, {medians}", merged) for medians, merged in _medians(run)]
            else:
                found.append((named, run))
        return found

    return runs


def _listed(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The entries of a document's ``runs`` that are objects."""
    found = document.get("runs")
    return [run for run in found if isinstance(run, Mapping)] if isinstance(found, list) else []


def _medians(document: Mapping[str, Any]) -> Runs:
    """``--runs N``: the medians are what a threshold reads (``p95`` is the median of
    the runs' p95s; ``median.`` and ``spread.`` paths work too), and ``violations``
    counts the runs that broke an invariant, so a median cannot hide one."""
    median = document.get("median")
    merged = {**document, **(median if isinstance(median, Mapping) else {})}
    merged["violations"] = document.get("violating_runs", [])
    return [(f"median of {document.get('repetitions')} runs", merged)]


def _level(run: Mapping[str, Any]) -> str:
    """A sweep entry's level: its own, or (``--runs N``) its first run's."""
    inner = _listed(run)
    return f"concurrency {run.get('concurrency', inner[0].get('concurrency') if inner else None)}"


def _claims(run: Mapping[str, Any]) -> bool:
    """Whether a load (or, ``--runs N``, its first run: they share the strategy) claims
    safety."""
    inner = _listed(run)
    return bool(run.get("claims_safety", inner[0].get("claims_safety") if inner else False))


# The documents that hold several runs, by kind, and how to take them apart: one entry
# per kind (a kind not here is one run, the document itself).
_RUNS: dict[str, Callable[[Mapping[str, Any]], Runs]] = {
    "reserve.sweep": _each_run(_level),
    "reserve.comparison": _each_run(lambda run: str(run.get("strategy"))),
    "reserve.runs": _medians,
}


def runs_of(document: Mapping[str, Any]) -> Runs:
    """The runs a document's thresholds are checked on, each with the name a failure
    gives it (None: the document is the one run)."""
    split = _RUNS.get(str(document.get("kind")))
    return split(document) if split is not None else [(None, document)]


def evaluate(thresholds: Iterable[Threshold], document: Mapping[str, Any]) -> list[Failure]:
    """Every threshold a run of ``document`` does not meet, threshold by threshold."""
    runs = [(name, figures(run)) for name, run in runs_of(document)]
    failures = []
    for threshold in thresholds:
        text = threshold.text or str(threshold)
        measured = [
            (name, found[threshold.figure]) for name, found in runs if threshold.figure in found
        ]
        if not measured:
            failures.append(
                Failure(text, threshold.figure, None, "in any run" if len(runs) > 1 else None)
            )
        failures += [
            Failure(text, threshold.figure, threshold.shown(value), name)
            for name, value in measured
            if not threshold.holds(value)
        ]
    return failures


# The ADR's validation lines (``live.result.adr_claims``), each as thresholds: a claim
# applies when the document's own ``adr_claims`` lists it.
_ADR: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Success Rate", ("success=100%",)),
    ("Race Conditions", ("lost_updates=0", "oversold=0", "violations=0")),
    ("Lock Wait Time", (f"p95<{_number(ADR_P95_LIMIT_S * 1000)}ms",)),
    ("Read-heavy", (f"cache_saving>={_number(round(ADR_CACHE_SAVING * 100, 6))}%",)),
)
_RACES = "Race Conditions"  # the claim every document can be held to (reserve.pods too)


def adr_thresholds(document: Mapping[str, Any]) -> list[Threshold]:
    """The ADR's claims that apply to ``document``, as thresholds (``reserve --check``
    is ``--threshold`` with these): the claims its loads list, at any depth (a
    comparison's ``--runs`` entries hold theirs in their own runs), or, for a
    document that lists none (``reserve.pods``), the race conditions."""
    claimed = {
        str(claim.get("claim", ""))
        for run in _loads(document)
        for claim in run.get("adr_claims", [])
        if isinstance(claim, Mapping)
    }
    listed = {prefix for prefix, _ in _ADR if any(c.startswith(prefix) for c in claimed)}
    if not claimed:
        listed = {_RACES}
    return [parse_threshold(text) for prefix, texts in _ADR if prefix in listed for text in texts]


def _loads(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``document`` and every run it holds, and theirs."""
    return [document] + [load for run in _listed(document) for load in _loads(run)]


def adr_check(document: Mapping[str, Any]) -> list[Failure]:
    """``reserve --check``: the ADR's claims, on every run of a strategy that claims
    safety (by its medians, with ``--runs N``). A strategy that claims none
    (``none``, ``semaphore:2``, ``sqlite-naive``) breaking is the lesson, as
    ``simulate --check`` and the exit status have it: it is shown beside the
    others, and held to nothing."""
    held = _claiming(document)
    return [] if held is None else evaluate(adr_thresholds(held), held)


def _claiming(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``document`` cut to the runs that claim safety; None if none does."""
    runs = _listed(document)
    if document.get("kind") == "reserve.comparison":
        kept = [run for run in runs if _claims(run)]
        return {**document, "runs": kept} if kept else None
    if "claims_safety" in document:
        return document if document["claims_safety"] else None
    return document if runs and _claims(runs[0]) else None  # a sweep, or --runs
