"""What exploring a user's own manager costs over a built-in; prints figures, asserts nothing.

The issue's target: exploring a user's own StockManager (plain asyncio code,
driven by ``OwnScheduler`` on a ``VirtualLoop``) costs no more than 2 x
exploring the same logic as a built-in strategy. The workload is the
lost-update family, N identical one-ticket requests on a stock of 100, under
the built-in ``none`` (the baseline, measured in the same run on the same
machine) and under ``tests/managers/naive.py:StockManager``, the ADR's code without
its lock written by hand (in the tests' managers; read ``self.total``,
``await asyncio.sleep(0)``, write ``seen - qty``), loaded as
``--manager tests/managers/naive.py:StockManager`` loads it. Both do the
same steps, so both must find the same states, schedules and outcomes.

Runs alternate after an untimed warm-up (built-in then own, then own then
built-in...), each after a garbage collection; each figure is the median of
its rounds, and "best" is the ratio of the fastest rounds (a shared machine's
noise only ever adds time). Then the own-code exploration of 8 requests runs
once under cProfile: the cumulative time of the functions that matter, the
top functions by cumulative and by own time, and own time per source file
(cProfile's overhead inflates every call: read the shares, not the seconds).

    python benchmarks/bench_own.py               # 4, 6, 8 and 10 requests, then the profile
    python benchmarks/bench_own.py --quick       # 4, 6 and 8, fewer rounds
    python benchmarks/bench_own.py --no-profile  # the table only
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import statistics
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

from vacancy_cli.app.explore import explore_exhaustively
from vacancy_cli.engine.search import Search
from vacancy_cli.model.requests import RequestSpec
from vacancy_cli.model.result import Outcome
from vacancy_cli.model.scenario import Scenario
from vacancy_cli.model.strategies import Strategy, own_strategy, parse_strategy

TARGET = 2.0  # own code may cost at most this many times the built-in
OWN_FILE = Path(__file__).resolve().parents[1] / "tests" / "managers" / "naive.py"
OWN_LABEL = f"{OWN_FILE.name}:StockManager"
ROOT = Path(__file__).resolve().parent.parent
PROFILE_SIZE = 8
TOP = 25


def family(n: int) -> Scenario:
    requests = tuple(RequestSpec(f"R{i}") for i in range(n))
    return Scenario(f"lost-update-{n}", "", "", 100, ("none",), (), requests, {}, 100, "bench")


def explored(scenario: Scenario, strategy: Strategy) -> tuple[int, tuple[Outcome, ...], float]:
    """States, outcomes and seconds of one exhaustive exploration, witnesses included."""
    search = Search(scenario, strategy)
    gc.collect()  # the previous run's garbage is not this run's cost
    start = time.perf_counter()
    outcomes = explore_exhaustively(search)
    return len(search.states), outcomes, time.perf_counter() - start


def outcome_map(outcomes: tuple[Outcome, ...]) -> dict[tuple[int, tuple[str, ...]], int]:
    """Final stock and granted ids -> schedules: what the two explorations must agree on."""
    return {(o.final_stock, o.granted): o.schedules for o in outcomes}


def violation_map(
    outcomes: tuple[Outcome, ...],
) -> dict[tuple[int, tuple[str, ...]], tuple[object, ...]]:
    return {(o.final_stock, o.granted): tuple(sorted(o.violations)) for o in outcomes}


Stats = dict[tuple[str, int, str], tuple[int, int, float, float, object]]

# Where the time goes, named by (file, function): stable across edits that move lines.
SELECTED = (
    ("replays: a fresh scheduler per replay", "engine/stepper.py", "schedule"),
    ("  of which: load() of the manager", "stock/own.py", "load"),
    ("  of which: OwnScheduler.__init__", "engine/own.py", "__init__"),
    ("steps: OwnScheduler._advance", "engine/own.py", "_advance"),
    ("  of which: VirtualLoop.send", "engine/virtual_loop.py", "send"),
    ("    of which: signal.signal", "signal.py", "signal"),
    ("    of which: the user's reserve()", "tests/managers/naive.py", "reserve"),
    ("  of which: OwnScheduler._settle", "engine/own.py", "_settle"),
    ("runnable()", "engine/own.py", "runnable"),
    ("fingerprint()", "engine/own.py", "fingerprint"),
    ("local_state() (fingerprints and groups)", "engine/own.py", "local_state"),
    ("  of which: own_state.position", "engine/own_state.py", "position"),
    ("the watched stock attribute (__getattribute__)", "stock/own.py", "__getattribute__"),
    ("counts and witnesses: Search.outcomes", "engine/search.py", "outcomes"),
)


def where(path: str) -> str:
    """A profile row's file, short: relative to the project, or to the standard library."""
    if path.startswith(str(ROOT)):
        return str(Path(path).relative_to(ROOT))
    stdlib = sysconfig.get_paths()["stdlib"]
    if path.startswith(stdlib):
        return path[len(stdlib) + 1 :]
    return path  # "~": a built-in function


def print_top(stats: Stats, cumulative: bool, title: str) -> None:
    """The top rows by cumulative or by own time, with short file names."""

    def time_of(item: tuple[tuple[str, int, str], tuple[int, int, float, float, object]]) -> float:
        return item[1][3] if cumulative else item[1][2]

    rows = sorted(stats.items(), key=time_of, reverse=True)
    print(f"\n{title}")
    print(f"{'calls':>10} {'tottime':>8} {'cumtime':>8} {'cum us/call':>11}  function")
    for (path, line, name), (_, calls, tottime, cumtime, _) in rows[:TOP]:
        per = cumtime / calls * 1e6 if calls else 0.0
        place = f"{where(path)}:{line}({name})" if line else name
        print(f"{calls:>10,} {tottime:>8.3f} {cumtime:>8.3f} {per:>11.2f}  {place}")


