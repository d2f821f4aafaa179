"""The console every view draws on: the terminal, or a recording for ``--export``.

The command layer asks for one here and passes it to the views; it never
imports Rich itself. Export (and its Rich and Pygments imports) loads only
when a file was asked for.

Two things happen here, at output time, for every view at once:

- **The theme.** The views use literal Rich styles ("dim", "yellow", "cyan",
  "bold red"), tuned for a dark terminal. On a projector or a light terminal,
  dim grey, yellow and cyan wash out. ``--theme light`` maps each segment's
  style just before it is written (``light_style``): dim becomes a dark grey,
  and every colour too light to read on white becomes a darker one. Mapping
  segments, not styles by name, catches every way a view names a colour
  (markup, ``style=``, a table's or a syntax theme's styles) and leaves the
  views alone. A Rich ``Theme`` would only rename styles by their exact text.
- **Colour** (the root's ``--color``). ``auto`` is Rich's own detection: colour
  on a terminal, none in a pipe, ``NO_COLOR`` and ``FORCE_COLOR`` honoured.
  ``always`` colours even a pipe (``| less -R``, a CI log) in the colours Rich
  would pick on a terminal, and ignores ``NO_COLOR``; ``never`` writes no escape
  codes at all, even on a terminal or under ``FORCE_COLOR``. Only the colour
  changes: whether the output is a terminal (padding, clearing the screen) is
  still detected. An ``.svg`` or ``.html`` export keeps its colours whatever
  ``--color`` says: it is drawn from the recorded styles, not from the terminal.
- **No trailing spaces off a terminal.** Rich pads each line to the console's
  width. In a pipe or a file that padding is noise (diffs, ``grep``, pasted
  handouts), so it is cut there; a terminal keeps it, where a background colour
  may need it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.color import Color, ColorType
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

__all__ = [
    "AUTO",
    "COLORS",
    "DARK",
    "LIGHT",
    "THEMES",
    "Console",
    "RoomConsole",
    "clear",
    "command",
    "for_command",
    "light_style",
    "save",
]

DARK, LIGHT = "dark", "light"
THEMES = (DARK, LIGHT)  # dark first: the default, Rich's own colours
AUTO, ALWAYS, NEVER = "auto", "always", "never"
COLORS = (AUTO, ALWAYS, NEVER)  # auto first: the default, Rich's own detection

# Light theme: the 16 terminal colours (by number) as 256-colour ones that read on
# white (contrast 4.5:1 or more, WCAG AA), since a light terminal's own yellow,
# cyan and white are often barely visible on a projector.
_LIGHT_STANDARD = {
    1: 160,  # red -> #d70000
    2: 28,  # green -> #008700
    3: 130,  # yellow -> #af5f00, a dark orange
    4: 19,  # blue -> #0000af
    5: 90,  # magenta -> #870087
    6: 24,  # cyan -> #005f87, a deep blue
    7: 238,  # white -> #444444
    8: 240,  # bright black (grey) -> #585858
    9: 160,
    10: 28,
    11: 130,
    12: 26,  # bright blue -> #005fd7
    13: 127,  # bright magenta -> #af00af
    14: 24,
    15: 238,
}
# A terminal with only the 16 colours would turn those back into its own yellow and
# cyan: there, yellow becomes magenta, cyan blue, and greys and white the
# terminal's own (dark) foreground.
_LIGHT_SIXTEEN = {3: 5, 11: 5, 6: 4, 14: 4, 7: None, 8: None, 15: None}
_DIM_LIGHT = Color.from_ansi(239)  # what "dim" text becomes: #4e4e4e, not a faded grey
MIN_CONTRAST = 4.5  # against white: WCAG AA for normal text


def _luminance(red: int, green: int, blue: int) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_on_white(color: Color) -> float:
    """WCAG contrast ratio of ``color`` on a white background (1 to 21)."""
    triplet = color.get_truecolor()
    return 1.05 / (_luminance(*triplet) + 0.05)


def _readable(color: Color, sixteen: bool) -> Color:
    """``color``, or a darker one that reads on white (or the terminal's own foreground).

    ``sixteen``: the terminal has only the 16 standard colours.
    """
    if color.type == ColorType.DEFAULT:
        return color  # the terminal's own foreground: dark on a light terminal
    if color.type != ColorType.TRUECOLOR and color.number is not None and color.number < 16:
        if sixteen:
            if color.number not in _LIGHT_SIXTEEN:
                return color
            number = _LIGHT_SIXTEEN[color.number]
            return Color.default() if number is None else Color.from_ansi(number)
        if color.number == 0:
            return color  # black
        return Color.from_ansi(_LIGHT_STANDARD[color.number])
    if contrast_on_white(color) >= MIN_CONTRAST:
        return color
    red, green, blue = color.get_truecolor()
    while contrast_on_white(Color.from_rgb(red, green, blue)) < MIN_CONTRAST:
        red, green, blue = int(red * 0.85), int(green * 0.85), int(blue * 0.85)
    return Color.from_rgb(red, green, blue)


@lru_cache(maxsize=1024)
def light_style(style: Style, sixteen: bool = False) -> Style:
    """``style`` for a light background: never dim, every colour readable on white.

    ``sixteen``: for a terminal with only the 16 standard colours, where a
    256-colour choice would be turned back into the nearest of them.
    """
    color = style.color
    if color is not None:
        color = _readable(color, sixteen)
    elif style.dim and not sixteen:
        color = _DIM_LIGHT
    if color is style.color and not style.dim:
        return style
    return style + Style(color=color, dim=False)


def themed(segments: Iterable[Segment], theme: str, sixteen: bool = False) -> list[Segment]:
    """The segments with their styles mapped for ``theme`` (dark: unchanged)."""
    if theme != LIGHT:
        return list(segments)
    return [
        Segment(text, light_style(style, sixteen), control) if style and not control else segment
        for segment in segments
        for text, style, control in (segment,)
    ]


def without_trailing_space(segments: Iterable[Segment]) -> list[Segment]:
    """The segments with the spaces before each newline removed."""
    out: list[Segment] = []
    for segment in segments:
        text, style, control = segment
        if control or "\n" not in text:
            out.append(segment)
            continue
        for index, piece in enumerate(text.split("\n")):
            if index:
                _cut_trailing_space(out)
                out.append(Segment("\n", style))
            if piece:
                out.append(Segment(piece, style))
    return out


def _cut_trailing_space(line: list[Segment]) -> None:
    while line and not line[-1].control:
        text, style, _ = line[-1]
        kept = text.rstrip(" \t")
        if kept:
            line[-1] = Segment(kept, style)
            return
        line.pop()


class RoomConsole(Console):
    """Rich's console, with the room's theme applied and line padding cut off a terminal.

    Both happen in ``_render_buffer``, the one place Rich turns segments into the
    text it writes: every view, prompt and panel passes through it.
    """

    def __init__(self, *, theme: str = DARK, color: str = AUTO, **kwargs: Any) -> None:
        super().__init__(**color_options(color), **kwargs)
        self.room_theme = theme
        self._held = ""  # spaces that ended the last write, until we know a newline follows

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        sixteen = self.color_system in ("standard", "windows")
        segments = themed(buffer, self.room_theme, sixteen)
        if not self.is_terminal:
            segments = self._hold_trailing_space(without_trailing_space(segments))
        return super()._render_buffer(segments)

    def _hold_trailing_space(self, segments: list[Segment]) -> list[Segment]:
        """Cut the spaces at the end of an unfinished line (a prompt's), and write them
        only if the line goes on: a newline in the next write would make them trailing."""
        held, self._held = self._held, ""
        first = next((s.text for s in segments if not s.control and s.text), None)
        if first is None:
            self._held = held  # nothing written: the line is still unfinished
            return segments
        if held and not first.startswith("\n"):
            segments.insert(0, Segment(held))
        while segments and not segments[-1].control:
            text, style, _ = segments[-1]
            kept = text.rstrip(" \t")
            if kept == text:
                break
            self._held = text[len(kept) :] + self._held
            if kept:
                segments[-1] = Segment(kept, style)
                break
            segments.pop()
        return segments


def color_options(color: str) -> dict[str, Any]:
    """Rich's ``Console`` arguments for one of ``COLORS``.

    ``always`` asks Rich which colours it would use on a terminal (a probe that
    believes it is one: ``COLORTERM``, ``TERM``, Windows' console) rather than
    guess them here; a dumb terminal still gets the 16 standard colours.
    """
    if color == NEVER:
        return {"color_system": None}
    if color == ALWAYS:
        probe = Console(file=io.StringIO(), force_terminal=True)
        return {"color_system": probe.color_system or "standard", "no_color": False}
    return {}  # auto: Rich's detection, with NO_COLOR and FORCE_COLOR


def for_command(
    export: Path | None, quiet: bool = False, theme: str = DARK, color: str = AUTO
) -> Console:
    """The terminal, or a recording console when the view is to be exported too.

    ``quiet``: record without printing (``--json`` owns stdout). ``theme``: one
    of ``THEMES``, for the terminal and the export alike. ``color``: one of
    ``COLORS``, for the terminal only (an export keeps its colours).
    """
    if export is None:
        return RoomConsole(theme=theme, color=color, highlight=False)
    from vacancy_cli.render.export import RecordingConsole, recording_console

    if quiet or color == AUTO:  # quiet: nothing reaches the terminal to colour
        return recording_console(quiet=quiet, theme=theme)
    return RecordingConsole(highlight=False, theme=theme, color=color)


def save(console: Console, path: Path | None, title: str) -> None:
    """Write what ``console`` recorded to ``path``, if a path was asked for."""
    if path is None:
        return
    from vacancy_cli.render.export import RecordingConsole
    from vacancy_cli.render.export import save as write

    if isinstance(console, RecordingConsole):
        write(console, path, title)


def command(console: Console, line: str) -> None:
    """Print a command the reader may copy (``Replay it: vacancy simulate ...``).

    Never wrapped by Rich: a newline inside a long path or schedule would break the
    command when pasted. The terminal folds it visually instead.
    """
    console.print(Text(line, style="dim"), soft_wrap=True)


def clear(console: Console) -> None:
    """A fresh screen on a terminal; nothing in a pipe or a recording."""
    if console.is_terminal:
        console.clear()
