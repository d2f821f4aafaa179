"""Scenario files: the documented keys, the catalogue, and every bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vacancy_cli.model.errors import ScenarioError, ScheduleError
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import bundled_names, load_scenario, parse_schedule

from helpers import LOST_UPDATE

Write = Callable[..., Path]


def test_a_file_in_the_documented_format_loads(write_scenario: Write) -> None:
    path = write_scenario(LOST_UPDATE + '\n[expect]\nnone = 99\n"asyncio-lock" = 98\n')
    scenario = load_scenario(str(path))
    assert scenario.stock == 100
    assert scenario.schedule == ("A", "B", "A", "B")
    assert scenario.requests == (RequestSpec("A", 1), RequestSpec("B", 1))
    assert scenario.expect == {"none": 99, "asyncio-lock": 98}
    assert scenario.strategies == ("none", "asyncio-lock")


def test_defaults_op_reserve_qty_one_and_the_adr_pair_of_strategies(write_scenario: Write) -> None:
    path = write_scenario(
        'stock = 5\n[[requests]]\nid = "A"\n[[requests]]\nid = "R"\nop = "available"\n'
    )
    scenario = load_scenario(str(path))
    assert scenario.requests == (RequestSpec("A", 1, "reserve"), RequestSpec("R", 1, "available"))
    assert scenario.strategies == ("none", "asyncio-lock")
    assert scenario.schedule == ()
    assert scenario.title == "scenario"


def test_semaphore_names_are_canonical_in_strategies_and_expect(write_scenario: Write) -> None:
    text = LOST_UPDATE.replace('["none", "asyncio-lock"]', '["semaphore"]')
    path = write_scenario(text + "\n[expect]\nsemaphore = 99\n")
    scenario = load_scenario(str(path))
    assert scenario.strategies == ("semaphore:2",)
    assert scenario.expect == {"semaphore:2": 99}


def test_catalogue_has_at_least_six_in_course_order() -> None:
    names = bundled_names()
    assert len(names) >= 6
    assert names[0] == "lost-update"
    for name in names:
        scenario = load_scenario(name)
        assert scenario.lesson.strip(), name
        assert set(scenario.expect) == set(scenario.strategies), name


@pytest.mark.parametrize(
    ("text", "ids", "expected"),
    [
        ("A B A B", ("A", "B"), ("A", "B", "A", "B")),
        ("A,B,A,B", ("A", "B"), ("A", "B", "A", "B")),
        (" A, B ,A  B ", ("A", "B"), ("A", "B", "A", "B")),
        ("", ("A",), ()),
    ],
)
def test_schedule_forms(text: str, ids: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert parse_schedule(text, ids) == expected


def test_schedule_naming_an_unknown_request() -> None:
    with pytest.raises(ScheduleError, match="step 3 names unknown request 'C'"):
        parse_schedule("A B C", ("A", "B"))


BAD_FILES = [
    ("stock = \n", "not valid TOML.*line 1"),
    ('stock = 100\n[[requests]]\nid = "A"\nqty = 1\nqty = 2\n', "not valid TOML"),
    ("[[requests]]\nid = 'A'\n", "missing key 'stock'"),
    (
        "stock = '100'\n[[requests]]\nid = 'A'\n",
        "key 'stock' must be a whole number >= 0, got '100'",
    ),
    ("stock = -1\n[[requests]]\nid = 'A'\n", "key 'stock' must be a whole number >= 0, got -1"),
    ("stock = 1.5\n[[requests]]\nid = 'A'\n", "key 'stock' must be a whole number"),
    ("stock = true\n[[requests]]\nid = 'A'\n", "key 'stock' must be a whole number"),
    ("stock = 10\n", r"missing \[\[requests\]\]"),
    ("stock = 10\nrequests = 3\n", "key 'requests' must be a list"),
    ("stock = 10\n[[requests]]\nqty = 1\n", r"missing key 'requests\[1\].id'"),
    (
        "stock = 10\n[[requests]]\nid = 'A'\nqty = 0\n",
        r"key 'requests\[1\].qty' must be a whole number >= 1, got 0",
    ),
    ("stock = 10\n[[requests]]\nid = 'A'\nqty = -2\n", r"requests\[1\].qty"),
    ("stock = 10\n[[requests]]\nid = 'A'\nqty = '1'\n", r"requests\[1\].qty"),
    (
        "stock = 10\n[[requests]]\nid = 'A'\nop = 'cancel'\n",
        r"key 'requests\[1\].op' must be 'reserve' or 'available'",
    ),
    (
        "stock = 10\n[[requests]]\nid = 'A'\n[[requests]]\nid = 'A'\n",
        "request id 'A' is used twice",
    ),
    ("stock = 10\n[[requests]]\nid = 'A B'\n", r"requests\[1\].id"),
    ("stock = 10\n[[requests]]\nid = 'A'\nsize = 1\n", r"unknown key 'requests\[1\].size'"),
    ("stocks = 10\n[[requests]]\nid = 'A'\n", "unknown key 'stocks'"),
    (
        "stock = 10\nschedule = 'A B'\n[[requests]]\nid = 'A'\n",
        "key 'schedule': step 2 names unknown request 'B'",
    ),
    ("stock = 10\nschedule = 3\n[[requests]]\nid = 'A'\n", "key 'schedule' must be a string"),
    (
        "stock = 10\nstrategies = ['mutex']\n[[requests]]\nid = 'A'\n",
        "key 'strategies': unknown strategy 'mutex'",
    ),
    (
        "stock = 10\nstrategies = []\n[[requests]]\nid = 'A'\n",
        "key 'strategies' must be a non-empty list",
    ),
    (
        "stock = 10\n[[requests]]\nid = 'A'\n[expect]\nmutex = 3\n",
        "key 'expect.mutex': unknown strategy",
    ),
    (
        "stock = 10\n[[requests]]\nid = 'A'\n[expect]\nnone = 'x'\n",
        "key 'expect.none' must be a whole number",
    ),
    ("stock = 10\nexpect = 3\n[[requests]]\nid = 'A'\n", "key 'expect' must be a table"),
    (
        "stock = 10\nstep_ms = -5\n[[requests]]\nid = 'A'\n",
        "key 'step_ms' must be a whole number >= 0",
    ),
    (
        "stock = 9007199254740992\n[[requests]]\nid = 'A'\n",
        "key 'stock' must be a whole number <= 9007199254740991",
    ),
    (
        "stock = 10\npods = 1000000000\n[[requests]]\nid = 'A'\n",
        r"key 'pods' must be at most the number of requests \(1\), got 1000000000",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_files_name_the_file_and_what_was_expected(
    write_scenario: Write, text: str, message: str
) -> None:
    path = write_scenario(text, "bad.toml")
    with pytest.raises(ScenarioError, match=message) as caught:
        load_scenario(str(path))
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


def test_a_folder_is_not_a_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "course.toml"
    folder.mkdir()
    with pytest.raises(ScenarioError, match="course.toml: a folder, not a scenario file"):
        load_scenario(str(folder))


def test_unknown_scenario_name_lists_the_catalogue() -> None:
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'.*lost-update"):
        load_scenario("nope")


def test_missing_file_path() -> None:
    with pytest.raises(ScenarioError, match="missing.toml: no such file"):
        load_scenario("missing.toml")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00stock")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(str(path))
