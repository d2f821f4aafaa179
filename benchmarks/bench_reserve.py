"""How much `vacancy reserve` costs over the bare lock; prints figures, asserts nothing.

The issue's targets, each against baselines measured in the same run:

1. 1,000,000 reservations of one ticket at concurrency 10,000 with asyncio-lock
   and no latency: wall time at most 1.3 x a bare baseline; peak memory < 200 MB.
2. The same with a checkpoint inside the lock (each request yields to the loop
   while holding it: the contended case), against baselines that also yield there.
3. The ADR's validation as a whole CLI process (`vacancy reserve`, 1000
   requests) within 1.5 x the time of `python -c "import typer, rich"`.
   Two floors are measured with it: the imports any such command needs
   (asyncio and Rich's table too) printing one empty table, and that plus the
   1000 tasks; no `vacancy reserve` can be faster than those.
4. What timing every request end to end costs (`request_latency_ms`, the
   samples of `--export FILE.csv`): 200,000 reservations, no latency, through
   `live/load.py`'s own worker loop, against the same loop with the two
   `perf_counter` calls and the two array stores taken out (a copy below,
   `untimed_worker`), on the same manager class, hooks and plan.

Two bare baselines, both driven exactly like `vacancy reserve` drives its
requests (a pool of worker tasks, each taking the next request in turn):

- "ADR code": the StockManager as printed in the ADR, copied below;
- "strategy class": the StockManager class `vacancy reserve` really runs
  (strategies.GuardedStockManager with an asyncio.Lock) with do-nothing hooks,
  i.e. the same code with no instrumentation.

The first ratio includes what the strategy classes add to the ADR's code (the
checkpoint and the hook calls every variant makes); the second is the price of
the per-request instrumentation alone. Runs alternate, each figure is the
median of the rounds, and the process is pinned to one CPU to steady the figures.

    python benchmarks/bench_reserve.py            # the issue's sizes (about 3 minutes)
    python benchmarks/bench_reserve.py --quick    # 100,000 requests, fewer rounds
    python benchmarks/bench_reserve.py --timing-only   # 4 alone (about 10 seconds)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from vacancy_cli.live.hooks import LiveHooks, MonotonicClock
from vacancy_cli.live.load import _Tally, _worker, run_load
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.plan import draw_plan
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.stock import build
from vacancy_cli.stock.base import Guard

CONCURRENCY = 10_000


class AdrStockManager:
    """The ADR's StockManager, as printed in the ADR (its read cache left idle)."""

    def __init__(self, initial_stock: int, yields: bool = False) -> None:
        self.total = initial_stock
        self.lock = asyncio.Lock()
        self._cache: int | None = None
        self._cache_time: float | None = None
        self.yields = yields

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.lock:
            if self.yields:
                await asyncio.sleep(0)  # the contended case: yield while holding the lock
            if self.total >= qty:
                self.total -= qty
                self._invalidate_cache()
                return True, self.total
            return False, self.total

    def _invalidate_cache(self) -> None:
        self._cache = None
        self._cache_time = None


class NoHooks:
    """Hooks that observe nothing: the strategy class with no instrumentation."""

    def __init__(self, yields: bool) -> None:
        self.yields = yields

    def record(self, action: str, seen: int | None = None, value: int | None = None) -> None:
        pass

    async def checkpoint(self) -> None:
        if self.yields:
            await asyncio.sleep(0)

    def hold(self, guard: Guard) -> Guard:
        return guard


class Reserves(Protocol):
    async def reserve(self, qty: int) -> tuple[bool, int]: ...


async def _drive(manager: Reserves, requests: int) -> int:
    """Plain asyncio tasks: a pool of workers, each reserving the next ticket."""
    started = 0
    granted = 0

    async def worker() -> None:
        nonlocal started, granted
        while started < requests:
            started += 1
            ok, _ = await manager.reserve(1)
            granted += ok

    await asyncio.gather(*(worker() for _ in range(min(CONCURRENCY, requests))))
    return granted


def _timed(make: Callable[[], Reserves], requests: int) -> float:
    async def main() -> int:
        return await _drive(make(), requests)

    start = time.perf_counter()
    granted = asyncio.run(main())
    elapsed = time.perf_counter() - start
    assert granted == requests
    return elapsed


def adr_code(requests: int, yields: bool) -> float:
    return _timed(lambda: AdrStockManager(requests, yields), requests)


def strategy_class(requests: int, yields: bool) -> float:
    strategy = parse_strategy("asyncio-lock")
    return _timed(lambda: build(strategy, requests, NoHooks(yields), MonotonicClock()), requests)