def print_by_file(stats: Stats, total: float) -> None:
    by_file: dict[str, float] = defaultdict(float)
    for (path, _, _), (_, _, tottime, _, _) in stats.items():
        by_file[where(path) if path != "~" else "built-in functions"] += tottime
    print("\nown time (tottime) per file")
    for file, seconds in sorted(by_file.items(), key=lambda item: item[1], reverse=True)[:15]:
        print(f"{seconds:>8.3f} s {seconds / total:>6.1%}  {file}")


def print_selected(stats: Stats, total: float) -> None:
    """Cumulative time of the functions that matter, as shares of the whole run."""
    print("\nwhere the time goes (cumulative, share of the profiled run)")
    for label, file, function in SELECTED:
        found = [
            (calls, cumtime)
            for (path, _, name), (_, calls, _, cumtime, _) in stats.items()
            if name == function and where(path).endswith(file)
        ]
        if not found:
            print(f"{'':>8}   {'':>6}  {'':>9}  {label}: not called")
            continue
        calls = sum(c for c, _ in found)
        seconds = max(t for _, t in found)  # one row per function; max guards a duplicate name
        print(f"{seconds:>8.3f} s {seconds / total:>6.1%} {calls:>9,}x  {label}")


def profile(strategy: Strategy) -> None:
    scenario = family(PROFILE_SIZE)
    profiler = cProfile.Profile()
    search = Search(scenario, strategy)
    start = time.perf_counter()
    profiler.enable()
    explore_exhaustively(search)
    profiler.disable()
    seconds = time.perf_counter() - start
    loaded = pstats.Stats(profiler)
    stats: Stats = loaded.stats  # type: ignore[attr-defined]
    total: float = loaded.total_tt  # type: ignore[attr-defined]
    print(
        f"\nprofile: own code, {PROFILE_SIZE} requests, {len(search.states):,} states, "
        f"{seconds:.2f} s under cProfile"
    )
    print_selected(stats, total)
    print_top(stats, True, f"top {TOP} by cumulative time")
    print_top(stats, False, f"top {TOP} by own time (tottime)")
    print_by_file(stats, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 4, 6 and 8 requests")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    args = parser.parse_args()
    rounds = {4: 5, 6: 3, 8: 3} if args.quick else {4: 9, 6: 7, 8: 5, 10: 3}
    builtin = parse_strategy("none")
    own = own_strategy(OWN_LABEL, str(OWN_FILE))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {sys.platform}")
    print(f"built-in: none; own: {OWN_LABEL} (the same steps, by hand, in plain asyncio)")
    print(
        f"target: own <= {TARGET:g} x built-in; seconds are medians of the rounds, "
        "'best' is the ratio of the fastest rounds"
    )
    for strategy in (builtin, own):  # imports, the module load, the first loop: not timed
        explored(family(2), strategy)
    print(f"{'':>15} {'':>25} {'--- built-in none --':>18}  {'---- own code ----':>18}")
    print(
        f"{'requests':>8} {'rounds':>6} {'schedules':>25} {'states':>7} {'seconds':>10}  "
        f"{'states':>7} {'seconds':>10} {'own/built-in':>12} {'best':>6} {'target':>7} "
        f"{'same outcomes':>13}"
    )
    all_same = True
    same_violations = True
    ratios: dict[int, float] = {}
    for n, count in rounds.items():
        scenario = family(n)
        times: dict[str, list[float]] = {"builtin": [], "own": []}
        found: dict[str, tuple[int, tuple[Outcome, ...]]] = {}
        for round_ in range(count):
            order = [("builtin", builtin), ("own", own)]
            for name, strategy in order if round_ % 2 == 0 else order[::-1]:
                states, outcomes, seconds = explored(scenario, strategy)
                found[name] = (states, outcomes)
                times[name].append(seconds)
        (b_states, b_outcomes), (o_states, o_outcomes) = found["builtin"], found["own"]
        b_median = statistics.median(times["builtin"])
        o_median = statistics.median(times["own"])
        ratio = ratios[n] = o_median / b_median
        best = min(times["own"]) / min(times["builtin"])
        same = outcome_map(b_outcomes) == outcome_map(o_outcomes) and b_states == o_states
        all_same = all_same and same
        same_violations = same_violations and (
            violation_map(b_outcomes) == violation_map(o_outcomes)
        )
        schedules = sum(o.schedules for o in b_outcomes)
        met = "met" if ratio <= TARGET else "MISSED"
        print(
            f"{n:>8} {count:>6} {schedules:>25,} {b_states:>7,} {b_median:>10.3f}  "
            f"{o_states:>7,} {o_median:>10.3f} {ratio:>11.2f}x {best:>5.2f}x {met:>7} "
            f"{'yes' if same else 'NO':>13}"
        )
    print(
        "outcome maps (final stock, granted ids -> schedules) and state counts identical "
        f"for every size: {'yes' if all_same else 'NO'}; "
        f"violations identical: {'yes' if same_violations else 'NO'}"
    )
    missed = [n for n, ratio in ratios.items() if ratio > TARGET]
    worst = max(ratios, key=ratios.__getitem__)
    verdict = f"missed at {', '.join(map(str, missed))} requests" if missed else "met at every size"
    print(f"{TARGET:g} x target {verdict} (worst median ratio: {ratios[worst]:.2f}x at {worst})")
    if not args.no_profile:
        profile(own)


if __name__ == "__main__":
    main()
