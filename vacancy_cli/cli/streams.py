"""The standard streams, settled before any command runs, and their failures as one line.

A command reads the keyboard and writes a view or a JSON document; the streams
it is given may be anything a shell can arrange:

- **stdin closed** (``vacancy play lost-update <&-``): Python then has no
  ``sys.stdin`` at all, and ``input()`` raises ``RuntimeError``. It is opened
  on ``/dev/null`` instead, so every question meets the end of input, exactly
  as with ``</dev/null``: play stops, ``--predict`` and ``--step`` show all.
- **stdout closed** (``vacancy reserve --json >&-``): nothing a command does
  could be seen, so it does nothing: one line on stderr, exit 1, before any
  work (a load test is not run for nobody).
- **stdout fails while writing** (``> /dev/full``, a disk that fills, a
  terminal that went away): stdout is wrapped (``_Guarded``) so that any
  ``OSError`` it raises becomes ``OutputLost``, which no ``except Exception``
  on the way up mistakes for a bug of vacancy's; ``report`` says it in one
  line, exit 1.
- **a broken pipe** (``vacancy explore three-way | head -1``): the reader
  left on purpose, having read what it wanted. Like ``cat`` or ``grep``, that
  is said by nothing on stderr (a message would land on the terminal of the
  person who chose ``head``); the exit status is 1, as Click and Rich give
  for it, so a script with ``pipefail`` still sees the output was cut.

After a failure stdout is pointed at ``/dev/null``, so the interpreter's own
last flush of what is still buffered cannot print a second complaint.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any, TextIO, cast


class OutputLost(Exception):  # noqa: N818 (a condition, not a mistake of the program's)
    """Standard output stopped taking text; ``error`` is what the system said."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error

    @property
    def broken_pipe(self) -> bool:
        """The reader closed its end (``| head``): not worth a message."""
        return self.error.errno == errno.EPIPE


class _Guarded:
    """stdout as it was, except that an ``OSError`` from it is an ``OutputLost``.

    Everything else (``isatty``, ``encoding``, ``fileno``, ``buffer``) is the
    real stream's, so Rich and Click see the terminal or file they would have.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputLost(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputLost(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def settle() -> int | None:
    """Make the streams safe for a command; an exit status if it must not run."""
    if sys.stdin is None:  # what Python makes of a closed descriptor 0 at start-up
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (kept for the process)
    if sys.stdout is None:
        say("error: standard output is closed: nothing this command shows could be seen")
        return 1
    if not isinstance(sys.stdout, _Guarded):
        sys.stdout = cast(TextIO, _Guarded(sys.stdout))
    return None


def flush() -> None:
    """Write out what stdout still buffers, inside the guard: a full disk is found here
    when the whole output fit in the buffer (``> /dev/full``), not at exit."""
    if sys.stdout is not None:
        sys.stdout.flush()


def report(lost: OutputLost) -> int:
    """The one line for output that could not be written (none for a broken pipe); 1."""
    _silence_stdout()
    if not lost.broken_pipe:
        say(f"error: cannot write to standard output: {lost}")
    return 1


said = 0  # lines said on stderr so far: run_app tells a silent exit 130 from a said one


def say(line: str, label: str = "vacancy: ") -> None:
    """``vacancy: line`` on stderr, if there is a stderr to say it on."""
    global said
    said += 1
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(f"{label}{line}\n")
        stream.flush()
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit status is all that is left


def _silence_stdout() -> None:
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError):
        pass
