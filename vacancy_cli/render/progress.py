"""A progress display on stderr that appears only when work takes more than a moment.

Shared by every long command: a spinner and a count when the total is unknown
(``explore``), a bar with done/total when it is known (``reserve``). Off for
``--json`` and when stderr is not a terminal; transient, so it is gone when
the work is done.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn, TaskID


class LazyProgress:
    def __init__(self, label: str, enabled: bool, delay_s: float = 0.5) -> None:
        self._label = label
        self._enabled = enabled
        self._delay_s = delay_s
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int, total: int | None = None, *, detail: str | None = None) -> None:
        if not self._enabled or time.monotonic() - self._started < self._delay_s:
            return
        if self._progress is None:
            # Imported only now: a run too short to show progress need not load it.
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns: list[ProgressColumn] = [TextColumn("{task.description}")]
            if total is None:
                columns = [
                    SpinnerColumn(),
                    *columns,
                    TextColumn("{task.completed:,}"),
                    _rate(),
                    TextColumn("{task.fields[detail]}", style="dim"),
                ]
            else:
                columns += [BarColumn(), MofNCompleteColumn()]
            self._progress = Progress(
                *columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True
            )
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=total, detail="")
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total, detail=detail or "")

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _rate() -> ProgressColumn:
    """How many a second, when the total is unknown: is the work still moving?"""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.speed
            return Text(f"({speed:,.0f}/s)" if speed else "", style="dim")

    return Rate()
