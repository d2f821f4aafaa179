"""--export FILE is checked before anything runs, for every command that takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app

runner = CliRunner()

# Each command with --export, with arguments that would otherwise run it (play is
# given no keys: were it to start, it would print its first turn).
COMMANDS = [
    ["simulate", "lost-update"],
    ["explore", "lost-update", "-s", "none"],
    ["play", "lost-update"],
    ["play", "lost-update", "--solution"],
    ["reserve", "--requests", "10", "--stock", "10"],
]
# A folder that exists and that no one may write in, root included (sysfs).
UNWRITABLE = Path("/sys")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def refused(args: list[str], export: str) -> str:
    code, out, err = invoke(*args, "--export", export)
    assert code == 2 and out == ""  # nothing ran
    assert len(err.strip().splitlines()) == 1
    return err


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unwritable_folder_is_refused_before_the_run(args: list[str]) -> None:
    target = UNWRITABLE / "x.md"
    err = refused(args, str(target))
    assert f"--export {target}: cannot write in folder '{UNWRITABLE}'" in err
    assert not target.exists()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_empty_name_is_refused(args: list[str]) -> None:
    assert "--export needs a file name" in refused(args, "")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "is a folder; name a file in it"),
        ("slides.pdf", "unknown format '.pdf'; use one of .svg, .html, .md, .txt"),
        ("no/such/folder/x.svg", "folder '{tmp}/no/such/folder' does not exist"),
        ("a-file/x.svg", "'{tmp}/a-file' is not a folder"),
    ],
)
def test_each_problem_names_the_path(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = str(tmp_path / name) if name else str(tmp_path)
    err = refused(["simulate", "lost-update"], target)
    assert f"--export {target}: {message.format(tmp=tmp_path)}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_check_creates_nothing_when_the_run_then_fails(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    code, _, err = invoke("simulate", "lost-update", "-s", "mutex", "--export", str(target))
    assert code == 2 and "unknown strategy 'mutex'" in err  # the path passed; the run failed
    assert list(tmp_path.iterdir()) == []


def test_quitting_play_at_once_still_writes_only_the_export(tmp_path: Path) -> None:
    target = tmp_path / "played.txt"
    result = runner.invoke(
        app, ["play", "lost-update", "--export", str(target)], input="q\n", env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["played.txt"]
