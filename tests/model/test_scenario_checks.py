"""The checks added for the issue and the course: a qty on an ``available`` request,
an empty scenario name, the facilitator's notes, and which scenarios are bundled."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.scenario import bundled_names, find_scenario, load_scenario
from vacancy_cli.report.schemas import schema

Write = Callable[..., Path]

READERS = """
stock = 10
[[requests]]
id = "A"
[[requests]]
id = "R1"
op = "available"
{qty}
"""


def test_a_qty_on_an_available_request_is_refused_naming_the_request_and_the_key(
    write_scenario: Write,
) -> None:
    path = write_scenario(READERS.format(qty="qty = 2"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: request 'R1' has key 'requests[2].qty'")
    assert "'available' request only reads the stock" in message
    assert "\n" not in message


def test_an_available_request_without_qty_still_loads(write_scenario: Write) -> None:
    scenario = load_scenario(str(write_scenario(READERS.format(qty=""))))
    assert [(r.id, r.op) for r in scenario.requests] == [("A", "reserve"), ("R1", "available")]


def test_the_scenario_schema_refuses_a_qty_on_an_available_request_too() -> None:
    validator = Draft202012Validator(schema("scenario"))
    with_qty = tomllib.loads(READERS.format(qty="qty = 2"))
    without = tomllib.loads(READERS.format(qty=""))
    reserve_qty = tomllib.loads(READERS.format(qty="").replace('op = "available"', "qty = 2"))
    assert list(validator.iter_errors(with_qty))
    assert not list(validator.iter_errors(without))
    assert not list(validator.iter_errors(reserve_qty))


@pytest.mark.parametrize("ref", ["", " ", "\t"])
def test_an_empty_scenario_name_says_so_not_a_folder(ref: str) -> None:
    with pytest.raises(ScenarioError, match="^the scenario name is empty") as caught:
        find_scenario(ref)
    assert "folder" not in str(caught.value)


def test_notes_and_hints_load_in_order(write_scenario: Write) -> None:
    text = 'notes = ["Why 99?", "Where is the await?"]\nhints = ["Move A first."]\n'
    scenario = load_scenario(str(write_scenario(text + READERS.format(qty=""))))
    assert scenario.notes == ("Why 99?", "Where is the await?")
    assert scenario.hints == ("Move A first.",)


@pytest.mark.parametrize("value", ['"one string"', '[""]', "[1, 2]"])
def test_notes_must_be_a_list_of_non_empty_strings(write_scenario: Write, value: str) -> None:
    path = write_scenario(f"notes = {value}\n" + READERS.format(qty=""))
    with pytest.raises(ScenarioError, match="key 'notes' must be a list of non-empty strings"):
        load_scenario(str(path))


def test_bundled_scenarios_are_named_by_name_and_a_users_file_by_its_path(
    write_scenario: Write,
) -> None:
    bundled = load_scenario(bundled_names()[0])
    assert bundled.bundled and bundled.ref == bundled.name
    # a file of the user's with a bundled scenario's name is still the user's
    path = write_scenario(READERS.format(qty=""), f"{bundled.name}.toml")
    own = load_scenario(str(path))
    assert own.name == bundled.name
    assert not own.bundled and own.ref == str(path)
