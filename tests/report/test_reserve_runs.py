"""The ``reserve.runs`` document and the new statistics of ``reserve.load``, against the schema."""

from __future__ import annotations

import statistics
from dataclasses import replace
from typing import Any

from jsonschema import Draft202012Validator

from vacancy_cli.live.load import run_load, run_repeated
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.repeated import FIGURES
from vacancy_cli.report import documents
from vacancy_cli.report.schemas import schema

OPTIONS = LoadOptions(stock=30, requests=40, concurrency=3, latency_s=0.0005, reads=0.4)
STATS = ["count", "min", "mean", "stddev", "p50", "p95", "p99", "max"]


def errors(doc: dict[str, Any]) -> list[str]:
    return [e.message for e in Draft202012Validator(schema("reserve")).iter_errors(doc)]


def at(doc: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        doc = doc[key]
    return doc


def test_a_load_document_has_every_statistic_in_ms() -> None:
    result = run_load(OPTIONS)
    doc = documents.reserve(result)
    assert not errors(doc)
    for key, found in (
        ("lock_wait_ms", result.lock_wait),
        ("request_latency_ms", result.request_latency),
        ("read_latency_ms", result.read_latency),
    ):
        assert found is not None
        assert list(doc[key]) == STATS
        assert doc[key]["count"] == found.count
        assert doc[key]["p95"] == round(found.p95 * 1000, documents.ROUND_TO)
        assert doc[key]["mean"] == round(found.mean * 1000, documents.ROUND_TO)
    assert doc["lock_wait_ms"]["count"] == result.lock_acquisitions
    assert doc["latency_ms"] == 0.5  # --latency keeps its key and its meaning


def test_an_empty_sample_is_all_null_and_still_valid() -> None:
    doc = documents.reserve(run_load(LoadOptions(stock=5, requests=5, strategy="none")))
    assert doc["lock_wait_ms"] == dict.fromkeys(STATS)
    assert doc["read_latency_ms"] == dict.fromkeys(STATS)
    assert doc["request_latency_ms"]["count"] == 5
    assert not errors(doc)


def test_the_runs_document_gives_each_figures_median_by_its_load_name() -> None:
    found = run_repeated(OPTIONS, 3)
    doc = documents.reserve(found)
    assert not errors(doc)
    assert doc["kind"] == "reserve.runs" and doc["repetitions"] == 3
    assert doc["bug"] is False and doc["violating_runs"] == []
    assert len(doc["runs"]) == 3
    for name in FIGURES:
        # Each run's figure, as its own reserve.load document gives it, then the median.
        values = [at(run, name) for run in doc["runs"]]
        median = at(doc["median"], name)
        assert median is not None, name
        assert abs(median - statistics.median(values)) <= 2e-6, name
        spread = at(doc["spread"], name)
        assert abs(spread["min"] - min(values)) <= 1e-6 and abs(spread["max"] - max(values)) <= 1e-6


def test_a_runs_document_without_a_lock_has_null_medians_and_spreads() -> None:
    found = run_repeated(LoadOptions(stock=5, requests=5, strategy="none"), 2)
    doc = documents.reserve(found)
    assert not errors(doc)
    assert doc["median"]["lock_wait_ms"]["p95"] is None
    assert doc["spread"]["lock_wait_ms"]["p95"] is None
    assert doc["median"]["granted"] == 5


def test_the_schema_bites_on_a_runs_document() -> None:
    doc = documents.reserve(run_repeated(replace(OPTIONS, requests=6), 2))
    assert not errors(doc)
    broken = {**doc, "median": {k: v for k, v in doc["median"].items() if k != "elapsed_s"}}
    assert errors(broken)
    assert errors({**doc, "repetitions": 1})
    assert errors({**doc, "runs": doc["runs"][:1]})
    assert errors({**doc, "extra": 1})
