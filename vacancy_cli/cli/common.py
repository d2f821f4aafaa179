"""What every command shares: its options, the error-to-exit-status mapping, output.

Errors caused by input (``VacancyError``) become one line on stderr and exit
status 2; a server lost mid-run (``ServerError``) one line and exit 1; Ctrl-C
exit 130; anything else is a bug, reported in one line with exit status 1.
Every error line is escaped (``model.text.printable``): a key or a value
quoted from the input cannot move the cursor or split the line.
The command layer is the only one that knows flags: an ``OptionError`` the
core raises about a parameter (``pods``, ``redis_url``) is worded here with
the flag that gives it (``--pods``, ``--redis-url``).

Two things every command shares are settled before any work starts:
``export_path`` checks the ``--export`` target (a game played for twenty
minutes is not lost to a file that cannot be written at its end), and
``console`` draws in the theme the root's ``--theme`` (or ``VACANCY_THEME``)
and the colour its ``--color`` chose, kept in the Click context's ``meta`` for
the one invocation.

Shell completion (``vacancy --install-completion``) asks the options here for
their values through ``cli.completion``.

``run_app`` is the outermost of these mappings, around the whole Click
invocation (``cli.app.VacancyGroup``): Click's usage errors (a bad option
value, an unknown option, a missing argument) become the same one line as every
other error, ``vacancy: error: ...``, and a second line naming the help to
read, exit 2; standard output that fails (``cli.streams``) one line and exit 1,
or nothing for a broken pipe.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import click
import typer

from vacancy_cli.cli import streams
from vacancy_cli.cli.completion import (
    complete_color,
    complete_scenario,
    complete_strategies,
    complete_theme,
)
from vacancy_cli.model.errors import OptionError, ServerError, VacancyError
from vacancy_cli.model.strategies import STRATEGY_HELP, Servers
from vacancy_cli.model.text import printable, shortened

if TYPE_CHECKING:
    from vacancy_cli.render.console import Console
    from vacancy_cli.render.progress import LazyProgress

T = TypeVar("T")

ScenarioArg = Annotated[
    str,
    typer.Argument(
        help="A bundled scenario name (see `vacancy scenarios`) or a .toml file.",
        autocompletion=complete_scenario,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
]
StrategiesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--strategy",
        "-s",
        metavar="STRATEGY",
        help=f"Strategy to run; repeat to compare side by side. One of: {STRATEGY_HELP}. "
        "Default: the scenario's own list.",
        autocompletion=complete_strategies,
    ),
]
PodsOpt = Annotated[
    int | None,
    typer.Option(
        metavar="N",
        help="Serve the requests from N pods (copies of the service), round robin: "
        "memory strategies then keep a copy of the stock and a lock per pod; the SQLite "
        "ones share the database. Default: the scenario's own (1).",
    ),
]
RedisOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        envvar="VACANCY_REDIS_URL",
        help="Redis server for the redis-* strategies, e.g. redis://127.0.0.1:6379/0 "
        "(needs pip install 'vacancy\\[redis]').",
    ),
]
PostgresOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        envvar="VACANCY_POSTGRES_URL",
        help="PostgreSQL server for the postgres-* strategies, e.g. "
        "postgresql://user@127.0.0.1:5432/db (needs pip install 'vacancy\\[postgres]').",
    ),
]
ManagerOpt = Annotated[
    str | None,
    typer.Option(
        metavar="FILE.py[:Class]",
        help="Run your own StockManager: a class in a Python file, made as Class(stock), with "
        "async def reserve(self, qty) -> (granted, stock left) and optionally async def "
        "available(self). Plain asyncio code: every await that gives control back is a step. "
        "The final stock is available() if it has one, else its attribute total. The file "
        "runs with your rights, as pytest runs a test file.",
    ),
]
ExportOpt = Annotated[
    str | None,
    typer.Option(
        metavar="FILE",
        help="Also save what the terminal shows, by extension: .svg (for slides), .html "
        "(simulate and explore: an interactive lesson page that works offline, stepped "
        "with the arrow keys; play: the transcript), .md (tables as Markdown, for "
        "handouts) or .txt. Checked before the run: the folder must exist and be writable.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print only the verdict line (what a CI log or a script needs); --export still "
        "saves the whole view, and --json wins over it.",
    ),
]
ThemeOpt = Annotated[
    str | None,
    typer.Option(
        "--theme",
        metavar="dark|light",
        envvar="VACANCY_THEME",
        show_default=False,
        help="Colours of every view and --export: dark (the default) for a dark terminal; "
        "light for a projector or a light terminal (dark text, no dim grey, no yellow or "
        "cyan; .svg and .html on white). Give it before the command: "
        "vacancy --theme light play lost-update.",
        autocompletion=complete_theme,
    ),
]
ColorOpt = Annotated[
    str | None,
    typer.Option(
        "--color",
        metavar="auto|always|never",
        show_default=False,
        help="When to colour the views: auto (the default) on a terminal only, and as "
        "NO_COLOR or FORCE_COLOR say; always, even into a pipe (less -R, a CI log); never, "
        "even on a terminal. Beats NO_COLOR and FORCE_COLOR. An .svg or .html --export "
        "keeps its colours. Give it before the command: vacancy --color never simulate "
        "lost-update.",
        autocompletion=complete_color,
    ),
]
_THEME_KEY = "vacancy.theme"  # where the root's choice waits in click's Context.meta
_COLOR_KEY = "vacancy.color"


def fail(message: str, status: int) -> NoReturn:
    streams.say(printable(message))
    raise typer.Exit(status)


def call(work: Callable[[], T]) -> T:
    """Run core work, mapping its errors to one line and an exit status."""
    try:
        return work()
    except OptionError as exc:
        flag = f"--{exc.option.replace('_', '-')} " if exc.option else ""
        fail(f"error: {flag}{exc.problem}", 2)
    except VacancyError as exc:
        fail(f"error: {exc}", 2)
    except ServerError as exc:
        fail(f"error: {exc}", 1)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except streams.OutputLost:
        raise  # stdout failed under the work (play draws as it goes): run_app says so
    except Exception as exc:  # a bug: say so briefly, never a traceback
        fail(f"internal error: {type(exc).__name__}: {exc}", 1)


def servers(redis_url: str | None, postgres_url: str | None) -> Servers:
    """The server URLs the options (or their environment variables) gave."""
    return Servers(redis=redis_url or None, postgres=postgres_url or None)


def print_json(document: dict[str, Any]) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    sys.stdout.flush()  # a full disk or a closed pipe is found now, while run_app can say so


def export_path(export: str | None) -> Path | None:
    """The ``--export`` target, checked before any work starts: a bad path costs nothing.

    Every command calls this first. Nothing is created: writability is probed
    with an unnamed temporary file (``O_TMPFILE``: it never has a name in the
    folder), so an interrupted or failed run leaves no file behind.
    """
    if export is None:
        return None
    if not export.strip():
        fail("error: --export needs a file name, such as --export slides.svg", 2)
    problem = _export_problem(Path(export))
    if problem:
        fail(f"error: --export {export}: {problem}", 2)
    return Path(export)


def _export_problem(path: Path) -> str | None:
    from vacancy_cli.render.export import FORMATS

    folder = path.parent
    try:
        if path.is_dir():
            return f"is a folder; name a file in it, such as {path / 'slides.svg'}"
        if path.suffix.lower() not in FORMATS:
            return f"unknown format {path.suffix or '(none)'!r}; use one of {', '.join(FORMATS)}"
        if not folder.exists():
            return f"folder {str(folder)!r} does not exist"
        if not folder.is_dir():
            return f"{str(folder)!r} is not a folder"
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"cannot write in folder {str(folder)!r}: {exc.strerror or exc}"
    return None


def use_theme(ctx: typer.Context, name: str | None) -> None:
    """Check the root's ``--theme`` (or ``VACANCY_THEME``) and keep it for ``console``."""
    if name is None or not name.strip():
        return  # the default; nothing to import
    from vacancy_cli.render.console import THEMES

    chosen = name.strip().lower()
    if chosen not in THEMES:
        source = ctx.get_parameter_source("theme")
        from_env = source is not None and source.name == "ENVIRONMENT"
        where = f"VACANCY_THEME={name}" if from_env else f"--theme {name}"
        fail(f"error: {where}: expected {' or '.join(THEMES)}", 2)
    ctx.meta[_THEME_KEY] = chosen


