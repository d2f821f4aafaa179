"""How `vacancy simulate` grows with the number of requests; prints figures, asserts nothing.

The fuzzing run behind issue #14 found it quadratic: 2,000 requests took 2.9 s and
4,000 took 11.1 s (picking the next request walked every request, and the
timeline drew a column per request). Linear growth doubles the time when the
requests double: the script runs N = 500, 1,000, 2,000 and 4,000 one-ticket
requests under `none` through the CLI's own code (``run_scenario`` and the
terminal view on an 80-column recording console) and prints each time as a
ratio to the time of the previous size, measured in the same run.

    python benchmarks/bench_simulate.py
"""

from __future__ import annotations

import io
import time

from rich.console import Console

from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.render.simulation import show_simulation


def seconds(n: int) -> tuple[float, float]:
    requests = tuple(RequestSpec(f"R{i}") for i in range(n))
    scenario = Scenario("many", "", "", n, ("none",), (), requests, {}, 100, "bench")
    start = time.process_time()
    simulation = run_scenario(scenario)
    ran = time.process_time() - start
    show_simulation(simulation, Console(file=io.StringIO(), width=80))
    return ran, time.process_time() - start


def main() -> None:
    print(f"{'requests':>8} {'replay s':>9} {'ratio':>6} {'with view s':>12} {'ratio':>6}")
    previous: tuple[float, float] | None = None
    for n in (500, 1000, 2000, 4000):
        ran, total = seconds(n)
        ratios = (
            ("", "")
            if previous is None
            else (
                f"{ran / previous[0]:.2f}x",
                f"{total / previous[1]:.2f}x",
            )
        )
        print(f"{n:>8,} {ran:>9.2f} {ratios[0]:>6} {total:>12.2f} {ratios[1]:>6}")
        previous = (ran, total)
    print("linear growth: each ratio near 2x (quadratic: near 4x)")


if __name__ == "__main__":
    main()
