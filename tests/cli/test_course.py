"""``vacancy course`` through CliRunner, on a fresh Typer app (cli/app.py registers it).

Progress goes to ``VACANCY_DATA_DIR`` = tmp_path, so no test touches a real data folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from vacancy_cli.cli import course as course_module
from vacancy_cli.cli.course import course, record, user_data_dir
from vacancy_cli.model.scenario import bundled_names

runner = CliRunner()
app = typer.Typer()
app.command()(course)
app.command("spare")(lambda: None)  # a second command, so `course` is a subcommand


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("VACANCY_DATA_DIR", str(folder))
    return folder


def invoke(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(
        app, ["course", *args], input=stdin, env={"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}
    )


def test_the_data_dir_variable_chooses_the_folder(data: Path) -> None:
    assert user_data_dir() == data


def test_a_new_learner_sees_every_lesson_and_the_first_command(data: Path) -> None:
    result = invoke()
    assert result.exit_code == 0, result.stderr
    for name in bundled_names():
        assert name in result.stdout
    assert "✓" not in result.stdout
    assert f"0 of {len(bundled_names())} challenges met." in result.stdout
    assert f"Run: vacancy play {bundled_names()[0]}" in result.stdout
    assert not data.exists()  # looking writes nothing


def test_met_challenges_get_a_tick_and_next_moves_on(data: Path) -> None:
    first, second, third = bundled_names()[:3]
    record(first, True, 4)
    record(second, False, 9)
    record(third, True, 6)
    result = invoke()
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[3]: line for line in result.stdout.splitlines() if "│" in line[:2]}
    assert "✓" in rows[first] and "✓" in rows[third] and "✓" not in rows[second]
    assert f"2 of {len(bundled_names())} challenges met." in result.stdout
    assert f"Run: vacancy play {second}" in result.stdout


def test_record_writes_the_progress_file_in_the_data_dir(data: Path) -> None:
    record("lost-update", True, 4)
    saved = json.loads((data / "progress.json").read_text(encoding="utf-8"))
    assert saved["lessons"] == {"lost-update": {"plays": 1, "met": True, "best_steps": 4}}


def test_a_corrupt_file_stops_the_course_with_one_line(data: Path) -> None:
    data.mkdir()
    (data / "progress.json").write_text("{not json", encoding="utf-8")
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "progress.json: not a vacancy progress file" in lines[0]
    assert "vacancy course --reset" in lines[0]


def test_record_on_a_corrupt_file_only_warns_and_keeps_it(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data.mkdir()
    (data / "progress.json").write_text("{not json", encoding="utf-8")
    record("lost-update", True, 4)  # returns: the game's end is not spoilt
    err = capsys.readouterr().err
    assert err.startswith("vacancy: warning: progress not saved:") and err.count("\n") == 1
    assert (data / "progress.json").read_text(encoding="utf-8") == "{not json"


def test_reset_without_a_terminal_and_without_yes_exits_2_and_keeps_the_progress(
    data: Path,
) -> None:
    record("lost-update", True, 4)
    result = invoke("--reset", stdin="y\n")
    assert result.exit_code == 2
    assert "the input is not a terminal: add --yes" in result.stderr
    assert (data / "progress.json").exists()


def test_reset_yes_forgets_even_a_corrupt_file(data: Path) -> None:
    data.mkdir()
    (data / "progress.json").write_text("{not json", encoding="utf-8")
    result = invoke("--reset", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Forgot the progress" in result.stdout
    assert not (data / "progress.json").exists()
    assert "0 of" in invoke().stdout


@pytest.mark.parametrize(("answer", "kept"), [("y\n", False), ("n\n", True), ("\n", True)])
def test_reset_asks_at_a_terminal(
    data: Path, monkeypatch: pytest.MonkeyPatch, answer: str, kept: bool
) -> None:
    monkeypatch.setattr(course_module, "_interactive", lambda: True)
    record("lost-update", True, 4)
    result = invoke("--reset", stdin=answer)
    assert result.exit_code == 0, result.stderr
    assert "Forget every challenge met" in result.stdout
    assert (data / "progress.json").exists() is kept
    assert ("Kept the progress." in result.stdout) is kept


def test_reset_with_nothing_saved_says_so(data: Path) -> None:
    result = invoke("--reset")
    assert result.exit_code == 0
    assert "Nothing to forget" in result.stdout


def test_yes_without_reset_is_refused(data: Path) -> None:
    result = invoke("--yes")
    assert result.exit_code == 2
    assert "--yes only confirms --reset" in result.stderr


def test_export_saves_the_course_as_markdown(data: Path, tmp_path: Path) -> None:
    record(bundled_names()[0], True, 4)
    target = tmp_path / "course.md"
    result = invoke("--export", str(target))
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# The course")
    assert f"| 1 | {bundled_names()[0]} |" in text and "✓" in text
    assert f"vacancy play {bundled_names()[1]}" in text


def test_the_help_says_where_progress_lives() -> None:
    result = runner.invoke(app, ["course", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "VACANCY_DATA_DIR" in result.stdout and "--reset" in result.stdout


def test_the_course_fits_the_rooms_80_by_40_terminal(data: Path) -> None:
    record(bundled_names()[0], True, 4)
    result = invoke()
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 40
    assert all(len(line.rstrip()) <= 80 for line in lines if not line.startswith("Run:"))


def test_playing_an_impossible_challenge_to_the_end_moves_the_course_on(data: Path) -> None:
    """lock-wait's challenge is proved impossible (the lock forbids it): a course that
    waited for it to be met would never get past lesson 4."""
    from vacancy_cli.cli.app import app as vacancy

    for name in bundled_names()[:3]:
        record(name, True, 4)
    played = runner.invoke(
        vacancy,
        ["play", "lock-wait"],
        input="A\n" * 6 + "B\n" * 3 + "C\n" * 3 + "q\n",
        env={"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"},
    )
    assert played.exit_code == 0, played.stderr
    assert "Run: vacancy play threading-lock" in invoke().stdout