def vacancy(requests: int, yields: bool) -> float:
    options = LoadOptions(
        stock=requests, requests=requests, concurrency=CONCURRENCY, yield_at_checkpoint=yields
    )
    start = time.perf_counter()
    result = run_load(options)
    elapsed = time.perf_counter() - start
    assert result.granted == requests and result.final_stock == 0 and not result.violations
    return elapsed


def rounds_of(rounds: int, *runs: Callable[[], float]) -> list[float]:
    """Median wall time of each, run turn about so that drift hits all alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, seen in zip(runs, times, strict=True):
            seen.append(run())
    return [statistics.median(seen) for seen in times]


def ratio_line(label: str, seconds: float, base: float, target: float) -> str:
    ratio = seconds / base
    verdict = "met" if ratio <= target else "MISSED"
    return f"    {label:<34} {seconds:8.3f} s   ratio {ratio:5.2f}  (target <= {target}: {verdict})"


def load_figures(title: str, requests: int, yields: bool, rounds: int) -> None:
    print(title)
    adr, bare, ours = rounds_of(
        rounds,
        lambda: adr_code(requests, yields),
        lambda: strategy_class(requests, yields),
        lambda: vacancy(requests, yields),
    )
    print(f"    {'bare, ADR code':<34} {adr:8.3f} s")
    print(
        f"    {'bare, strategy class, no hooks':<34} {bare:8.3f} s   ({bare / adr:.2f} x ADR code)"
    )
    print(ratio_line("vacancy reserve vs strategy class", ours, bare, 1.3))
    print(ratio_line("vacancy reserve vs ADR code", ours, adr, 1.3))


async def untimed_worker(
    manager: Any, plan: Any, tally: _Tally, report: None, load: asyncio.Task[Any]
) -> None:
    """``live/load.py``'s ``_worker`` as it was before requests were timed: the baseline."""
    reserve = manager.reserve
    reads, qtys, qty = plan.reads, plan.qtys, plan.qty
    total = plan.requests
    mask = plan.report_every - 1
    cancelling = load.cancelling
    while tally.started < total and not cancelling():
        index = tally.started
        tally.started = index + 1
        if reads is not None and reads[index]:
            await manager.available()
            tally.reads += 1
        else:
            if qtys is not None:
                qty = qtys[index]
            granted, _ = await reserve(qty)
            if granted:
                tally.granted += 1
                tally.tickets += qty
            else:
                tally.rejected += 1
        if report is not None and not index & mask:
            report()


def hot_loop(requests: int, timed: bool) -> float:
    """Wall time of the workers alone (no set-up, no checking), timed or not."""
    options = LoadOptions(stock=requests, requests=requests, concurrency=CONCURRENCY)
    plan = draw_plan(options)
    work = _worker if timed else untimed_worker

    async def main() -> float:
        hooks = LiveHooks(requests, 0.0, False)
        manager = build(parse_strategy("asyncio-lock"), requests, hooks, MonotonicClock())
        tally = _Tally(requests)
        load = asyncio.current_task()
        assert load is not None
        workers = [work(manager, plan, tally, None, load) for _ in range(options.workers)]
        start = time.perf_counter()
        await asyncio.gather(*workers)
        elapsed = time.perf_counter() - start
        assert tally.granted == requests
        return elapsed

    return asyncio.run(main())


def timing_figures(requests: int, rounds: int) -> None:
    print(
        f"4. Timing each request: {requests:,} reservations, concurrency {CONCURRENCY:,}, "
        "asyncio-lock, no latency"
    )
    bare, timed = rounds_of(
        rounds, lambda: hot_loop(requests, False), lambda: hot_loop(requests, True)
    )
    print(f"    {'worker loop, untimed (baseline)':<34} {bare:8.3f} s")
    print(
        f"    {'worker loop, each request timed':<34} {timed:8.3f} s   ratio {timed / bare:5.2f}"
        f"  ({(timed - bare) / requests * 1e9:,.0f} ns a request)"
    )


# VmHWM, not ru_maxrss: after fork and exec, ru_maxrss can report the parent's peak.
_PEAK = """
import sys
from vacancy_cli.live.load import run_load
from vacancy_cli.live.options import LoadOptions
from vacancy_cli.live.plan import draw_plan
n = int(sys.argv[1])
if n:
    run_load(LoadOptions(stock=n, requests=n, concurrency={concurrency}))
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def peak_rss_mb(requests: int) -> float:
    """Peak resident memory of a fresh process (interpreter and imports included)."""
    code = _PEAK.format(concurrency=CONCURRENCY)
    out = subprocess.run(
        [sys.executable, "-c", code, str(requests)], check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip()) / 1024  # VmHWM is in kB


_TYPER_FLOOR = """
import typer
app = typer.Typer(add_completion=False)
@app.command()
def reserve(stock: str = "1000") -> None:
    pass
