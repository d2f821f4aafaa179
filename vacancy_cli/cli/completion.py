"""What the shell offers on Tab: the values each option and argument takes.

``vacancy --install-completion`` (Typer's) installs a script that runs
``vacancy`` again with ``_VACANCY_COMPLETE=complete_bash`` (or ``complete_zsh``)
and the words typed so far; Click then asks the parameter being completed for
its values, through the ``autocompletion`` function given here. Each returns
``(value, description)`` pairs (zsh shows the description beside the value)
and Typer keeps those that start with what was typed.

These functions run only when the shell asks. Each imports what it reads
inside its body, so that this module costs nothing when ``vacancy`` starts
(``benchmarks/bench_startup.py`` measures it): ``common`` imports it for the
options' annotations.
"""

from __future__ import annotations

from pathlib import Path

Choices = list[tuple[str, str]]


def complete_scenario(incomplete: str) -> Choices:
    """The bundled scenario names, with their titles, and the .toml files in the folder
    being typed.

    Typer's bash and zsh scripts drop Click's completion types, so a ``file``
    item would not make the shell list files: the .toml files are listed here
    instead. When nothing matches (a folder on the way to a file) the shell
    falls back to its own file completion (bash's ``-o default``, zsh's
    ``_files``).
    """
    from vacancy_cli.model.scenario import bundled_names

    found: Choices = []
    if "/" not in incomplete:
        found += [(name, _title(name)) for name in bundled_names() if name.startswith(incomplete)]
    folder, _, _ = incomplete.rpartition("/")
    try:
        files = sorted(p for p in Path(folder or ".").glob("*.toml") if p.is_file())
    except OSError:  # an unreadable folder: nothing to offer from it
        files = []
    found += [(str(p) if folder else p.name, "scenario file") for p in files]
    return [(value, why) for value, why in found if value.startswith(incomplete)]


def _title(name: str) -> str:
    """A bundled scenario's title, for zsh's description column (best effort: a
    completion never fails)."""
    import tomllib

    from vacancy_cli.model.scenario import find_scenario
    from vacancy_cli.model.text import printable

    try:
        table = tomllib.loads(find_scenario(name).read_text(encoding="utf-8"))
    except (OSError, ValueError, LookupError):  # ScenarioError is a ValueError too
        return "bundled scenario"
    title = table.get("title")
    return printable(title) if isinstance(title, str) else "bundled scenario"


def complete_strategies(incomplete: str) -> Choices:
    """What ``--strategy`` takes where several strategies run side by side (simulate,
    explore, reserve): every one-strategy value, and ``all``."""
    return [*complete_one_strategy(incomplete), ("all", "every strategy once, side by side")]


def complete_one_strategy(incomplete: str) -> Choices:
    """What ``--strategy`` takes where one strategy runs (play): every row of the
    strategy table, and the semaphore with the permit counts the course uses (the
    description says any N works)."""
    from vacancy_cli.model.strategies import DEFAULT_PERMITS, STRATEGIES
    from vacancy_cli.model.text import printable

    rows = [(name, printable(row.summary)) for name, row in STRATEGIES.items()]
    return [
        *rows,
        ("semaphore", f"asyncio.Semaphore({DEFAULT_PERMITS}); semaphore:N for N permits"),
        ("semaphore:1", "asyncio.Semaphore(1): one permit, safe"),
        (f"semaphore:{DEFAULT_PERMITS}", f"asyncio.Semaphore({DEFAULT_PERMITS}): not safe"),
    ]


def complete_schema(incomplete: str) -> Choices:
    """What ``vacancy schema`` prints: each schema, and each ``--json`` kind."""
    from vacancy_cli.report.schemas import choices

    return choices()


def complete_theme(incomplete: str) -> Choices:
    return [("dark", "for a dark terminal (the default)"), ("light", "for a projector")]


def complete_color(incomplete: str) -> Choices:
    return [
        ("auto", "colour on a terminal; NO_COLOR and FORCE_COLOR honoured (the default)"),
        ("always", "colour even into a pipe or a file"),
        ("never", "no colour, even on a terminal"),
    ]
