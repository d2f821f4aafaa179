"""Every ``--json`` document vacancy prints, built in one place.

Each document carries ``schema_version`` (bumped when a key changes meaning or
goes away) and ``kind`` (which shape it is, and which schema in
``vacancy_cli/schemas/`` describes it). Every float is rounded by one rule,
``ROUND_TO`` decimal places, applied to the whole document as it is finished,
so no builder can forget it. Durations are in milliseconds (``_ms``) unless a
key says ``_s``.

The terminal views read the same result values, so the two cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vacancy_cli.model.trace import Event, Step, schedule_text

# Types only: each command loads the results it builds documents from, and no
# more (start-up is measured: `reserve --json` need not load the explorer).
if TYPE_CHECKING:
    from vacancy_cli.live.pods import PodsResult
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
    from vacancy_cli.live.result import Comparison, LoadResult, Sweep
    from vacancy_cli.live.stats import Spread, Stats
    from vacancy_cli.model.result import (
        Exploration,
        Outcome,
        Report,
        Run,
        Simulation,
        Violation,
    )
    from vacancy_cli.model.scenario import Scenario

SCHEMA_VERSION = 1
ROUND_TO = 6  # decimal places for every float in every document
# Each kind, and the schema file (vacancy_cli/schemas/<file>.schema.json) it follows.
KINDS = {
    "simulate": "simulate",
    "explore": "explore",
    "scenarios": "scenarios",
    "reserve.load": "reserve",
    "reserve.sweep": "reserve",
    "reserve.comparison": "reserve",
    "reserve.runs": "reserve",
    "reserve.pods": "reserve",
    "play": "play",
}
Document = dict[str, Any]


def document(kind: str, body: Document) -> Document:
    """``body`` as a finished document: its version and kind first, floats rounded."""
    assert kind in KINDS, kind
    rounded: Document = _rounded({"schema_version": SCHEMA_VERSION, "kind": kind, **body})
    return rounded


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, ROUND_TO)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def violation(found: Violation) -> Document:
    return {"kind": str(found.kind), "steps": list(found.steps), "message": found.message}


# -- simulate -------------------------------------------------------------------------


def simulation(sim: Simulation) -> Document:
    return document(
        "simulate",
        {
            "scenario": sim.scenario,
            "title": sim.title,
            "stock": sim.stock,
            "schedule": schedule_text(sim.schedule),
            "runs": [run(r) for r in sim.runs],
        },
    )


def run(checked: Run) -> Document:
    return {
        "strategy": checked.strategy,
        "initial_stock": checked.initial_stock,
        "pods": checked.pods,
        "final_stock": checked.final_stock,
        "expected_final_stock": checked.expected_final_stock,
        "meets_expectation": checked.meets_expectation,
        "granted_tickets": checked.granted_tickets,
        "verdict": checked.verdict,
        "stale_reads": list(checked.stale_reads),
        "requests": [
            {"id": r.id, "op": r.op, "qty": r.qty, "granted": r.granted, "returned": r.returned}
            for r in checked.requests
        ],
        "steps": [step(s) for s in checked.steps],
        "violations": [violation(v) for v in checked.violations],
        "audit_log": list(checked.audit_log),
    }


def step(taken: Step) -> Document:
    """One step of a run, as every document (and the classroom server's views) shows it."""
    return {
        "t": taken.t,
        "request": taken.request,
        "action": taken.action,
        "seen": taken.seen,
        "stock": taken.stock,
        "pod": taken.pod + 1,
        "events": [_event(e) for e in taken.events],
    }


def _event(event: Event) -> Document:
    return {"action": event.action, "seen": event.seen, "value": event.value, "name": event.name}


# -- explore --------------------------------------------------------------------------


def exploration_report(report: Report) -> Document:
    """One exploration per strategy, under ``explorations``: nothing repeated at the top."""
    return document(
        "explore",
        {
            "scenario": report.scenario,
            "title": report.title,
            "explorations": [exploration(e) for e in report.explorations],
        },
    )


def exploration(found: Exploration) -> Document:
    return {
        "strategy": found.strategy,
        "mode": found.mode,
        "naive_interleavings": found.naive_interleavings,
        "states": found.states,
        "complete": found.complete,
        "runs": found.runs,
        "schedules": found.schedules,
        "violating_schedules": found.violating_schedules,
        "merged": found.merged,
        "outcomes": [outcome(o) for o in found.outcomes],
    }


def outcome(found: Outcome) -> Document:
    return {
        "final_stock": found.final_stock,
        "granted": list(found.granted),
        "schedules": found.schedules,
        "violations": [str(kind) for kind in found.violations],
        "verdict": found.verdict,
        "witness": found.bare,
        "witness_annotated": found.annotated,
    }


# -- scenarios ------------------------------------------------------------------------


def catalogue(scenarios: list[Scenario]) -> Document:
    return document("scenarios", {"scenarios": [_summary(s) for s in scenarios]})


def _summary(scenario: Scenario) -> Document:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "stock": scenario.stock,
        "strategies": list(scenario.strategies),
        "requests": len(scenario.requests),
        "challenge": scenario.goal.text if scenario.goal else None,
    }


# -- reserve --------------------------------------------------------------------------


