"""The ``reserve`` command: the ADR's load test, run for real (one load, a sweep, a
comparison of every strategy, any of these repeated with ``--runs``, or pods).

``--export FILE.csv`` is this command's alone (every raw sample, one row each):
it is told apart here, before ``common.export_path`` (which knows only the
views' formats) would refuse it, and its folder gets the same checks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from vacancy_cli.cli import streams
from vacancy_cli.cli.common import (
    JsonOpt,
    ManagerOpt,
    PostgresOpt,
    QuietOpt,
    RedisOpt,
    _export_problem,
    call,
    emit,
    export_path,
    fail,
    progress,
    servers,
)
from vacancy_cli.cli.completion import complete_strategies
from vacancy_cli.model.strategies import STRATEGY_HELP
from vacancy_cli.model.text import printable

if TYPE_CHECKING:
    from vacancy_cli.live.options import LoadOptions
    from vacancy_cli.live.pods import PodsResult
    from vacancy_cli.live.repeated import ComparisonRuns, Repeated, SweepRuns
    from vacancy_cli.live.result import Comparison, LoadResult, Sweep

    Outcome = LoadResult | Sweep | Comparison | Repeated | SweepRuns | ComparisonRuns

ReserveExportOpt = Annotated[
    str | None,
    typer.Option(
        metavar="FILE",
        help="Also save the result, by extension: .csv (every raw sample: one row per "
        "request with its latency, one per lock acquisition with its wait; with --runs, "
        "every run's) or what the terminal shows: .svg, .html, .md or .txt. Checked "
        "before the run: the folder must exist and be writable.",
    ),
]


def reserve(
    stock: Annotated[
        str, typer.Option(metavar="N", help="Tickets in stock at the start.")
    ] = "1000",
    requests: Annotated[str, typer.Option(metavar="N", help="Requests to send, in all.")] = "1000",
    qty: Annotated[
        str,
        typer.Option(
            metavar="N|LOW-HIGH",
            help="Tickets per reservation: a number, or a range such as 1-3 drawn per "
            "request with --seed.",
        ),
    ] = "1",
    concurrency: Annotated[
        str | None,
        typer.Option(
            metavar="N",
            help="Most requests in flight at once. Default: all at once, as the ADR tested "
            "(one task each: for 100,000 requests or more, set e.g. 10000).",
        ),
    ] = None,
    strategy: Annotated[
        str,
        typer.Option(
            "--strategy",
            "-s",
            metavar="STRATEGY",
            autocompletion=complete_strategies,
            help=f"One of: {STRATEGY_HELP} (all: the same load under each, side by side).",
        ),
    ] = "asyncio-lock",
    latency: Annotated[
        str,
        typer.Option(
            metavar="DURATION",
            help="Simulated I/O between reading the stock and writing it back (inside the "
            "lock, for a locking strategy), e.g. 1ms, 0.5ms, 250us, 2s (at most 60s). 0: no "
            "await at all.",
        ),
    ] = "0",
    reads: Annotated[
        str,
        typer.Option(
            metavar="FRACTION",
            help="Share of requests that are available() reads, served by the 1 s cache "
            "when it is fresh, e.g. 0.9.",
        ),
    ] = "0",
    seed: Annotated[
        str, typer.Option(metavar="N", help="Seed for --reads and a --qty range.")
    ] = "0",
    sweep: Annotated[
        str | None,
        typer.Option(
            metavar="LEVELS",
            help="Run the same load at each concurrency, e.g. 10,100,1000, and chart "
            "lock wait and throughput per level.",
        ),
    ] = None,
    pods: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Run the load from N pods (at most 64): real processes sharing one SQLite "
            "file (with a sqlite-* strategy); conservation is then checked from the database. "
            "A pod that fails stops the run: exit 1, naming the pod and why.",
        ),
    ] = None,
    kill_pod_after: Annotated[
        str | None,
        typer.Option(
            metavar="DURATION",
            help="With --pods: SIGKILL pod 1 this long after the start, e.g. 300ms (at most "
            "1 hour); no committed reservation may be lost.",
        ),
    ] = None,
    runs: Annotated[
        str,
        typer.Option(
            metavar="N",
            help="Run the same load N times (same seed, so the same requests; a fresh store "
            "each) and report each figure's median, mean ± σ (sample standard deviation) and "
            "range (min … max), as hyperfine does. With --strategy all or --sweep, each "
            "strategy or level runs N times and every cell shows the median (--json has "
            "each one's spread and runs). A bug in any run is a bug (exit 1). Not with --pods.",
        ),
    ] = "1",
    manager: ManagerOpt = None,
    redis_url: RedisOpt = None,
    postgres_url: PostgresOpt = None,
    export: ReserveExportOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME<VALUE",
            help="Fail (exit 1) unless a figure of the --json document meets this, k6-style; "
            "repeatable. NAME is a figure's dotted path (lock_wait_ms.p95, success_rate, "
            "lost_updates, request_latency_ms.p99, throughput_rps...), or short: p95 (the "
            "lock wait's), success, lock_wait.p99. OP: < <= > >= = !=. VALUE: 5ms, 250us, "
            "0.2s, 100%, or a number in the figure's unit. With --strategy all or --sweep "
            "every run is checked; with --runs, the medians (of each strategy or level). "
            "E.g. --threshold 'p95<5ms'.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Fail (exit 1) when a strategy that claims safety misses one of the ADR's "
            "claims: success=100% (when the stock covers every request), lost_updates=0, "
            "oversold=0, violations=0, p95<5ms (when a lock was taken), cache_saving>=70% "
            "(with --reads). Strategies that claim none (none, semaphore:2, ...) are shown, "
            "not held: use --threshold to hold them.",
        ),
    ] = False,
) -> None:
    """Run the ADR's validation load test for real, and check the stock afterwards.

    Every request runs the same StockManager code as `vacancy simulate`, on a
    real event loop; --latency is the await between reading the stock and
    writing it back. The result shows granted and rejected requests, oversold
    tickets, lost updates (the conservation gap), lock acquisitions, cache
    hits, and lock wait percentiles with a histogram, next to the ADR's claims.
    Timings: lock wait (over every acquisition, 0 for one that could not
    block) and each request end to end (reservations and reads apart), as
    min, mean, σ (sample standard deviation, n - 1), P50, P95, P99 (nearest
    rank) and max, in ms.

    Exit status: 0 when the stock checks out, or when `none` loses updates
    (that is the lesson); 1 when a strategy that claims safety (asyncio-lock,
    semaphore:1) loses or oversells, a pod fails, or a --threshold (or --check)
    fails, each failure one line on stderr; 2 for a bad option; 130
    when stopped by Ctrl-C, SIGTERM or SIGHUP (within a second, pods and
    temporary databases removed).

    Without --latency nothing awaits inside the lock, so the lock is never
    contended (the ADR's own reserve); add --latency to see contention.

    Examples:

      vacancy reserve

      vacancy reserve --strategy none --latency 1ms

      vacancy reserve --reads 0.9

      vacancy reserve --sweep 10,100,1000,10000 --latency 1ms

      vacancy reserve --strategy all --latency 1ms --stock 800

      vacancy reserve --strategy all --latency 1ms --requests 200 --runs 5

      vacancy reserve --latency 1ms --concurrency 10 --runs 5 --export samples.csv

      vacancy reserve -q

      vacancy reserve --latency 1ms --concurrency 10 --check --threshold 'p99<20ms'
    """
    from vacancy_cli.live.load import own_label, run_reserve
    from vacancy_cli.live.options import (
        MAX_KILL_AFTER_S,
        options_from_text,
        parse_count,
        parse_latency,
    )

    csv = _csv_path(export)
    path = None if csv is not None else export_path(export)
    repeat = call(lambda: parse_count("--runs", runs, 1))
    given = servers(redis_url, postgres_url)
    quiet = quiet and not json_out  # --json wins: it is the whole answer already
    gates = _gates(threshold or [], check)

    def options() -> LoadOptions:
        return options_from_text(
            stock=stock,
            requests=requests,
            qty=qty,
            concurrency=concurrency,
            strategy=strategy,
            latency=latency,
            reads=reads,
            seed=seed,
            servers=given,
            manager=manager,
            manager_label=own_label(manager) if manager else None,
        )

    if kill_pod_after is not None and pods is None:
        _kill_needs_pods()
    if pods is not None:
        if sweep is not None:
            fail("error: --pods runs one load; it cannot go with --sweep", 2)
        if repeat > 1:
            fail("error: --runs repeats a load in this process; it cannot go with --pods", 2)
        if csv is not None:
            fail(
                f"error: --export {export}: .csv holds each request's samples, which the pods "
                "keep in their own processes; with --pods use .svg, .html, .md or .txt",
                2,
            )
        kill = (
            None
            if kill_pod_after is None
            else call(lambda: parse_latency(kill_pod_after, "--kill-pod-after", MAX_KILL_AFTER_S))
        )
        _reserve_pods(options, pods, kill, path, json_out, quiet, gates)
        return
    with progress("reserving", json_out) as bar:
        outcome = call(lambda: run_reserve(options(), sweep, bar.update, repeat))
    from vacancy_cli.render.load import show_reserve

    show = functools.partial(show_reserve, outcome)
    verdict = functools.partial(_verdict, outcome) if quiet else None
    emit(json_out, lambda: _document(outcome), show, path, "vacancy reserve", verdict)
    if csv is not None:
        _write_csv(outcome, csv, export or "")
    failed = gates(_document(outcome))
    if outcome.is_bug or failed:
        raise typer.Exit(1)


def _csv_path(export: str | None) -> Path | None:
    """``--export FILE.csv``, checked before the run as every export is; None otherwise."""
    if export is None or Path(export).suffix.lower() != ".csv":
        return None
    path = Path(export)
    if path.is_dir():
        fail(
            f"error: --export {export}: is a folder; name a file in it, such as "
            f"{path / 'samples.csv'}",
            2,
        )
    # The views' checks, on a sibling name they accept: the folder exists, is one,
    # and takes a new file.
    problem = _export_problem(path.with_suffix(".txt"))
    if problem:
        fail(f"error: --export {export}: {problem}", 2)
    return path


def _write_csv(outcome: Outcome, path: Path, shown: str) -> None:
    from vacancy_cli.report.samples_csv import write_samples

    def write() -> None:
        try:
            write_samples(outcome, path)
        except OSError as exc:
            fail(f"error: --export {shown}: cannot write it: {exc.strerror or exc}", 1)

    call(write)


def _verdict(outcome: Outcome) -> str:
    from vacancy_cli.render.load_quiet import verdict_lines

    return verdict_lines(outcome)


def _kill_needs_pods() -> NoReturn:
    """--kill-pod-after kills one of the pods: without --pods there is none to kill."""
    from vacancy_cli.live.pods import POD_STRATEGIES

    fail(
        "error: --kill-pod-after needs --pods N (a whole number >= 1; pod 1 is the one "
        "killed) with a strategy whose pods share a database: "
        f"{', '.join(POD_STRATEGIES)}; e.g. --pods 2 -s sqlite-conditional "
        "--kill-pod-after 300ms",
        2,
    )


def _reserve_pods(
    options: Callable[[], LoadOptions],
    pods: int,
    kill: float | None,
    path: Path | None,
    json_out: bool,
    quiet: bool,
    gates: Callable[[dict[str, Any]], bool],
) -> None:
    from vacancy_cli.live.pods import run_pods

    result = call(lambda: run_pods(options(), pods, kill))
    from vacancy_cli.render.load import show_pods
    from vacancy_cli.render.load_quiet import pods_line

    show = functools.partial(show_pods, result)
    verdict = functools.partial(pods_line, result) if quiet else None
    emit(json_out, lambda: _document(result), show, path, "vacancy reserve --pods", verdict)
    failed = gates(_document(result))
    if result.is_bug or failed:
        raise typer.Exit(1)


def _gates(texts: list[str], check: bool) -> Callable[[dict[str, Any]], bool]:
    """The ``--threshold`` texts, parsed before anything runs (a malformed one is exit
    2), and ``--check``'s ADR claims: a function that says each failure of a finished
    run's document in one line on stderr, and whether there was any."""
    if not texts and not check:
        return lambda _: False
    from vacancy_cli.report.thresholds import adr_check, evaluate, parse_threshold

    parsed = [call(functools.partial(parse_threshold, text)) for text in texts]

    def gate(document: dict[str, Any]) -> bool:
        failures = evaluate(parsed, document) if parsed else []
        if check:
            failures += adr_check(document)
        for failure in failures:
            streams.say(printable(f"threshold failed: {failure.words}"))
        return bool(failures)

    return gate


def _document(found: Outcome | PodsResult) -> dict[str, Any]:
    """The --json document, built (and its module loaded) only when asked for."""
    from vacancy_cli.live.pods import PodsResult
    from vacancy_cli.report import documents

    if isinstance(found, PodsResult):
        return documents.pods(found)
    return documents.reserve(found)
