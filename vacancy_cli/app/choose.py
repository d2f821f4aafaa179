"""Which strategies a command runs: the ones named, the scenario's own, a user's manager.

A user's manager (``--manager FILE.py:Class``, or the scenario's ``manager``
key) is loaded here, once, so that a missing file, a syntax error or a class
without ``async def reserve`` is one clear error before anything runs, and so
that its row carries the label views print (``my_fix.py:StockManager``).
"""

from __future__ import annotations

import shlex

from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import (
    NO_SERVERS,
    OWN,
    Servers,
    Strategy,
    own_strategy,
    parse_strategy,
    strategies_named,
)
from vacancy_cli.stock.own import load


def own_row(ref: str) -> Strategy:
    """A user's manager, loaded and checked, as a row of the strategy table."""
    manager = load(ref)
    return own_strategy(manager.label, ref)


def strategies_for(
    scenario: Scenario,
    names: list[str] | None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> list[Strategy]:
    """The named strategies (default: the scenario's list, and its own ``manager``),
    then the user's ``--manager``. A name that is the scenario's manager (its file,
    or file and class) is that manager, found beside the scenario."""
    rows = strategies_named(names or ([] if manager else list(scenario.strategies)), servers)
    mine = scenario.manager
    if mine is not None and (any(r.store == OWN for r in rows) or not (names or manager)):
        scenario_own = own_row(mine)
        rows = [scenario_own if _same(row, scenario_own) else row for row in rows]
        if not (names or manager):
            rows.append(scenario_own)
    if manager:
        rows.append(own_row(manager))
    return list(dict.fromkeys(rows))


def replay_option(scenario: Scenario, strategy: Strategy) -> str:
    """What ``vacancy simulate SCENARIO`` needs to run ``strategy`` again: ``--strategy
    NAME``, ``--manager FILE`` as the user gave it, or nothing for the scenario's own
    manager (it runs by default)."""
    if strategy.store != OWN:
        return f"--strategy {strategy.name}"
    if strategy.variant == scenario.manager:
        return ""
    return f"--manager {shlex.quote(strategy.variant)}"


def strategy_for(
    scenario: Scenario,
    name: str | None,
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
) -> Strategy:
    """The one strategy ``play`` runs: ``--manager``, the name given, the challenge's,
    or the scenario's first."""
    if manager:
        return own_row(manager)
    chosen = name or (scenario.goal.strategy if scenario.goal else None)
    rows = strategies_for(scenario, None, servers)
    if chosen is None:
        return rows[0]
    row = parse_strategy(chosen, servers)
    return next((own for own in rows if _same(row, own)), row)


def _same(row: Strategy, own: Strategy) -> bool:
    """A scenario names its manager by file, or file and class."""
    if not (row.store == own.store == OWN):
        return False
    return row.name in (own.name, own.name.partition(":")[0])
