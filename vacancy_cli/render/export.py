"""``--export FILE``: what the terminal showed, saved for slides and handouts.

The format follows the extension: ``.svg`` and ``.html`` from Rich's
recording (colours and box drawing kept; with ``--theme light``, dark text on
white), ``.txt`` as plain text, ``.md`` with every table as a Markdown table;
neither text format keeps Rich's padding at the end of a line. The path is
checked before any work starts (``cli/common.py``'s ``export_path``), and the
file is written to a temporary name and renamed into place, so a failed export
never leaves half a file behind.

``simulate`` and ``explore`` write an ``.html`` export as an interactive page
instead (``render/lesson.py``); ``play`` keeps the static transcript below.
Nothing exported fetches anything: the SVG template is Rich's without its web
font (a projector in a room without network would fall back anyway, after a
wait), and the page carries its script and styles inline.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich._export_format import CONSOLE_SVG_FORMAT
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.terminal_theme import TerminalTheme
from rich.text import Text

from vacancy_cli.app.files import write_whole
from vacancy_cli.model.errors import OptionError
from vacancy_cli.render.console import DARK, LIGHT, RoomConsole, themed

FORMATS = (".svg", ".html", ".md", ".txt")

# The light theme's colours for .svg and .html: dark text on white. The views'
# yellow, cyan and dim are already mapped to darker colours (``light_style``);
# this palette is for the few terminal colours left as they are.
LIGHT_TERMINAL_THEME = TerminalTheme(
    (255, 255, 255),
    (28, 28, 28),
    [
        (0, 0, 0),
        (175, 0, 0),
        (0, 135, 0),
        (135, 95, 0),
        (0, 0, 175),
        (135, 0, 135),
        (0, 95, 135),
        (68, 68, 68),
    ],
    [
        (88, 88, 88),
        (215, 0, 0),
        (0, 135, 0),
        (175, 95, 0),
        (0, 95, 215),
        (175, 0, 175),
        (0, 95, 135),
        (28, 28, 28),
    ],
)

# Rich's SVG template loads Fira Code from a CDN: the same template with the
# @font-face rules (and the comment linking Rich's site) removed, and a local
# monospace font stack instead. Fira Code is still used where it is installed.
SVG_FONTS = "'Fira Code', Menlo, 'DejaVu Sans Mono', Consolas, 'Liberation Mono', monospace"
OFFLINE_SVG_FORMAT = re.sub(r"@font-face\s*{{.*?}}\s*", "", CONSOLE_SVG_FORMAT, flags=re.DOTALL)
OFFLINE_SVG_FORMAT = re.sub(r"\s*<!--.*?-->", "", OFFLINE_SVG_FORMAT, flags=re.DOTALL)
OFFLINE_SVG_FORMAT = OFFLINE_SVG_FORMAT.replace(
    "font-family: Fira Code, monospace", f"font-family: {SVG_FONTS}"
)


class RecordingConsole(RoomConsole):
    """A console that also keeps each renderable it prints, for the Markdown export."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(record=True, **kwargs)
        self.renderables: list[RenderableType] = []
        self._asking = False

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not self._asking:
            self.renderables.extend(objects)
        super().print(*objects, **kwargs)

    def input(self, *args: Any, **kwargs: Any) -> str:
        """Questions to the room stay out of the handout; answers show in what follows."""
        self._asking = True
        try:
            return super().input(*args, **kwargs)
        finally:
            self._asking = False


def recording_console(quiet: bool = False, theme: str = DARK) -> RecordingConsole:
    """The console for a command run with --export; ``quiet`` when stdout carries JSON."""
    if quiet:
        return RecordingConsole(file=io.StringIO(), width=100, highlight=False, theme=theme)
    return RecordingConsole(highlight=False, theme=theme)


def save(console: RecordingConsole, path: Path, title: str) -> None:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        with _themed_record(console) as palette:
            content = console.export_svg(
                title=title, clear=False, theme=palette, code_format=OFFLINE_SVG_FORMAT
            )
    elif suffix == ".html":
        with _themed_record(console) as palette:
            content = console.export_html(clear=False, theme=palette)
    elif suffix == ".txt":
        content = _trimmed(console.export_text(clear=False))
    else:
        content = _trimmed(to_markdown(console.renderables, title))
    write_export(path, content)


@contextmanager
def _themed_record(console: RecordingConsole) -> Iterator[TerminalTheme | None]:
    """The recording with the console's theme applied, and the palette to draw it with.

    Rich records the segments before they are written (and themed), and its
    export methods read that record: for the light theme they read a themed
    copy for the length of one export. ``None`` keeps Rich's own palette (dark
    for SVG, as on a terminal).
    """
    if console.room_theme != LIGHT:
        yield None
        return
    with console._record_buffer_lock:
        recorded = console._record_buffer
        console._record_buffer = themed(recorded, LIGHT)
        try:
            yield LIGHT_TERMINAL_THEME
        finally:
            console._record_buffer = recorded


def _trimmed(text: str) -> str:
    """Plain text without the padding Rich adds to the console's width."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def write_export(path: Path, content: str) -> None:
    """Write an export whole, or say in one line why it could not be written."""
    try:
        write_whole(path, content)
    except OSError as exc:
        raise OptionError(f"--export {path}: cannot write: {exc.strerror or exc}") from None


def to_markdown(renderables: list[RenderableType], title: str) -> str:
    # The heading is escaped as the body is, and kept to its one line: a title is
    # the scenario author's text, and a newline in it would end the heading.
    heading = _escape(" ".join(title.split()))
    blocks = [f"# {heading}"] + [b for r in renderables if (b := _block(r))]
    return "\n\n".join(blocks) + "\n"


def _block(renderable: RenderableType) -> str:
    if isinstance(renderable, Table):
        return _table(renderable)
    if isinstance(renderable, Text):
        return _escape(renderable.plain.strip())
    if isinstance(renderable, str):
        return _escape(Text.from_markup(renderable).plain.strip())
    if isinstance(renderable, Panel):
        inner = _block(renderable.renderable)
        heading = f"**{_plain(renderable.title)}**\n\n" if renderable.title else ""
        return heading + "\n".join(f"> {line}" if line else ">" for line in inner.splitlines())
    if isinstance(renderable, Padding):
        return _block(renderable.renderable)
    if isinstance(renderable, Group):
        return "\n\n".join(b for r in renderable.renderables if (b := _block(r)))
    if isinstance(renderable, Syntax):
        return f"```python\n{renderable.code.rstrip()}\n```"
    return ""


def _table(table: Table) -> str:
    headers = [_cell(c.header) for c in table.columns]
    columns = [[_cell(cell) for cell in column.cells] for column in table.columns]
    rows = list(zip(*columns, strict=True)) if columns else []
    lines = [f"**{_plain(table.title)}**", ""] if table.title else []
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _plain(value: object) -> str:
    if isinstance(value, Text):
        return value.plain
    return Text.from_markup(str(value)).plain if isinstance(value, str) else str(value)


def _cell(value: object) -> str:
    return _plain(value).replace("|", "\\|").replace("\n", " ")


def _escape(text: str) -> str:
    return text.replace("<", "&lt;")
