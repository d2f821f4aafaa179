"""``vacancy course``: the bundled scenarios as a course, and where this learner is in it.

The learner's progress is a plain value here (``Progress``: per scenario, games
played, challenge met, fewest steps); reading and writing its file is the
report layer's (``report/progress_file.py``), because it is JSON and I/O, and this
layer is pure. ``course_view`` answers the one question the command asks: which
challenges are met, and what to play next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import parse_strategy


@dataclass(frozen=True)
class LessonRecord:
    """What one learner did with one scenario in ``play``."""

    plays: int = 0  # finished games, whatever the strategy
    met: bool = False  # the challenge was met in at least one of them
    best_steps: int | None = None  # the fewest steps of a game that met it

    def after(self, challenge_met: bool, steps: int) -> LessonRecord:
        """This record with one more finished game; a met challenge stays met."""
        best = self.best_steps
        if challenge_met:
            best = steps if best is None else min(best, steps)
        return LessonRecord(self.plays + 1, self.met or challenge_met, best)


@dataclass(frozen=True)
class Progress:
    """Every scenario a learner has finished a game of, by name.

    Names that are not (or no longer) bundled are kept, so a renamed or a user's
    own scenario never costs the rest of the file; the course shows only the
    bundled ones.
    """

    lessons: Mapping[str, LessonRecord] = field(default_factory=dict)

    def recorded(self, name: str, challenge_met: bool, steps: int) -> Progress:
        """The progress after one finished game of ``name``."""
        if steps < 0:
            raise ValueError(f"steps must be >= 0, got {steps}")
        lessons = dict(self.lessons)
        lessons[name] = lessons.get(name, LessonRecord()).after(challenge_met, steps)
        return Progress(lessons)

    def of(self, name: str) -> LessonRecord:
        return self.lessons.get(name, LessonRecord())


@dataclass(frozen=True)
class Lesson:
    """One bundled scenario as a line of the course."""

    number: int
    name: str
    title: str
    challenge: str | None  # the words, or None for a scenario without one
    record: LessonRecord
    server: str | None  # the server its challenge needs ("redis", "postgres"), if any

    @property
    def met(self) -> bool:
        return self.challenge is not None and self.record.met

    @property
    def unmet(self) -> bool:
        """A challenge still to meet."""
        return self.challenge is not None and not self.record.met

    @property
    def command(self) -> str:
        """The exact command that plays it (naming the server option it needs)."""
        option = f" --{self.server}-url URL" if self.server else ""
        return f"vacancy play {self.name}{option}"


@dataclass(frozen=True)
class CourseView:
    lessons: tuple[Lesson, ...]
    next: Lesson | None  # None: every challenge met and every lesson played
    # when ``next`` needs a server: the next lesson that does not, for a room without one
    instead: Lesson | None = None

    @property
    def challenges(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.challenge is not None)

    @property
    def met(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.met)


def course_view(scenarios: list[Scenario], progress: Progress) -> CourseView:
    """The course in the order given (``bundled_names``'s), and what comes next.

    Next is the first lesson whose challenge is not met yet; when every challenge
    is met, the first lesson not played yet; when all are played, nothing.
    """
    lessons = tuple(
        _lesson(number, scenario, progress) for number, scenario in enumerate(scenarios, start=1)
    )
    following = [lesson for lesson in lessons if lesson.unmet] or [
        lesson for lesson in lessons if lesson.record.plays == 0
    ]
    upcoming = following[0] if following else None
    instead = None
    if upcoming is not None and upcoming.server is not None:
        instead = next((lesson for lesson in following if lesson.server is None), None)
    return CourseView(lessons, upcoming, instead)


def _lesson(number: int, scenario: Scenario, progress: Progress) -> Lesson:
    goal = scenario.goal
    server = parse_strategy(goal.strategy).server if goal else None
    return Lesson(
        number=number,
        name=scenario.name,
        title=scenario.title,
        challenge=goal.text if goal else None,
        record=progress.of(scenario.name),
        server=server,
    )
