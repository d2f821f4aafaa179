"""Ctrl-C where no command's ``call()`` is there to catch it: while Click parses the
options or a view is drawn (Typer turns it into ``click.Abort``), and while the
executable is still importing the app (``vacancy_cli.entry``). Each is the same
one line as any other Ctrl-C, ``vacancy: interrupted``, and exit status 130."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from typer.testing import CliRunner

from vacancy_cli.cli import replay
from vacancy_cli.cli.app import app
from vacancy_cli.cli.common import run_app


def _abort_from(cause: BaseException | None) -> None:
    raise click.Abort() from cause


def test_an_abort_caused_by_ctrl_c_is_an_interruption(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(lambda: _abort_from(KeyboardInterrupt())) == 130
    assert capsys.readouterr().err == "vacancy: interrupted\n"


def test_an_abort_from_input_that_ended_is_still_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(lambda: _abort_from(EOFError())) == 1
    assert capsys.readouterr().err == "vacancy: aborted: the input ended\n"


def test_ctrl_c_outside_a_command_s_work_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_: str | None) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C landed before the command called its work

    monkeypatch.setattr(replay, "export_path", interrupted)
    result = CliRunner().invoke(app, ["simulate", "lost-update"])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == ["vacancy: interrupted"]
    assert result.stdout == ""


# A finder that interrupts the import of the app, as a Ctrl-C in the first 0.1 s would.
_INTERRUPT_IMPORT = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "vacancy_cli.cli.app":
            raise KeyboardInterrupt
        return None
sys.meta_path.insert(0, Interrupt())
from vacancy_cli.entry import main
main()
"""


def test_ctrl_c_while_the_app_loads_is_one_line_and_130() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_IMPORT, "--version"], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "vacancy: interrupted\n")


def test_the_entry_runs_the_app() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vacancy_cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("vacancy ")