def reserve(
    found: LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns,
) -> Document:
    """The document of whatever ``vacancy reserve`` ran in one process: one load,
    a sweep, a comparison, or one load repeated (``pods`` for ``--pods``).

    A sweep or a comparison with ``--runs N`` keeps its kind and shape, each entry
    of ``runs`` a whole ``reserve.runs`` document (that strategy's or level's
    medians, spread and runs) where it would be one load's figures.
    """
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
    from vacancy_cli.live.result import Comparison, Sweep

    if isinstance(found, Repeated):
        return repeated(found)
    if isinstance(found, Sweep | SweepRuns):
        return document(
            "reserve.sweep",
            {
                "levels": list(found.levels),
                "bug": found.is_bug,
                "runs": [_entry(r) for r in found.runs],
            },
        )
    if isinstance(found, Comparison | ComparisonRuns):
        return document(
            "reserve.comparison",
            {
                "strategies": [r.strategy for r in found.runs],
                "bug": found.is_bug,
                "runs": [_entry(r) for r in found.runs],
            },
        )
    return document("reserve.load", load(found))


def _entry(found: LoadResult | Repeated) -> Document:
    """One strategy's or level's entry of a comparison or a sweep."""
    from vacancy_cli.live.repeated import Repeated

    return repeated(found) if isinstance(found, Repeated) else load(found)


def load(result: LoadResult) -> Document:
    """One load's figures (not yet a document: a sweep and a comparison hold several)."""
    from vacancy_cli.live.result import adr_claims

    options = result.options
    wait = result.lock_wait
    low, high = options.qty
    return {
        "strategy": result.strategy,
        "claims_safety": result.claims_safety,
        "stock": options.stock,
        "requests": result.requests,
        "qty": str(low) if low == high else f"{low}-{high}",
        "concurrency": options.workers,
        "latency_ms": _ms(options.latency_s),
        "reads": result.reads,
        "seed": options.seed,
        "granted": result.granted,
        "granted_tickets": result.granted_tickets,
        "rejected": result.rejected,
        "final_stock": result.final_stock,
        "oversold": result.oversold,
        "lost_updates": result.lost_updates,
        "success_rate": result.success_rate,
        "verdict": result.verdict,
        "bug": result.is_bug,
        "violations": [violation(v) for v in result.violations],
        "lock_acquisitions": result.lock_acquisitions,
        "cache_hits": result.cache_hits,
        "cache_oldest_ms": result.cache_oldest_ms,
        "cache_saving": result.cache_saving,
        "lock_wait_ms": _stats_ms(wait),
        "request_latency_ms": _stats_ms(result.request_latency),
        "read_latency_ms": _stats_ms(result.read_latency),
        "histogram": [
            {"low_ms": _ms(b.low), "high_ms": _ms(b.high), "count": b.count}
            for b in result.histogram
        ],
        "adr_claims": [
            {"claim": c.text, "measured": c.measured, "held": c.held} for c in adr_claims(result)
        ],
        "elapsed_s": result.elapsed_s,
        "throughput_rps": result.throughput_rps,
    }


def _stats_ms(found: Stats | None) -> Document:
    """A sample's statistics in ms, every key present (all null for an empty sample)."""
    from vacancy_cli.live.repeated import STATS_KEYS

    if found is None:
        return dict.fromkeys(("count", *STATS_KEYS))
    return {"count": found.count, **{key: _ms(getattr(found, key)) for key in STATS_KEYS}}


def repeated(found: Repeated) -> Document:
    """``--runs N``: each run's figures, and per figure the median and the spread.

    ``median`` and ``spread`` are nested as a ``reserve.load`` document is, so
    ``median.lock_wait_ms.p95`` is the median of the runs' ``lock_wait_ms.p95``.
    """
    medians: Document = {}
    spreads: Document = {}
    for name, found_spread in found.summary().items():
        _put(medians, name, None if found_spread is None else found_spread.median)
        _put(spreads, name, _spread(found_spread))
    return document(
        "reserve.runs",
        {
            "strategy": found.first.strategy,
            "repetitions": len(found.runs),
            "bug": found.is_bug,
            "violating_runs": list(found.violating),
            "median": medians,
            "spread": spreads,
            "runs": [load(r) for r in found.runs],
        },
    )


def _spread(found: Spread | None) -> Document | None:
    if found is None:
        return None
    return {"mean": found.mean, "stddev": found.stddev, "min": found.min, "max": found.max}


def _put(into: Document, dotted: str, value: Any) -> None:
    """``into["a"]["b"] = value`` for the name ``a.b``."""
    *parents, last = dotted.split(".")
    for key in parents:
        into = into.setdefault(key, {})
    into[last] = value


def pods(result: PodsResult) -> Document:
    return document("reserve.pods", _pods(result))


def _pods(result: PodsResult) -> Document:
    return {
        "strategy": result.strategy,
        "claims_safety": result.claims_safety,
        "stock": result.stock,
        "requests": result.requests,
        "latency_ms": _ms(result.latency_s),
        "pods": [
            {
                "pod": p.number,
                "pid": p.pid,
                "requests": p.requests,
                "killed": p.killed,
                "finished": p.finished,
                "granted": p.granted,
                "rejected": p.rejected,
            }
            for p in result.pods
        ],
        "final_stock": result.final_stock,
        "reservations": result.reservations,
        "granted_tickets": result.granted_tickets,
        "lost_updates": result.lost_updates,
        "oversold": result.oversold,
        "verdict": result.verdict,
        "elapsed_s": result.elapsed_s,
        "bug": result.is_bug,
        "violations": [violation(v) for v in result.violations],
    }
