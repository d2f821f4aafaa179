"""``vacancy reserve --export FILE.csv``: every raw sample, one row each.

The statistics a load reports are only as good as the samples behind them, so
a perf engineer can recompute them (or plot them) from this file:

- one ``reserve`` or ``read`` row per request, in request order: its run (from
  1, for ``--runs``), the strategy and concurrency (columns, so a sweep and
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
    from vacancy_cli.live.repeated import Repeated
    from vacancy_cli.live.result import Comparison, LoadResult, Sweep

HEADER = "run,strategy,concurrency,kind,request,qty,granted,latency_ms,lock_wait_ms"
KINDS = ("reserve", "read", "lock-wait")


def write_samples(found: LoadResult | Sweep | Comparison | Repeated, path: Path) -> None:
    """Every sample of every load ``found`` holds, as CSV, written whole to ``path``."""
    write_whole(path, "".join(f"{line}\n" for line in lines(found)))


def lines(found: LoadResult | Sweep | Comparison | Repeated) -> Iterator[str]:
    """The header, then each load's rows (a run number per repetition)."""
    from vacancy_cli.live.repeated import Repeated
    from vacancy_cli.live.result import LoadResult

    yield HEADER
    loads = (found,) if isinstance(found, LoadResult) else found.runs
    for number, result in enumerate(loads, 1):
        yield from _rows(result, number if isinstance(found, Repeated) else 1)


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
