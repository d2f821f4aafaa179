"""The learner's progress file: where it lives, what it holds, and every bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vacancy_cli.app import files
from vacancy_cli.app.course import LessonRecord, Progress
from vacancy_cli.report.progress_file import (
    ProgressFileError,
    data_folder,
    forget,
    progress_path,
    read,
    record,
    write,
)

HOME = Path("/home/learner")


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", HOME / ".local/share/vacancy"),
        ({"XDG_DATA_HOME": "/data"}, "linux", Path("/data/vacancy")),
        ({"XDG_DATA_HOME": "relative"}, "linux", HOME / ".local/share/vacancy"),
        ({"XDG_DATA_HOME": ""}, "linux", HOME / ".local/share/vacancy"),
        ({}, "darwin", HOME / "Library/Application Support/vacancy"),
        ({"APPDATA": "/roaming"}, "win32", Path("/roaming/vacancy")),
        ({}, "win32", HOME / "AppData/Roaming/vacancy"),
        ({"VACANCY_DATA_DIR": "/mine", "XDG_DATA_HOME": "/data"}, "linux", Path("/mine")),
        ({"VACANCY_DATA_DIR": "/mine"}, "darwin", Path("/mine")),
        ({"VACANCY_DATA_DIR": "", "XDG_DATA_HOME": "/data"}, "linux", Path("/data/vacancy")),
    ],
)
def test_the_data_folder_follows_the_platform_and_the_override(
    environ: dict[str, str], platform: str, expected: Path
) -> None:
    assert data_folder(environ, platform, HOME) == expected


def test_no_file_is_no_progress(tmp_path: Path) -> None:
    assert read(tmp_path / "not-yet") == Progress()


records = st.builds(
    LessonRecord,
    plays=st.integers(0, 10**6),
    met=st.booleans(),
    best_steps=st.none() | st.integers(0, 10**6),
)
progresses = st.builds(Progress, st.dictionaries(st.text(min_size=1, max_size=20), records))


@given(progresses)
def test_what_is_written_is_read_back(progress: Progress) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder) / "vacancy", progress)
        assert read(Path(folder) / "vacancy") == progress
        assert os.listdir(Path(folder) / "vacancy") == ["progress.json"]  # no temp file left


def test_record_adds_a_game_and_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "vacancy"
    record(folder, "lost-update", True, 4)
    after = record(folder, "lost-update", False, 2)
    assert after.of("lost-update") == LessonRecord(plays=2, met=True, best_steps=4)
    assert read(folder) == after
    saved = json.loads(progress_path(folder).read_text(encoding="utf-8"))
    assert saved["schema_version"] == 1 and saved["kind"] == "progress"


BAD = [
    ("{", "not a vacancy progress file"),
    ("[]", "expected a JSON object"),
    ('{"kind": "simulate", "schema_version": 1, "lessons": {}}', "'kind' must be 'progress'"),
    ('{"kind": "progress", "schema_version": 9, "lessons": {}}', "'schema_version' 9"),
    ('{"kind": "progress", "schema_version": 1, "lessons": []}', "'lessons' must be an object"),
    (
        '{"kind": "progress", "schema_version": 1, "lessons": {"a": {"plays": -1, "met": true}}}',
        "lesson 'a': 'plays' must be a whole number >= 0",
    ),
    (
        '{"kind": "progress", "schema_version": 1, "lessons": {"a": {"plays": 1, "met": 1}}}',
        "lesson 'a': 'met' must be true or false",
    ),
    (
        '{"kind": "progress", "schema_version": 1, "lessons": '
        '{"a": {"plays": 1, "met": true, "best_steps": "4"}}}',
        "'best_steps' must be a whole number or null",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_file_is_one_line_naming_it_and_the_way_out(
    tmp_path: Path, text: str, message: str
) -> None:
    progress_path(tmp_path).write_text(text, encoding="utf-8")
    with pytest.raises(ProgressFileError, match=message) as caught:
        read(tmp_path)
    line = str(caught.value)
    assert line.startswith(str(progress_path(tmp_path)))
    assert "vacancy course --reset" in line and "\n" not in line


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    progress_path(tmp_path).write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ProgressFileError, match="cannot read the progress file"):
        read(tmp_path)


def test_a_record_on_a_bad_file_leaves_it_as_it_was(tmp_path: Path) -> None:
    progress_path(tmp_path).write_text("{", encoding="utf-8")
    with pytest.raises(ProgressFileError):
        record(tmp_path, "lost-update", True, 4)
    assert progress_path(tmp_path).read_text(encoding="utf-8") == "{"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, Progress({"a": LessonRecord(1, True, 3)}))
    before = progress_path(tmp_path).read_text(encoding="utf-8")

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(ProgressFileError, match="cannot save the progress: No space left"):
        write(tmp_path, Progress({"b": LessonRecord(1, False, None)}))
    assert progress_path(tmp_path).read_text(encoding="utf-8") == before
    assert os.listdir(tmp_path) == ["progress.json"]


def test_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ProgressFileError, match="cannot save the progress"):
        write(blocker / "vacancy", Progress())


def test_forget_removes_any_file_and_says_whether_there_was_one(tmp_path: Path) -> None:
    assert forget(tmp_path) is False
    progress_path(tmp_path).write_text("{", encoding="utf-8")  # even an unreadable one
    assert forget(tmp_path) is True
    assert not progress_path(tmp_path).exists()


def _record_many(folder: str, worker: int, start: float) -> None:
    """One process's games, all started at the same instant as the other processes'."""
    import time

    time.sleep(max(0.0, start - time.time()))
    for game in range(5):
        record(Path(folder), f"lesson-{worker}-{game}", game % 2 == 0, 3 + game)


def test_games_ending_at_once_in_several_processes_all_count(tmp_path: Path) -> None:
    import multiprocessing
    import time

    context = multiprocessing.get_context("fork")
    start = time.time() + 0.5
    workers = [
        context.Process(target=_record_many, args=(str(tmp_path), n, start)) for n in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    lessons = read(tmp_path).lessons
    assert len(lessons) == 8 * 5  # read-modify-write under the folder's lock: none lost
    assert sorted(os.listdir(tmp_path)) == ["progress.json"]  # and no lock file left
