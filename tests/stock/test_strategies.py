"""The strategies as ordinary asyncio code, run concurrently on a real loop."""

from __future__ import annotations

import asyncio

import pytest

from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.errors import OptionError
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


@pytest.mark.parametrize(
    ("text", "name", "safe"),
    [
        ("none", "none", False),
        ("asyncio-lock", "asyncio-lock", True),
        ("semaphore", "semaphore:2", False),
        ("semaphore:1", "semaphore:1", True),
        (" semaphore:5 ", "semaphore:5", False),
    ],
)
def test_strategy_names(text: str, name: str, safe: bool) -> None:
    strategy = parse_strategy(text)
    assert (strategy.name, strategy.claims_safety) == (name, safe)


@pytest.mark.parametrize("text", ["mutex", "semaphore:0", "semaphore:x", "semaphore:-1", ""])
def test_unknown_strategies_are_option_errors(text: str) -> None:
    with pytest.raises(OptionError, match="strategy"):
        parse_strategy(text)
