"""Explanations are read off the trace: each kind of event gets its sentence."""

from __future__ import annotations

from vacancy_cli.app.explain import explain
from vacancy_cli.app.simulate import run_scenario
from vacancy_cli.model.result import Run
from vacancy_cli.model.scenario import load_scenario


def run_of(name: str, strategy: str, schedule: str | None = None) -> Run:
    return run_scenario(load_scenario(name), [strategy], schedule=schedule).runs[0]


def test_the_adr_lost_update_in_words() -> None:
    sentences = explain(run_of("lost-update", "none"))
    assert sentences[0] == (
        "B read 100 at t2, before A's write at t3; B's write at t4 was computed from that "
        "stale value and overwrote A's: A's sale vanished."
    )
    assert sentences[-1].startswith("Not conserved: 100 at the start, but 99 left + 2 granted")


def test_the_words_follow_the_schedule_not_the_scenario() -> None:
    sentences = explain(run_of("lost-update", "none", schedule="B A B A"))
    assert sentences[0].startswith("A read 100 at t2, before B's write at t3")


def test_three_way_names_every_overwritten_sale() -> None:
    sentences = explain(run_of("three-way", "none"))
    assert "overwrote A's and B's: A's and B's sales vanished" in sentences[1]


def test_oversell_in_words() -> None:
    sentences = explain(run_of("oversell", "none"))
    oversold = next(s for s in sentences if s.startswith("Oversold"))
    assert "4 tickets granted from 3" in oversold
    assert "A read 3 at t1 and took 2; B read 3 at t2 and took 2" in oversold


def test_stale_cache_read_in_words() -> None:
    run = run_of("stale-cache", "none")
    sentences = explain(run)
    assert run.verdict == "stale read"
    assert sentences[0].startswith("R2 was told 10 from the cache at t5, but the stock was 9")
    assert "after that write had already cleared the cache" in sentences[0]
    assert sentences[0].endswith("a page showed a stock that was no longer true.")


def test_a_stale_read_is_explained_once_per_violation_and_never_under_the_lock() -> None:
    none = run_of("cache-expiry", "none")
    stale = [v.steps[-1] for v in none.violations if v.kind == "stale_read"]
    told = [s for s in explain(none) if "from the cache at" in s]
    assert stale == list(none.stale_reads) and len(told) == len(stale) == 1
    assert told[0].startswith(f"R2 was told 10 from the cache at t{stale[0]}")
    assert not any("from the cache at" in s for s in explain(run_of("stale-cache", "asyncio-lock")))


def test_waiting_for_the_lock_in_words() -> None:
    sentences = explain(run_of("lock-wait", "asyncio-lock"))
    assert sentences[0] == (
        "B found the lock taken at t2 and got it at t7 after A released it at t6; "
        "it was offered a step meanwhile but could not move."
    )
    assert "offered 2 steps" in sentences[1]


def test_semaphore_waits_are_for_a_permit() -> None:
    sentences = explain(run_of("semaphore-permits", "semaphore:2"))
    assert any("C found every permit taken at t3" in s for s in sentences)


def test_rejection_and_a_correct_balance() -> None:
    sentences = explain(run_of("oversell", "asyncio-lock"))
    assert "B saw 1 at t5 and was rejected: it needed 2." in sentences
    assert sentences[-1] == "Conserved: 3 at the start = 1 left + 2 granted."
