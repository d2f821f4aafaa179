"""The live load runner: the ADR's validation, lost updates, percentiles, the cache claim."""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from dataclasses import replace

import pytest

from vacancy_cli.live.hooks import LiveHooks
from vacancy_cli.live.load import run_load, run_load_async, run_reserve, run_sweep
from vacancy_cli.live.options import (
    LoadOptions,
    options_from_text,
    parse_latency,
    parse_qty,
    parse_sweep,
)
from vacancy_cli.live.result import Bin, LoadResult, LockWait, adr_claims
from vacancy_cli.model.clock import VirtualClock
from vacancy_cli.model.errors import OptionError
from vacancy_cli.report.documents import load as load_to_dict
from vacancy_cli.stock.memory import GuardedStockManager

# Fields that depend on the machine's speed, not on the run's logic.
TIMING = {
    "lock_wait_ms",
    "request_latency_ms",
    "read_latency_ms",
    "histogram",
    "elapsed_s",
    "throughput_rps",
    "adr_claims",
}


def outcome(result: LoadResult) -> dict[str, object]:
    return {k: v for k, v in load_to_dict(result).items() if k not in TIMING}


# -- the ADR's validation -------------------------------------------------------------


def test_the_adrs_validation_grants_1000_of_1000_and_leaves_0() -> None:
    result = run_load(LoadOptions())  # 1000 x 1 ticket, stock 1000, asyncio-lock, all at once
    assert (result.granted, result.rejected, result.final_stock) == (1000, 0, 0)
    assert result.violations == () and not result.is_bug
    assert (result.lost_updates, result.oversold) == (0, 0)
    assert result.lock_acquisitions == 1000 and result.success_rate == 1.0
    # Nothing awaits inside the ADR's lock, so no acquisition can block: every wait is 0.
    assert result.lock_wait == LockWait(1000, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert result.histogram == (Bin(0.0, 0.0, 1000),)
    assert all(claim.held for claim in adr_claims(result))


def test_the_live_run_is_the_simulated_class_not_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request goes through the very ``reserve`` that ``vacancy simulate`` steps."""
    seen: list[type] = []
    real = GuardedStockManager.reserve

    async def watched(self: GuardedStockManager, qty: int) -> tuple[bool, int]:
        seen.append(type(self))
        return await real(self, qty)

    monkeypatch.setattr(GuardedStockManager, "reserve", watched)
    result = run_load(LoadOptions(requests=50, stock=50, latency_s=0.001))
    assert seen == [GuardedStockManager] * 50 and result.final_stock == 0


def test_semaphore_1_is_as_safe_as_the_lock_under_contention() -> None:
    options = LoadOptions(stock=30, requests=60, strategy="semaphore:1", yield_at_checkpoint=True)
    result = run_load(options)
    assert (result.granted, result.rejected, result.final_stock) == (30, 30, 0)
    assert result.violations == () and result.claims_safety


def test_more_requests_than_stock_are_rejected_not_oversold() -> None:
    result = run_load(LoadOptions(stock=10, requests=25, qty=(2, 2)))
    assert (result.granted, result.granted_tickets, result.rejected) == (5, 10, 20)
    assert result.final_stock == 0 and result.violations == ()


# -- the lesson: no lock, lost updates, deterministically -----------------------------


def test_none_with_latency_loses_every_update_but_one_deterministically() -> None:
    """All requests start together, so all read before any writes.

    The task group schedules every worker's first step in the same pass of the event
    loop, and a timer set in a pass fires no earlier than the next pass: each of
    the 200 requests reads 150 before the first 1 ms sleep ends. Each then
    writes 149 (whatever order the timers fire in), so all 200 are granted.
    """
    options = LoadOptions(stock=150, requests=200, strategy="none", latency_s=0.001)
    first, second = run_load(options), run_load(options)
    assert outcome(first) == outcome(second)
    assert (first.granted, first.final_stock) == (200, 149)
    assert first.lost_updates == 199  # 149 left + 200 granted - 150 at the start
    assert first.oversold == 50
    assert {v.kind for v in first.violations} == {"lost_update", "oversell"}
    assert not first.is_bug  # `none` claims nothing: this is the lesson, not a bug


def test_semaphore_2_lets_two_requests_race() -> None:
    options = LoadOptions(stock=100, requests=40, strategy="semaphore:2", latency_s=0.001)
    result = run_load(options)
    assert result.lost_updates > 0 and not result.is_bug


def test_a_threading_lock_held_across_an_await_freezes_the_loop() -> None:
    """The first request holds the lock through its sleep; the second would block the loop."""
    options = LoadOptions(stock=10, requests=20, strategy="threading-lock", latency_s=0.001)
    result = run_load(options)
    assert result.frozen and result.finished == 0 and result.granted == 0
    assert [v.kind for v in result.violations] == ["event_loop_blocked"]
    assert result.success_rate == 0.0 and not result.is_bug  # it claims nothing
    calm = run_load(replace(options, latency_s=0.0))  # nothing awaits: never contended
    assert not calm.frozen and (calm.granted, calm.final_stock) == (10, 0)


@pytest.mark.parametrize(
    ("strategy", "final", "lost"), [("sqlite-naive", 39, 19), ("sqlite-conditional", 20, 0)]
)
def test_sqlite_strategies_run_live_against_a_real_database(
    strategy: str, final: int, lost: int
) -> None:
    options = LoadOptions(stock=40, requests=20, strategy=strategy, latency_s=0.001)
    result = run_load(options)
    assert (result.granted, result.final_stock, result.lost_updates) == (20, final, lost)
    assert not result.is_bug


def test_a_thousand_requests_at_once_fit_a_1024_file_limit() -> None:
    """Each SQLite connection holds three files; the pool keeps 1000 at once to 50."""

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    command = [sys.executable, "-m", "vacancy_cli", "reserve", "-s", "sqlite-naive"]
    done = subprocess.run(
        [*command, "--latency", "1ms", "--json"],
        capture_output=True,
        text=True,
        preexec_fn=limit_files,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["concurrency"] == 1000 and doc["granted"] == 1000
    assert doc["lost_updates"] > 0  # the pool's 50 in flight still race


# -- the cache claim ---------------------------------------------------------------------


async def test_the_read_cache_saves_over_70_percent_of_lock_acquisitions() -> None:
    """ADR: "Read-heavy workload: 70% reduction in lock acquisitions", measured.

    A clock that never moves keeps every cached value fresh, so the counts
    depend on the seeded mix alone, not on how fast this machine is.
    """
    options = LoadOptions(requests=2000, stock=2000, reads=0.9, seed=7)
    cached = await run_load_async(options, clock=VirtualClock())
    again = await run_load_async(options, clock=VirtualClock())
    uncached = await run_load_async(replace(options, cache=False), clock=VirtualClock())
    assert outcome(cached) == outcome(again)
    assert uncached.cache_hits == 0 and uncached.lock_acquisitions == 2000
    saved = 1 - cached.lock_acquisitions / uncached.lock_acquisitions
    assert saved >= 0.70
    assert cached.cache_saving == pytest.approx(saved)  # each hit is one acquisition avoided
    assert cached.reads == uncached.reads and 1700 < cached.reads < 1900
    claim = [c for c in adr_claims(cached) if "70%" in c.text]
    assert claim and claim[0].held


class SteppingClock:
    """Each look at the clock is 100 ms after the last."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        self.t += 0.1
        return self.t


async def test_cache_hits_report_the_oldest_value_served() -> None:
    options = LoadOptions(stock=10, requests=5, reads=1.0, concurrency=1)
    result = await run_load_async(options, clock=SteppingClock())
    # One miss fills the cache; the next four reads find it 100, 200, 300, 400 ms old.
    assert (result.lock_acquisitions, result.cache_hits, result.cache_oldest_ms) == (1, 4, 400)


# -- lock wait under contention ----------------------------------------------------------


async def test_a_free_lock_is_taken_as_is_and_a_held_one_is_timed() -> None:
    """The fast path is the ADR's own ``async with lock``; only a wait that can block is timed."""
    hooks = LiveHooks(capacity=2, latency_s=0, yields=False)
    lock = asyncio.Lock()

    async def take(hold_for: float) -> None:
        async with hooks.hold(lock):
            await asyncio.sleep(hold_for)

    first = asyncio.create_task(take(0.05))
    await asyncio.sleep(0)  # first now holds the lock
    free = asyncio.Lock()
    assert lock.locked() and hooks.hold(free) is free  # free, nobody queued: the lock itself
    second = asyncio.create_task(take(0))
    await asyncio.gather(first, second)
    assert (hooks.untimed, hooks.timed) == (2, 1)  # first and free as is; second timed
    assert hooks.waits[0] >= 0.04  # second queued while first slept
    assert hooks.acquisitions == 3


def test_a_sweep_shows_waits_appear_with_concurrency() -> None:
    """A yield inside the lock: alone a request never waits; ten at once must queue."""
    options = LoadOptions(stock=100, requests=100, yield_at_checkpoint=True)
    sweep = run_sweep(options, [1, 10, 500])
    assert sweep.levels == (1, 10, 500) and not sweep.is_bug
    alone, ten, capped = sweep.runs
    assert alone.histogram == (Bin(0.0, 0.0, 100),)
    assert sum(b.count for b in ten.histogram if b.high > 0) > 0
    assert capped.options.workers == 100  # more levels than requests: all in flight
    assert all(run.final_stock == 0 and run.violations == () for run in sweep.runs)


def test_progress_is_reported_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    run_load(LoadOptions(requests=3000, stock=3000), lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3000, 3000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_seeded_qty_range_is_drawn_the_same_way_twice() -> None:
    options = LoadOptions(stock=50, requests=40, qty=(1, 3), seed=11)
    first, second = run_load(options), run_load(options)
    assert outcome(first) == outcome(second)
    assert first.granted_tickets == 50 - first.final_stock and first.rejected > 0


# -- options ---------------------------------------------------------------------------------


def test_options_from_text_parse_what_users_type() -> None:
    options = options_from_text(
        stock="1_000", qty="1-3", concurrency="50", latency="0.5ms", reads="0.9", seed="4"
    )
    assert (options.stock, options.qty, options.concurrency) == (1000, (1, 3), 50)
    assert options.latency_s == pytest.approx(0.0005) and options.reads == 0.9
    assert parse_latency("2s") == 2.0 and parse_latency("250us") == pytest.approx(0.00025)
    assert parse_latency("0") == 0.0 and parse_qty("4") == (4, 4)
    assert parse_sweep("10, 100,1000") == (10, 100, 1000)


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("stock", "-5", "--stock"),
        ("requests", "0", "--requests"),
        ("requests", "lots", "--requests"),
        ("concurrency", "0", "--concurrency"),
        ("qty", "3-1", "--qty"),
        ("qty", "0", "--qty"),
        ("qty", "1-", "--qty"),
        ("latency", "1", "--latency"),
        ("latency", "-1ms", "--latency"),
        ("latency", "1h", "--latency"),
        ("reads", "2", "--reads"),
        ("reads", "-0.1", "--reads"),
        ("reads", "often", "--reads"),
        ("seed", "-1", "--seed"),
        ("strategy", "mutex", "strategy 'mutex'"),
        ("strategy", "semaphore:0", "strategy 'semaphore:0'"),
    ],
)
def test_bad_options_name_the_option_and_value(field: str, text: str, named: str) -> None:
    with pytest.raises(OptionError, match=named) as error:
        options_from_text(**{field: text})
    assert text in str(error.value)


def test_options_built_in_code_are_validated_too() -> None:
    with pytest.raises(OptionError, match="--reads"):
        run_load(LoadOptions(reads=1.5))
    with pytest.raises(OptionError, match="--qty"):
        run_load(LoadOptions(qty=(2, 1)))


@pytest.mark.parametrize("text", ["", "10,x", "0,10", "-1"])
def test_bad_sweeps_are_refused(text: str) -> None:
    with pytest.raises(OptionError, match="--sweep"):
        parse_sweep(text)


def test_a_sweep_and_a_concurrency_are_not_both_accepted() -> None:
    with pytest.raises(OptionError, match="--concurrency"):
        run_reserve(LoadOptions(concurrency=5), "10,100")
