"""Invariants on a finished run, and the name of each one that broke.

The checker reads only the trace and the request results, never the strategy,
so it judges every variant by the same rules:

- conservation: initial stock = final stock + tickets granted;
- no oversell: never more tickets granted than existed;
- never negative: the stock never drops below zero;
- no stale read: the cache never serves a value that is no longer the stock
  (``trace.stale_read``, the rule ``play``'s goals count too).

A broken conservation is explained as lost updates: each write whose basis
(the value its request read) was no longer the stock when it wrote. Its
violation names the stale read and the overwriting write.
"""

from __future__ import annotations

from vacancy_cli.model.result import Violation, ViolationKind
from vacancy_cli.model.trace import (
    ACQUIRES,
    BLOCKS_LOOP,
    CACHE_HIT,
    CACHES,
    READ,
    RELEASES,
    WRITE,
    RequestResult,
    Step,
    stale_read,
)

LOST, OVERSELL = ViolationKind.LOST_UPDATE, ViolationKind.OVERSELL
NEGATIVE, BLOCKED = ViolationKind.NEGATIVE_STOCK, ViolationKind.EVENT_LOOP_BLOCKED
STALE = ViolationKind.STALE_READ


def check(
    initial: int,
    steps: tuple[Step, ...],
    requests: tuple[RequestResult, ...],
    final: int | None = None,
    per_pod: bool = False,
) -> tuple[Violation, ...]:
    """Every violation in a replayed run, each tied to the steps that caused it.

    ``per_pod``: every pod kept its own copy of the stock, so a write is judged
    against its own pod's copy (and ``final`` is the real stock left).
    """
    final = final if final is not None else (steps[-1].stock if steps else initial)
    granted = sum(r.qty for r in requests if r.granted)
    lost = _lost_updates(initial, steps, per_pod)
    oversold = _oversell(initial, steps, requests)
    totals = check_totals(initial, final, granted)
    if not lost:
        lost = [v for v in totals if v.kind is LOST]
    if not oversold:
        oversold = [v for v in totals if v.kind is OVERSELL]
    return tuple(lost + oversold + _negative(steps) + _blocked_loop(steps) + stale_reads(steps))


def lost_tickets(initial: int, final: int, granted: int) -> int:
    """The conservation gap: tickets sold yet still counted as available."""
    return final + granted - initial


def check_totals(
    initial: int,
    final: int,
    granted: int,
    *,
    per_pod: bool = False,
    frozen: tuple[int, int] | None = None,
) -> tuple[Violation, ...]:
    """The invariants that need only totals: what a live load run and the explorer check.

    ``per_pod``: every pod kept its own copy, so ``final`` is the real stock and
    a negative one is the oversell, not a separate break. ``frozen``: the run
    stopped on a blocked event loop after (finished, of all) requests.
    """
    found: list[Violation] = []
    gap = lost_tickets(initial, final, granted)
    if gap:
        found.append(
            Violation(
                LOST,
                (),
                f"stock not conserved: {initial} at the start, {granted} granted, "
                f"{final} left ({gap:+d} tickets unaccounted for)",
            )
        )
    if granted > initial:
        found.append(
            Violation(
                OVERSELL,
                (),
                f"oversold: {granted} tickets granted but only {initial} existed",
            )
        )
    if final < 0 and not per_pod:
        found.append(Violation(NEGATIVE, (), f"negative stock: {final} at the end"))
    if frozen is not None:
        found.append(_frozen(*frozen))
    return tuple(found)


def _frozen(finished: int, requests: int) -> Violation:
    return Violation(
        BLOCKED,
        (),
        f"event loop blocked after {finished:,} of {requests:,} requests: one called "
        "threading.Lock.acquire() while another held the lock across an await; the holder "
        "could only release it when the loop runs again, so a service would hang here "
        "(the run stopped instead)",
    )


