"""``cli/signals.py``: SIGTERM and SIGHUP take the Ctrl-C path (the end-to-end
checks, with real signals, are in ``tests/live/test_interrupts.py``)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from vacancy_cli.cli import signals
from vacancy_cli.live.interrupt import FORCE_AFTER_S, Interrupt, handling

WATCHED = (signal.SIGINT, *signals.STOPPING)


@pytest.fixture(autouse=True)
def _restore_handlers() -> Iterator[None]:
    before = {number: signal.getsignal(number) for number in WATCHED}
    yield
    for number, handler in before.items():
        signal.signal(number, handler)


def test_install_sends_sigterm_and_sighup_down_the_ctrl_c_path() -> None:
    signals.install()
    assert {signal.getsignal(n) for n in signals.STOPPING} == {signals.as_ctrl_c}
    assert set(signals.STOPPING) == {signal.SIGTERM, signal.SIGHUP}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGHUP)


def test_the_current_ctrl_c_handler_is_the_one_used() -> None:
    seen: list[int] = []

    def ctrl_c(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)

    signals.install()
    signal.signal(signal.SIGINT, ctrl_c)  # as a live load's handler would be
    signal.raise_signal(signal.SIGTERM)
    assert seen == [signal.SIGINT]


def test_an_ignored_ctrl_c_still_lets_sigterm_stop_the_command() -> None:
    signals.install()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a background job of a script
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)


def test_a_hangup_ignored_by_nohup_stays_ignored() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signals.install()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) is signals.as_ctrl_c


def test_a_second_interrupt_soon_after_the_first_is_ignored_a_late_one_forces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr("vacancy_cli.live.interrupt.time.monotonic", lambda: now[0])
    interrupt = Interrupt()  # no task: as in the parent of --pods
    with pytest.raises(KeyboardInterrupt):
        interrupt(signal.SIGINT, None)
    now[0] += FORCE_AFTER_S / 2
    interrupt(signal.SIGINT, None)  # the same request, sent twice: nothing happens
    now[0] += FORCE_AFTER_S
    with pytest.raises(KeyboardInterrupt):
        interrupt(signal.SIGINT, None)  # still running a second later: stuck, so force


def test_the_interrupt_handler_is_installed_only_over_pythons_own() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with handling(Interrupt()) as interrupt:
        assert signal.getsignal(signal.SIGINT) is interrupt
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with handling(Interrupt()):
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
