"""How a step and a run read in words: ``reads 100``, ``takes the lock``, and the
row where a violation happened. One definition for every view that draws a
timeline: the terminal (``render/simulation.py``), the lesson page
(``render/lesson.py``) and the room's browsers (``serve/views.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from vacancy_cli.model import trace
from vacancy_cli.model.result import Run


def row_marks(run: Run) -> dict[int, str]:
    """Label the row where each violation happens: its last step."""
    marks: dict[int, str] = {}
    for violation in run.violations:
        if violation.steps:
            word = violation.kind.word
            at = violation.steps[-1]
            marks[at] = f"{marks[at]}, {word}" if at in marks else word
    for t in run.stale_reads:
        marks.setdefault(t, "stale read")
    return marks


def step_rows(
    steps: Iterable[trace.Step], qty: Mapping[str, int], guard: str, run: Run | None
) -> list[dict[str, str]]:
    """Each step in words and its row's mark, beside the steps' documents: what the
    lesson page and the room's browsers draw a timeline's rows from (``run``: the
    finished run whose violations mark rows; None while a game is still going)."""
    marks = row_marks(run) if run is not None else {}
    return [
        {"does": describe_step(step, qty[step.request], guard), "mark": marks.get(step.t, "")}
        for step in steps
    ]


def describe_step(step: trace.Step, qty: int, guard: str) -> str:
    words = [_phrase(event, qty, guard) for event in step.events]
    return ", ".join(words)


def _phrase(event: trace.Event, qty: int, guard: str) -> str:
    match event.action:
        case trace.READ:
            return f"reads {event.name}={event.seen}" if event.name else f"reads {event.seen}"
        case trace.WRITE:
            return f"writes {event.name}={event.value}" if event.name else f"writes {event.value}"
        case trace.REJECTED:
            return f"rejects: saw {event.seen}, needs {qty}"
        case trace.CACHE_HIT:
            return f"reads {event.seen} from cache ({event.value} ms old)"
        case trace.CACHES:
            return f"caches {event.seen}"
        case trace.WAITS:
            return _waits(event.name) if event.name else f"waits for {guard}"
        case trace.ACQUIRES:
            return f"takes {guard}"
        case trace.RELEASES:
            return f"releases {guard}"
        case trace.BLOCKED:
            return f"(still waiting for {guard})"
        case trace.DONE:
            return "(already finished)"
        case trace.BLOCKS_LOOP:
            return "calls acquire() on the held threading.Lock: the event loop stops"
        case trace.FROZEN:
            return "(frozen: the event loop is blocked)"
        case trace.RAISES:
            return "raises: it is done"
        case trace.RUNS:
            return "runs to its next await"
    return event.action


def _waits(what: str) -> str:
    """What a user's code waits for, read off its await chain."""
    if what == "sleep":
        return "sleeps"
    article = "an" if what[:1] in "aeiou" else "a"
    return f"waits for {article} {what}"