def _lost_updates(initial: int, steps: tuple[Step, ...], per_pod: bool) -> list[Violation]:
    found: list[Violation] = []
    stocks: dict[int, int] = {}  # the last stock of each store: one, or one per pod
    last_read: dict[str, Step] = {}
    writes: dict[int, list[Step]] = {}
    for step in steps:
        store = step.pod if per_pod else 0
        write = step.event(WRITE)
        if write is not None and write.seen != stocks.get(store, initial):
            read = last_read.get(step.request)
            found.append(_lost_update(step, write.seen, read, writes.get(store, [])))
        if step.has(READ):
            last_read[step.request] = step
        if write is not None:
            writes.setdefault(store, []).append(step)
        stocks[store] = step.stock
    return found


def _lost_update(step: Step, basis: int | None, read: Step | None, writes: list[Step]) -> Violation:
    since = read.t if read else 0
    overwritten = [w for w in writes if w.t > since and w.request != step.request]
    who = ", ".join(f"{w.request}'s write at t{w.t}" for w in overwritten) or "another write"
    wrote = step.event(WRITE)
    new = wrote.value if wrote else step.stock
    read_at = f" at t{read.t}" if read else ""
    message = (
        f"lost update: {step.request} read {basis}{read_at}, then wrote {new} at t{step.t}, "
        f"overwriting {who}"
    )
    return Violation(LOST, ((read.t,) if read else ()) + (step.t,), message)


def _oversell(
    initial: int, steps: tuple[Step, ...], requests: tuple[RequestResult, ...]
) -> list[Violation]:
    qty = {r.id: r.qty for r in requests}
    sold = 0
    for step in steps:
        if step.has(WRITE):
            sold += qty[step.request]
            if sold > initial:
                total = sum(r.qty for r in requests if r.granted)
                return [
                    Violation(
                        OVERSELL,
                        (step.t,),
                        f"oversold: {total} tickets granted but only {initial} existed; "
                        f"{step.request}'s grant at t{step.t} took the count past the stock",
                    )
                ]
    return []


def _blocked_loop(steps: tuple[Step, ...]) -> list[Violation]:
    """A request that tried a held threading.Lock: name the holder's step and its own."""
    blocking = next((s for s in steps if s.has(BLOCKS_LOOP)), None)
    if blocking is None:
        return []
    holders: dict[str, Step] = {}
    for step in steps[: blocking.t - 1]:
        if step.has(ACQUIRES):
            holders[step.request] = step
        if step.has(RELEASES):
            holders.pop(step.request, None)
    holder = next(iter(holders.values()), None)
    held = f" that {holder.request} took at t{holder.t} and holds across an await" if holder else ""
    return [
        Violation(
            BLOCKED,
            ((holder.t,) if holder else ()) + (blocking.t,),
            f"event loop blocked at t{blocking.t}: {blocking.request} called "
            f"threading.Lock.acquire() on the lock{held}; the holder can only release it "
            "when the loop runs again, and the loop is stuck in that call: nothing can ever run",
        )
    ]


def _negative(steps: tuple[Step, ...]) -> list[Violation]:
    for step in steps:
        if step.stock < 0:
            return [
                Violation(
                    NEGATIVE,
                    (step.t,),
                    f"negative stock: {step.stock} after t{step.t}",
                )
            ]
    return []


def stale_reads(steps: tuple[Step, ...]) -> list[Violation]:
    """Each cache hit that served a value no longer the stock, with the step that
    filled that pod's cache (if the trace has it) and the hit itself."""
    found: list[Violation] = []
    for step in steps:
        if not stale_read(step):
            continue
        hit = step.event(CACHE_HIT)
        assert hit is not None
        fill = next(
            (s for s in reversed(steps) if s.t < step.t and s.pod == step.pod and s.has(CACHES)),
            None,
        )
        filled = f" (cached by {fill.request} at t{fill.t})" if fill is not None else ""
        found.append(
            Violation(
                STALE,
                ((fill.t,) if fill is not None else ()) + (step.t,),
                f"stale read: {step.request} was told {hit.seen} from the cache at t{step.t}"
                f"{filled}, but the stock was {step.stock}",
            )
        )
    return found
