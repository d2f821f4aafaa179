"""What a `vacancy` process costs to start, with shell completion on; prints figures,
asserts nothing.

Issue #16 turned Typer's completion on (`--install-completion`, `--show-completion`,
and the `_VACANCY_COMPLETE` protocol the installed script speaks) on the condition
that it adds no start-up time. Each command below is timed as a whole process
(`subprocess`, output to /dev/null), best of N, runs alternating, against two
baselines measured in the same run:

- "import typer, rich": `python -c "import typer, rich"`, the floor any Typer and
  Rich command pays before it does anything;
- "completion off": the same vacancy code with `typer.Typer(add_completion=False)`
  forced (the behaviour before issue #16), through a switch in this benchmark's
  driver only: the package is not changed.

"completion on" runs the same driver without the switch, so the two differ in
the switch alone; the installed `vacancy` script is timed too, as users run it,
and so is one Tab press: the completion request bash's script makes for
`vacancy simulate lo<Tab>` (it lists the bundled scenarios and their titles).

    python benchmarks/bench_startup.py            # best of 15
    python benchmarks/bench_startup.py --runs 5   # quicker, noisier
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# The driver: run vacancy's real entry point with the given arguments; with
# completion off, Typer is told add_completion=False before the app is built.
DRIVER = """
import sys
if sys.argv[1] == "off":
    import typer
    made = typer.Typer.__init__
    def without_completion(self, *args, **kwargs):
        kwargs["add_completion"] = False
        made(self, *args, **kwargs)
    typer.Typer.__init__ = without_completion
from vacancy_cli.cli.app import main
sys.argv = ["vacancy", *sys.argv[2:]]
main()
"""
COMMANDS = (["--version"], ["scenarios"])


TAB = {"_VACANCY_COMPLETE": "complete_bash", "COMP_WORDS": "vacancy simulate lo", "COMP_CWORD": "2"}


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one process takes, start to exit (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def environment(label: str, env: dict[str, str]) -> dict[str, str]:
    return {**env, **TAB} if label.startswith("Tab") else env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each (best is kept)")
    runs = max(1, parser.parse_args().runs)

    env = {**os.environ, "COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}
    env.pop("_VACANCY_COMPLETE", None)  # a completion request would answer instead
    python = sys.executable
    script = str(Path(python).with_name("vacancy"))
    variants: dict[str, list[str]] = {"import typer, rich": [python, "-c", "import typer, rich"]}
    for args in COMMANDS:
        shown = " ".join(args)
        variants[f"{shown}: completion off"] = [python, "-c", DRIVER, "off", *args]
        variants[f"{shown}: completion on"] = [python, "-c", DRIVER, "on", *args]
        if Path(script).exists():
            variants[f"{shown}: the vacancy script"] = [script, *args]
    variants["Tab: vacancy simulate lo<Tab>"] = [python, "-c", DRIVER, "on"]

    for label, argv in variants.items():  # warm the file cache and the .pyc files first
        timed(argv, environment(label, env))
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(runs):
        for label, argv in variants.items():  # alternating: drift hits every variant alike
            best[label] = min(best[label], timed(argv, environment(label, env)))

    floor = best["import typer, rich"]
    print(f"start-up, best of {runs} ({platform.machine()}, Python {platform.python_version()})")
    print(f"{'':42} {'ms':>7} {'x typer+rich':>13} {'x off':>7}")
    for label, seconds in best.items():
        command = label.partition(":")[0]
        off = best.get(f"{command}: completion off")
        versus_off = f"{seconds / off:7.2f}" if off else ""
        print(f"{label:42} {seconds * 1000:7.1f} {seconds / floor:13.2f} {versus_off:>7}")


if __name__ == "__main__":
    main()
