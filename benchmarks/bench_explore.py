"""How fast `vacancy explore` covers the lost-update family; prints figures, asserts nothing.

The issue's targets: 8 identical one-ticket requests under `none`
(81,729,648,000 naive interleavings) explored completely in at most 2 s,
finding all 8 final stocks; 12 such requests in at most 60 s. As a baseline
measured in the same run, the script also times a plain enumeration of every
interleaving for 4 requests and extrapolates what it would cost per
interleaving.

    python benchmarks/bench_explore.py            # 4, 8, 10 and 12 requests
    python benchmarks/bench_explore.py --quick    # 4 and 8 only
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.engine.scheduler import Scheduler
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import parse_strategy


def family(n: int) -> Scenario:
    requests = tuple(RequestSpec(f"R{i}") for i in range(n))
    return Scenario(f"lost-update-{n}", "", "", 100, ("none",), (), requests, {}, 100, "bench")


def plain_enumeration(scenario: Scenario) -> tuple[int, float]:
    """Every interleaving replayed one by one: what the reductions save."""
    count = 0
    start = time.perf_counter()

    def walk(prefix: tuple[str, ...]) -> None:
        nonlocal count
        with Scheduler(scenario.stock, scenario.requests, parse_strategy("none")) as scheduler:
            for rid in prefix:
                scheduler.step(rid)
            if scheduler.finished:
                count += 1
                return
            ready = scheduler.runnable()
        for rid in ready:
            walk(prefix + (rid,))

    walk(())
    return count, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 4 and 8 requests")
    sizes = [4, 8] if parser.parse_args().quick else [4, 8, 10, 12]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {sys.platform}")
    count, seconds = plain_enumeration(family(4))
    per = seconds / count
    print(f"baseline: plain enumeration of 4 requests: {count:,} interleavings in {seconds:.2f} s")
    print(f"          ({per * 1e6:.0f} us per interleaving)")
    print(
        f"{'requests':>8} {'naive interleavings':>28} {'states':>8} {'finals':>6} "
        f"{'seconds':>8} {'plain would take':>18} {'target':>7}"
    )
    targets = {8: 2.0, 12: 60.0}
    for n in sizes:
        start = time.perf_counter()
        exploration = explore_scenario(family(n), ["none"]).explorations[0]
        seconds = time.perf_counter() - start
        naive = exploration.naive_interleavings or 0
        finals = len({o.final_stock for o in exploration.outcomes})
        target = f"<= {targets[n]:.0f} s" if n in targets else ""
        years = naive * per / (3600 * 24 * 365)
        print(
            f"{n:>8} {naive:>28,} {exploration.states:>8,} {finals:>6} {seconds:>8.2f} "
            f"{years:>12.3g} years {target:>7}"
        )


if __name__ == "__main__":
    main()
