"""The ``vacancy`` executable's first code: Ctrl-C while the app is still loading.

Importing the Typer app, Rich and the command modules takes about a tenth of a
second before ``cli.app.main`` can install anything; a Ctrl-C in that window
would be Python's own traceback. This module imports nothing of vacancy's until
its ``main`` runs, and maps a ``KeyboardInterrupt`` during that import to the
same one line and status as any other Ctrl-C (``vacancy: interrupted``, 130).
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from vacancy_cli.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("vacancy: interrupted\n")
        sys.exit(130)
    run()
