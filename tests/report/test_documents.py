"""Every ``--json`` document and every bundled scenario against the shipped JSON Schemas.

The commands are run through Typer's CliRunner, their stdout parsed and
validated against the schema ``documents.KINDS`` names for the document's
kind; the scenario files are decoded with ``tomllib`` and validated against
``scenario.schema.json``. The negative cases show that the schemas bite, and
the enum checks that they name what the code names.
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.live.pods import POD_STRATEGIES
from vacancy_cli.model import trace
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.goal import VIOLATION_CHOICES
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import (
    GOAL_KEYS,
    REQUEST_KEYS,
    TOP_KEYS,
    bundled_names,
    catalogue_dir,
    load_scenario,
    parse_scenario,
)
from vacancy_cli.model.strategies import STRATEGIES
from vacancy_cli.report import documents
from vacancy_cli.report.schemas import (
    SCHEMA_NAMES,
    MissingSchemaError,
    check_kinds,
    schema,
)

from helpers import LOST_UPDATE, missing_servers

runner = CliRunner()
Document = dict[str, Any]
STATS = ("min", "mean", "stddev", "p50", "p95", "p99", "max")


# -- helpers ----------------------------------------------------------------------------


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


def _errors(name: str, instance: Any) -> list[str]:
    found = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]


def _floats(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _floats(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _floats(item, f"{path}/{index}")


def run_json(*args: str) -> Document:
    """Run ``vacancy ARGS --json``; check the envelope, the rounding and the schema."""
    result = runner.invoke(app, [*args, "--json"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr or result.output}"
    doc: Document = json.loads(result.stdout)
    assert doc["schema_version"] == documents.SCHEMA_VERSION
    assert doc["kind"] in documents.KINDS, doc["kind"]
    assert list(doc)[:2] == ["schema_version", "kind"]
    unrounded = [(p, x) for p, x in _floats(doc) if round(x, documents.ROUND_TO) != x]
    assert not unrounded, f"floats with more than {documents.ROUND_TO} decimals: {unrounded}"
    errors = _errors(documents.KINDS[doc["kind"]], doc)
    assert not errors, "\n".join(errors)
    return doc


@cache
def _simulated() -> str:
    """``simulate lost-update --json``, run once (as text: each test gets its own copy)."""
    return json.dumps(run_json("simulate", "lost-update"))


def simulated() -> Document:
    doc: Document = json.loads(_simulated())
    return doc


def _scenario_table() -> Document:
    return tomllib.loads(LOST_UPDATE)


# -- the schemas themselves ---------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_a_valid_draft_2020_12_schema_with_its_own_id(name: str) -> None:
    found = schema(name)
    Draft202012Validator.check_schema(found)
    assert found["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert found["$id"] == f"https://vacancy.invalid/schemas/{name}.schema.json"
    assert found["title"] and found["description"]


def test_every_kind_has_a_schema_and_the_scenario_format_too() -> None:
    assert set(documents.KINDS.values()) | {"scenario"} == set(SCHEMA_NAMES)


def test_each_schema_accepts_exactly_the_kinds_that_name_it() -> None:
    for name in set(documents.KINDS.values()):
        kind = schema(name)["properties"]["kind"]
        accepted = {kind["const"]} if "const" in kind else set(kind["enum"])
        assert accepted == {k for k, v in documents.KINDS.items() if v == name}, name


def test_reserve_has_one_branch_per_kind_each_pinning_its_kind() -> None:
    found = schema("reserve")
    branches = [ref["$ref"].removeprefix("#/$defs/") for ref in found["oneOf"]]
    assert branches == [k for k, v in documents.KINDS.items() if v == "reserve"]
    for kind in branches:
        assert found["$defs"][kind]["properties"]["kind"]["const"] == kind


def test_a_kind_without_a_schema_file_is_named_when_checked() -> None:
    with pytest.raises(MissingSchemaError, match="'reserve.cache'.*'cache'.*cache.schema.json"):
        check_kinds({**documents.KINDS, "reserve.cache": "cache"}, SCHEMA_NAMES)
    check_kinds(documents.KINDS, SCHEMA_NAMES)  # the real table passes


def test_an_unknown_schema_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no schema named 'nope'.*simulate"):
        schema("nope")


def test_schema_returns_a_fresh_copy() -> None:
    schema("simulate")["title"] = "changed"
    assert schema("simulate")["title"] != "changed"


def test_the_enums_name_what_the_code_names() -> None:
    simulate = schema("simulate")["$defs"]
    assert simulate["action"]["enum"] == list(trace.ACTIONS)
    assert simulate["violation_kind"]["enum"] == [str(kind) for kind in ViolationKind]
    assert schema("explore")["$defs"]["violation_kind"] == simulate["violation_kind"]
    words = [kind.word for kind in ViolationKind]
    for name in ("simulate", "explore"):
        verdict = Draft202012Validator(schema(name)["$defs"]["verdict"])
        assert verdict.is_valid(", ".join(words)) and verdict.is_valid("stale read"), name
    assert set(simulate["strategy"]["anyOf"][0]["enum"]) == set(STRATEGIES)
    assert schema("explore")["$defs"]["exploration"]["properties"]["mode"]["enum"] == [
        "exhaustive",
        "random",
        "pct",
    ]
    assert schema("reserve")["$defs"]["pods"]["properties"]["strategy"]["enum"] == list(
        POD_STRATEGIES
    )


def test_the_shared_parts_are_the_same_in_every_document_schema() -> None:
    names = sorted(set(documents.KINDS.values()))
    for part in ("strategy", "verdict", "violation_kind", "violation"):
        holders = [n for n in names if part in schema(n).get("$defs", {})]
        assert len(holders) >= 2, part
        first = schema(holders[0])["$defs"][part]
        for name in holders[1:]:
            assert schema(name)["$defs"][part] == first, f"$defs/{part}: {name} != {holders[0]}"


def test_the_scenario_schema_knows_every_key_the_loader_knows() -> None:
    found = schema("scenario")
    assert set(found["properties"]) == set(TOP_KEYS)
    assert set(found["$defs"]["request"]["properties"]) == set(REQUEST_KEYS)
    assert set(found["$defs"]["goal"]["properties"]) == set(GOAL_KEYS)
    assert set(found["$defs"]["strategy"]["anyOf"][0]["enum"]) == {*STRATEGIES, "semaphore"}
    assert found["$defs"]["goal"]["properties"]["violation"]["enum"] == [
        str(v) for v in VIOLATION_CHOICES
    ]


# -- every command's output -------------------------------------------------------------


@pytest.mark.parametrize("name", bundled_names())
def test_simulate_json_of_every_bundled_scenario_follows_its_schema(name: str) -> None:
    scenario = load_scenario(name)
    reason = missing_servers(scenario.strategies)
    if reason:
        pytest.skip(reason)
    doc = run_json("simulate", name)
    assert doc["kind"] == "simulate" and doc["scenario"] == name
    assert [run["strategy"] for run in doc["runs"]] == list(scenario.strategies)


EXPLORED = [
    ("lost-update",),
    ("oversell",),
    ("stale-cache",),
    ("three-way", "-s", "none", "-s", "asyncio-lock"),
]
MODES = {
    "exhaustive": (),
    "random": ("--random", "20"),
    "pct": ("--random", "20", "--pct", "2"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("args", EXPLORED, ids=lambda a: a[0])
def test_explore_json_follows_its_schema(args: tuple[str, ...], mode: str) -> None:
    doc = run_json("explore", *args, *MODES[mode])
    assert doc["kind"] == "explore" and doc["scenario"] == args[0]
    assert {e["mode"] for e in doc["explorations"]} == {mode}
    assert all(e["outcomes"] for e in doc["explorations"])


def test_stale_reads_are_violations_in_both_documents() -> None:
    simulate = run_json("simulate", "stale-cache", "-s", "none")["runs"][0]
    assert simulate["verdict"] == "stale read"
    assert [(v["kind"], v["steps"]) for v in simulate["violations"]] == [("stale_read", [4, 5])]
    assert simulate["stale_reads"] == [5]
    explore = run_json("explore", "stale-cache", "-s", "none")["explorations"][0]
    kinds = [o["violations"] for o in explore["outcomes"]]
    assert kinds == [["stale_read"], []]  # the same stock and grants, with and without
    assert explore["violating_schedules"] == explore["outcomes"][0]["schedules"] > 0


def test_scenarios_json_follows_its_schema_and_lists_the_catalogue() -> None:
    doc = run_json("scenarios")
    assert doc["kind"] == "scenarios"
    assert [s["name"] for s in doc["scenarios"]] == bundled_names()


RESERVES = {
    "reserve.load": "--requests 50 --stock 50",
    "reserve.sweep": "--sweep 1,5 --requests 20",
    "reserve.comparison": "--strategy all --requests 20 --stock 20 --latency 1ms",
    "reserve.runs": "--runs 2 --requests 20 --reads 0.5",
    "reserve.pods": "--pods 2 -s sqlite-conditional --requests 40 --stock 40",
}


@pytest.mark.parametrize("kind", RESERVES)
def test_reserve_json_in_each_shape_follows_its_schema(kind: str) -> None:
    doc = run_json("reserve", *RESERVES[kind].split())
    assert doc["kind"] == kind
    assert doc["bug"] is False
    if kind == "reserve.sweep":
        assert doc["levels"] == [1, 5] and len(doc["runs"]) == 2
    if kind == "reserve.comparison":
        assert doc["strategies"] == [run["strategy"] for run in doc["runs"]]
    if kind == "reserve.pods":
        assert [pod["pod"] for pod in doc["pods"]] == [1, 2]


# -- every bundled scenario file ----------------------------------------------------------


@pytest.mark.parametrize("path", sorted(catalogue_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_file_follows_the_scenario_schema(path: Path) -> None:
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = _errors("scenario", table)
    assert not errors, "\n".join(errors)


def test_the_bundled_scenario_files_are_all_checked() -> None:
    assert len(sorted(catalogue_dir().glob("*.toml"))) == len(bundled_names()) > 0


# -- the schemas bite ---------------------------------------------------------------------


def _drop(doc: Document, *path: str | int) -> None:
    *parents, last = path
    target: Any = doc
    for key in parents:
        target = target[key]
    del target[last]


@pytest.mark.parametrize(
    "path",
    [("schedule",), ("runs", 0, "verdict"), ("runs", 0, "steps", 0, "action")],
    ids=lambda p: "/".join(map(str, p)),
)
def test_a_simulate_document_with_a_key_removed_fails(path: tuple[str | int, ...]) -> None:
    doc = simulated()
    _drop(doc, *path)
    assert _errors("simulate", doc)


def test_a_simulate_document_with_a_wrong_kind_fails() -> None:
    doc = simulated()
    doc["kind"] = "explore"
    assert _errors("simulate", doc)


def test_a_simulate_document_with_an_unknown_violation_kind_fails() -> None:
    doc = simulated()
    violations = doc["runs"][0]["violations"]
    assert violations, "lost-update without the lock must lose an update"
    violations[0]["kind"] = "double_booking"
    assert any("double_booking" in e for e in _errors("simulate", doc))


@pytest.mark.parametrize(
    "change",
    [
        {"schema_version": 2},
        {"unexpected": True},
        {"stock": -1},
        {"schedule": "A B, A B"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_simulate_document_with_a_wrong_value_or_an_extra_key_fails(change: Document) -> None:
    doc = simulated()
    doc.update(change)
    assert _errors("simulate", doc)


def test_a_step_with_an_unknown_action_fails() -> None:
    doc = simulated()
    doc["runs"][0]["steps"][0]["action"] = "sleeps"
    assert _errors("simulate", doc)


def test_a_reserve_document_must_match_the_shape_its_kind_names() -> None:
    load: Document = {
        "schema_version": 1,
        "kind": "reserve.load",
        "strategy": "asyncio-lock",
        "claims_safety": True,
        "stock": 1,
        "requests": 1,
        "qty": "1",
        "concurrency": 1,
        "latency_ms": 0.0,
        "reads": 0,
        "seed": 0,
        "granted": 1,
        "granted_tickets": 1,
        "rejected": 0,
        "final_stock": 0,
        "oversold": 0,
        "lost_updates": 0,
        "success_rate": 1.0,
        "verdict": "correct",
        "bug": False,
        "violations": [],
        "lock_acquisitions": 1,
        "cache_hits": 0,
        "cache_oldest_ms": None,
        "cache_saving": 0.0,
        "lock_wait_ms": {"count": 1, **dict.fromkeys(STATS, 0.0)},
        "request_latency_ms": {"count": 1, **dict.fromkeys(STATS, 0.001)},
        "read_latency_ms": {"count": None, **dict.fromkeys(STATS)},
        "histogram": [{"low_ms": 0.0, "high_ms": 0.0, "count": 1}],
        "adr_claims": [{"claim": "Race Conditions: 0", "measured": "0 lost", "held": True}],
        "elapsed_s": 0.001,
        "throughput_rps": 1000.0,
    }
    assert not _errors("reserve", load)
    assert _errors("reserve", {**load, "kind": "reserve.sweep"})
    assert _errors("reserve", {**load, "kind": "simulate"})
    assert _errors("reserve", {**load, "extra": 1})
    assert _errors("reserve", {**load, "verdict": "mostly fine"})
    assert _errors("reserve", simulated())


def _bad_scenarios() -> dict[str, Document]:
    def with_(**changes: Any) -> Document:
        table = _scenario_table()
        table.update(changes)
        return table

    no_id = _scenario_table()
    del no_id["requests"][1]["id"]
    unknown_request_key = _scenario_table()
    unknown_request_key["requests"][0]["quantity"] = 2
    no_goal = with_(challenge="Lose a sale.")
    return {
        "unknown key": with_(colour="red"),
        "request without id": no_id,
        "stock = -1": with_(stock=-1),
        "no stock": {k: v for k, v in _scenario_table().items() if k != "stock"},
        "no requests": with_(requests=[]),
        "stock = true": with_(stock=True),
        "unknown request key": unknown_request_key,
        "bad request id": with_(requests=[{"id": "A B"}]),
        "op = write": with_(requests=[{"id": "A", "op": "write"}]),
        "qty = 0": with_(requests=[{"id": "A", "qty": 0}]),
        "unknown strategy": with_(strategies=["mutex"]),
        "semaphore:0": with_(strategies=["semaphore:0"]),
        "no strategies": with_(strategies=[]),
        "unknown schedule action": with_(schedule="A:sleeps B"),
        "challenge without goal": no_goal,
        "unknown goal key": with_(challenge="Lose a sale.", goal={"winner": "A"}),
        "goal violation event_loop_blocked": with_(
            challenge="Freeze.", goal={"violation": "event_loop_blocked"}
        ),
        "pods = 0": with_(pods=0),
        "expect of an unknown strategy": with_(expect={"mutex": 1}),
    }


@pytest.mark.parametrize("case", _bad_scenarios())
def test_a_bad_scenario_fails_the_schema_as_it_fails_the_loader(case: str) -> None:
    table = _bad_scenarios()[case]
    assert _errors("scenario", table), f"the schema accepts a scenario with {case}"
    with pytest.raises(ScenarioError):
        parse_scenario(copy.deepcopy(table), source="bad.toml", name="bad")


def test_the_base_of_the_bad_scenarios_is_itself_valid() -> None:
    table = _scenario_table()
    assert not _errors("scenario", table)
    parse_scenario(table, source="good.toml", name="good")
    other = {**table, "strategies": ["semaphore", "semaphore:3"], "schedule": "A,B A:read B:read"}
    assert not _errors("scenario", other)
    parse_scenario(other, source="other.toml", name="other")
