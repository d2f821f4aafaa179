"""What a wrong strategy name is told: the choices that fit where it was typed."""

from __future__ import annotations

import pytest

from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import (
    ALL,
    ALL_STRATEGIES,
    ONE_STRATEGY_HELP,
    STRATEGY_HELP,
    parse_strategy,
    strategy_name,
    strategy_names,
)


def test_one_strategy_help_is_the_help_without_all() -> None:
    assert ", all" in STRATEGY_HELP and ALL not in ONE_STRATEGY_HELP.split(", ")
    assert STRATEGY_HELP.replace(", all;", ";") == ONE_STRATEGY_HELP


@pytest.mark.parametrize("text", ["all", " all "])
def test_all_where_one_strategy_is_needed_says_so(text: str) -> None:
    with pytest.raises(OptionError) as error:
        parse_strategy(text)
    message = str(error.value)
    assert message.startswith("strategy 'all' is not allowed here")
    assert message.endswith(ONE_STRATEGY_HELP)
    assert "unknown" not in message


def test_an_unknown_name_lists_all_only_where_all_is_allowed() -> None:
    with pytest.raises(OptionError) as error:
        parse_strategy("mutex")
    assert str(error.value) == f"unknown strategy 'mutex': expected {ONE_STRATEGY_HELP}"
    with pytest.raises(OptionError) as error:
        strategy_names(["none", "mutex"])
    assert str(error.value).endswith(STRATEGY_HELP)
    with pytest.raises(OptionError) as error:
        strategy_name("mutex")
    assert str(error.value).endswith(STRATEGY_HELP)


def test_strategy_name_keeps_all_and_canonical_names() -> None:
    assert strategy_name(" all ") == ALL
    assert strategy_name("semaphore") == "semaphore:2"
    assert strategy_names(["all"]) == list(ALL_STRATEGIES)
