"""--color auto|always|never: beside NO_COLOR and FORCE_COLOR, and stronger than both."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.render.console import ALWAYS, AUTO, COLORS, NEVER, RoomConsole

runner = CliRunner()
ESCAPE = "\x1b["
# The environment Rich reads, each cleared unless a test sets it (None: unset).
CLEAN: dict[str, str | None] = {
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "COLUMNS": "80",
    "LINES": "40",
}


def simulate(*root: str, **env: str) -> str:
    result = runner.invoke(app, [*root, "simulate", "lost-update"], env={**CLEAN, **env})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def coloured(ansi: str) -> bool:
    """Whether any span of the output has a foreground or background colour."""
    spans = Text.from_ansi(ansi).spans
    return any(
        not isinstance(span.style, str) and (span.style.color or span.style.bgcolor)
        for span in spans
    )


@pytest.mark.parametrize(
    ("root", "env", "colours"),
    [
        ([], {}, False),  # auto, and CliRunner is no terminal
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "auto"], {"FORCE_COLOR": "1"}, True),
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # --color beats the environment
        (["--color", "never"], {}, False),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "NEVER"], {"FORCE_COLOR": "1"}, False),
    ],
)
def test_each_choice_with_the_environment(
    root: list[str], env: dict[str, str], colours: bool
) -> None:
    assert coloured(simulate(*root, **env)) is colours


def test_never_writes_no_escape_at_all_even_where_colour_is_forced() -> None:
    assert ESCAPE not in simulate("--color", "never", FORCE_COLOR="1", TERM="xterm-256color")
    assert ESCAPE in simulate(FORCE_COLOR="1", TERM="xterm-256color")  # the same, auto: escapes


def test_always_colours_a_pipe_yet_still_cuts_its_trailing_spaces() -> None:
    out = simulate("--color", "always")
    plain = Text.from_ansi(out).plain
    assert plain == simulate()  # the same text, only coloured
    assert not [line for line in plain.splitlines() if line != line.rstrip()]


def test_a_bad_colour_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["--color", "sometimes", "scenarios"], env=CLEAN)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--color sometimes" in lines[0]
    for choice in COLORS:
        assert choice in lines[0]


def test_the_color_is_the_roots_and_comes_before_the_command() -> None:
    result = runner.invoke(app, ["simulate", "lost-update", "--color", "never"], env=CLEAN)
    assert result.exit_code == 2 and "--color" in result.stderr


def test_an_export_keeps_its_colours_whatever_color_says(tmp_path: Path) -> None:
    drawn = {}
    for choice in COLORS:
        target = tmp_path / f"{choice}.svg"
        result = runner.invoke(
            app,
            ["--color", choice, "simulate", "lost-update", "--export", str(target)],
            env=CLEAN,
        )
        assert result.exit_code == 0, result.stderr
        drawn[choice] = target.read_text(encoding="utf-8")
        assert coloured(result.stdout) is (choice == ALWAYS)  # the terminal follows --color
    assert drawn[NEVER] == drawn[ALWAYS] == drawn[AUTO]
    fills = set(re.findall(r"fill: (#[0-9a-f]{6})", drawn[NEVER]))
    assert len(fills) > 2  # several colours, not only the text's own


# -- the console itself, whatever the environment says ---------------------------------

ENV_VALUES = st.one_of(st.none(), st.sampled_from(["", "0", "1", "true", "dumb", "xterm"]))


@settings(max_examples=60, deadline=None)
@given(
    no_color=ENV_VALUES,
    force_color=ENV_VALUES,
    term=st.one_of(st.none(), st.sampled_from(["dumb", "xterm", "xterm-256color", "linux"])),
    colorterm=st.one_of(st.none(), st.sampled_from(["truecolor", "24bit", ""])),
)
def test_always_colours_and_never_does_not_under_any_environment(
    no_color: str | None, force_color: str | None, term: str | None, colorterm: str | None
) -> None:
    given_env = {"NO_COLOR": no_color, "FORCE_COLOR": force_color}
    given_env |= {"TERM": term, "COLORTERM": colorterm, "TTY_COMPATIBLE": None}
    env = {k: v for k, v in os.environ.items() if k not in given_env}
    env |= {k: v for k, v in given_env.items() if v is not None}
    with mock.patch.dict(os.environ, env, clear=True):
        for choice, expected in ((ALWAYS, True), (NEVER, False)):
            out = io.StringIO()
            RoomConsole(color=choice, file=out, width=40).print("[red]sold[/] [bold]out[/]")
            assert coloured(out.getvalue()) is expected, choice
            if choice == NEVER:
                assert ESCAPE not in out.getvalue()
