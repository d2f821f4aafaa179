"""``--check``: what makes a replay or an exploration fail a CI job, as data.

A lesson's run is allowed to break: ``none`` losing an update is what the
room came to see. So a check never fails on a violation alone. It fails when
a result contradicts what someone claimed:

- the scenario's ``[expect]`` (the file's author said which final stock each
  strategy reaches), or
- the strategy table's ``claims_safety`` (the strategy promises never to lose
  an update or oversell; with several pods only a store shared by the pods and
  guarded by itself keeps that promise: ``Strategy.safe_across_pods``). A user's
  own manager claims it too (``model.strategies.own_strategy``): someone
  checking their design in CI wants a lost update to fail the job.

An exploration cut short by ``--max-states`` proves nothing, so it fails too;
a ``--random`` sample is a sample by choice, so it fails only on what it
found. Each failure is a value (which strategy, why, in words): the command
layer prints it and sets the exit status, and tests read it without a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vacancy_cli.model.result import Exploration, Report, Run, Simulation, ViolationKind
from vacancy_cli.model.strategies import parse_strategy

# What a strategy that claims safety did, as the failure line says it.
_DID = {
    ViolationKind.LOST_UPDATE: "lost an update",
    ViolationKind.OVERSELL: "oversold",
    ViolationKind.NEGATIVE_STOCK: "drove the stock negative",
    ViolationKind.EVENT_LOOP_BLOCKED: "blocked the event loop",
    ViolationKind.DEADLOCK: "deadlocked",
    ViolationKind.EXCEPTION: "raised an exception",
    ViolationKind.STALE_READ: "served a stale read",
}


@dataclass(frozen=True)
class Failure:
    """One reason a check fails: the strategy it is about, and why, in words."""

    strategy: str
    reason: str

    @property
    def line(self) -> str:
        """The failure as one line (the command prints it after ``check failed: ``)."""
        return f"{self.strategy}: {self.reason}"


def claims_safety(strategy: str, pods: int = 1) -> bool:
    """Whether the strategy a run names promises never to lose an update or oversell,
    with ``pods`` copies of the service (the table's word, never a name test here)."""
    row = parse_strategy(strategy)
    return row.safe_across_pods if pods > 1 else row.claims_safety


def did(kinds: Iterable[ViolationKind]) -> str:
    """What broke, as a verb phrase in ``ViolationKind`` order: "lost an update and oversold"."""
    found = set(kinds)
    words = [_DID[kind] for kind in ViolationKind if kind in found]
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


def check_simulation(sim: Simulation) -> list[Failure]:
    """Every way ``simulate``'s runs contradict ``[expect]`` or a claim of safety."""
    failures: list[Failure] = []
    for run in sim.runs:
        if run.meets_expectation is False:
            failures.append(
                Failure(
                    run.strategy,
                    f"final stock {run.final_stock}, [expect] says {run.expected_final_stock}",
                )
            )
        if run.violations and claims_safety(run.strategy, run.pods):
            kinds = (v.kind for v in run.violations)
            failures.append(
                Failure(
                    run.strategy,
                    f"claims safety but {did(kinds)} (schedule {_schedule(run)})",
                )
            )
    return failures


def _schedule(run: Run) -> str:
    """The steps the run really took, which ``--schedule`` replays (the leftovers that
    ``finish`` ran in scenario order included)."""
    return " ".join(step.request for step in run.steps) or "(no steps)"


def check_report(
    report: Report, expect: Mapping[str, int] | None = None, pods: int = 1
) -> list[Failure]:
    """Every way ``explore``'s explorations fail a check.

    ``expect``: the scenario's ``[expect]``, when the exploration is of the file's
    own scenario (another pod count changes every final stock); ``pods``: the
    pods the exploration ran with, which decide what a strategy claims.
    """
    failures: list[Failure] = []
    for exp in report.explorations:
        failures += _check_exploration(exp, report.scenario, expect or {}, pods)
    return failures


def _check_exploration(
    exp: Exploration, scenario: str, expect: Mapping[str, int], pods: int
) -> list[Failure]:
    failures = []
    exhaustive = exp.mode == "exhaustive"
    what = "interleavings" if exhaustive else "sampled schedules"
    if exp.violating and claims_safety(exp.strategy, pods):
        first = exp.violating[0]
        kinds = {k for o in exp.violating for k in o.violations}
        replay = " ".join(["vacancy simulate", scenario, exp.replay_with]).strip()
        failures.append(
            Failure(
                exp.strategy,
                f"claims safety but {did(kinds)} in {exp.violating_schedules:,} of "
                f"{exp.schedules:,} {what}; replay: {replay} --schedule "
                f'"{first.bare}"',
            )
        )
    if exhaustive and not exp.complete:
        failures.append(
            Failure(
                exp.strategy,
                f"exploration incomplete: stopped after {exp.states:,} states "
                f"(--max-states {exp.max_states or 0:,}), so it proves nothing; raise "
                "--max-states or use fewer requests",
            )
        )
    wanted = expect.get(exp.strategy)
    reached = sorted({o.final_stock for o in exp.outcomes})
    if wanted is not None and exp.complete and wanted not in reached:
        failures.append(
            Failure(
                exp.strategy,
                f"[expect] says final stock {wanted}, but no interleaving ends there "
                f"(reachable: {', '.join(map(str, reached)) or 'none'})",
            )
        )
    return failures
