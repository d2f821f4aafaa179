"""What ``vacancy reserve`` is asked to do: its options, as typed and as checked.

Every parser turns one option's text into a value or raises one ``OptionError``
line naming the option and what it expected, so a bad option costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vacancy_cli.model.errors import OptionError
from vacancy_cli.model.strategies import (
    ALL,
    MAX_COUNT,
    NO_SERVERS,
    Servers,
    parse_strategy,
    strategy_name,
)
from vacancy_cli.model.text import shortened

# Limits that keep a typo from exhausting memory, or a store from overflowing.
MAX_REQUESTS = 10_000_000  # plan, lock waits, request timings: up to 26 bytes each
MAX_ALL_AT_ONCE = 1_000_000  # one task per request, about 1 KB each
# Each locked request sleeps this long: a minute is already an hour for 60 requests.
MAX_LATENCY_S = 60.0
MAX_KILL_AFTER_S = 3600.0  # --kill-pod-after: an hour is longer than any load worth running


@dataclass(frozen=True)
class LoadOptions:
    """One load, as ``vacancy reserve`` describes it; ``validate`` says if it can run."""

    stock: int = 1000
    requests: int = 1000
    qty: tuple[int, int] = (1, 1)  # drawn uniformly from low..high with ``seed``
    concurrency: int | None = None  # None: every request at once, as the ADR tested
    strategy: str = "asyncio-lock"  # or "all": one run per strategy (``run_reserve``)
    latency_s: float = 0.0
    reads: float = 0.0  # fraction of requests that are available() reads
    seed: int = 0
    # Benchmarks only: yield to the loop at each checkpoint even with no latency
    # (the contended case without a timer).
    yield_at_checkpoint: bool = False
    cache: bool = True  # False: every read takes the lock (the cache claim's baseline)
    servers: Servers = NO_SERVERS  # where the server strategies find their servers
    manager: str | None = None  # a user's own manager, FILE.py[:Class]: ``strategy`` is its label

    @property
    def workers(self) -> int:
        return min(self.concurrency or self.requests, self.requests)

    def validate(self) -> LoadOptions:
        """Raise OptionError naming the first bad option; return self if all are fine."""
        at_least("--stock", self.stock, 0)
        at_most("--stock", self.stock, MAX_COUNT, "what every store holds exactly")
        at_least("--requests", self.requests, 1)
        at_most("--requests", self.requests, MAX_REQUESTS, "in one run")
        if self.concurrency is not None:
            at_least("--concurrency", self.concurrency, 1)
        elif self.requests > MAX_ALL_AT_ONCE:
            raise OptionError(
                f"--requests {self.requests:,} all at once would start a task for each (about "
                f"1 KB apiece), at most {MAX_ALL_AT_ONCE:,}: give --concurrency, e.g. 10000"
            )
        low, high = self.qty
        if low < 1 or high < low:
            raise OptionError(f"--qty {low}-{high}: expected N or LOW-HIGH with 1 <= LOW <= HIGH")
        at_most("--qty", high, MAX_COUNT, "what every store holds exactly")
        if not 0.0 <= self.reads <= 1.0:
            raise OptionError(f"--reads {self.reads:g}: expected a fraction from 0 to 1")
        if self.latency_s < 0:
            raise OptionError(f"--latency {self.latency_s:g}s: must not be negative")
        if not self.latency_s <= MAX_LATENCY_S:  # also NaN
            raise OptionError(f"--latency {self.latency_s:g}s: at most {MAX_LATENCY_S:g}s")
        at_least("--seed", self.seed, 0)
        if self.strategy != ALL:
            parse_strategy(self.strategy)
        return self


def at_least(option: str, value: int, low: int) -> None:
    if value < low:
        raise OptionError(f"{option} {value}: expected a whole number >= {low}")


def at_most(option: str, value: int, high: int, why: str) -> None:
    if value > high:
        raise OptionError(f"{option} {value}: at most {high:,} ({why})")


# -- parsing what users type -----------------------------------------------------


def parse_count(option: str, text: str, low: int = 0) -> int:
    """A whole number typed for ``option``; one clear line if it is not one."""
    value = text.strip().replace("_", "").replace(",", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,20}", value):  # ASCII digits, few enough for int()
        raise OptionError(f"{option} {shortened(text)!r}: expected a whole number >= {low}")
    number = int(value)
    at_least(option, number, low)
    return number


def parse_qty(text: str) -> tuple[int, int]:
    """``2`` or ``1-3``: a fixed quantity, or a range drawn per request."""
    match = re.fullmatch(r"\s*([0-9]{1,20})\s*(?:-\s*([0-9]{1,20})\s*)?", text)
    if match is None:
        raise OptionError(f"--qty {shortened(text)!r}: expected N or LOW-HIGH, as in 2 or 1-3")
    low = int(match[1])
    high = int(match[2]) if match[2] is not None else low
    if low < 1 or high < low:
        raise OptionError(
            f"--qty {shortened(text)!r}: expected N or LOW-HIGH with 1 <= LOW <= HIGH"
        )
    return low, high


_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6}


def parse_latency(text: str, option: str = "--latency", most: float = MAX_LATENCY_S) -> float:
    """``1ms``, ``0.5ms``, ``250us``, ``2s`` or ``0``, in seconds, at most ``most``.

    A bare number other than 0 is refused: ``--latency 1`` meant as 1 ms would
    otherwise serialize a thousand one-second sleeps behind the lock. So is a
    duration over ``most``: four hundred nines is infinity to a float, and a
    sleep that never ends.
    """
    number = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"  # ASCII digits (float() has no digit limit)
    match = re.fullmatch(rf"\s*({number})\s*(s|ms|us|µs)?\s*", text)
    shown = shortened(text)
    if match is None or (match[2] is None and float(match[1]) != 0):
        raise OptionError(f"{option} {shown!r}: expected a duration such as 1ms, 0.5ms, 2s or 0")
    seconds = float(match[1]) * _UNITS[match[2] or "s"]
    if not seconds <= most:
        raise OptionError(f"{option} {shown!r}: at most {most:g}s")
    return seconds


def parse_reads(text: str) -> float:
    try:
        fraction = float(text)
    except ValueError:
        fraction = -1.0
    if not 0.0 <= fraction <= 1.0:
        raise OptionError(
            f"--reads {shortened(text)!r}: expected a fraction from 0 to 1, as in 0.9"
        )
    return fraction


def parse_sweep(text: str) -> tuple[int, ...]:
    """``10,100,1000``: the concurrency levels of a sweep, in the order given."""
    parts = [part for part in text.replace(" ", "").split(",") if part]
    if not parts or not all(re.fullmatch(r"[0-9]{1,8}", p) and int(p) >= 1 for p in parts):
        raise OptionError(
            f"--sweep {shortened(text)!r}: expected concurrency levels >= 1, as in 10,100,1000"
        )
    return tuple(int(part) for part in parts)


def options_from_text(
    *,
    stock: str = "1000",
    requests: str = "1000",
    qty: str = "1",
    concurrency: str | None = None,
    strategy: str = "asyncio-lock",
    latency: str = "0",
    reads: str = "0",
    seed: str = "0",
    servers: Servers = NO_SERVERS,
    manager: str | None = None,
    manager_label: str | None = None,
) -> LoadOptions:
    """The options as typed on the command line, checked; the first bad one raises.

    With a user's ``manager`` (loaded by the caller, which gives its label), the
    load runs against it, unless the strategy is ``all``: then beside every other.
    """
    if manager_label is not None and strategy.strip() != ALL:
        strategy = manager_label
    return LoadOptions(
        stock=parse_count("--stock", stock),
        requests=parse_count("--requests", requests, 1),
        qty=parse_qty(qty),
        concurrency=None if concurrency is None else parse_count("--concurrency", concurrency, 1),
        strategy=strategy_name(strategy),
        latency_s=parse_latency(latency),
        reads=parse_reads(reads),
        seed=parse_count("--seed", seed),
        servers=servers,
        manager=manager,
    ).validate()
