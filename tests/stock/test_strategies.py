"""The strategies as ordinary asyncio code, run concurrently on a real loop."""

from __future__ import annotations

import asyncio

from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock import build

from helpers import YieldingHooks


async def reserve_all(strategy: str, stock: int, requests: int) -> int:
    manager = build(parse_strategy(strategy), stock, YieldingHooks(), VirtualClock())
    await asyncio.gather(*(manager.reserve(1) for _ in range(requests)))
    return manager.total


async def test_unlocked_code_loses_updates_under_plain_asyncio() -> None:
    assert await reserve_all("none", 100, 50) > 50


async def test_the_adrs_lock_serializes_under_plain_asyncio() -> None:
    assert await reserve_all("asyncio-lock", 100, 50) == 50


async def test_semaphore_with_two_permits_loses_updates_under_plain_asyncio() -> None:
    assert await reserve_all("semaphore:2", 100, 50) > 50


async def test_semaphore_with_one_permit_is_safe() -> None:
    assert await reserve_all("semaphore:1", 100, 50) == 50
