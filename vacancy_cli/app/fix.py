"""``vacancy fix``: a StockManager with a race, written for the learner to fix.

The starter is the ADR's StockManager without its lock (read the stock, await
the payment call, write back what was read minus the quantity), with a comment
saying what to fix. A scenario that brings its own manager (``deadlock``) gives
that manager instead: the learner fixes the bug its lesson showed. Either way
the lesson is passed when ``vacancy explore SCENARIO --manager FILE`` finds no
interleaving that breaks an invariant; ``Starter.check`` is that command.

The file is written under a temporary name beside it and renamed into place,
so nothing is ever half-written, and never over an existing file unless
``force`` says so. Nothing here prints: the command layer does.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from vacancy_cli.app.files import write_whole
from vacancy_cli.model.errors import OptionError, ScenarioError, VacancyError
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario

DEFAULT_SCENARIO = "lost-update"
DEFAULT_OUTPUT = "stock_manager.py"

ADR_STARTER = '''\
"""The ADR's StockManager, without its lock: yours to fix.

Written by `vacancy fix SCENARIO`. It is plain asyncio code with no vacancy
import, and vacancy runs it as it is: StockManager(initial_stock), the stock
in self.total, async def reserve(self, qty) -> (granted, stock left), and
async def available(self) -> the stock.

Check it: every interleaving of the scenario's requests, run on this code:

    CHECK

Where two buyers race, it finds interleavings in which a sale vanishes (a
lost update) or more is sold than there was (an oversell). The lesson is
passed when it says that none of the interleavings break an invariant.
"""

import asyncio


class StockManager:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        # TO FIX: two requests can both read the same total here, both await
        # the payment, and both write back what they read minus qty: the first
        # sale vanishes (a lost update). Make read, await and write one step
        # that no other request can enter, as the ADR does: an asyncio.Lock
        # made in __init__, held with `async with` around all three.
        seen = self.total  # 1. read the stock
        await asyncio.sleep(0)  # 2. the payment call: other requests run here
        if seen >= qty:
            self.total = seen - qty  # 3. write back what was read, minus qty
            return True, self.total
        return False, self.total

    async def available(self) -> int:
        return self.total  # the ADR's read, without its 1 s cache
'''

OWN_HEADER = """\
# Written by `vacancy fix SCENARIO`: the lesson's own manager, yours to fix.
# Its docstring says what goes wrong. Check it (every interleaving, on this code):
#
#     CHECK
#
# The lesson is passed when it says that none of the interleavings break an invariant.

"""


class StarterExists(VacancyError):
    """The output file exists and ``--force`` was not given."""


@dataclass(frozen=True)
class Starter:
    path: Path  # the file written
    scenario: str  # the bundled scenario it is checked against
    check: str  # the one command that checks it
    from_lesson: bool  # the scenario's own manager, not the ADR's
    replaced: bool  # an existing file was overwritten (--force)


def check_command(scenario: str, output: str) -> str:
    return f"vacancy explore {scenario} --manager {shlex.quote(output)}"


def starter_text(scenario: Scenario, check: str) -> str:
    """The ADR's racy StockManager, or the scenario's own manager with a header."""
    if scenario.manager is None:
        text = ADR_STARTER
    else:
        source = _manager_file(scenario.manager)
        try:
            text = OWN_HEADER + source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{source}: cannot read: {exc}") from None
    return text.replace("SCENARIO", scenario.name, 1).replace("CHECK", check, 1)


def _manager_file(ref: str) -> Path:
    """The file of ``path/file.py:Class`` (a path may hold a colon: C:/...)."""
    head, _, name = ref.rpartition(":")
    return Path(head if head.endswith(".py") and name.isidentifier() else ref)


def write_starter(
    scenario: str = DEFAULT_SCENARIO, output: str = DEFAULT_OUTPUT, force: bool = False
) -> Starter:
    """Write the starter for the bundled ``scenario`` to ``output``; say how to check it."""
    if scenario not in bundled_names():
        raise ScenarioError(
            f"unknown scenario {scenario!r}: vacancy fix takes a bundled scenario "
            f"(bundled: {', '.join(bundled_names())})"
        )
    loaded = load_scenario(scenario)
    path = Path(output)
    if path.suffix != ".py":
        raise OptionError(
            f"{output}: must end in .py, since vacancy runs it as a Python file",
            option="output",
        )
    check = check_command(scenario, output)
    existed = path.exists()
    _write(path, starter_text(loaded, check), force)
    return Starter(path, scenario, check, loaded.manager is not None, existed)


def _write(path: Path, text: str, force: bool) -> None:
    """Temp file beside ``path``, then renamed into place: never half-written."""
    if path.is_dir():
        raise OptionError(f"{path}: a folder, not a file", option="output")
    refusal = StarterExists(
        f"{path} exists already and is left as it is: add --force to replace it, "
        "or --output OTHER.py"
    )
    if path.exists() and not force:
        raise refusal
    try:
        write_whole(path, text, replace=force)
    except FileExistsError:
        raise refusal from None
    except OSError as exc:
        raise OptionError(f"{path}: cannot write: {exc.strerror or exc}", option="output") from None
