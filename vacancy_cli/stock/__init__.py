"""The stock layer: the StockManager interface (``base``) and every store that
implements it (``memory``, ``sqlite``, ``event_sourced``, ``redis_store``,
``postgres_store``). It may import ``model`` only.

``build`` and ``join`` turn a row of the strategy table (``model.strategies``)
into a manager, importing the row's store module only then: the server
stores need optional extras, and ``--help`` needs none of them.

A live load asks ``build`` for a pool (``pool_size``), then ``opened`` before
its clock starts and ``closed`` on every way out: a store on a server keeps
that many connections open for the load's length; the scheduler's runs ask
for none, and each request opens a connection of its own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vacancy_cli.model.clock import Clock
    from vacancy_cli.model.strategies import Strategy
    from vacancy_cli.stock.base import Hooks, StockManager


class Closing(Protocol):
    """Whatever a load runs: a StockManager, or a user's manager in a live load."""

    def close(self) -> None: ...


def manager_class(strategy: Strategy) -> type[StockManager]:
    """The StockManager class a row of the strategy table names."""
    module = importlib.import_module(f"vacancy_cli.stock.{strategy.store}")
    found: type[StockManager] = getattr(module, strategy.variant)
    return found


def build(
    strategy: Strategy, stock: int, hooks: Hooks, clock: Clock, *, pool_size: int = 0
) -> StockManager:
    """A new manager, with a new store holding ``stock``.

    ``pool_size``: for a live load, the connections a store on a server keeps
    open (at most ``base.POOL_SIZE``; a load needs no more than its workers);
    other stores have none to keep. 0: a connection of its own per request.
    """
    made = manager_class(strategy)
    if pool_size > 0 and strategy.server is not None:
        from vacancy_cli.stock.server import ServerStockManager

        if issubclass(made, ServerStockManager):
            return made(stock, hooks, clock, strategy, pool_size=pool_size)
    return made(stock, hooks, clock, strategy)


def join(strategy: Strategy, first: StockManager, hooks: Hooks, clock: Clock) -> StockManager:
    """Another pod of ``first``'s service: a store it shares, or a copy of its own."""
    return manager_class(strategy).join(first, hooks, clock)


async def opened(manager: Closing) -> None:
    """Connect a pooled store's connections now, before a load's clock starts, so no
    request measures a connect; any other manager has nothing to open."""
    from vacancy_cli.stock.server import ServerStockManager

    if isinstance(manager, ServerStockManager):
        await manager.open()


async def closed(manager: Closing) -> None:
    """Release what ``manager`` holds from inside the running loop: a pooled store's
    connections (which only the loop can close), then its key, row or files."""
    from vacancy_cli.stock.server import ServerStockManager

    if isinstance(manager, ServerStockManager):
        await manager.aclose()
    else:
        manager.close()
