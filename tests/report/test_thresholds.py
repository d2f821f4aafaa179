"""k6-style thresholds on reserve's figures: parsing, units, names, runs, the ADR's list."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.model.errors import OptionError
from vacancy_cli.report.figures import FRACTION, aliases, figures, known_figures, own_unit
from vacancy_cli.report.thresholds import (
    OPS,
    Threshold,
    adr_thresholds,
    evaluate,
    parse_threshold,
    runs_of,
)

KNOWN = known_figures()
COUNTED = "violations"  # a list in the document, a count as a figure


def reserve_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["reserve", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def nested(figure: str, value: float) -> dict[str, Any]:
    """A one-run document holding ``value`` at ``figure``'s dotted path."""
    if figure == COUNTED:
        return {COUNTED: [{}] * int(value)}
    document: dict[str, Any] = {}
    *parents, leaf = figure.split(".")
    node = document
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return document


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@st.composite
def thresholds(draw: st.DrawFn) -> Threshold:
    figure = draw(st.sampled_from([f for f in KNOWN if f != COUNTED]))
    own = own_unit(figure)
    if own == FRACTION:
        unit = draw(st.sampled_from(["", "%"]))
    elif own in ("ms", "s"):
        unit = draw(st.sampled_from(["", "us", "ms", "s"]))
    else:
        unit = ""
    bounds = {"min_value": 0.0, "max_value": 1.0} if own == FRACTION and not unit else {}
    amount = draw(st.floats(allow_nan=False, allow_infinity=False, **bounds))  # type: ignore[arg-type]
    return Threshold(figure, draw(st.sampled_from(list(OPS))), amount, unit)


@given(thresholds())
def test_a_threshold_reads_back_from_its_own_text(threshold: Threshold) -> None:
    assert parse_threshold(str(threshold)) == threshold


@given(thresholds(), finite)
def test_a_threshold_holds_exactly_when_its_comparison_does(
    threshold: Threshold, measured: float
) -> None:
    failures = evaluate([threshold], nested(threshold.figure, measured))
    held = OPS[threshold.op](measured, threshold.limit)
    assert (failures == []) is held
    if not held:
        (failure,) = failures
        assert failure.figure == threshold.figure and failure.measured is not None


@given(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_violations_count_the_list(count: int, most: int) -> None:
    failures = evaluate([parse_threshold(f"violations<={most}")], nested(COUNTED, count))
    assert (failures == []) is (count <= most)


@pytest.mark.parametrize(
    ("text", "figure", "limit"),
    [
        ("p95<5ms", "lock_wait_ms.p95", 5.0),
        ("p(95) < 250us", "lock_wait_ms.p95", 0.25),
        ("lock_wait.p99<=0.2s", "lock_wait_ms.p99", 200.0),
        ("lock_wait_ms.max<7", "lock_wait_ms.max", 7.0),
        ("success=100%", "success_rate", 1.0),
        ("success_rate>=0.995", "success_rate", 0.995),
        ("cache_saving>=70%", "cache_saving", 0.7),
        ("lost_updates==0", "lost_updates", 0.0),
        ("elapsed<500ms", "elapsed_s", 0.5),
        ("throughput>1e3", "throughput_rps", 1000.0),
    ],
)
def test_names_and_units(text: str, figure: str, limit: float) -> None:
    threshold = parse_threshold(text)
    assert threshold.figure == figure and math.isclose(threshold.limit, limit)
    assert threshold.text == text.strip()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("p95", "expected NAME OP VALUE"),
        ("<5ms", "expected NAME OP VALUE"),
        ("p95<", "is not a value"),
        ("p95<<5", "is not a value"),
        ("p95<5 parsecs", "is not a value"),
        ("p95<inf", "is not a value"),
        ("p95<1e999", "too large"),
        ("lost_updates<5ms", "lost_updates is not a duration: give a plain number"),
        ("p95<5%", "lock_wait_ms.p95 is not a rate"),
        ("success=100", "success_rate is a fraction from 0 to 1: write 100% or 1"),
        ("latency.p95<5ms", "unknown figure 'latency.p95'"),
        ("nosuch<1", "unknown figure 'nosuch'; figures: success_rate, lost_updates"),
    ],
)
def test_a_malformed_threshold_is_one_clear_line(text: str, says: str) -> None:
    with pytest.raises(OptionError) as raised:
        parse_threshold(text)
    assert raised.value.option == "threshold"
    assert says in raised.value.problem and "\n" not in raised.value.problem


def test_an_unknown_name_lists_the_figures_shortened() -> None:
    with pytest.raises(OptionError) as raised:
        parse_threshold("p96<5ms")
    assert "more (every number reserve --json prints)" in raised.value.problem
    assert len(raised.value.problem) < 300


def test_a_new_figure_needs_no_change_here() -> None:
    assert parse_threshold("queue_ms.p95<1s", known=["queue_ms.p95"]).limit == 1000.0
    assert figures({"queue_ms": {"p95": 3}, "runs_rate": 0.5})["queue.p95"] == 3.0


