"""A comparison or a sweep with ``--runs N``: its document (each entry a ``reserve.runs``
document, against the shipped schema), its thresholds and ``--check`` by the medians,
naming the strategy or level, and every run's samples in the CSV."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vacancy_cli.engine.checker import check_totals
from vacancy_cli.live.load import run_comparison_runs, run_sweep_runs
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import FIGURES, ComparisonRuns, Repeated, SweepRuns
from vacancy_cli.report import documents
from vacancy_cli.report.samples_csv import lines
from vacancy_cli.report.schemas import schema
from vacancy_cli.report.thresholds import adr_check, evaluate, parse_threshold, runs_of

OPTIONS = LoadOptions(stock=1000, requests=50, latency_s=0.0002)
TWO = ("none", "asyncio-lock")


@cache
def comparison() -> ComparisonRuns:
    return run_comparison_runs(OPTIONS, TWO, 3)


@cache
def sweep() -> SweepRuns:
    return run_sweep_runs(OPTIONS, (1, 10), 3)


def errors(doc: dict[str, Any]) -> list[str]:
    return [e.message for e in Draft202012Validator(schema("reserve")).iter_errors(doc)]


def at(doc: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        doc = doc[key]
    return doc


def _medians_hold(entry: dict[str, Any]) -> None:
    """Each median of an entry is the median of its own runs' figure."""
    assert entry["kind"] == "reserve.runs" and entry["repetitions"] == 3
    assert len(entry["runs"]) == 3
    for name in FIGURES:
        values = [v for v in (at(run, name) for run in entry["runs"]) if v is not None]
        median = at(entry["median"], name)
        if not values:
            assert median is None, name
            continue
        assert median is not None, name
        assert abs(median - statistics.median(values)) <= 2e-6, name


def test_a_comparison_keeps_its_kind_and_holds_each_strategys_runs_document() -> None:
    doc = documents.reserve(comparison())
    assert not errors(doc)
    assert doc["kind"] == "reserve.comparison" and doc["strategies"] == list(TWO)
    assert [entry["strategy"] for entry in doc["runs"]] == list(TWO)
    for entry in doc["runs"]:
        _medians_hold(entry)
    none, lock = doc["runs"]
    assert none["violating_runs"] == [1, 2, 3] and lock["violating_runs"] == []
    assert doc["bug"] is False
    assert lock["median"]["lock_wait_ms"]["p95"] > 0  # 50 at once queue behind 0.2 ms
    assert none["median"]["lock_wait_ms"]["p95"] is None  # none takes no lock


def test_a_sweep_keeps_its_kind_and_holds_each_levels_runs_document() -> None:
    doc = documents.reserve(sweep())
    assert not errors(doc)
    assert doc["kind"] == "reserve.sweep" and doc["levels"] == [1, 10]
    for level, entry in zip(doc["levels"], doc["runs"], strict=True):
        _medians_hold(entry)
        assert {run["concurrency"] for run in entry["runs"]} == {level}


def test_the_schema_bites_on_a_repeated_entry() -> None:
    doc = documents.reserve(comparison())
    entry = doc["runs"][0]
    assert errors({**doc, "runs": [{**entry, "repetitions": 1}]})
    assert errors({**doc, "runs": [{k: v for k, v in entry.items() if k != "median"}]})
    # A plain load's entry still validates beside it (the --runs 1 shape, untouched).
    assert not errors({**doc, "runs": [*doc["runs"], doc["runs"][1]["runs"][0]]})


def test_thresholds_read_each_strategys_medians_and_name_it() -> None:
    doc = documents.reserve(comparison())
    names = [name for name, _ in runs_of(doc)]
    assert names == ["none, median of 3 runs", "asyncio-lock, median of 3 runs"]
    lock_p95 = doc["runs"][1]["median"]["lock_wait_ms"]["p95"]
    (failure,) = evaluate([parse_threshold(f"p95<{lock_p95 / 2}ms")], doc)
    assert failure.run == "asyncio-lock, median of 3 runs"
    assert failure.measured is not None and float(failure.measured[:-2]) == pytest.approx(
        lock_p95, rel=1e-5
    )
    assert not evaluate([parse_threshold(f"p95<={lock_p95}ms")], doc)
    lost = evaluate([parse_threshold("lost_updates=0")], doc)
    assert [f.run for f in lost] == ["none, median of 3 runs"]


def test_thresholds_name_the_level_of_a_sweep() -> None:
    doc = documents.reserve(sweep())
    assert [name for name, _ in runs_of(doc)] == [
        "concurrency 1, median of 3 runs",
        "concurrency 10, median of 3 runs",
    ]
    failures = evaluate([parse_threshold("lock_wait_ms.max<=0")], doc)
    assert [f.run for f in failures] == ["concurrency 10, median of 3 runs"]


def _with_a_broken_run(found: Repeated) -> Repeated:
    """``found`` with its second run made to lose an update."""
    runs = list(found.runs)
    runs[1] = replace(runs[1], violations=check_totals(1000, 1000, 1))
    return Repeated(tuple(runs))


def test_check_holds_each_safe_strategy_by_its_medians_and_counts_violating_runs() -> None:
    none, lock = comparison().runs
    doc = documents.reserve(ComparisonRuns((none, _with_a_broken_run(lock))))
    assert doc["bug"] is True and doc["runs"][1]["violating_runs"] == [2]
    failures = adr_check(doc)
    # The median hides one broken run of three; the count of violating runs does not.
    assert {(f.figure, f.measured) for f in failures if f.figure == "violations"} == {
        ("violations", "1")
    }
    assert {f.run for f in failures} == {"asyncio-lock, median of 3 runs"}  # none: the lesson
    assert {f.figure for f in failures} >= {"violations", "lock_wait_ms.p95"}


def test_check_holds_a_sweep_of_a_safe_strategy() -> None:
    one, ten = sweep().runs
    doc = documents.reserve(SweepRuns((1, 10), (_with_a_broken_run(one), ten)))
    failures = adr_check(doc)
    violations = [f for f in failures if f.figure == "violations"]
    assert [(f.run, f.measured) for f in violations] == [("concurrency 1, median of 3 runs", "1")]


def test_the_csv_has_every_run_of_every_strategy_numbered() -> None:
    table = list(csv.DictReader(io.StringIO("\n".join(lines(comparison())))))
    requests = [row for row in table if row["kind"] in ("reserve", "read")]
    assert len(requests) == OPTIONS.requests * 3 * len(TWO)
    per = Counter((row["strategy"], row["run"]) for row in requests)
    assert per == {(s, str(n)): OPTIONS.requests for s in TWO for n in (1, 2, 3)}
    waits = Counter(row["run"] for row in table if row["kind"] == "lock-wait")
    lock = comparison().runs[1].runs
    assert waits == {str(n): run.lock_acquisitions for n, run in enumerate(lock, 1)}


def test_the_csv_of_a_sweep_tells_the_levels_apart() -> None:
    table = list(csv.DictReader(io.StringIO("\n".join(lines(sweep())))))
    requests = Counter(
        (row["concurrency"], row["run"]) for row in table if row["kind"] == "reserve"
    )
    assert requests == {(c, str(n)): OPTIONS.requests for c in ("1", "10") for n in (1, 2, 3)}
