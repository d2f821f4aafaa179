"""The learner's progress file: ``progress.json`` in the user's data folder.

It lives in the report layer because it is JSON and file I/O, which the pure
layers below may not do; ``app/course.py`` owns the ``Progress`` value. The folder
is chosen by ``data_folder`` from values the command layer passes in (the
environment, the platform, the home folder), so nothing here reads the
environment itself:

- ``VACANCY_DATA_DIR``, when set, is the folder (tests point it at a tmp_path);
- on Linux and other Unixes ``$XDG_DATA_HOME/vacancy``, by default
  ``~/.local/share/vacancy``;
- on macOS ``~/Library/Application Support/vacancy``;
- on Windows ``%APPDATA%\\vacancy``.

Writes go to a temporary file in the same folder, renamed over the old one
(``os.replace``), so a crash or a full disk never leaves half a file. A file
that cannot be read or is not a progress file raises ``ProgressFileError``
(one line naming the file and what to do): the course is then not shown with
the progress silently dropped, and nothing overwrites what might be recovered.
Recording a game reads, adds and writes under an exclusive lock on the folder
(``flock`` on the folder itself, so no lock file is left behind): two games
ending at once both count. Where ``fcntl`` does not exist (Windows) the record
goes unlocked, as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeGuard

from vacancy_cli.app.course import LessonRecord, Progress
from vacancy_cli.app.files import write_whole
from vacancy_cli.model.errors import VacancyError

FILE_NAME = "progress.json"
VERSION = 1
KIND = "progress"
ENV_VAR = "VACANCY_DATA_DIR"
RESET = "vacancy course --reset"


class ProgressFileError(VacancyError):
    """A progress file that cannot be read, understood or written."""


def data_folder(environ: Mapping[str, str], platform: str, home: Path) -> Path:
    """The folder that holds ``progress.json`` (the rules are in the module's docstring).

    An empty variable counts as unset; a relative ``XDG_DATA_HOME`` is ignored, as
    the XDG Base Directory specification asks.
    """
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    if platform == "win32":
        appdata = environ.get("APPDATA")
        return (Path(appdata) if appdata else home / "AppData" / "Roaming") / "vacancy"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "vacancy"
    xdg = environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "vacancy"


def progress_path(folder: Path) -> Path:
    return folder / FILE_NAME


def read(folder: Path) -> Progress:
    """The saved progress; no file yet is no progress yet."""
    path = progress_path(folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Progress()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgressFileError(f"{path}: cannot read the progress file: {_why(exc)}") from None
    try:
        return _progress(json.loads(text))
    except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
        raise ProgressFileError(
            f"{path}: not a vacancy progress file ({exc}); "
            f"{RESET} forgets it and starts the course again"
        ) from None


def write(folder: Path, progress: Progress) -> Path:
    """Save ``progress`` atomically, creating the folder if needed."""
    path = progress_path(folder)
    document = {"schema_version": VERSION, "kind": KIND, "lessons": _lessons(progress)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise ProgressFileError(f"{path}: cannot save the progress: {_why(exc)}") from None
    return path


def record(folder: Path, name: str, challenge_met: bool, steps: int) -> Progress:
    """Add one finished game to the saved progress, and save it; returns the new progress."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProgressFileError(f"{folder}: cannot save the progress: {_why(exc)}") from None
    with _locked(folder):
        progress = read(folder).recorded(name, challenge_met, steps)
        write(folder, progress)
    return progress


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The folder locked against another ``record`` for the read-modify-write."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; a lost record there is a rare race
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def forget(folder: Path) -> bool:
    """Remove the progress file, readable or not; False when there was none."""
    path = progress_path(folder)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ProgressFileError(f"{path}: cannot remove the progress file: {_why(exc)}") from None
    return True


def _lessons(progress: Progress) -> dict[str, dict[str, Any]]:
    return {
        name: {"plays": r.plays, "met": r.met, "best_steps": r.best_steps}
        for name, r in sorted(progress.lessons.items())
    }


def _progress(document: object) -> Progress:
    """Check the decoded document strictly: a wrong value raises ValueError naming it."""
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    if document.get("kind") != KIND:
        raise ValueError(f"'kind' must be {KIND!r}")
    version = document.get("schema_version")
    if version != VERSION:
        raise ValueError(f"'schema_version' {version!r}: this vacancy reads version {VERSION}")
    lessons = document.get("lessons")
    if not isinstance(lessons, dict):
        raise ValueError("'lessons' must be an object")
    return Progress({name: _record(name, raw) for name, raw in lessons.items()})


def _record(name: str, raw: object) -> LessonRecord:
    if not isinstance(raw, dict):
        raise ValueError(f"lesson {name!r} must be an object")
    plays, met, best = raw.get("plays"), raw.get("met"), raw.get("best_steps")
    if not _whole(plays, 0):
        raise ValueError(f"lesson {name!r}: 'plays' must be a whole number >= 0, got {plays!r}")
    if not isinstance(met, bool):
        raise ValueError(f"lesson {name!r}: 'met' must be true or false, got {met!r}")
    if best is not None and not _whole(best, 0):
        raise ValueError(f"lesson {name!r}: 'best_steps' must be a whole number or null")
    return LessonRecord(plays=plays, met=met, best_steps=best)


def _whole(value: object, minimum: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _why(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
