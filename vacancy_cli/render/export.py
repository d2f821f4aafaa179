"""``--export FILE``: what the terminal showed, saved for slides and handouts.

The format follows the extension: ``.svg`` and ``.html`` from Rich's
recording (colours and box drawing kept), ``.txt`` as plain text, ``.md`` with
every table as a Markdown table. The path is checked before any work starts,
and the file is written to a temporary name and renamed into place, so a
failed export never leaves half a file behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from vacancy_cli.model.errors import OptionError

FORMATS = (".svg", ".html", ".md", ".txt")


def check_export_path(text: str) -> Path:
    """Refuse an unknown extension or a missing folder before anything runs."""
    path = Path(text)
    if path.suffix.lower() not in FORMATS:
        raise OptionError(
            f"--export {text}: unknown format {path.suffix or '(none)'!r}; "
            f"use one of {', '.join(FORMATS)}"
        )
    if not path.parent.is_dir():
        raise OptionError(f"--export {text}: folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise OptionError(f"--export {text}: is a folder, not a file")
    return path


class RecordingConsole(Console):
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


def recording_console(quiet: bool = False) -> RecordingConsole:
    """The console for a command run with --export; ``quiet`` when stdout carries JSON."""
    if quiet:
        return RecordingConsole(file=io.StringIO(), width=100, highlight=False)
    return RecordingConsole(highlight=False)


def save(console: RecordingConsole, path: Path, title: str) -> None:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        content = console.export_svg(title=title, clear=False)
    elif suffix == ".html":
        content = console.export_html(clear=False)
    elif suffix == ".txt":
        content = console.export_text(clear=False)
    else:
        content = to_markdown(console.renderables, title)
    _write_atomically(path, content)


def _write_atomically(path: Path, content: str) -> None:
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OptionError(f"--export {path}: cannot write: {exc.strerror or exc}") from None


def to_markdown(renderables: list[RenderableType], title: str) -> str:
    blocks = [f"# {title}"] + [b for r in renderables if (b := _block(r))]
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
