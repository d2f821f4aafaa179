"""``--manager FILE.py[:Class]`` and the scenario key ``manager``, from the command line."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

from typer.testing import CliRunner

from vacancy_cli.cli.app import app

MANAGERS = Path(__file__).parents[1] / "managers"
NAIVE = str(MANAGERS / "naive.py")
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_simulate_labels_the_run_by_file_and_class_and_shows_its_reads_and_writes() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--manager", NAIVE)
    assert code == 0
    assert "naive.py:StockManager: your code, naive.py" in out
    assert "reads total=100" in out and "writes total=99" in out and "← lost update" in out


def test_the_json_names_the_strategy_as_file_and_class_and_each_attribute() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--manager", NAIVE, "-s", "none", "--json")
    doc = json.loads(out)
    assert code == 0 and [r["strategy"] for r in doc["runs"]] == ["none", "naive.py:StockManager"]
    first = doc["runs"][1]["steps"][0]["events"][0]
    assert first == {"action": "read", "seen": 100, "value": None, "name": "total"}


def test_explore_gives_a_witness_that_simulate_replays_with_the_manager() -> None:
    code, out, _ = invoke("explore", "lost-update", "--manager", NAIVE, "--json")
    (exploration,) = json.loads(out)["explorations"]
    assert code == 0 and exploration["violating_schedules"] == 4
    witness = next(o for o in exploration["outcomes"] if o["violations"])["witness_annotated"]
    code, out, _ = invoke(
        "simulate", "lost-update", "--manager", NAIVE, "--schedule", witness, "--json"
    )
    assert code == 0 and json.loads(out)["runs"][0]["verdict"] == "lost update"
    code, out, _ = invoke("explore", "lost-update", "--manager", NAIVE)
    assert f"Replay it: vacancy simulate lost-update --manager {NAIVE} --schedule" in out


def test_the_replay_line_is_one_command_a_shell_can_run_however_long_the_path(
    tmp_path: Path,
) -> None:
    deep = tmp_path / "a folder with spaces" / ("long" * 20)
    deep.mkdir(parents=True)
    shutil.copy(NAIVE, deep / "naive.py")
    code, out, _ = invoke("explore", "lost-update", "--manager", str(deep / "naive.py"))
    (line,) = [line for line in out.splitlines() if line.startswith("Replay it: ")]
    words = shlex.split(line.removeprefix("Replay it: "))
    assert code == 0 and len(line) > 100 and words[:2] == ["vacancy", "simulate"]
    code, out, err = invoke(*words[1:], "--json")
    assert code == 0, (words, err)
    assert json.loads(out)["runs"][0]["verdict"] == "lost update"


def test_play_shows_the_learners_own_source_with_each_requests_line() -> None:
    result = runner.invoke(
        app,
        ["play", "lost-update", "--manager", NAIVE],
        input="A\nq\n",
        env={"COLUMNS": "100", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0
    assert "StockManager.reserve" in result.stdout
    assert "await asyncio.sleep(0)  # the payment call" in result.stdout
    lines = Path(NAIVE).read_text().splitlines()
    where = next(n for n, line in enumerate(lines, 1) if "await asyncio.sleep(0)" in line)
    assert f"A parked at line {where}: await asyncio.sleep(0)" in result.stdout


def test_reserve_runs_the_load_against_own_code_and_checks_its_claim() -> None:
    args = ["reserve", "--manager", NAIVE, "--requests", "100", "--stock", "100"]
    code, out, _ = invoke(*args, "--latency", "1ms", "--concurrency", "10", "--json")
    doc = json.loads(out)
    assert doc["strategy"] == "naive.py:StockManager" and doc["claims_safety"] is True
    assert doc["lost_updates"] > 0 and doc["bug"] is True and code == 1
    code, out, _ = invoke(
        "reserve", "--manager", str(MANAGERS / "locked.py"), "--requests", "100", "--json"
    )
    assert code == 0 and json.loads(out)["final_stock"] == 900


def test_a_scenario_names_its_manager_beside_it(tmp_path: Path) -> None:
    shutil.copy(MANAGERS / "two_locks.py", tmp_path / "mine.py")
    (tmp_path / "lesson.toml").write_text(
        'title = "Two locks"\nstock = 10\nmanager = "mine.py"\nschedule = "A B A B"\n'
        '[[requests]]\nid = "A"\nqty = 1\n[[requests]]\nid = "B"\nqty = 2\n'
    )
    code, out, _ = invoke("simulate", str(tmp_path / "lesson.toml"), "--json")
    (run,) = json.loads(out)["runs"]
    assert code == 0 and run["strategy"] == "mine.py:TwoLocks"
    assert [v["kind"] for v in run["violations"]] == ["deadlock"]
    code, out, _ = invoke("explore", str(tmp_path / "lesson.toml"))
    assert code == 0 and "deadlock" in out


def test_a_scenario_with_a_bad_manager_key_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('stock = 1\nmanager = "notpython.txt"\n[[requests]]\nid = "A"\n')
    code, _, err = invoke("simulate", str(path))
    assert code == 2 and "key 'manager' must be a Python file" in err
    path.write_text('stock = 1\nmanager = "gone.py"\n[[requests]]\nid = "A"\n')
    code, _, err = invoke("simulate", str(path))
    assert code == 2 and "gone.py: no such file" in err and len(err.splitlines()) == 1


def test_the_scenarios_own_manager_replays_without_naming_it() -> None:
    code, out, _ = invoke("explore", "deadlock")
    assert code == 0 and 'Replay it: vacancy simulate deadlock --schedule "A B A B"' in out
    code, out, _ = invoke("simulate", "deadlock", "--schedule", "A B A B", "--json")
    (run,) = json.loads(out)["runs"]
    assert code == 0 and run["verdict"] == "deadlock"
    code, out, _ = invoke("simulate", "deadlock", "-s", "16-deadlock.py", "--json")
    assert code == 0 and json.loads(out)["runs"][0]["verdict"] == "deadlock"


def test_play_says_when_nothing_can_move() -> None:
    result = runner.invoke(
        app, ["play", "deadlock"], input="A\nB\nA\nB\nq\n", env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0
    assert "No request can move: deadlock" in result.stdout
    assert "Nothing can move now: u undo, r restart, q quit" in result.stdout


def test_a_manager_without_available_on_a_scenario_that_reads_is_one_line() -> None:
    code, _, err = invoke("explore", "stale-cache", "--manager", NAIVE)
    assert code == 2 and len(err.splitlines()) == 1
    assert "read the stock with available(), and this manager has no" in err
