"""``vacancy scenarios`` and its facilitator view (``--notes NAME``), through CliRunner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from vacancy_cli.cli.catalog import scenarios
from vacancy_cli.cli.play import play
from vacancy_cli.model.scenario import bundled_names

from helpers import LOST_UPDATE

Write = Callable[..., Path]
runner = CliRunner()
app = typer.Typer()
app.command()(scenarios)
app.command()(play)

NOTED = (
    'notes = ["Why did the stock end at 99?", "Where could another request run?"]\n'
    'hints = ["Move A once.", "Then B reads."]\n'
    'challenge = "Without the lock, end at 99."\n'
    + LOST_UPDATE
    + '\n[goal]\nstrategy = "none"\nfinal_stock = 99\n'
)


def invoke(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(
        app, list(args), input=stdin, env={"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}
    )


def test_notes_show_title_lesson_challenge_hints_and_questions(write_scenario: Write) -> None:
    path = write_scenario('lesson = "Two requests, one counter."\n' + NOTED, "noted.toml")
    result = invoke("scenarios", "--notes", str(path))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for part in (
        "Lost update (noted): facilitator's notes",
        "Two requests, one counter.",
        "Without the lock, end at 99.",
        "1. Move A once.",
        "2. Then B reads.",
        "1. Why did the stock end at 99?",
        "2. Where could another request run?",
        f"vacancy play {path}",
    ):
        assert part in out, part
    assert out.index("Lesson") < out.index("Challenge") < out.index("Hints")
    assert out.index("Hints") < out.index("Discussion questions")
    panels = [line for line in out.splitlines() if not line.startswith("Play it:")]
    assert all(len(line) <= 80 for line in panels)  # the command alone is never wrapped


def test_notes_of_a_bundled_scenario_name_it_for_play() -> None:
    name = bundled_names()[0]
    result = invoke("scenarios", "--notes", name)
    assert result.exit_code == 0, result.stderr
    assert f"Play it: vacancy play {name}" in result.stdout


def test_a_scenario_without_notes_says_how_to_add_them(write_scenario: Write) -> None:
    path = write_scenario(LOST_UPDATE)
    result = invoke("scenarios", "--notes", str(path))
    assert result.exit_code == 0, result.stderr
    assert "None yet: add notes" in result.stdout
    assert "No challenge" in result.stdout and "No hints" in result.stdout


def test_the_markdown_export_holds_the_notes(write_scenario: Write, tmp_path: Path) -> None:
    path = write_scenario(NOTED, "noted.toml")
    target = tmp_path / "notes.md"
    result = invoke("scenarios", "--notes", str(path), "--export", str(target))
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Lost update: facilitator's notes")
    assert "**Discussion questions**" in text
    assert "> 1. Why did the stock end at 99?" in text
    assert "> 2. Where could another request run?" in text
    assert "> 2. Then B reads." in text


def test_notes_are_never_shown_in_play(write_scenario: Write) -> None:
    path = write_scenario(NOTED, "noted.toml")
    result = invoke("play", str(path), stdin="A\nB\nA\nB\nq\n")
    assert result.exit_code == 0, result.stderr
    assert "Without the lock, end at 99." in result.stdout  # the game did run
    assert "Why did the stock end at 99?" not in result.stdout
    assert "Where could another request run?" not in result.stdout


def test_notes_with_json_is_refused() -> None:
    result = invoke("scenarios", "--notes", bundled_names()[0], "--json")
    assert result.exit_code == 2
    assert "--notes shows a view for people" in result.stderr


def test_notes_of_an_unknown_or_broken_scenario_is_one_line_and_exit_2(
    write_scenario: Write,
) -> None:
    broken = write_scenario('notes = "not a list"\n' + LOST_UPDATE, "broken.toml")
    for ref, message in (
        ("nope", "unknown scenario 'nope'"),
        ("", "the scenario name is empty"),
        (str(broken), "key 'notes' must be a list of non-empty strings"),
    ):
        result = invoke("scenarios", "--notes", ref)
        assert result.exit_code == 2, ref
        assert message in result.stderr and result.stderr.count("\n") == 1, ref


def test_the_catalogue_is_unchanged_and_can_be_exported(tmp_path: Path) -> None:
    result = invoke("scenarios")
    assert result.exit_code == 0, result.stderr
    assert all(name in result.stdout for name in bundled_names())
    assert "Run one: vacancy simulate NAME" in result.stdout
    target = tmp_path / "catalogue.txt"
    exported = invoke("scenarios", "--export", str(target))
    assert exported.exit_code == 0, exported.stderr
    assert bundled_names()[-1] in target.read_text(encoding="utf-8")


def test_a_long_question_wraps_under_its_own_text(write_scenario: Write) -> None:
    words = " ".join(f"word{n}" for n in range(30))
    path = write_scenario(f'notes = ["{words}"]\n' + LOST_UPDATE)
    result = invoke("scenarios", "--notes", str(path))
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "word" in line]
    assert len(lines) >= 2 and "1. word0 " in lines[0]
    assert all(line.startswith("│    word") for line in lines[1:])  # under the text, not the 1.
    assert " ".join(w for line in lines for w in line.split() if w.startswith("word")) == words
