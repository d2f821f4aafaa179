"""The course as values: what a learner's games add up to, and which lesson is next."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from vacancy_cli.app.course import LessonRecord, Progress, course_view
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario

NAMES = ["a", "b", "c"]
games = st.lists(st.tuples(st.sampled_from(NAMES), st.booleans(), st.integers(0, 50)))


def _after(played: list[tuple[str, bool, int]]) -> Progress:
    progress = Progress()
    for name, met, steps in played:
        progress = progress.recorded(name, met, steps)
    return progress


@given(games)
def test_progress_counts_games_keeps_a_met_challenge_and_the_fewest_steps(
    played: list[tuple[str, bool, int]],
) -> None:
    progress = _after(played)
    for name in NAMES:
        mine = [(met, steps) for n, met, steps in played if n == name]
        record = progress.of(name)
        assert record.plays == len(mine)
        assert record.met == any(met for met, _ in mine)
        met_steps = [steps for met, steps in mine if met]
        assert record.best_steps == (min(met_steps) if met_steps else None)


@given(games, st.sampled_from(NAMES), st.integers(0, 50))
def test_a_game_that_misses_never_takes_a_met_challenge_away(
    played: list[tuple[str, bool, int]], name: str, steps: int
) -> None:
    before = _after(played).of(name)
    after = _after([*played, (name, False, steps)]).of(name)
    assert after.met == before.met and after.best_steps == before.best_steps
    assert after.plays == before.plays + 1


def _course() -> list[Scenario]:
    return [load_scenario(name) for name in bundled_names()]


def test_a_new_learner_starts_at_the_first_lesson() -> None:
    view = course_view(_course(), Progress())
    assert view.next is not None and view.next.number == 1
    assert view.next.command == f"vacancy play {bundled_names()[0]}"
    assert view.met == 0 and view.challenges == len(bundled_names())


def test_next_is_the_first_unmet_challenge_even_before_a_met_one() -> None:
    names = bundled_names()
    progress = Progress({names[0]: LessonRecord(1, True, 4), names[2]: LessonRecord(1, True, 6)})
    view = course_view(_course(), progress)
    assert view.next is not None and view.next.name == names[1]
    assert [lesson.met for lesson in view.lessons[:3]] == [True, False, True]
    assert view.met == 2


def test_a_lesson_played_without_meeting_its_challenge_is_still_next() -> None:
    first = bundled_names()[0]
    view = course_view(_course(), Progress({first: LessonRecord(3, False, None)}))
    assert view.next is not None and view.next.name == first


def test_a_challenge_that_needs_a_server_names_its_option_and_a_lesson_to_skip_to() -> None:
    scenarios = _course()
    needing = [s for s in scenarios if s.name == "servers"][0]
    before = scenarios[: scenarios.index(needing)]
    progress = Progress({s.name: LessonRecord(1, True, 4) for s in before})
    view = course_view(scenarios, progress)
    assert view.next is not None and view.next.name == "servers"
    assert view.next.command == "vacancy play servers --postgres-url URL"
    after = scenarios[scenarios.index(needing) + 1 :]
    expected = after[0].name if after else None
    assert (view.instead.name if view.instead else None) == expected


def test_when_every_challenge_is_met_next_is_the_first_lesson_not_played() -> None:
    scenarios = _course()
    plain = replace(scenarios[1], goal=None)  # a lesson without a challenge
    lessons = [scenarios[0], plain, scenarios[2]]
    met = LessonRecord(1, True, 4)
    progress = Progress({scenarios[0].name: met, scenarios[2].name: met})
    view = course_view(lessons, progress)
    assert view.next is not None and view.next.name == plain.name
    assert view.lessons[1].challenge is None and not view.lessons[1].met
    assert view.challenges == 2 and view.met == 2


def test_the_course_is_complete_when_every_challenge_is_met_and_every_lesson_played() -> None:
    scenarios = _course()[:2]
    progress = Progress({s.name: LessonRecord(2, True, 5) for s in scenarios})
    view = course_view(scenarios, progress)
    assert view.next is None and view.met == view.challenges == 2
