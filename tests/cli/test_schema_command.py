"""`vacancy schema [KIND] [--path]`: the shipped schemas, for editors and scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.model.scenario import catalogue_dir
from vacancy_cli.report import schemas
from vacancy_cli.report.documents import KINDS

runner = CliRunner()
EVERY_KIND = [kind for kind, _ in schemas.choices()]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["schema", *args], env={"COLUMNS": "80"})
    return result.exit_code, result.stdout, result.stderr


def test_every_schema_and_every_json_kind_is_a_kind() -> None:
    assert set(EVERY_KIND) == set(schemas.SCHEMA_NAMES) | set(KINDS)
    assert "scenario" in EVERY_KIND


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_each_kind_prints_its_schema_as_shipped(kind: str) -> None:
    code, out, err = invoke(kind)
    assert code == 0, err
    name = schemas.resolve(kind)
    assert name is not None and json.loads(out) == schemas.schema(name)
    assert out == schemas.text(name)  # byte for byte, as an editor reads the file


def test_a_json_kind_prints_the_schema_its_documents_follow() -> None:
    for kind, name in KINDS.items():
        assert invoke(kind)[1] == invoke(name)[1]


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_path_names_the_installed_file(kind: str) -> None:
    code, out, _ = invoke(kind, "--path")
    assert code == 0
    path = Path(out.strip())
    assert out.count("\n") == 1 and path.is_absolute()
    assert path.read_text(encoding="utf-8") == invoke(kind)[1]


def test_the_scenario_schemas_path_is_where_the_bundled_files_point() -> None:
    """The ``#:schema`` line of each bundled scenario, resolved from its file, is the
    file ``vacancy schema scenario --path`` names."""
    printed = Path(invoke("scenario", "--path")[1].strip())
    for path in sorted(catalogue_dir().glob("*.toml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema "), path.name
        assert (path.parent / first.removeprefix("#:schema ")).resolve() == printed


def test_without_a_kind_each_schema_is_one_line_that_fits_the_room() -> None:
    code, out, _ = invoke()
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(schemas.SCHEMA_NAMES)
    for line, name in zip(lines, schemas.SCHEMA_NAMES, strict=True):
        assert schemas.title(name) in line and len(line) <= 80


def test_the_list_says_which_kinds_follow_a_shared_schema() -> None:
    out = invoke()[1]
    for kind, name in KINDS.items():
        if kind != name:
            line = next(line for line in out.splitlines() if line.split()[0] == name)
            assert f"{name}.*" in line or kind in line


def test_path_without_a_kind_lists_every_file() -> None:
    code, out, _ = invoke("--path")
    assert code == 0
    paths = [Path(line) for line in out.splitlines()]
    assert [p.name for p in paths] == [n + schemas.SUFFIX for n in schemas.SCHEMA_NAMES]
    assert all(p.is_file() for p in paths)


@pytest.mark.parametrize("kind", ["nonsense", "", "simulate.schema.json", "Scenario"])
def test_an_unknown_kind_is_one_line_naming_the_kinds_and_exit_2(kind: str) -> None:
    code, out, err = invoke(kind)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unknown schema kind" in lines[0]
    for known in EVERY_KIND:
        assert known in lines[0]


def test_the_help_teaches_the_kinds_and_the_editor_use() -> None:
    result = runner.invoke(app, ["schema", "--help"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0
    for word in ("scenario", "simulate", "--path", "#:schema", "Even Better TOML"):
        assert word in result.stdout