def theme() -> str | None:
    """The theme this invocation chose (``None``: the default)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_THEME_KEY) if ctx is not None else None
    return found if isinstance(found, str) else None


def use_color(name: str | None) -> None:
    """Check the root's ``--color`` and keep it for ``console``.

    Checked here, not by a ``click.Choice``, so a bad value is one line (as a
    bad ``--theme`` is) rather than a usage error and a pointer to the help.
    """
    if name is None:
        return  # auto, Rich's own detection; nothing to import
    from vacancy_cli.render.console import COLORS

    chosen = name.strip().lower()
    if chosen not in COLORS:
        fail(f"error: --color {name}: expected {', '.join(COLORS[:-1])} or {COLORS[-1]}", 2)
    ctx = click.get_current_context()
    ctx.meta[_COLOR_KEY] = chosen


def color() -> str | None:
    """The colour choice of this invocation (``None``: auto)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.meta.get(_COLOR_KEY) if ctx is not None else None
    return found if isinstance(found, str) else None


def console(export: Path | None, quiet: bool = False) -> Console:
    from vacancy_cli.render.console import AUTO, DARK, for_command

    return for_command(export, quiet, theme() or DARK, color() or AUTO)


def save(view: Console, path: Path | None, title: str) -> None:
    if path is None:
        return  # nothing to save, and export.py (and its Rich imports) is not needed
    from vacancy_cli.render.console import save as write

    call(lambda: write(view, path, title))


