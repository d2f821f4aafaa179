"""How fast `vacancy explore` covers the lost-update family; prints figures, asserts nothing.

The issue's targets: 8 identical one-ticket requests under `none`
(81,729,648,000 naive interleavings) explored completely in at most 2 s,
finding all 8 final stocks; 12 such requests in at most 60 s. As a baseline
measured in the same run, the script also times a plain enumeration of every
interleaving for 4 requests and extrapolates what it would cost per
interleaving.

Then the state spaces of ordinary scenarios, each explored in a fresh process
(for its peak memory) by the engine as it is and by the plain engine as the
baseline, in the same run: the built-in managers on a real event loop, one
replay per expanded state (``Search(..., learn=False, driven=False)``). The
ratio is plain / now, against the 10x target.

    python benchmarks/bench_explore.py            # everything (several minutes)
    python benchmarks/bench_explore.py --quick    # 4 and 8 requests, no baselines
"""

from __future__ import annotations

import argparse
import platform
import subprocess
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


# (label, requests as quantities, stock, strategy, targets: seconds, MiB; whether the
# plain engine is run too: not where it would take tens of minutes and gigabytes)
CASES = [
    ("12 identical, none", (1,) * 12, 12, "none", 2.5, 100, True),
    ("6 of quantities 1..6, none", (1, 2, 3, 4, 5, 6), 6, "none", 3.0, None, True),
    ("16 identical, none", (1,) * 16, 16, "none", None, None, False),
    (
        "8 of quantities 1..8, asyncio-lock",
        (1, 2, 3, 4, 5, 6, 7, 8),
        8,
        "asyncio-lock",
        30,
        500,
        False,
    ),
]
_CASE = """
import asyncio, resource, sys, time
from vacancy_cli.engine.search import Search
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import parse_strategy
quantities = tuple(int(q) for q in sys.argv[1].split(","))
stock, strategy, plain = int(sys.argv[2]), sys.argv[3], sys.argv[4] == "plain"
requests = tuple(RequestSpec(f"R{n}", q) for n, q in enumerate(quantities))
scenario = Scenario("bench", "", "", stock, (strategy,), (), requests, {}, 100, "bench")
search = Search(scenario, parse_strategy(strategy), learn=not plain, driven=not plain)
start = time.process_time()
asyncio.run(search.run())
search.count()
seconds = time.process_time() - start
print(len(search.states), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run_case(quantities: tuple[int, ...], stock: int, strategy: str, plain: bool) -> str:
    args = [sys.executable, "-c", _CASE, ",".join(map(str, quantities)), str(stock), strategy]
    out = subprocess.run([*args, "plain" if plain else "now"], capture_output=True, text=True)
    return out.stdout.strip()


def state_spaces(baselines: bool) -> None:
    print("\nstate spaces (CPU seconds; peak memory of the process)")
    print(f"{'scenario':<36} {'states':>9} {'now':>8} {'MiB':>6} {'plain':>8} {'ratio':>6}  target")
    for label, quantities, stock, strategy, seconds_target, mib_target, plain_too in CASES:
        states, seconds, mib = run_case(quantities, stock, strategy, plain=False).split()
        plain = ""
        ratio = ""
        if baselines and plain_too:
            _, plain_seconds, _ = run_case(quantities, stock, strategy, plain=True).split()
            plain = f"{float(plain_seconds):8.1f}"
            ratio = f"{float(plain_seconds) / float(seconds):5.1f}x"
        wanted = []
        if seconds_target is not None:
            met = "met" if float(seconds) <= seconds_target else "MISSED"
            wanted.append(f"<= {seconds_target:g} s: {met}")
        if mib_target is not None:
            met = "met" if float(mib) <= mib_target else "MISSED"
            wanted.append(f"<= {mib_target} MiB: {met}")
        print(
            f"{label:<36} {int(states):>9,} {float(seconds):>8.1f} {float(mib):>6.0f} "
            f"{plain:>8} {ratio:>6}  {'; '.join(wanted)}"
        )


if __name__ == "__main__":
    main()
    if "--quick" not in sys.argv:
        state_spaces(baselines=True)
