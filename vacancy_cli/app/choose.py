"""Which strategies a command runs: the ones named, the scenario's own, a user's manager.

A user's manager (``--manager FILE.py:Class``, or the scenario's ``manager``
key) is loaded here, once, so that a missing file, a syntax error or a class
without ``async def reserve`` is one clear error before anything runs, and so
that its row carries the label views print (``my_fix.py:StockManager``).
"""

from __future__ import annotations

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
    """The named strategies (default: the scenario's list), then the user's manager:
    ``--manager`` if given, else the scenario's own ``manager`` when no names were."""
    ref = manager or (scenario.manager if not names else None)
    if names:
        rows = strategies_named(names, servers)
    elif manager:
        rows = []
    else:
        rows = strategies_named(scenario.strategies, servers)
    own = own_row(ref) if ref else None
    return [row for row in rows if own is None or not _same(row, own)] + ([own] if own else [])


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
