"""Challenges: the [goal] table, its validation, and when a run meets it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.app.solve import impossible, solve
from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.scenario import bundled_names, load_scenario

from helpers import LOST_UPDATE, TEST_SERVERS, missing_servers

Write = Callable[..., Path]


# Challenges whose answer is "you cannot": no schedule meets them, and play says so.
IMPOSSIBLE = {"lock-wait"}


def test_every_bundled_challenge_is_solved_or_proved_impossible() -> None:
    for name in bundled_names():
        scenario = load_scenario(name)
        assert scenario.goal is not None, name
        if missing_servers([scenario.goal.strategy]):
            continue  # checked where the servers run (tests/test_servers.py says why not)
        run = solve(scenario, scenario.goal, TEST_SERVERS)
        proved = impossible(scenario, scenario.goal, TEST_SERVERS)
        assert proved == (name in IMPOSSIBLE), name
        if proved:
            assert run is None, name
        else:
            assert run is not None and scenario.goal.met_by(run), name


def test_every_bundled_challenge_has_two_or_three_graded_hints() -> None:
    for name in bundled_names():
        hints = load_scenario(name).hints
        assert 2 <= len(hints) <= 3, name
        assert len(set(hints)) == len(hints), name


def test_lock_waits_challenge_asks_for_what_the_lock_forbids() -> None:
    """ "Can you end anywhere but 7?" under the lock: only a lost update could."""
    scenario = load_scenario("lock-wait")
    goal = scenario.goal
    assert goal is not None and goal.strategy == "asyncio-lock"
    assert "anywhere but 7" in goal.text
    for schedule in ("A B C A B C", "A A B B C C", "C B A C B A"):
        run = run_scenario(scenario, ["asyncio-lock"], schedule=schedule).runs[0]
        assert run.final_stock == 7 and not goal.met_by(run)
    unlocked = run_scenario(scenario, ["none"], schedule="A B A B C C").runs[0]
    assert unlocked.final_stock != 7 and replace(goal, strategy="none").met_by(unlocked)


def test_fairness_words_match_its_solution() -> None:
    """The solution starts A last, so the words must not call A the first to start."""
    scenario = load_scenario("fairness")
    assert scenario.goal is not None
    assert "first" not in scenario.goal.text
    run = solve(scenario, scenario.goal)
    assert run is not None and run.steps[-1].request == "A"


def test_impossible_is_proved_only_by_a_complete_exploration() -> None:
    scenario = load_scenario("lock-wait")
    assert scenario.goal is not None
    assert impossible(scenario, scenario.goal)
    assert not impossible(scenario, scenario.goal, max_states=2)  # cut short: no proof
    possible = load_scenario("lost-update")
    assert possible.goal is not None and not impossible(possible, possible.goal)


def test_a_goal_is_met_only_by_runs_that_satisfy_every_condition() -> None:
    scenario = load_scenario("lost-update")
    goal = scenario.goal
    assert goal is not None and goal.strategy == "none" and goal.final_stock == 99
    racy = run_scenario(scenario, ["none"], schedule="A B A B").runs[0]
    serial = run_scenario(scenario, ["none"], schedule="A A B B").runs[0]
    assert goal.met_by(racy)
    assert not goal.met_by(serial)


def test_granted_and_violation_conditions() -> None:
    scenario = load_scenario("fairness")
    goal = scenario.goal
    assert goal is not None and goal.granted == ("B", "C")
    assert not goal.met_by(run_scenario(scenario, ["asyncio-lock"]).runs[0])  # A wins by FIFO
    winner = run_scenario(scenario, ["asyncio-lock"], schedule="B C A B").runs[0]
    assert goal.met_by(winner)


def test_stale_read_condition_needs_the_trace() -> None:
    scenario = load_scenario("stale-cache")
    goal = scenario.goal
    assert goal is not None and goal.stale_reads == 1
    assert goal.met_by(run_scenario(scenario, ["none"]).runs[0])
    assert not goal.met_by(run_scenario(scenario, ["none"], schedule="R1 R1 A A R2").runs[0])


BAD_GOALS = [
    ('challenge = "x"\n', "needs both 'challenge'"),
    ("[goal]\nfinal_stock = 1\n", "needs both 'challenge'"),
    ('challenge = "x"\n[goal]\nwinner = "A"\n', "unknown key 'goal.winner'"),
    ('challenge = "x"\n[goal]\nviolation = "crash"\n', "key 'goal.violation' must be one of"),
    ('challenge = "x"\n[goal]\ngranted = ["Z"]\n', "key 'goal.granted' must be a list"),
    ('challenge = "x"\n[goal]\nfinal_stock = -1\n', "key 'goal.final_stock' must be a whole"),
    ('challenge = "x"\n[goal]\nstrategy = "mutex"\n', "unknown strategy 'mutex'"),
]


@pytest.mark.parametrize(("text", "message"), BAD_GOALS)
def test_bad_goals_are_one_line_errors(write_scenario: Write, text: str, message: str) -> None:
    head, _, rest = LOST_UPDATE.partition("[[requests]]")
    body = "[[requests]]" + rest
    if text.startswith("challenge"):
        challenge, _, goal = text.partition("\n")
        path = write_scenario(head + challenge + "\n" + body + "\n" + goal)
    else:
        path = write_scenario(head + body + "\n" + text)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(str(path))


STALE_GOAL = """
title = "Stale goal"
stock = 10
strategies = ["none", "asyncio-lock"]
schedule = "R1 A A R1 R2"
challenge = "Make a reader be told a stock that is no longer true."
[[requests]]
id = "R1"
op = "available"
[[requests]]
id = "A"
qty = 1
[[requests]]
id = "R2"
op = "available"
[goal]
strategy = "{strategy}"
violation = "stale_read"
"""


def test_a_goal_may_ask_for_a_stale_read_and_a_schedule_meets_it(write_scenario: Write) -> None:
    scenario = load_scenario(str(write_scenario(STALE_GOAL.format(strategy="none"))))
    assert scenario.goal is not None and scenario.goal.violation == "stale_read"
    run = solve(scenario, scenario.goal)
    assert run is not None and scenario.goal.met_by(run)
    assert run.stale_reads  # what the goal asked for really happened in the run
    assert not impossible(scenario, scenario.goal)


def test_a_stale_read_the_lock_forbids_is_proved_impossible(write_scenario: Write) -> None:
    # Under the lock nothing writes between R1's read and its cache fill: the
    # outcomes explore reaches carry no stale read, so the goal is provably unmet.
    scenario = load_scenario(str(write_scenario(STALE_GOAL.format(strategy="asyncio-lock"))))
    assert scenario.goal is not None
    assert impossible(scenario, scenario.goal)
    assert solve(scenario, scenario.goal) is None
