"""``vacancy reserve --export FILE.csv``: every raw sample, one row each.

The statistics a load reports are only as good as the samples behind them, so
a perf engineer can recompute them (or plot them) from this file:

- one ``reserve`` or ``read`` row per request, in request order: its run (from
  1, for ``--runs``; a sweep's or a comparison's count again for each level or
  strategy), the strategy and concurrency (columns, so a sweep and
  ``--strategy all`` fit one file), its index (from 0), the tickets it asked
  for, whether it was granted, and its end-to-end latency in ms (empty for a
  request that never finished: the event loop froze);
- one ``lock-wait`` row per lock acquisition, with its wait in ms. Waits are
  not attributed to requests: that would cost every acquisition a lookup in
  the hot path. The timed waits come first, in the order they ended, then the
  acquisitions that could not block (a wait of exactly 0, never timed).

Written whole (``app/files.py``): Ctrl-C or a full disk leaves no half file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vacancy_cli.app.files import write_whole

if TYPE_CHECKING:
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
    from vacancy_cli.live.result import Comparison, LoadResult, Sweep

    Outcome = LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns

HEADER = "run,strategy,concurrency,kind,request,qty,granted,latency_ms,lock_wait_ms"
KINDS = ("reserve", "read", "lock-wait")


def write_samples(found: Outcome, path: Path) -> None:
    """Every sample of every load ``found`` holds, as CSV, written whole to ``path``."""
    write_whole(path, "".join(f"{line}\n" for line in lines(found)))


def lines(found: Outcome) -> Iterator[str]:
    """The header, then each load's rows (a run number per repetition)."""
    yield HEADER
    for number, result in numbered(found):
        yield from _rows(result, number)


def numbered(found: Outcome) -> Iterator[tuple[int, LoadResult]]:
    """Every load ``found`` holds, in order, each with its run number (from 1 for each
    strategy or level: 1 when it ran once)."""
    from vacancy_cli.live.repeated import Repeated
    from vacancy_cli.live.result import LoadResult

    entries = (found,) if isinstance(found, LoadResult | Repeated) else found.runs
    for entry in entries:
        if isinstance(entry, Repeated):
            yield from enumerate(entry.runs, 1)
        else:
            yield 1, entry


def _rows(result: LoadResult, run: int) -> Iterator[str]:
    samples = result.samples
    if samples is None:
        return
    strategy = _cell(result.strategy)
    head = f"{run},{strategy},{result.options.workers}"
    reads, qtys, qty = samples.reads, samples.qtys, samples.qty
    for index, seconds in enumerate(samples.latency):
        latency = "" if math.isnan(seconds) else repr(seconds * 1000)
        if reads is not None and reads[index]:
            yield f"{head},read,{index},,,{latency},"
            continue
        asked = qtys[index] if qtys is not None else qty
        granted = "" if not latency else str(samples.granted[index])
        yield f"{head},reserve,{index},{asked},{granted},{latency},"
    for wait in samples.waits:
        yield f"{head},lock-wait,,,,,{wait * 1000!r}"
    zero = f"{head},lock-wait,,,,,0.0"
    for _ in range(samples.zeros):
        yield zero


def _cell(text: str) -> str:
    """A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180)."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