@app.command()
def other() -> None:
    pass
app()
"""


# The least any `vacancy reserve` can do, as the issue asks for it: import Typer,
# asyncio and Rich's console and table, run 1000 requests as 1000 tasks (all at
# once, as the ADR tested) and print one table. Nothing of vacancy's own.
_FLOOR_IMPORTS = """
import typer, rich, asyncio
from rich.console import Console
from rich.table import Table
Console().print(Table("requests", "granted"))
"""
_FLOOR_TASKS = (
    _FLOOR_IMPORTS
    + """
async def request():
    pass
async def load():
    async with asyncio.TaskGroup() as group:
        for _ in range(1000):
            group.create_task(request())
asyncio.run(load())
"""
)


def process_time(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def cli_figures(label: str, rounds: int, env: dict[str, str], floor: Path) -> None:
    vacancy_cmd = str(Path(sys.executable).with_name("vacancy"))
    commands = {
        'python -c "import typer, rich"': [sys.executable, "-c", "import typer, rich"],
        "a do-nothing Typer command": [sys.executable, str(floor), "reserve"],
        "floor: + asyncio, a Rich table": [sys.executable, "-c", _FLOOR_IMPORTS],
        "floor: + 1000 tasks": [sys.executable, "-c", _FLOOR_TASKS],
        "vacancy --version": [vacancy_cmd, "--version"],
        "vacancy reserve": [vacancy_cmd, "reserve"],
    }
    for args in commands.values():  # warm the file cache (and the bytecode cache, if kept)
        process_time(args, env)
    runs = [lambda args=args: process_time(args, env) for args in commands.values()]
    medians = rounds_of(rounds, *runs)
    base = medians[0]
    print(f"    {label}")
    for name, seconds in zip(commands, medians, strict=True):
        target = "  (target <= 1.5)" if name == "vacancy reserve" else ""
        print(f"      {name:<32} {seconds * 1000:7.1f} ms   ratio {seconds / base:5.2f}{target}")


def pin_to_one_cpu() -> str:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return "not pinned"
    os.sched_setaffinity(0, {cpus[-1]})
    return f"pinned to CPU {cpus[-1]} of {len(cpus)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 requests, fewer rounds")
    parser.add_argument(
        "--timing-only", action="store_true", help="only 4: what timing each request costs"
    )
    args = parser.parse_args()
    quick = args.quick
    if args.timing_only:
        print(
            f"machine: {platform.machine()}, {pin_to_one_cpu()}, Python {platform.python_version()}"
        )
        timing_figures(200_000, 3 if quick else 7)
        return
    requests = 100_000 if quick else 1_000_000
    rounds, contended_rounds, cli_rounds = (3, 3, 5) if quick else (5, 3, 15)
    pinned = pin_to_one_cpu()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores ({pinned}), "
        f"Python {platform.python_version()}, {platform.system()}"
    )
    print(f"medians of {rounds} rounds ({contended_rounds} for 2, {cli_rounds} for 3)")
    load_figures(
        f"1. {requests:,} reservations, concurrency {CONCURRENCY:,}, asyncio-lock, no latency",
        requests,
        False,
        rounds,
    )
    loaded, idle = peak_rss_mb(requests), peak_rss_mb(0)
    print(
        f"    peak memory (max RSS of the process): {loaded:.1f} MB "
        f"(interpreter and imports alone: {idle:.1f} MB; target < 200 MB)"
    )
    load_figures(
        f"2. {requests:,} reservations, concurrency {CONCURRENCY:,}, asyncio-lock, "
        "a yield inside the lock (contended)",
        requests,
        True,
        contended_rounds,
    )
    print('3. `vacancy reserve` (1000 requests) as a process vs `python -c "import typer, rich"`')
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        floor = Path(folder) / "typer_floor.py"
        floor.write_text(_TYPER_FLOOR, encoding="utf-8")
        if env.get("PYTHONDONTWRITEBYTECODE"):
            label = "as this environment runs it (PYTHONDONTWRITEBYTECODE: no .pyc written)"
        else:
            label = "as this environment runs it"
        cli_figures(label, cli_rounds, env, floor)
        cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        cli_figures("with bytecode cached (as after a pip install)", cli_rounds, cached, floor)
    timing_figures(200_000, rounds)


if __name__ == "__main__":
    main()
