"""A load's requests, drawn up front with the seed: which read, how many tickets each.

Drawn before the event loop starts (``load.run_load``), where a Ctrl-C stops ten
million draws at once, and the same for every run of ``--runs``, every level
of a sweep and every strategy of a comparison: the same seed, the same load.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass

from vacancy_cli.live.options import LoadOptions

# Requests between progress reports (powers of two, for a mask): with latency a
# request takes milliseconds, so report more often.
PROGRESS_EVERY = 1024
PROGRESS_EVERY_SLOW = 64


@dataclass(frozen=True)
class Plan:
    """Which requests read and how many tickets each reserves, drawn up front with the seed."""

    requests: int
    reads: bytes | None  # 1 marks an available() read; None: no reads at all
    qtys: array[int] | None  # per request; None: every request reserves ``qty``
    qty: int
    report_every: int

    @property
    def reserves(self) -> int:
        return self.requests - (sum(self.reads) if self.reads is not None else 0)

    @property
    def demand(self) -> int:
        """Tickets asked for by all the reserve requests together."""
        reads, qtys = self.reads, self.qtys
        if qtys is None:
            return self.qty * self.reserves
        if reads is None:
            return sum(qtys)
        return sum(qty for qty, read in zip(qtys, reads, strict=True) if not read)


def draw_plan(options: LoadOptions) -> Plan:
    rng = random.Random(options.seed)
    low, high = options.qty
    count = options.requests
    reads = None
    if options.reads > 0:
        reads = bytes(rng.random() < options.reads for _ in range(count))
    qtys = None
    if high > low:
        qtys = array("l", (rng.randint(low, high) for _ in range(count)))
    slow = options.latency_s > 0
    return Plan(count, reads, qtys, low, PROGRESS_EVERY_SLOW if slow else PROGRESS_EVERY)
