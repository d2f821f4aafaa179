"""The stock layer: the StockManager interface (``base``) and every store that
implements it (``memory``, ``sqlite``, ``event_sourced``, ``redis_store``,
``postgres_store``). It may import ``model`` only.

``build`` and ``join`` turn a row of the strategy table (``model.strategies``)
into a manager, importing the row's store module only then: the server
stores need optional extras, and ``--help`` needs none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vacancy_cli.model.clock import Clock
    from vacancy_cli.model.strategies import Strategy
    from vacancy_cli.stock.base import Hooks, StockManager


def manager_class(strategy: Strategy) -> type[StockManager]:
    """The StockManager class a row of the strategy table names."""
    module = importlib.import_module(f"vacancy_cli.stock.{strategy.store}")
    found: type[StockManager] = getattr(module, strategy.variant)
    return found


def build(strategy: Strategy, stock: int, hooks: Hooks, clock: Clock) -> StockManager:
    """A new manager, with a new store holding ``stock``."""
    return manager_class(strategy)(stock, hooks, clock, strategy)


def join(strategy: Strategy, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
    """Another pod of ``first``'s service: a store it shares, or a copy of its own."""
    return manager_class(strategy).join(first, hooks, clock)
