"""How a finished scheduler becomes a result: a checked ``Run``, or an ``Outcome``.

The one place a run is finished and judged, for every caller: ``simulate``'s
replays and ``play``'s last move (a ``Run``, checked step by step), and the
explorer's leaves (the totals an ``Outcome`` keeps).
"""

from __future__ import annotations

from vacancy_cli.engine.checker import check, check_totals
from vacancy_cli.engine.stepper import Stepper
from vacancy_cli.model import trace
from vacancy_cli.model.result import Outcome, Run, ViolationKind
from vacancy_cli.model.trace import stale_read


def finish_run(scheduler: Stepper, expected_final_stock: int | None = None) -> Run:
    """The checked run of a scheduler whose requests have all finished (or frozen)."""
    steps = tuple(scheduler.steps)
    results = scheduler.results()
    final = scheduler.final_stock
    return Run(
        strategy=scheduler.strategy.name,
        initial_stock=scheduler.initial_stock,
        final_stock=final,
        expected_final_stock=expected_final_stock,
        requests=results,
        steps=steps,
        violations=check(
            scheduler.initial_stock, steps, results, final, per_pod=not scheduler.shared_store
        )
        + scheduler.faults(),
        audit_log=tuple(entry for m in scheduler.managers for entry in _log(m)),
        pods=len(scheduler.managers),
    )


def end_of(scheduler: Stepper) -> tuple[int, tuple[str, ...], tuple[ViolationKind, ...]]:
    """Final stock, granted ids and broken invariants of a finished scheduler: what
    tells its outcome from another, judged on totals (the search's leaves), and on
    whether the cache served a stale value on the way: a property of the path, which
    the state carries too (``StockManager.store_state``), so merged states agree."""
    results = scheduler.results()
    granted = tuple(r.id for r in results if r.granted)
    tickets = sum(r.qty for r in results if r.granted)
    frozen = (sum(r.granted is not None for r in results), len(results))
    violations = check_totals(
        scheduler.initial_stock,
        scheduler.final_stock,
        tickets,
        per_pod=not scheduler.shared_store,
        frozen=frozen if scheduler.frozen else None,
    )
    kinds = tuple(v.kind for v in violations + scheduler.faults())
    if ViolationKind.LOST_UPDATE not in kinds and _a_pod_lost_one(scheduler, results):
        kinds = (ViolationKind.LOST_UPDATE, *kinds)
    if any(stale_read(step) for step in scheduler.steps):
        kinds += (ViolationKind.STALE_READ,)
    return scheduler.final_stock, granted, kinds


def _a_pod_lost_one(scheduler: Stepper, results: tuple[trace.RequestResult, ...]) -> bool:
    """With a copy of the stock per pod, the totals cannot show a lost update inside
    one pod (the final stock is computed from the grants): each copy must equal the
    start less what its own pod granted."""
    if scheduler.shared_store:
        return False
    sold = [0] * len(scheduler.managers)
    for result in results:
        if result.granted:
            sold[scheduler.pod_of(result.id)] += result.qty
    copies = scheduler.pod_stocks()
    return any(copy != scheduler.initial_stock - n for copy, n in zip(copies, sold, strict=True))


def outcome_of(
    scheduler: Stepper, schedules: int, witness: tuple[str, ...], actions: tuple[str, ...]
) -> Outcome:
    final, granted, kinds = end_of(scheduler)
    return Outcome(final, granted, schedules, kinds, witness, actions)


def _log(manager: object) -> tuple[str, ...]:
    """A built-in manager's audit log; a user's manager keeps none we can read."""
    audit_log = getattr(manager, "audit_log", None)
    return tuple(audit_log()) if callable(audit_log) else ()
