"""The strategies as ordinary asyncio code, run concurrently on a real loop."""

from __future__ import annotations

import asyncio
import sys

import pytest

from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import Servers, parse_strategy
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
    ("strategy", "module", "extra"),
    [("redis-lua", "redis", "redis"), ("postgres-naive", "psycopg", "postgres")],
)
def test_a_missing_client_library_names_the_extra_to_install(
    strategy: str, module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    row = parse_strategy(strategy, Servers(redis="redis://x", postgres="postgresql://x"))
    with pytest.raises(OptionError, match=rf"pip install 'vacancy\[{extra}\]'"):
        build(row, 1, YieldingHooks(), VirtualClock())