def emit(
    json_out: bool,
    document: Callable[[], dict[str, Any]],
    show: Callable[[Console], None],
    path: Path | None,
    title: str,
    verdict: Callable[[], str] | None = None,
) -> None:
    """--json on stdout, or the Rich view on the terminal; the view to --export too.

    ``verdict``: with ``-q``, the one line printed instead of the view (the
    view is still drawn, off screen, when ``--export`` saves it).
    """
    if json_out:
        print_json(document())
    elif verdict is not None:
        sys.stdout.write(verdict() + "\n")
        sys.stdout.flush()
    if path or (not json_out and verdict is None):
        view = console(path, quiet=json_out or verdict is not None)
        show(view)
        save(view, path, title)


def progress(label: str, json_out: bool) -> LazyProgress:
    from vacancy_cli.render.progress import LazyProgress

    return LazyProgress(label, enabled=not json_out and sys.stderr.isatty())


def run_app(invoke: Callable[[], object]) -> int:
    """Run the whole Click invocation (``standalone_mode=False``); its exit status.

    Whatever escapes a command ends here as at most two lines on stderr, never
    a traceback or Typer's boxed error: the caller exits with the status. A
    Ctrl-C that Typer caught itself (while Click parsed the options, or a view
    was drawn) comes back as a silent 130: it gets the line every Ctrl-C gets.
    """
    before = streams.said
    try:
        result = invoke()
        streams.flush()
    except streams.OutputLost as lost:
        return streams.report(lost)
    except click.UsageError as exc:
        return usage_error(exc)
    except click.ClickException as exc:
        streams.say(f"error: {_quoted(exc.format_message())}")
        return exc.exit_code
    except click.Abort as exc:  # Click's word for an input that ended, or a Ctrl-C
        if isinstance(exc.__cause__, KeyboardInterrupt):  # outside call(): parsing, drawing
            streams.say("interrupted")
            return 130
        streams.say("aborted: the input ended")
        return 1
    except KeyboardInterrupt:
        streams.say("interrupted")
        return 130
    except Exception as exc:  # a bug outside call(): still one line
        streams.say(f"internal error: {type(exc).__name__}: {_quoted(str(exc))}")
        return 1
    status = result if isinstance(result, int) else 0
    if status == 130 and streams.said == before:  # Typer's silent exit for a Ctrl-C it caught
        streams.say("interrupted")  # while parsing or drawing, outside any command's call()
    return status


def usage_error(exc: click.UsageError) -> int:
    """A usage error as every other error: ``vacancy: error: ...``, then the help to read."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare ``vacancy``: the help is the answer
        if text := exc.format_message():  # Typer's Rich help has printed itself already
            click.echo(text)
        return exc.exit_code
    path = exc.ctx.command_path if exc.ctx is not None else "vacancy"
    streams.say(f"error: {_quoted(exc.format_message())}")
    streams.say(f"try '{path} --help'", label="")
    return exc.exit_code


_LONG_WORD = re.compile(r"\S{61,}")


def _quoted(message: str) -> str:
    """A message as one safe line: escaped, and any long run (a 4,301-digit value) elided."""
    return _LONG_WORD.sub(lambda m: shortened(m[0]), printable(message))
