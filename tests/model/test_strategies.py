"""The one strategy table: names users type, the rows every layer reads, and the
classes each row names."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from vacancy_cli import stock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import (
    ALL_STRATEGIES,
    STRATEGIES,
    STRATEGY_HELP,
    Servers,
    every_strategy,
    parse_strategy,
    split_ref,
    strategy_names,
)
from vacancy_cli.stock.base import StockManager

ROWS = [*STRATEGIES.values(), parse_strategy("semaphore:2")]


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


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_every_row_names_a_stock_manager_in_its_store(row: object) -> None:
    """The table and the stores agree: each row's class exists where the row says."""
    found = stock.manager_class(parse_strategy(row.name))  # type: ignore[attr-defined]
    assert issubclass(found, StockManager) and not inspect.isabstract(found)
    assert found.__module__ == f"vacancy_cli.stock.{row.store}"  # type: ignore[attr-defined]
    assert found.reserve is not StockManager.reserve  # it implements the strategy


def test_every_concrete_stock_manager_is_in_the_table() -> None:
    """No store class that no row can reach (a strategy written but never offered)."""
    named = {stock.manager_class(row) for row in ROWS}
    modules = {row.store for row in ROWS}
    for module in modules:
        loaded = sys.modules[f"vacancy_cli.stock.{module}"]
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            offers_reserve = "reserve" in vars(cls)
            if (
                issubclass(cls, StockManager)
                and cls.__module__ == loaded.__name__
                and offers_reserve
            ):
                assert cls in named, f"{cls.__name__} has reserve() but no row of the table"


def test_the_help_lists_every_strategy_users_can_type() -> None:
    for name in STRATEGIES:
        assert name in STRATEGY_HELP
    assert "semaphore:N" in STRATEGY_HELP


def test_all_is_every_local_strategy_and_the_server_ones_given() -> None:
    assert every_strategy() == list(ALL_STRATEGIES)
    assert all(parse_strategy(name).server is None for name in ALL_STRATEGIES)
    both = every_strategy(Servers(redis="redis://x", postgres="postgresql://x"))
    servers = [row.name for row in STRATEGIES.values() if row.server]
    assert both == [*ALL_STRATEGIES, *servers]
    assert strategy_names(["none", "all", "none"]) == list(ALL_STRATEGIES)


def test_a_server_url_travels_with_the_row_not_the_environment() -> None:
    given = Servers(redis="redis://127.0.0.1:1/0")
    assert parse_strategy("redis-lua", given).url == "redis://127.0.0.1:1/0"
    assert parse_strategy("redis-lua").url is None
    assert parse_strategy("postgres-naive", given).url is None
    assert parse_strategy("none", given).url is None


@pytest.mark.parametrize(
    ("name", "safe_across_pods"),
    [
        ("sqlite-conditional", True),
        ("sqlite-locked", False),  # a lock per pod does not span pods
        ("asyncio-lock", False),  # memory: each pod has its own copy
        ("redis-lua", True),
        ("postgres-naive", False),
    ],
)
def test_which_claims_hold_across_pods(name: str, safe_across_pods: bool) -> None:
    assert parse_strategy(name).safe_across_pods is safe_across_pods


def test_reading_the_table_and_drawing_views_loads_no_asyncio() -> None:
    """--help and every view read the table: they must not pull in the event loop."""
    code = (
        "import sys; from vacancy_cli.model.strategies import STRATEGY_HELP, parse_strategy; "
        "from vacancy_cli.render import simulation, explore, load; "
        "parse_strategy('asyncio-lock').summary; print('asyncio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("ref", "parts"),
    [
        ("my_fix.py", ("my_fix.py", "")),
        ("my_fix.py:StockManager", ("my_fix.py", "StockManager")),
        ("C:\\work\\my_fix.py:StockManager", ("C:\\work\\my_fix.py", "StockManager")),
        ("a dir/my fix.py", ("a dir/my fix.py", "")),
        ("notes.txt", None),
        ("my_fix.py:", None),
    ],
)
def test_a_manager_ref_splits_at_the_py_not_at_the_first_colon(
    ref: str, parts: tuple[str, str] | None
) -> None:
    assert split_ref(ref) == parts
