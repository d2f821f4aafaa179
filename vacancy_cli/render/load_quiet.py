"""``vacancy reserve -q``: one greppable verdict line per load, read off the result values.

A CI log or a script wants the verdict and the figures that back it, not the
tables: each line starts with what ran (``strategy:``, or ``strategy at
concurrency N:``) and uses plain numbers (no thousands commas), so ``grep``
and ``cut`` work on it. The words are the views' (``load.py``), shortened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vacancy_cli.live.result import Comparison, LoadResult, Sweep
from vacancy_cli.render.load import waits_label

if TYPE_CHECKING:
    from vacancy_cli.live.pods import PodsResult
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns


def verdict_lines(
    outcome: LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns,
) -> str:
    """``-q``: one line per load, each starting with what ran (``strategy:``), plain
    numbers (no thousands commas) so a script can cut them out; with ``--runs N`` one
    per strategy or level, of its medians."""
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns

    if isinstance(outcome, Repeated | SweepRuns | ComparisonRuns):
        from vacancy_cli.render.load_runs import repeated_line

        if isinstance(outcome, Repeated):
            return repeated_line(outcome)
        if isinstance(outcome, SweepRuns):
            return "\n".join(
                repeated_line(found, f"{found.strategy} at concurrency {level}")
                for level, found in zip(outcome.levels, outcome.runs, strict=True)
            )
        return "\n".join(repeated_line(found) for found in outcome.runs)
    if isinstance(outcome, Sweep):
        return "\n".join(
            verdict_line(run, f"{run.strategy} at concurrency {level}")
            for level, run in zip(outcome.levels, outcome.runs, strict=True)
        )
    if isinstance(outcome, Comparison):
        return "\n".join(verdict_line(run) for run in outcome.runs)
    return verdict_line(outcome)


def verdict_word(run: LoadResult) -> str:
    """correct; BUG: what broke (a safe strategy failed); or what broke, as expected."""
    if not run.violations:
        return "correct"
    return f"BUG: {run.verdict}" if run.is_bug else f"{run.verdict} (expected: the lesson)"


def verdict_line(run: LoadResult, label: str | None = None) -> str:
    """``asyncio-lock: correct, 1000 granted, 0 lost, 0 oversold, lock wait p95 0.004 ms``."""
    line = (
        f"{label or run.strategy}: {verdict_word(run)}, {run.granted} granted, "
        f"{run.lost_updates} lost, {run.oversold} oversold"
    )
    if run.lock_wait is not None:
        line += f", {waits_label(run).lower()} p95 {run.lock_wait.p95 * 1000:.3f} ms"
    if run.request_latency is not None:
        line += f", request p95 {run.request_latency.p95 * 1000:.3f} ms"
    return line


def pods_line(result: PodsResult) -> str:
    """``-q`` with ``--pods``: the database's account in one line."""
    word = "correct" if not result.violations else result.verdict
    if result.violations:
        word = f"BUG: {word}" if result.is_bug else f"{word} (expected: the lesson)"
    return (
        f"{result.strategy}, {len(result.pods)} pods: {word}, {result.reservations} "
        f"reservations, {result.lost_updates} lost, {result.oversold} oversold"
    )
