"""Shell completion, driven the way bash and zsh drive it.

Typer's installed script runs ``vacancy`` again with ``_VACANCY_COMPLETE`` set
(``complete_bash``: the words in ``COMP_WORDS`` and the index of the one being
typed in ``COMP_CWORD``; ``complete_zsh``: the line so far in
``_TYPER_COMPLETE_ARGS``) and reads the answer from stdout. The tests set the
same variables, through ``CliRunner`` and through the real executable, and one
runs the bash script itself in bash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.cli.completion import complete_one_strategy, complete_strategies
from vacancy_cli.model.scenario import bundled_names, load_scenario
from vacancy_cli.model.strategies import STRATEGIES, parse_strategy, strategy_names
from vacancy_cli.render.console import COLORS, THEMES
from vacancy_cli.report.schemas import choices

runner = CliRunner()
VACANCY = Path(sys.executable).with_name("vacancy")  # the installed entry point
BASH = shutil.which("bash") or "/bin/bash"


def bash(line: str) -> list[str]:
    """What bash's completion gets for ``line`` (a trailing space: a new word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {"_VACANCY_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    result = runner.invoke(app, [], env=env, prog_name="vacancy")
    assert result.exit_code == 0, result.output
    return [word for word in result.stdout.splitlines() if word]  # bash drops empty lines


