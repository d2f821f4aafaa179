"""What the sdist and the wheel ship: the licence (PEP 639), the metadata an index
shows, and the files the tool needs at run time (the catalogue, the schemas, the
lesson page's assets), built the way a user or an index builds them (``build``)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


def _wheel(dist: Path) -> zipfile.ZipFile:
    (found,) = dist.glob("vacancy-*.whl")
    return zipfile.ZipFile(found)


def _metadata(wheel: zipfile.ZipFile) -> dict[str, list[str]]:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    headers = HeaderParser().parsestr(wheel.read(name).decode())
    fields: dict[str, list[str]] = {}
    for key, value in headers.items():
        fields.setdefault(key, []).append(value)
    return fields


def test_the_wheel_ships_the_licence_and_says_mit_in_spdx_form(dist: Path) -> None:
    wheel = _wheel(dist)
    licence = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert licence, wheel.namelist()
    assert wheel.read(licence[0]) == (ROOT / "LICENSE").read_bytes()
    meta = _metadata(wheel)
    assert meta["License-Expression"] == ["MIT"]
    assert meta["License-File"] == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in meta["Classifier"])  # PEP 639: not both


def test_the_wheel_metadata_has_classifiers_keywords_and_the_python_versions(dist: Path) -> None:
    meta = _metadata(_wheel(dist))
    classifiers = set(meta["Classifier"])
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Intended Audience :: Education" in classifiers
    assert "asyncio" in meta["Keywords"][0].split(",")
    assert meta["Requires-Python"] == [">=3.11"]
    extras = set(meta["Provides-Extra"])
    assert {"redis", "postgres", "serve", "dev"} <= extras
    postgres = [r for r in meta["Requires-Dist"] if "extra == 'postgres'" in r.replace('"', "'")]
    assert any(r.startswith("psycopg-pool") for r in postgres), postgres


def test_the_wheel_ships_what_the_tool_reads_at_run_time(dist: Path) -> None:
    names = set(_wheel(dist).namelist())
    bundled = sorted(p.name for p in (ROOT / "vacancy_cli" / "scenarios").glob("*.toml"))
    assert bundled
    for name in bundled:
        assert f"vacancy_cli/scenarios/{name}" in names
    for schema in (ROOT / "vacancy_cli" / "schemas").glob("*.json"):
        assert f"vacancy_cli/schemas/{schema.name}" in names
    for asset in ("web/lesson.js", "web/lesson.css", "serve/static/learner.js", "py.typed"):
        assert f"vacancy_cli/{asset}" in names


def test_the_sdist_ships_the_licence_the_readme_and_the_tests(dist: Path) -> None:
    (found,) = dist.glob("vacancy-*.tar.gz")
    with tarfile.open(found) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names
    assert "vacancy_cli/scenarios/01-lost-update.toml" in names
    assert any(n.startswith("tests/") for n in names)
