"""`vacancy fix`: the starter file, its refusals, and the lesson it sets, passed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.app import files
from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.fix import write_starter
from vacancy_cli.cli.app import app
from vacancy_cli.model.result import ViolationKind
from vacancy_cli.model.scenario import bundled_names, load_scenario

runner = CliRunner()
CHECK = "vacancy explore lost-update --manager stock_manager.py"
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def invoke(*args: str, columns: int = 100) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def pasted(command: str, output: str) -> str:
    """A README block: the command, then its output as an 80-column terminal shows it."""
    lines = [line.rstrip() for line in output.strip().splitlines()]
    return "\n".join([f"$ {command}", *lines])


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_the_adrs_racy_manager_and_prints_the_command_that_checks_it(here: Path) -> None:
    code, out, err = invoke("fix")
    assert code == 0, err
    assert out.splitlines()[-1].strip() == CHECK
    assert left_in(here) == ["stock_manager.py"]  # no temporary file left behind
    text = (here / "stock_manager.py").read_text(encoding="utf-8")
    compile(text, "stock_manager.py", "exec")
    for part in (
        "class StockManager:",
        "def __init__(self, initial_stock: int)",
        "self.total = initial_stock",
        "async def reserve(self, qty: int) -> tuple[bool, int]:",
        "await asyncio.sleep(0)",
        "TO FIX",
        CHECK,
    ):
        assert part in text, part
    assert "vacancy_cli" not in text and "Lock()" not in text  # plain asyncio, and racy
    assert pasted("vacancy fix", out) in README


def test_refuses_to_overwrite_a_file_without_force(here: Path) -> None:
    mine = here / "stock_manager.py"
    mine.write_text("my own work\n", encoding="utf-8")
    code, out, err = invoke("fix")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "stock_manager.py exists already" in err and "--force" in err
    assert mine.read_text(encoding="utf-8") == "my own work\n"
    assert left_in(here) == ["stock_manager.py"]


def test_force_replaces_the_file(here: Path) -> None:
    mine = here / "stock_manager.py"
    mine.write_text("my own work\n", encoding="utf-8")
    code, out, err = invoke("fix", "--force")
    assert code == 0, err
    assert out.startswith("Replaced stock_manager.py")
    assert "class StockManager" in mine.read_text(encoding="utf-8")
    assert left_in(here) == ["stock_manager.py"]


def test_output_names_the_file_and_the_check_command_names_it_too(here: Path) -> None:
    (here / "lessons").mkdir()
    code, out, err = invoke("fix", "three-way", "--output", "lessons/my fix.py")
    assert code == 0, err
    assert out.splitlines()[-1].strip() == "vacancy explore three-way --manager 'lessons/my fix.py'"
    assert "class StockManager" in (here / "lessons" / "my fix.py").read_text(encoding="utf-8")
    assert not (here / "stock_manager.py").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["lost-update.toml"], "unknown scenario 'lost-update.toml'"),
        (["--output", "notes.txt"], "--output notes.txt: must end in .py"),
        (["--output", "missing/fix.py"], "--output missing/fix.py: cannot write"),
        (["--output", "."], "must end in .py"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_writes_nothing(
    here: Path, args: list[str], message: str
) -> None:
    code, out, err = invoke("fix", *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert left_in(here) == []


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_one(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = here / "stock_manager.py"
    mine.write_text("my own work\n", encoding="utf-8")

    def broken(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", broken)
    code, _, err = invoke("fix", "--force")
    assert code == 2 and "cannot write: Permission denied" in err
    assert mine.read_text(encoding="utf-8") == "my own work\n"
    assert left_in(here) == ["stock_manager.py"]


def test_a_file_that_appears_after_the_check_is_not_replaced(here: Path) -> None:
    temp = here / ".new.tmp"
    temp.write_text("starter\n", encoding="utf-8")
    target = here / "stock_manager.py"
    target.write_text("appeared meanwhile\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        files._place_new(str(temp), target)
    assert target.read_text(encoding="utf-8") == "appeared meanwhile\n"


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_scenario_gets_a_starter_that_compiles(here: Path, name: str) -> None:
    starter = write_starter(name, f"{name}.py")
    assert starter.check == f"vacancy explore {name} --manager {name}.py"
    text = starter.path.read_text(encoding="utf-8")
    compile(text, starter.path.name, "exec")
    assert starter.check in text
    assert starter.from_lesson == (load_scenario(name).manager is not None)
    assert ("TwoLockStockManager" in text) == (name == "deadlock")


def test_help_teaches_the_loop() -> None:
    code, out, _ = invoke("fix", "--help")
    assert code == 0
    for part in ("without its lock", "every interleaving", "--force", "--output", CHECK):
        assert part in " ".join(out.split()), part


# -- the lesson: explore finds the race, the learner's fix passes ------------------------


def explore(scenario: str, path: Path) -> tuple[bool, set[str]]:
    """Whether the search was complete, and every violation kind it found."""
    report = explore_scenario(load_scenario(scenario), manager=str(path))
    (exploration,) = report.explorations
    return exploration.complete, {kind for o in exploration.outcomes for kind in o.violations}


def apply(path: Path, old: str, new: str) -> None:
    """Edit the learner's file, as the learner would."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()  # loaded modules are cached by file and mtime: make the edit show
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


RACY = """\
        seen = self.total  # 1. read the stock
        await asyncio.sleep(0)  # 2. the payment call: other requests run here
        if seen >= qty:
            self.total = seen - qty  # 3. write back what was read, minus qty
            return True, self.total
        return False, self.total
"""
LOCKED = "        async with self.lock:\n" + "".join(f"    {line}\n" for line in RACY.splitlines())


def test_the_starter_loses_updates_and_the_adrs_lock_fixes_every_interleaving(
    here: Path,
) -> None:
    code, _, err = invoke("fix")
    assert code == 0, err
    path = here / "stock_manager.py"
    assert explore("lost-update", path) == (True, {ViolationKind.LOST_UPDATE})
    apply(
        path,
        "self.total = initial_stock\n",
        "self.total = initial_stock\n        self.lock = asyncio.Lock()\n",
    )
    apply(path, RACY, LOCKED)
    assert explore("lost-update", path) == (True, set())
    code, out, err = invoke(*CHECK.split()[1:], columns=80)
    assert code == 0, err
    assert "none of 4 interleavings break an invariant" in out
    assert pasted(CHECK, out) in README


def test_the_deadlock_starter_deadlocks_until_the_locks_take_one_order(here: Path) -> None:
    code, out, err = invoke("fix", "deadlock")
    assert code == 0, err
    assert out.splitlines()[-1].strip() == "vacancy explore deadlock --manager stock_manager.py"
    path = here / "stock_manager.py"
    assert explore("deadlock", path) == (True, {ViolationKind.DEADLOCK})
    bulk = "first, second = self.audit_lock, self.stock_lock"
    apply(path, bulk, "first, second = self.stock_lock, self.audit_lock")
    assert explore("deadlock", path) == (True, set())