def zsh(line: str) -> str:
    """What zsh's completion function evaluates for ``line``."""
    env = {"_VACANCY_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    result = runner.invoke(app, [], env=env, prog_name="vacancy")
    assert result.exit_code == 0, result.output
    return result.stdout


# -- what each parameter offers -----------------------------------------------------------


@pytest.mark.parametrize("command", ["simulate", "explore", "play"])
def test_the_scenario_argument_offers_every_bundled_name(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an empty folder: no .toml files of the user's
    assert bash(f"vacancy {command} ") == bundled_names()


@pytest.mark.parametrize("prefix", ["l", "lo", "s", "st", "de", "zzz"])
def test_the_scenario_names_offered_start_with_what_was_typed(
    prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = [name for name in bundled_names() if name.startswith(prefix)]
    assert bash(f"vacancy simulate {prefix}") == expected


def test_the_scenario_argument_offers_toml_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine.toml").write_text("stock = 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario\n", encoding="utf-8")
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "lost-mine.toml").write_text("stock = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    offered = bash("vacancy simulate ")
    assert "mine.toml" in offered and "notes.txt" not in offered
    assert offered[: len(bundled_names())] == bundled_names()
    assert bash("vacancy simulate m") == ["mine.toml"]
    assert bash("vacancy simulate lessons/") == ["lessons/lost-mine.toml"]
    assert bash("vacancy simulate lessons/x") == []  # nothing: the shell's own file completion


def test_an_unreadable_or_missing_folder_offers_nothing_and_does_not_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert bash("vacancy simulate no-such-folder/") == []


def test_the_strategy_option_offers_the_table_all_and_the_semaphore() -> None:
    offered = bash("vacancy simulate lost-update -s ")
    assert set(STRATEGIES) <= set(offered)
    assert {"all", "semaphore", "semaphore:1"} <= set(offered)
    assert bash("vacancy explore lost-update --strategy sem") == [
        value for value in offered if value.startswith("sem")
    ]


def test_every_strategy_offered_is_one_the_commands_accept() -> None:
    for value, _ in complete_strategies(""):
        assert strategy_names([value]), value
    for value, _ in complete_one_strategy(""):
        assert parse_strategy(value).name.startswith(value.partition(":")[0])
    assert "all" not in [value for value, _ in complete_one_strategy("")]


def test_the_root_options_offer_their_choices() -> None:
    assert bash("vacancy --theme ") == list(THEMES)
    assert bash("vacancy --color ") == list(COLORS)
    assert bash("vacancy --color al") == ["always"]


def test_the_schema_argument_offers_every_kind_and_each_is_accepted() -> None:
    offered = bash("vacancy schema ")
    assert offered == [kind for kind, _ in choices()]
    for kind in offered:
        assert runner.invoke(app, ["schema", kind]).exit_code == 0, kind


def test_commands_complete_too() -> None:
    assert bash("vacancy sch") == ["schema"]
    assert "simulate" in bash("vacancy ")


# -- zsh -----------------------------------------------------------------------------------


def test_zsh_gets_each_bundled_scenario_with_its_title() -> None:
    out = zsh("vacancy simulate lost")
    assert out.startswith("_arguments")
    for name in bundled_names():
        if name.startswith("lost"):
            assert f'"{name}":"{load_scenario(name).title}"' in out
        else:
            assert f'"{name}"' not in out


def test_zsh_falls_back_to_its_own_file_completion_when_nothing_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert zsh("vacancy simulate zzz").strip() == "_files"


def test_zsh_gets_the_colour_choices_with_what_each_means() -> None:
    out = zsh("vacancy --color ")
    for choice in COLORS:
        assert f'"{choice}":"' in out
    assert "\\\\:1" in zsh("vacancy simulate lost-update -s semaphore")  # ':' escaped for zsh


# -- the real executable, and bash itself ---------------------------------------------------


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("_VACANCY")}
    return subprocess.run(
        [str(VACANCY), *args], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_executable_answers_a_completion_request(shell: str) -> None:
    env = {
        "_VACANCY_COMPLETE": f"complete_{shell}",
        "COMP_WORDS": "vacancy --color ne",
        "COMP_CWORD": "2",
        "_TYPER_COMPLETE_ARGS": "vacancy --color ne",
    }
    done = _run(env)
    assert done.returncode == 0, done.stderr
    assert "never" in done.stdout and "always" not in done.stdout


@pytest.mark.parametrize(
    ("shell", "marks"),
    [
        ("bash", ["complete -o default -F _vacancy_completion vacancy", "=complete_bash"]),
        ("zsh", ["#compdef vacancy", "compdef _vacancy_completion vacancy", "=complete_zsh"]),
    ],
)
def test_show_completion_prints_the_script_for_each_shell(shell: str, marks: list[str]) -> None:
    # Typer's own switch: take the shell as a value instead of detecting the parent's.
    done = _run({"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}, "--show-completion", shell)
    assert done.returncode == 0, done.stderr
    for mark in marks:
        assert mark in done.stdout


@pytest.mark.parametrize(
    ("shell", "script", "rc", "line"),
    [
        ("bash", ".bash_completions/vacancy.sh", ".bashrc", "source '{home}/.bash_completions"),
        ("zsh", ".zfunc/_vacancy", ".zshrc", "fpath+=~/.zfunc"),
    ],
)
def test_install_completion_writes_the_script_and_sources_it(
    shell: str, script: str, rc: str, line: str, tmp_path: Path
) -> None:
    env = {"HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = _run(env, "--install-completion", shell)
    assert done.returncode == 0, done.stderr
    assert f"complete_{shell}" in (tmp_path / script).read_text(encoding="utf-8")
    assert line.format(home=tmp_path) in (tmp_path / rc).read_text(encoding="utf-8")


def test_the_bash_script_completes_in_bash(tmp_path: Path) -> None:
    """The whole path: bash sources the script --show-completion prints, and its
    function, called as bash calls it on Tab, fills COMPREPLY."""
    shown = _run({"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}, "--show-completion", "bash")
    (tmp_path / "completion.sh").write_text(shown.stdout, encoding="utf-8")
    program = (
        "source completion.sh\n"
        "COMP_WORDS=(vacancy simulate lo); COMP_CWORD=2\n"
        "_vacancy_completion vacancy\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{VACANCY.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [BASH, "--noprofile", "--norc", "-c", program],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [n for n in bundled_names() if n.startswith("lo")]


@pytest.mark.parametrize(
    "line", ["vacancy fix ", "vacancy scenarios --notes "], ids=["fix", "scenarios-notes"]
)
def test_every_other_scenario_name_offers_the_bundled_ones(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert bash(line) == bundled_names()


def test_reserve_and_play_complete_their_strategy() -> None:
    assert set(bash("vacancy reserve -s sq")) == {n for n in STRATEGIES if n.startswith("sq")}
    assert "all" in bash("vacancy reserve --strategy ")
    assert "all" not in bash("vacancy play lost-update -s ")  # play runs one strategy
    assert "asyncio-lock" in bash("vacancy play lost-update -s ")
