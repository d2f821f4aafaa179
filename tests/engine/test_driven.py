"""The explorer's fast path against the real loop: step for step, the same run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vacancy_cli.engine.driven import DrivenScheduler
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.model.strategies import ALL_STRATEGIES, parse_strategy

pytestmark = pytest.mark.slow  # every bundled scenario and strategy, step for step on a real loop

# The servers scenario needs servers, which the driven path never serves (they keep
# the real loop); the deadlock scenario runs a user's own manager (OwnScheduler).
SCENARIOS = [name for name in bundled_names() if name not in ("servers", "deadlock")]


@pytest.mark.parametrize("strategy", ALL_STRATEGIES)
@pytest.mark.parametrize("name", SCENARIOS)
@settings(max_examples=6, deadline=None, derandomize=True)
@given(choices=st.lists(st.integers(min_value=0, max_value=10**6), max_size=40))
def test_every_step_is_the_real_loops_step(name: str, strategy: str, choices: list[int]) -> None:
    """A property: whatever request each step picks, the hand-driven run and the
    real-loop run have the same runnable requests, steps, fingerprints and results."""
    scenario = load_scenario(name)
    row = parse_strategy(strategy)
    real = Scheduler(scenario.stock, scenario.requests, row, scenario.step_ms, pods=scenario.pods)
    with DrivenScheduler(scenario, row) as driven, real:
        picks = iter(choices)
        while not real.finished:
            ready = real.runnable()
            assert driven.runnable() == ready
            assert driven.fingerprint() == real.fingerprint()
            rid = ready[next(picks, 0) % len(ready)]
            assert driven.step(rid) == real.step(rid)
        assert driven.finished and driven.frozen == real.frozen
        assert (driven.final_stock, driven.results()) == (real.final_stock, real.results())
