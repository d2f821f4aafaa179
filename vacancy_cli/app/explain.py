"""Plain-language explanations, read off a run's trace.

Nothing here is written per scenario: every sentence is assembled from the
steps, so a scenario a facilitator wrote yesterday is explained as well as the
bundled ones. One function per kind of event worth a sentence.
"""

from __future__ import annotations

from vacancy_cli.model import trace
from vacancy_cli.model.result import Run, Violation, ViolationKind
from vacancy_cli.model.strategies import PERMIT, parse_strategy
from vacancy_cli.model.trace import Step


def explain(run: Run) -> tuple[str, ...]:
    """Sentences for a finished run: what went wrong first, then what is worth seeing."""
    kinds = ViolationKind
    sentences = [_lost_update(run, v) for v in run.violations if v.kind is kinds.LOST_UPDATE]
    sentences += [_oversell(run) for v in run.violations if v.kind is kinds.OVERSELL]
    sentences += [
        v.message
        for v in run.violations
        if v.kind
        in (kinds.NEGATIVE_STOCK, kinds.EVENT_LOOP_BLOCKED, kinds.DEADLOCK, kinds.EXCEPTION)
    ]
    sentences += [
        _stale_read(run, v.steps[-1]) for v in run.violations if v.kind is kinds.STALE_READ
    ]
    sentences += _waits(run)
    sentences += _rejections(run)
    sentences.append(_balance(run))
    return tuple(s for s in sentences if s)


def _step(run: Run, t: int) -> Step:
    return run.steps[t - 1]


def _writes_between(run: Run, after: int, before: int, other_than: str) -> list[Step]:
    return [
        s for s in run.steps[after : before - 1] if s.has(trace.WRITE) and s.request != other_than
    ]


def _names(ids: list[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _lost_update(run: Run, violation: Violation) -> str:
    if len(violation.steps) != 2:
        return violation.message
    read_t, write_t = violation.steps
    writer = _step(run, write_t)
    wrote = writer.event(trace.WRITE)
    if wrote is None:
        return violation.message
    lost = _writes_between(run, read_t, write_t, writer.request)
    if not lost:
        return violation.message
    first = lost[0]
    victims = list(dict.fromkeys(s.request for s in lost))
    possessive = _names([f"{v}'s" for v in victims])
    sale = "sale" if len(victims) == 1 else "sales"
    return (
        f"{writer.request} read {wrote.seen} at t{read_t}, before {first.request}'s write "
        f"at t{first.t}; {writer.request}'s write at t{write_t} was computed from that stale "
        f"value and overwrote {possessive}: {possessive} {sale} vanished."
    )


def _oversell(run: Run) -> str:
    granted = [r for r in run.requests if r.granted]
    reads = []
    for result in granted:
        step = next((s for s in run.steps if s.request == result.id and s.has(trace.READ)), None)
        if step is not None:
            reads.append(f"{result.id} read {step.seen} at t{step.t} and took {result.qty}")
    return (
        f"Oversold: {run.granted_tickets} tickets granted from {run.initial_stock}. "
        f"{'; '.join(reads)}: each saw enough stock, but they saw the same tickets."
    )


def _stale_read(run: Run, t: int) -> str:
    hit = _step(run, t)
    event = hit.event(trace.CACHE_HIT)
    assert event is not None
    fill = next((s for s in reversed(run.steps[: t - 1]) if s.has(trace.CACHES)), None)
    changed = next((s for s in reversed(run.steps[: t - 1]) if s.has(trace.WRITE)), None)
    sentence = (
        f"{hit.request} was told {event.seen} from the cache at t{t}, but the stock was {hit.stock}"
    )
    if changed is not None:
        sentence += f" after {changed.request}'s write at t{changed.t}"
    if fill is not None:
        read = next(
            (
                s
                for s in reversed(run.steps[: fill.t - 1])
                if s.request == fill.request and s.has(trace.READ)
            ),
            None,
        )
        read_at = f" it read at t{read.t}" if read is not None else ""
        sentence += f": {fill.request} cached the value{read_at} only at t{fill.t}"
        if changed is not None and read is not None and read.t < changed.t < fill.t:
            sentence += ", after that write had already cleared the cache"
    return sentence + (
        ". The cache serves it for up to 1 s: a page showed a stock that was no longer true."
    )


def _waits(run: Run) -> list[str]:
    strategy = parse_strategy(run.strategy)
    taken = strategy.guard_taken
    it = strategy.guard_noun if strategy.guard == PERMIT else "it"
    sentences = []
    for step in run.steps:
        if not step.has(trace.WAITS):
            continue
        got = next(  # its next step that moves: it has the lock (or the permit) then
            (
                s
                for s in run.steps[step.t :]
                if s.request == step.request and s.action not in (trace.BLOCKED, trace.FROZEN)
            ),
            None,
        )
        released = (
            next((s for s in reversed(run.steps[: got.t - 1]) if s.has(trace.RELEASES)), None)
            if got is not None
            else None
        )
        blocked = sum(
            1
            for s in run.steps[step.t : got.t - 1 if got else len(run.steps)]
            if s.request == step.request and s.action == trace.BLOCKED
        )
        if got is None:
            sentences.append(f"{step.request} found {taken} at t{step.t} and never got {it}.")
            continue
        holder = f" after {released.request} released {it} at t{released.t}" if released else ""
        offers = "a step" if blocked == 1 else f"{blocked} steps"
        offered = f"; it was offered {offers} meanwhile but could not move" if blocked else ""
        sentences.append(
            f"{step.request} found {taken} at t{step.t} and got {it} at t{got.t}{holder}{offered}."
        )
    return sentences


def _rejections(run: Run) -> list[str]:
    sentences = []
    qty = {r.id: r.qty for r in run.requests}
    for step in run.steps:
        rejected = step.event(trace.REJECTED)
        if rejected is not None:
            sentences.append(
                f"{step.request} saw {rejected.seen} at t{step.t} and was rejected: "
                f"it needed {qty[step.request]}."
            )
    return sentences


def _balance(run: Run) -> str:
    left, granted, start = run.final_stock, run.granted_tickets, run.initial_stock
    if left + granted == start:
        return f"Conserved: {start} at the start = {left} left + {granted} granted."
    extra = left + granted - start
    tickets = "1 ticket" if extra == 1 else f"{extra} tickets"
    return (
        f"Not conserved: {start} at the start, but {left} left + {granted} granted = "
        f"{left + granted}: {tickets} sold and still counted as available."
    )
