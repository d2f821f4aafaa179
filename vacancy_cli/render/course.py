"""The course (``vacancy course``): each lesson with a ✓ for a met challenge, and what next.

It draws ``app.course``'s ``CourseView``; the command chosen for the learner is
printed unwrapped (``console.command``), so it can be copied as it stands.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from vacancy_cli.app.course import CourseView, Lesson
from vacancy_cli.render.console import command

MET = "✓"
SERVER_NAMES = {"redis": "Redis", "postgres": "PostgreSQL"}


def show_course(view: CourseView, console: Console) -> None:
    table = Table(title="The course", title_justify="left", title_style="bold")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Lesson", style="cyan")
    table.add_column("Title")
    table.add_column("Met", justify="center", style="green")
    table.add_column("Played", justify="right")
    table.add_column("Best", justify="right")  # the fewest steps that met it
    for lesson in view.lessons:
        table.add_row(
            str(lesson.number),
            lesson.name,
            lesson.title,
            _met(lesson),
            str(lesson.record.plays) if lesson.record.plays else "",
            str(lesson.record.best_steps) if lesson.record.best_steps is not None else "",
        )
    console.print(table)
    console.print(Text(f"{view.met} of {view.challenges} challenges met.", style="bold"))
    upcoming = view.next
    if upcoming is None:
        console.print(
            Text("Every challenge is met and every lesson played: the course is complete.")
        )
        command(console, "Play any again: vacancy play NAME")
        return
    console.print(Text(f"Next: {upcoming.number}. {upcoming.title} ({upcoming.name})"))
    if upcoming.challenge is not None:
        console.print(Text(f"Challenge: {upcoming.challenge}"))
    command(console, f"Run: {upcoming.command}")
    if upcoming.server is not None:
        server = SERVER_NAMES.get(upcoming.server, upcoming.server)
        instead = view.instead
        skip = f", or skip it: {instead.command}" if instead else ""
        command(console, f"It needs a {server} server{skip}")


def _met(lesson: Lesson) -> str:
    if lesson.challenge is None:
        return "-"  # nothing to meet
    return MET if lesson.record.met else ""
