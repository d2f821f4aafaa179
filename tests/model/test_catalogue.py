"""The bundled catalogue: inside the package, each file naming the schema editors read.

The scenarios live in ``vacancy_cli/scenarios`` beside ``vacancy_cli/schemas``,
so the relative ``#:schema`` line that opens each file (read by taplo and VS
Code's Even Better TOML) points at the shipped schema both in this checkout and
in an installed wheel. The wheel test builds the wheel and reads its listing.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import vacancy_cli
from vacancy_cli.model.catalogue import PATH_LIMIT
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.scenario import bundled_names, catalogue_dir, find_scenario, load_scenario
from vacancy_cli.report import schemas

ROOT = Path(__file__).parents[2]
SCHEMA_LINE = "#:schema ../schemas/scenario.schema.json"
BUNDLED = sorted(catalogue_dir().glob("*"))


def test_the_catalogue_is_inside_the_package() -> None:
    assert catalogue_dir().resolve().parent == Path(vacancy_cli.__file__).resolve().parent
    assert len(bundled_names()) == len(list(catalogue_dir().glob("*.toml"))) > 0


@pytest.mark.parametrize("path", sorted(catalogue_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_each_bundled_file_opens_with_the_schema_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE
    target = (path.parent / SCHEMA_LINE.removeprefix("#:schema ")).resolve()
    assert target == schemas.path("scenario")


@pytest.mark.parametrize("name", bundled_names())
def test_the_schema_line_is_a_comment_to_the_loader(name: str) -> None:
    assert load_scenario(name).bundled  # still found by name, and still parses


@pytest.mark.slow
def test_the_wheel_ships_the_catalogue_beside_the_schemas(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("vacancy-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in BUNDLED:
        assert f"vacancy_cli/scenarios/{path.name}" in names
    for name in schemas.SCHEMA_NAMES:
        assert f"vacancy_cli/schemas/{name}{schemas.SUFFIX}" in names
    pointed = posixpath.normpath(
        posixpath.join("vacancy_cli/scenarios", SCHEMA_LINE.removeprefix("#:schema "))
    )
    assert pointed in names
    assert not [n for n in names if n.startswith("scenarios/")]  # nothing outside the package


@pytest.mark.parametrize(
    "ref", ["0" * 600, "a/" * 300 + "x.toml", "bad\0name", "x" * 5000 + ".toml"]
)
def test_a_name_no_system_can_look_up_is_one_short_error(ref: str) -> None:
    # Path.is_file() raised OSError (name too long) or ValueError (a NUL byte): the
    # fuzzer's 600 zeros were an internal error instead of an unknown scenario.
    with pytest.raises(ScenarioError) as raised:
        find_scenario(ref)
    said = str(raised.value)
    assert len(said) < 600
    if len(ref) > PATH_LIMIT:
        assert f"({len(ref):,} characters)" in said  # the name is shortened, not dumped


def test_a_long_real_path_is_shown_whole(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 40) / ("e" * 40)  # past 60 characters, as CI's folders are
    deep.mkdir(parents=True)
    with pytest.raises(ScenarioError) as raised:
        find_scenario(str(deep / "nope.toml"))
    assert str(raised.value) == f"{deep / 'nope.toml'}: no such file"