def test_a_short_name_two_figures_share_is_nobody_s() -> None:
    found = aliases(["wait_ms", "wait_s", "lock_wait_ms.p95"])
    assert "wait" not in found and found["p95"] == "lock_wait_ms.p95"


def test_figures_skip_lists_nulls_and_flags_and_count_violations() -> None:
    found = figures(
        {
            "schema_version": 1,
            "bug": False,
            "histogram": [{"count": 3}],
            "violations": [{"kind": "lost_update"}],
            "lock_wait_ms": {"p95": None, "max": 2.5},
            "granted": 7,
        }
    )
    assert found == {
        "violations": 1.0,
        "lock_wait_ms.max": 2.5,
        "lock_wait.max": 2.5,
        "max": 2.5,
        "granted": 7.0,
    }


def test_a_figure_no_run_measured_fails_and_one_some_measured_applies_there() -> None:
    document = {
        "kind": "reserve.comparison",
        "runs": [
            {"strategy": "none", "lock_wait_ms": {"p95": None}},
            {"strategy": "asyncio-lock", "lock_wait_ms": {"p95": 9.0}},
        ],
    }
    (failure,) = evaluate([parse_threshold("p95<5ms")], document)
    assert failure.words == "p95<5ms: lock_wait_ms.p95 was 9ms (asyncio-lock)"
    document["runs"][1]["lock_wait_ms"]["p95"] = None
    (failure,) = evaluate([parse_threshold("p95<5ms")], document)
    assert failure.words == "p95<5ms: lock_wait_ms.p95 was not measured (in any run)"


def test_the_measured_value_is_said_in_the_threshold_s_unit() -> None:
    (failure,) = evaluate([parse_threshold("p95<250us")], nested("lock_wait_ms.p95", 0.3))
    assert failure.measured == "300us"
    (failure,) = evaluate([parse_threshold("success>=99%")], nested("success_rate", 0.5))
    assert failure.words == "success>=99%: success_rate was 50%"


def test_a_comparison_is_checked_per_strategy_and_names_it() -> None:
    document = reserve_json("--strategy", "all", "--requests", "20", "--stock", "20")
    names = [name for name, _ in runs_of(document)]
    assert names == document["strategies"]
    failures = evaluate([parse_threshold("granted<0")], document)
    assert [f.run for f in failures] == names
    assert all(
        f.measured == str(run["granted"]) for f, run in zip(failures, document["runs"], strict=True)
    )


def test_a_sweep_is_checked_per_level() -> None:
    document = reserve_json("--sweep", "1,5", "--requests", "10")
    failures = evaluate([parse_threshold("concurrency>1")], document)
    assert [f.run for f in failures] == ["concurrency 1"]


def test_repeated_runs_are_checked_on_their_medians_and_every_violating_run() -> None:
    document = {
        "kind": "reserve.runs",
        "repetitions": 3,
        "violating_runs": [2],
        "median": {"lock_wait_ms": {"p95": 4.0}, "lost_updates": 0.0},
        "runs": [],
    }
    checked = [parse_threshold(t) for t in ("p95<5ms", "lost_updates=0", "violations=0")]
    (failure,) = evaluate(checked, document)
    assert failure.words == "violations=0: violations was 1 (median of 3 runs)"
    assert evaluate([parse_threshold("median.lock_wait.p95<3ms")], document)[0].measured == "4ms"


def test_the_adr_s_claims_become_thresholds() -> None:
    document = reserve_json("--reads", "0.9", "--requests", "50", "--stock", "50")
    claims = [c["claim"] for c in document["adr_claims"]]
    assert len(claims) == 4  # all four apply to this load
    assert [str(t) for t in adr_thresholds(document)] == [
        "success_rate=100%",
        "lost_updates=0",
        "oversold=0",
        "violations=0",
        "lock_wait_ms.p95<5ms",
        "cache_saving>=70%",
    ]


def test_the_adr_s_claims_follow_the_document_s_own_list() -> None:
    document = reserve_json("--strategy", "none", "--requests", "30", "--stock", "10")
    assert document["adr_claims"] == [
        {"claim": "Race Conditions: 0", "measured": "0 lost, 0 oversold", "held": True}
    ]
    assert [str(t) for t in adr_thresholds(document)] == [
        "lost_updates=0",
        "oversold=0",
        "violations=0",
    ]
    assert evaluate(adr_thresholds(document), document) == []


def test_a_pods_document_is_held_to_the_race_claims() -> None:
    document = {"kind": "reserve.pods", "lost_updates": 2, "oversold": 0, "violations": [{}]}
    failures = evaluate(adr_thresholds(document), document)
    assert [f.words for f in failures] == [
        "lost_updates=0: lost_updates was 2",
        "violations=0: violations was 1",
    ]
