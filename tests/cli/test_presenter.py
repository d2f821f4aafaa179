"""The facilitator's loops through the command line: ``simulate --predict`` (the
context before the first question, any whole number as a guess) and ``--step``
(the pause on each strategy's last row, ``q`` showing everything).

Input is piped, so the screens follow one another (``clear`` does nothing off a
terminal): the text between two prompts is one screen.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from vacancy_cli.app.simulate import plan, run_plan
from vacancy_cli.cli.app import app
from vacancy_cli.cli.presenter import parse_prediction
from vacancy_cli.model import trace
from vacancy_cli.model.scenario import bundled_names, load_scenario

from helpers import TEST_SERVERS, missing_servers

runner = CliRunner()
ROOM = {"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}
QUESTION = "Predict the final stock under "
STEP_PROMPT = re.compile(r"Enter: [^\n]*?show all")
LOCAL = [name for name in bundled_names() if not missing_servers(load_scenario(name).strategies)]


def invoke(*args: str, keys: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=keys, env=ROOM)
    return result.exit_code, result.stdout, result.stderr


# -- --predict: the context, then the questions ------------------------------------------


@pytest.mark.parametrize("name", LOCAL)
def test_predict_shows_stock_requests_schedule_and_code_before_the_first_question(
    name: str,
) -> None:
    scenario = load_scenario(name)
    chosen = plan(scenario)
    code, out, err = invoke("simulate", name, "--predict", keys="0\n" * len(chosen.strategies))
    assert code == 0, err
    context = out[: out.index(QUESTION)]
    assert scenario.title in context
    assert f"Stock: {scenario.stock} ticket" in context
    for spec in scenario.requests:
        wants = "reads the stock" if spec.op == "available" else f"reserves {spec.qty} ticket"
        assert f"{spec.id} {wants}" in " ".join(context.split())
    schedule = trace.schedule_text(scenario.schedule)
    assert f"Schedule: {schedule}" in context if schedule else "Schedule: none" in context
    for row in chosen.strategies:
        assert f"{row.name}: {row.summary}" in " ".join(context.split())
    lines = context.splitlines()
    assert len(lines) + len(chosen.strategies) <= 40  # a line left for each question
    assert max(len(line) for line in lines) <= 80


def test_predict_shows_the_code_of_each_strategy_when_it_fits() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--predict", keys="99\n98\n")
    context = out[: out.index(QUESTION)]
    assert code == 0
    assert "async with self.hooks.hold(self.lock):" in context  # asyncio-lock's
    assert context.count("await self.hooks.checkpoint()") == 2  # both strategies'


def test_predict_shows_the_overridden_schedule_not_the_files() -> None:
    code, out, _ = invoke(
        "simulate", "lost-update", "--predict", "--schedule", "A A B B", keys="98\n98\n"
    )
    assert code == 0
    assert "Schedule: A A B B" in out[: out.index(QUESTION)]


@pytest.mark.parametrize("answer", ["-1", "+3", " 7 ", "0", "-0"])
def test_predict_accepts_any_whole_number(answer: str) -> None:
    code, out, _ = invoke("simulate", "pods", "--predict", keys=f"{answer}\n0\n0\n")
    assert code == 0
    summary = out[out.index("Summary") :]
    row = next(line for line in summary.splitlines() if "asyncio-lock" in line)
    assert f"{int(answer.strip())} {'✓' if int(answer) == -1 else '✗'}" in row
    assert "Type a whole number" not in out


def test_negative_prediction_is_right_for_two_pods_under_asyncio_lock() -> None:
    code, out, _ = invoke("simulate", "pods", "--predict", keys="-1\n0\n0\n")
    assert code == 0
    rows = [line for line in out[out.index("Summary") :].splitlines() if "│" in line]
    assert any("asyncio-lock" in row and "-1 ✓" in row.split("│")[4] for row in rows)


@pytest.mark.parametrize("garbage", ["lots", "1.5", "--1", "1e3", ""])
def test_garbage_gets_a_hint_that_negative_numbers_are_allowed_then_asks_again(
    garbage: str,
) -> None:
    code, out, _ = invoke("simulate", "lost-update", "--predict", keys=f"{garbage}\n99\n98\n")
    assert code == 0
    flat = " ".join(out.split())
    assert "negative numbers are allowed" in flat
    assert out.count(f"{QUESTION}none") == 2  # asked again after the hint
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "Type a whole number" in line)
    assert lines[at].startswith("  ") and lines[at + 1].startswith("  ")  # wrapped, indented
    assert "below 0" in lines[at + 1]
    assert "99 ✓" in out[out.index("Summary") :]


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["", " ", "  "]))
def test_parse_prediction_reads_every_signed_whole_number(number: int, pad: str) -> None:
    assert parse_prediction(f"{pad}{number}{pad}") == number
    if number >= 0:
        assert parse_prediction(f"+{number}") == number


@given(st.text(alphabet="0123456789+-. eE_x", max_size=6))
def test_parse_prediction_accepts_only_an_optional_sign_then_digits(text: str) -> None:
    stripped = text.strip()
    is_whole = re.fullmatch(r"[+-]?[0-9]+", stripped) is not None
    assert (parse_prediction(text) is not None) == is_whole


# -- --step: the last row waits with its verdict; q shows everything ------------------------


def screens(out: str) -> list[str]:
    """The screens of presenter mode: the text before each prompt."""
    return STEP_PROMPT.split(out)[:-1]


def test_step_pauses_on_the_last_row_with_its_verdict_before_the_next_strategy() -> None:
    code, out, err = invoke("simulate", "lost-update", "--step", keys="\n" * 20)
    assert code == 0, err
    shown = screens(out)
    prompts = STEP_PROMPT.findall(out)
    assert len(shown) == 4 + 5  # one screen per row: none's 4, asyncio-lock's 5
    key_row = shown[3]
    assert "99 ← lost update" in key_row
    assert "final stock 99, expected 99" in key_row and "lost update" in key_row
    assert "B read 100 at t2" in key_row  # the explanation, too
    assert "asyncio-lock: the ADR" not in key_row  # the next strategy waits for Enter
    assert prompts[3].startswith("Enter: next strategy (asyncio-lock)")
    assert "final stock 98" in shown[-1] and prompts[-1] == "Enter: show all"


def test_step_screens_before_the_last_row_have_no_verdict() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--step", keys="\n" * 20)
    assert code == 0
    for screen in screens(out)[:3]:
        assert "final stock" not in screen


def test_q_shows_every_remaining_strategy_not_only_the_current_one() -> None:
    scenario = load_scenario("semaphore-permits")
    code, out, _ = invoke("simulate", "semaphore-permits", "--step", keys="\nq\n")
    assert code == 0
    assert len(STEP_PROMPT.findall(out)) == 2  # q at the second row: no more screens
    rest = STEP_PROMPT.split(out)[-1]
    for name in scenario.strategies:
        assert f"\n{name}: " in rest  # each timeline, in full
        assert re.search(rf"│ {re.escape(name)} +│", rest)  # and its summary row
    assert rest.count("final stock ") == len(scenario.strategies)
    assert "Summary" in rest and "Lesson" in rest


def test_end_of_input_in_step_mode_shows_everything() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--step", keys="")
    assert code == 0
    rest = STEP_PROMPT.split(out)[-1]
    assert "none: no synchronization" in rest and "asyncio-lock: the ADR" in rest
    assert "Summary" in rest


@pytest.mark.parametrize("name", LOCAL)
def test_every_step_screen_of_the_command_fits_80_by_40(name: str) -> None:
    scenario = plan(load_scenario(name), servers=TEST_SERVERS)
    steps = sum(len(run.steps) for run in run_plan(scenario).runs)
    urls = [
        arg
        for server in ("redis", "postgres")
        if TEST_SERVERS.url(server)
        for arg in (f"--{server}-url", str(TEST_SERVERS.url(server)))
    ]
    code, out, err = invoke("simulate", name, "--step", *urls, keys="\n" * steps)
    assert code == 0, err
    shown = screens(out)
    assert len(shown) == steps  # one screen per row, every row of every strategy
    for screen in shown:
        lines = screen.strip("\n").splitlines()
        assert len(lines) + 1 <= 40  # and the prompt's line
        assert max(len(line) for line in lines) <= 80


@pytest.mark.parametrize("flags", [[], ["--predict"], ["--step"]])
def test_an_empty_scenario_name_is_refused_as_empty_with_exit_2(flags: list[str]) -> None:
    code, out, err = invoke("simulate", "", *flags, keys="")
    assert code == 2
    assert out == ""
    assert "scenario name is empty" in err and "folder" not in err
    assert len(err.strip().splitlines()) == 1
