"""--theme light: every view and export readable on a projector, with no view edited."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.color import Color, ColorType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from typer.testing import CliRunner

from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.cli.app import app
from vacancy_cli.model.scenario import load_scenario
from vacancy_cli.render.console import (
    DARK,
    LIGHT,
    MIN_CONTRAST,
    RoomConsole,
    contrast_on_white,
    light_style,
    themed,
)
from vacancy_cli.render.simulation import show_simulation

runner = CliRunner()
# The 16 colours that wash out on white: yellow, cyan, white, grey (and bright ones).
PALE = {3, 6, 7, 8, 11, 14, 15}


ColorSystem = Literal["standard", "256", "truecolor"]


def terminal_styles(theme: str, color_system: ColorSystem) -> list[Style]:
    """Every style in simulate's view as a colour terminal receives it (ANSI, parsed)."""
    file = io.StringIO()
    console = RoomConsole(
        theme=theme, file=file, force_terminal=True, color_system=color_system, width=80
    )
    show_simulation(run_scenario(load_scenario("lost-update"), ["all"]), console)
    text = Text.from_ansi(file.getvalue())
    return [s if isinstance(s, Style) else Style.parse(s) for s in (p.style for p in text.spans)]


def washed_out(style: Style, sixteen: bool) -> bool:
    color = style.color
    if style.dim:
        return True
    if color is None or color.type == ColorType.DEFAULT:
        return False
    if color.number is not None and color.number < 16:
        return color.number in PALE
    return not sixteen and contrast_on_white(color) < MIN_CONTRAST


@pytest.mark.parametrize("color_system", ["standard", "256", "truecolor"])
def test_light_theme_leaves_nothing_dim_yellow_or_cyan_on_the_terminal(
    color_system: ColorSystem,
) -> None:
    sixteen = color_system == "standard"
    dark = terminal_styles(DARK, color_system)
    assert any(washed_out(s, sixteen) for s in dark)  # the dark view does use them
    light = terminal_styles(LIGHT, color_system)
    assert light and not [str(s) for s in light if washed_out(s, sixteen)]
    assert any(s.color is not None for s in light)  # still in colour, not stripped


def test_dark_theme_changes_no_segment() -> None:
    segments = [Segment("x", Style.parse("dim yellow")), Segment("\n")]
    assert themed(segments, DARK) == segments


@given(
    color=st.one_of(
        st.integers(0, 255).map(Color.from_ansi),
        st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)).map(
            lambda rgb: Color.from_rgb(*rgb)
        ),
        st.none(),
    ),
    dim=st.booleans(),
    bold=st.booleans(),
)
def test_light_style_is_never_dim_and_reads_on_white(
    color: Color | None, dim: bool, bold: bool
) -> None:
    style = Style(color=color, dim=dim, bold=bold)
    mapped = light_style(style)
    assert not mapped.dim and mapped.bold == bold
    if mapped.color is not None and mapped.color.type != ColorType.DEFAULT:
        assert mapped.color.number is None or mapped.color.number not in PALE
        assert contrast_on_white(mapped.color) >= MIN_CONTRAST
    sixteen = light_style(style, sixteen=True)
    if sixteen.color is not None and sixteen.color.number is not None:
        assert sixteen.color.number not in PALE or sixteen.color.number >= 16


def invoke(*args: str, **env: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", **env})
    return result.exit_code, result.stdout, result.stderr


def styles_of(ansi: str) -> list[Style]:
    spans = Text.from_ansi(ansi).spans
    return [s if isinstance(s, Style) else Style.parse(s) for s in (p.style for p in spans)]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--theme", "light"], {}),
        ([], {"VACANCY_THEME": "light"}),
    ],
)
def test_the_command_line_and_the_environment_choose_the_theme(
    args: list[str], env: dict[str, str]
) -> None:
    colour = {"FORCE_COLOR": "1", "COLORTERM": "truecolor", "TERM": "xterm-256color"}
    code, out, err = invoke(*args, "simulate", "lost-update", **colour, **env)
    assert code == 0, err
    styles = styles_of(out)
    assert styles and not [str(s) for s in styles if washed_out(s, sixteen=False)]
    code, dark, _ = invoke("simulate", "lost-update", **colour)
    assert code == 0 and any(washed_out(s, sixteen=False) for s in styles_of(dark))


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--theme", "blue"], {}, "--theme blue: expected dark or light"),
        ([], {"VACANCY_THEME": "blue"}, "VACANCY_THEME=blue: expected dark or light"),
    ],
)
def test_an_unknown_theme_is_one_line_and_exit_2(
    args: list[str], env: dict[str, str], message: str
) -> None:
    code, out, err = invoke(*args, "scenarios", **env)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


PALE_HEX = ("#d0b344", "#68a0b3", "#808000", "#008080")  # Rich's export yellows and cyans


@pytest.mark.parametrize(
    ("suffix", "command", "light_background", "dark_background"),
    [
        (".svg", ("simulate", "lost-update"), 'fill="#ffffff"', 'fill="#292929"'),
        # simulate's .html is the lesson page (its theme: test_lesson_page.py); play's
        # .html is still Rich's transcript, white already
        (".html", ("play", "lost-update"), "background-color: #ffffff", None),
    ],
)
def test_light_exports_draw_dark_text_on_white(
    tmp_path: Path,
    suffix: str,
    command: tuple[str, ...],
    light_background: str,
    dark_background: str | None,
) -> None:
    target = tmp_path / f"slides{suffix}"
    code, _, err = invoke("--theme", "light", *command, "--export", str(target))
    assert code == 0, err
    light = target.read_text(encoding="utf-8")
    assert light_background in light
    assert not [pale for pale in PALE_HEX if pale in light]
    code, _, _ = invoke(*command, "--export", str(target))
    dark = target.read_text(encoding="utf-8")
    assert code == 0 and [pale for pale in PALE_HEX if pale in dark]
    if dark_background is not None:
        assert dark_background in dark and light_background not in dark
