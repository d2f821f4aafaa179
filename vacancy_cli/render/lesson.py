"""``simulate``/``explore --export lesson.html``: one interactive page for the room.

The page must work from a USB stick with no network: one file, its script and
stylesheet inline, no font or image fetched. Python only assembles it: the
template, the stylesheet and the script shipped in ``vacancy_cli/web/``, and
the data as JSON in a ``<script type="application/json">`` element. The script
builds every table from that data in the browser, so no markup is concatenated
here and a scenario's text can never become markup.

The data is the ``--json`` document itself (under ``document``), so the page
and a script parsing ``--json`` read the same numbers. ``report`` builds the
documents and ``render`` may not import it (they are sibling layers), so the
CLI passes them in; this module adds what only the terminal view knows: each
row's words, the marks ("lost update") and the explanation sentences, with the
row after which each sentence may be shown.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from vacancy_cli.app.explain import explain
from vacancy_cli.app.words import step_rows
from vacancy_cli.model.result import Exploration, Outcome, Run, Simulation
from vacancy_cli.model.strategies import parse_strategy
from vacancy_cli.render.explore import coverage_line, headline
from vacancy_cli.render.simulation import outcome_line

Data = dict[str, Any]

# A step named in a sentence ("at t4"): the sentence explains that row, so the
# page shows it once every row it names is on screen.
_STEP = re.compile(r"\bt(\d+)\b")


def simulate_data(document: Data, sim: Simulation) -> Data:
    """The page's data for ``simulate``: the document, and notes for each run."""
    return {
        "page": "simulate",
        "document": document,
        "notes": [run_notes(run) for run in sim.runs],
        "lesson": sim.lesson.strip(),
    }


def explore_data(
    document: Data, explorations: list[tuple[Exploration, list[tuple[Data, Run]]]]
) -> Data:
    """The page's data for ``explore``.

    ``explorations`` pairs each exploration with its outcomes' witnesses, each
    replayed (``app.simulate.replay``) and given as its run document and its run.
    The witness runs sit under ``witness_runs``, beside the explore document and
    not inside it, so the document stays exactly what ``--json`` prints. They may
    be fewer than the outcomes (the first ``WITNESS_RUNS`` of each, see
    ``cli.replay``): every outcome still has its replay command.
    """
    return {
        "page": "explore",
        "document": document,
        "witness_runs": [[doc for doc, _ in witnesses] for _, witnesses in explorations],
        "notes": [
            {
                "summary": f"{exp.strategy}: {parse_strategy(exp.strategy).summary}",
                "headline": headline(exp),
                "coverage": coverage_line(exp),
                "witnesses": [run_notes(run) for _, run in witnesses],
                "replays": [_replay(exp, outcome) for outcome in exp.outcomes],
            }
            for exp, witnesses in explorations
        ],
    }


def run_notes(run: Run) -> Data:
    """What the terminal shows of a run beyond its document: words, marks, sentences."""
    strategy = parse_strategy(run.strategy)
    qty = {r.id: r.qty for r in run.requests}
    last = len(run.steps)
    pods = ""
    if run.pods > 1:
        store = "one shared store" if strategy.shared_store else "a copy of the stock each"
        pods = f", {run.pods} pods, {store}"
    return {
        "title": f"{run.strategy}: {strategy.summary}{pods}",
        "rows": step_rows(run.steps, qty, strategy.guard_noun, run),
        "outcome": outcome_line(run),
        "sentences": [
            {"text": sentence, "after": _after(sentence, last)} for sentence in explain(run)
        ],
    }


def _after(sentence: str, last: int) -> int:
    """The row after which ``sentence`` makes sense: the latest step it names, else the end."""
    named = [int(n) for n in _STEP.findall(sentence) if 1 <= int(n) <= last]
    return max(named) if named else last


def _replay(exp: Exploration, outcome: Outcome) -> str:
    command = " ".join(["vacancy simulate", exp.scenario, exp.replay_with]).strip()
    return f'{command} --schedule "{outcome.bare}"'


# -- the page -------------------------------------------------------------------------


def page(title: str, data: Data, theme: str | None = None) -> str:
    """The whole page: template, stylesheet, script and data, nothing fetched.

    ``theme``: the room's ``--theme`` (light or dark) fixes the page's colours;
    ``None`` lets it follow the viewer's system setting.
    """
    web = resources.files("vacancy_cli").joinpath("web")
    template = web.joinpath("lesson.html").read_text(encoding="utf-8")
    parts = {
        "title": _text(" ".join(title.split())),
        "theme": theme if theme in ("light", "dark") else "auto",
        "style": web.joinpath("lesson.css").read_text(encoding="utf-8"),
        "script": web.joinpath("lesson.js").read_text(encoding="utf-8"),
        "data": embedded_json(data),
    }
    # One pass, so a placeholder inside the data (a scenario's own text) stays text.
    return re.sub(r"{{(\w+)}}", lambda m: parts[m.group(1)], template)


def embedded_json(data: Data) -> str:
    """``data`` as JSON that cannot end its ``<script>`` element early.

    Inside a script element ``</`` ends it, and ``<!--`` or ``<script`` change how
    the rest parses: every ``<`` is written ``\\u003c``, which JSON reads as the
    same character, so no escape rule has to be right about the HTML parser.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def save_lesson(path: Path, title: str, data: Data, theme: str | None = None) -> None:
    """Write the page to ``path`` whole (or not at all), as every export is."""
    from vacancy_cli.render.export import write_export

    write_export(path, page(title, data, theme))
