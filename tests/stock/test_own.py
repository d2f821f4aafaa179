"""Loading a user's manager: every mistake is one line, before anything runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.stock.own import load, register

MANAGERS = Path(__file__).parents[1] / "managers"


@pytest.mark.parametrize(
    ("source", "ref", "message"),
    [
        (None, "missing.py", "no such file"),
        ("class A:\n    async def reserve(self qty):\n        pass\n", "", ":2: syntax error"),
        ("x = 1\n", "", "no class with a reserve() method"),
        (
            "class A:\n    async def reserve(self, q): ...\nclass B(A): ...\n",
            "",
            "several classes (A, B): name one",
        ),
        ("class A:\n    async def reserve(self, q): ...\n", ":Nope", "no class or function named"),
        ("class A:\n    pass\n", ":A", "has no reserve(self, qty) method"),
        ("class A:\n    def reserve(self, q): ...\n", ":A", "must be 'async def reserve"),
        ("raise RuntimeError('at import')\n", "", "running the file raised RuntimeError"),
    ],
)
def test_a_bad_manager_file_is_one_line_naming_the_file(
    tmp_path: Path, source: str | None, ref: str, message: str
) -> None:
    path = tmp_path / "mine.py"
    if source is not None:
        path.write_text(source)
    target = str(tmp_path / "missing.py") if source is None else f"{path}{ref}"
    with pytest.raises(ScenarioError) as raised:
        load(target)
    assert message in str(raised.value)
    result = CliRunner().invoke(app, ["simulate", "lost-update", "--manager", target])
    assert result.exit_code == 2
    assert result.stderr.startswith("vacancy: error: ")
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_constructor_that_raises_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text(
        "class Broken:\n    def __init__(self, stock):\n        raise KeyError('no')\n"
        "    async def reserve(self, qty): ...\n"
    )
    result = CliRunner().invoke(app, ["explore", "lost-update", "--manager", str(path)])
    assert result.exit_code == 2
    assert "broken.py:Broken: constructing it with the stock (100) raised KeyError" in result.stderr


def test_a_file_is_loaded_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text("class A:\n    async def reserve(self, q):\n        return True, 1\n")
    first = load(str(path)).factory
    assert load(str(path)).factory is first  # every replay of an exploration reuses it
    path.write_text("class A:\n    async def reserve(self, q):\n        return True, 2\n")
    os.utime(path, ns=(1, 1))  # a new modification time, as an editor's save gives
    assert load(str(path)).factory is not first


def test_classes_in_this_process_are_registered_not_read_from_a_file() -> None:
    class Mine:
        def __init__(self, stock: int) -> None:
            self.total = stock

        async def reserve(self, qty: int) -> tuple[bool, int]:
            return True, self.total

    ref = register(Mine)
    loaded = load(ref)
    assert loaded.label.endswith(
        ":test_classes_in_this_process_are_registered_not_read_from_a_file.<locals>.Mine"
    )
    assert loaded.factory is Mine
    not_async: Callable[[int], object] = type("Plain", (), {"reserve": lambda self, q: None})
    with pytest.raises(ScenarioError, match="must be 'async def reserve"):
        register(not_async)
