"""What several test files share: a scenario text, and the test servers."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Servers, parse_strategy
from vacancy_cli.model.trace import stale_read
from vacancy_cli.stock.base import Guard

LOST_UPDATE = """
title = "Lost update"
stock = 100
strategies = ["none", "asyncio-lock"]
schedule = "A B A B"

[[requests]]
id = "A"
qty = 1

[[requests]]
id = "B"
qty = 1
"""


SERVER_URLS = {"redis": "VACANCY_TEST_REDIS_URL", "postgres": "VACANCY_TEST_POSTGRES_URL"}
# The throwaway servers .ci/services starts, given to the core explicitly.
TEST_SERVERS = Servers(
    redis=os.environ.get(SERVER_URLS["redis"]), postgres=os.environ.get(SERVER_URLS["postgres"])
)


def missing_servers(strategies: tuple[str, ...] | list[str]) -> str | None:
    """Why these strategies cannot run here (a server they need was not started), or None."""
    for strategy in strategies:
        server = parse_strategy(strategy).server
        if server is not None and not TEST_SERVERS.url(server):
            return f"no {server} server: set {SERVER_URLS[server]} (.ci/run starts one)"
    return None


class YieldingHooks:
    """A checkpoint that really yields to the loop, as I/O would."""

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        pass

    async def checkpoint(self) -> None:
        await asyncio.sleep(0)

    @asynccontextmanager
    async def hold(self, guard: Guard) -> AsyncIterator[None]:
        async with guard:
            yield

    async def wait_for(self, answer: asyncio.Future[tuple[bool, int]]) -> tuple[bool, int]:
        return await answer


Ends = Counter[tuple[int, tuple[str, ...], bool]]  # final stock, granted, a stale read


def brute_force(scenario: Scenario, strategy: str) -> Ends:
    """Every interleaving, one by one, on the real-loop scheduler: no merging, no
    symmetry; the stale reads read off each run's own trace."""
    found: Ends = Counter()

    def walk(prefix: tuple[str, ...]) -> None:
        row = parse_strategy(strategy)
        with Scheduler(
            scenario.stock, scenario.requests, row, scenario.step_ms, pods=scenario.pods
        ) as scheduler:
            for rid in prefix:
                scheduler.step(rid)
            if scheduler.finished:
                granted = tuple(r.id for r in scheduler.results() if r.granted)
                stale = any(stale_read(step) for step in scheduler.steps)
                found[(scheduler.final_stock, granted, stale)] += 1
                return
            ready = scheduler.runnable()
        for rid in ready:
            walk(prefix + (rid,))

    walk(())
    return found
