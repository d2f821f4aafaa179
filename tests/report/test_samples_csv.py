"""``reserve --export FILE.csv``: one row per request, one per lock acquisition, whole."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import astuple, replace
from pathlib import Path

import pytest

from vacancy_cli.live.load import run_comparison, run_load, run_repeated, run_sweep
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.stats import Stats, describe
from vacancy_cli.report import samples_csv
from vacancy_cli.report.samples_csv import HEADER, lines, write_samples

OPTIONS = LoadOptions(stock=30, requests=40, concurrency=4, latency_s=0.0005, qty=(1, 3))


def close(found: Stats | None, expected: Stats | None) -> bool:
    """The same statistics, up to the ms round trip through the file's text."""
    assert found is not None and expected is not None
    pairs = zip(astuple(found), astuple(expected), strict=True)
    return all(a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15) for a, b in pairs)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_request_and_per_acquisition_with_a_header(tmp_path: Path) -> None:
    found = run_repeated(replace(OPTIONS, reads=0.25, seed=7), 3)
    path = tmp_path / "samples.csv"
    write_samples(found, path)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    table = rows(text)
    requests = [r for r in table if r["kind"] in ("reserve", "read")]
    assert len(requests) == OPTIONS.requests * 3  # requests x runs
    assert [int(r["run"]) for r in requests] == [n for n in (1, 2, 3) for _ in range(40)]
    for number, run in enumerate(found.runs, 1):
        mine = [r for r in table if r["run"] == str(number)]
        assert [int(r["request"]) for r in mine if r["request"]] == list(range(40))
        reserves = [r for r in mine if r["kind"] == "reserve"]
        assert len(reserves) == run.reserves
        assert sum(int(r["granted"]) for r in reserves) == run.granted
        assert sum(int(r["qty"]) * int(r["granted"]) for r in reserves) == run.granted_tickets
        assert {r["strategy"] for r in mine} == {"asyncio-lock"}
        assert {r["concurrency"] for r in mine} == {"4"}
        waits = [float(r["lock_wait_ms"]) for r in mine if r["kind"] == "lock-wait"]
        assert len(waits) == run.lock_acquisitions
        # The rows are the samples: their statistics are the run's own.
        assert close(describe(sorted(w / 1000 for w in waits)), run.lock_wait)
        latencies = sorted(float(r["latency_ms"]) / 1000 for r in reserves)
        assert close(describe(latencies), run.request_latency)


def test_a_sweep_and_a_comparison_name_the_level_and_the_strategy() -> None:
    sweep = run_sweep(replace(OPTIONS, concurrency=None), (1, 8))
    table = rows("\n".join(lines(sweep)))
    assert [r["concurrency"] for r in table if r["request"] == "0"] == ["1", "8"]
    assert {r["run"] for r in table} == {"1"}
    comparison = run_comparison(replace(OPTIONS, requests=6), ("none", "asyncio-lock"))
    table = rows("\n".join(lines(comparison)))
    assert [r["strategy"] for r in table if r["request"] == "0"] == ["none", "asyncio-lock"]
    assert not any(r["kind"] == "lock-wait" and r["strategy"] == "none" for r in table)


def test_a_request_that_never_finished_has_no_latency() -> None:
    options = LoadOptions(stock=10, requests=20, strategy="threading-lock", latency_s=0.001)
    table = rows("\n".join(lines(run_load(options))))
    reserves = [r for r in table if r["kind"] == "reserve"]
    assert len(reserves) == 20
    assert all(r["latency_ms"] == "" and r["granted"] == "" for r in reserves)


def test_a_value_with_a_comma_is_quoted() -> None:
    assert samples_csv._cell("a,b.py:C") == '"a,b.py:C"'
    assert samples_csv._cell('say "x"') == '"say ""x"""'
    assert samples_csv._cell("plain.py:C") == "plain.py:C"


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_load(replace(OPTIONS, requests=5))
    path = tmp_path / "samples.csv"

    def broken(found: object) -> object:
        yield HEADER
        raise KeyboardInterrupt  # Ctrl-C while the rows are being made

    monkeypatch.setattr(samples_csv, "lines", broken)
    with pytest.raises(KeyboardInterrupt):
        write_samples(result, path)
    assert list(tmp_path.iterdir()) == []


def test_every_latency_parses_as_a_float() -> None:
    table = rows("\n".join(lines(run_load(replace(OPTIONS, reads=0.5)))))
    values = [float(r["latency_ms"]) for r in table if r["latency_ms"]]
    assert len(values) == OPTIONS.requests and all(math.isfinite(v) and v > 0 for v in values)
