"""Ctrl-C, SIGTERM and SIGHUP during ``vacancy reserve``: a fault-injection test.

Each test starts the real command in its own session (a background job of a
non-interactive shell would ignore SIGINT) with a private TMPDIR, sends one
signal from Python while the load runs, and checks what the issue asked for:
exit status 130, the one line ``vacancy: interrupted``, no traceback, no
``vacancy-*`` folder left, and no pod still alive. The promise is a stop within
1 s; the bound asserted here is a generous 5 s, so a loaded machine does not
make the test flaky, and the figure measured is printed (``pytest -s``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real processes

BOUND_S = 5.0  # the promise is 1 s (measured: about 0.02-0.1 s); 5 s keeps CI calm
# The command as main() runs it once cli/app.py calls signals.install() (installing
# twice changes nothing, so this stays right after that).
LAUNCH = (
    "from vacancy_cli.cli import signals; signals.install(); "
    "from vacancy_cli.cli.app import main; main()"
)
LONG_SQLITE = ["-s", "sqlite-conditional", "--requests", "200000", "--stock", "200000"]
PODS = ["--pods", "3", *LONG_SQLITE, "--concurrency", "20"]


def _start(tmp_path: Path, args: list[str]) -> tuple[subprocess.Popen[str], Path]:
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private), "COLUMNS": "80", "LINES": "40"}
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "reserve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    return process, private


def _wait_for_database(process: subprocess.Popen[str], private: Path) -> None:
    """Until the run's SQLite folder exists: the load (or the pods' start) is under way."""
    for _ in range(600):
        if any(private.glob("vacancy-*")) or process.poll() is not None:
            return
        time.sleep(0.02)


def _alive_with(private: Path) -> list[int]:
    """Processes (pods) whose environment names our private TMPDIR."""
    found = []
    marker = f"TMPDIR={private}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _interrupt(
    tmp_path: Path, args: list[str], sent: signal.Signals, settle_s: float
) -> tuple[subprocess.CompletedProcess[str], float, Path]:
    process, private = _start(tmp_path, args)
    _wait_for_database(process, private)
    time.sleep(settle_s)
    assert process.poll() is None, "the load ended before the signal: make it longer"
    sent_at = time.monotonic()
    process.send_signal(sent)
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - sent_at
    print(f"{sent.name} {' '.join(args[:2])}: stopped {took:.3f} s after the signal")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), took, private


def _assert_stopped_cleanly(
    done: subprocess.CompletedProcess[str], took: float, private: Path
) -> None:
    assert done.returncode == 130
    assert done.stderr.splitlines() == ["vacancy: interrupted"]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert took < BOUND_S
    assert list(private.glob("vacancy-*")) == []
    assert _alive_with(private) == []


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_load_with_no_latency_stops_at_once(tmp_path: Path, sent: signal.Signals) -> None:
    # No --latency: no request ever yields to the loop, the case the issue found.
    _assert_stopped_cleanly(*_interrupt(tmp_path, [*LONG_SQLITE, "--concurrency", "50"], sent, 0.5))


def test_a_load_in_memory_with_ten_million_requests_stops_at_once(tmp_path: Path) -> None:
    process, private = _start(tmp_path, ["--requests", "10000000", "--concurrency", "10000"])
    time.sleep(2.0)  # imports, the plan, and well into the load
    assert process.poll() is None
    sent_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    _assert_stopped_cleanly(done, time.monotonic() - sent_at, private)


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("settle_s", [0.0, 1.0], ids=["while-pods-start", "under-load"])
def test_pods_stop_with_the_parent(tmp_path: Path, sent: signal.Signals, settle_s: float) -> None:
    _assert_stopped_cleanly(*_interrupt(tmp_path, PODS, sent, settle_s))


def test_ctrl_c_at_the_terminal_reaches_the_pods_too_and_they_say_nothing(
    tmp_path: Path,
) -> None:
    # A terminal's Ctrl-C goes to the whole process group, twice for the impatient.
    process, private = _start(tmp_path, PODS)
    _wait_for_database(process, private)
    time.sleep(1.0)
    sent_at = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.05)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    took = time.monotonic() - sent_at
    # A second Ctrl-C that lands after the command finished, while Python exits, ends
    # it by SIGINT (a shell shows 130 for both); the one line is already written.
    assert process.returncode in (130, -signal.SIGINT)
    assert err.splitlines() == ["vacancy: interrupted"] and "Traceback" not in err
    assert took < BOUND_S
    assert list(private.glob("vacancy-*")) == [] and _alive_with(private) == []
