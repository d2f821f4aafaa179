"""--export: each format, nothing half-written, and bad paths refused before work."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from vacancy_cli.cli.app import app
from vacancy_cli.report.schemas import schema

runner = CliRunner()


def invoke(*args: str, keys: str = "") -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=keys, env={"COLUMNS": "80", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("suffix", "marker"),
    [
        (".svg", "<svg"),
        (".html", "<html"),
        (".txt", "Summary"),
        (".md", "| Strategy | Final stock | Expected | Granted | Verdict |"),
    ],
)
def test_simulate_exports_what_the_terminal_showed(
    tmp_path: Path, suffix: str, marker: str
) -> None:
    target = tmp_path / f"lost-update{suffix}"
    code, out, _ = invoke("simulate", "lost-update", "--export", str(target))
    assert code == 0
    assert "← lost update" in out  # the terminal still shows it
    text = target.read_text(encoding="utf-8")
    assert marker in text
    assert "Summary" in text and "Lesson" in text
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary left behind


def test_markdown_tables_are_tables(tmp_path: Path) -> None:
    target = tmp_path / "handout.md"
    invoke("simulate", "lost-update", "--export", str(target))
    text = target.read_text(encoding="utf-8")
    assert "| t4 |  | writes 99 | 99 ← lost update |" in text
    assert "**Lesson**" in text and "> Two requests each read the stock" in text


def test_explore_export_with_json_keeps_stdout_json(tmp_path: Path) -> None:
    target = tmp_path / "explore.txt"
    code, out, _ = invoke("explore", "lost-update", "-s", "none", "--json", "--export", str(target))
    assert code == 0
    assert json.loads(out)["explorations"][0]["naive_interleavings"] == 6
    assert "4 of 6 interleavings lose an update" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("slides.pdf", "unknown format '.pdf'"),
        ("noext", "unknown format '(none)'"),
        ("missing/dir/out.svg", "does not exist"),
    ],
)
def test_bad_export_paths_exit_2_before_any_work(tmp_path: Path, name: str, message: str) -> None:
    code, out, err = invoke("simulate", "lost-update", "--export", str(tmp_path / name))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_unwritable_folder_is_one_line_and_leaves_nothing() -> None:
    # sysfs: a folder no one may create a file in, root included (chmod binds no root).
    code, out, err = invoke("simulate", "lost-update", "--export", "/sys/x.md")
    assert code == 2 and out == ""
    assert "--export /sys/x.md: cannot write in folder '/sys'" in err
    assert len(err.strip().splitlines()) == 1
    assert not Path("/sys/x.md").exists()


def test_predict_asks_each_strategy_and_ticks_the_guesses() -> None:
    code, out, _ = invoke("simulate", "lost-update", "--predict", keys="98\nnot a number\n98\n")
    assert code == 0
    assert "Predict the final stock under none:" in out
    assert "a whole number, such as 98" in out
    assert "Predicted" in out
    assert "98 ✗" in out and "98 ✓" in out


def test_step_reveals_one_row_per_key_press() -> None:
    code, out, _ = invoke("simulate", "lost-update", "-s", "none", "--step", keys="\n\n\n")
    assert code == 0
    assert out.count("Enter: next step") == 3
    first = out.index("Enter: next step (3 more)")
    assert "reads 100" in out[:first] and "writes 99" not in out[:first]
    assert "Summary" in out  # the whole result follows


def test_step_stops_early_on_q() -> None:
    code, out, _ = invoke("simulate", "lost-update", "-s", "none", "--step", keys="q\n")
    assert code == 0 and out.count("Enter: next step") == 1 and "Summary" in out


def test_predict_and_step_refuse_json() -> None:
    code, _, err = invoke("simulate", "lost-update", "--predict", "--json")
    assert code == 2 and "cannot go with --json" in err


def test_reserve_exports_its_tables(tmp_path: Path) -> None:
    target = tmp_path / "load.md"
    code, out, _ = invoke("reserve", "--requests", "50", "--stock", "50", "--export", str(target))
    assert code == 0 and "Lock acquisitions" in out
    text = target.read_text(encoding="utf-8")
    assert "| Measure | Value |" in text and "| Final stock | 0 |" in text


def test_an_export_gets_the_mode_an_ordinary_file_would(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        target = tmp_path / "slides.md"
        code, _, _ = invoke("simulate", "lost-update", "--export", str(target))
    finally:
        os.umask(mask)
    assert code == 0 and target.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


# -- the lesson page (--export *.html of simulate and explore) and offline exports ----

URL = re.compile(r"https?://[^\s\"'<>)\\]*")


def embedded(path: Path) -> dict[str, Any]:
    """The page's data: the one ``application/json`` script element, parsed."""
    text = path.read_text(encoding="utf-8")
    opened = '<script type="application/json" id="lesson-data">'
    assert text.count(opened) == 1
    body = text.split(opened, 1)[1].split("</script>", 1)[0]
    loaded: dict[str, Any] = json.loads(body)
    return loaded


def test_the_simulate_page_embeds_the_json_document(tmp_path: Path) -> None:
    target = tmp_path / "lesson.html"
    code, _, _ = invoke("simulate", "lost-update", "--export", str(target))
    assert code == 0
    data = embedded(target)
    _, printed, _ = invoke("simulate", "lost-update", "--json")
    assert data["document"] == json.loads(printed)  # the very document --json prints
    Draft202012Validator(schema("simulate")).validate(data["document"])
    notes = data["notes"][0]
    assert [row["mark"] for row in notes["rows"]] == ["", "", "", "lost update"]
    assert [s["after"] for s in notes["sentences"]] == [4, 4]  # names t4; the balance: the end
    text = target.read_text(encoding="utf-8")
    assert "<title>Lost update</title>" in text and 'name="viewport"' in text
    assert "<table" not in text.split("<script")[0]  # tables are built by the script, not here


def test_the_explore_page_has_each_witness_replayed_beside_the_document(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    code, out, _ = invoke("explore", "three-way", "--json", "--export", str(target))
    assert code == 0
    data = embedded(target)
    assert data["document"] == json.loads(out)
    Draft202012Validator(schema("explore")).validate(data["document"])
    simulate = schema("simulate")
    run_schema = Draft202012Validator({"$ref": "#/$defs/run", "$defs": simulate["$defs"]})
    for exploration, runs in zip(
        data["document"]["explorations"], data["witness_runs"], strict=True
    ):
        assert len(runs) == len(exploration["outcomes"])
        for outcome, run in zip(exploration["outcomes"], runs, strict=True):
            run_schema.validate(run)
            assert run["final_stock"] == outcome["final_stock"]  # the witness reaches it
            assert (
                " ".join(s["request"] for s in run["steps"][: len(outcome["witness"].split())])
                == (outcome["witness"])
            )


@pytest.mark.parametrize("command", [["simulate"], ["explore", "-s", "none"]])
def test_the_page_names_no_url_but_the_scenarios_own(
    tmp_path: Path, write_scenario: Callable[..., Path], command: list[str]
) -> None:
    # A title that would end the script element if it were pasted in raw, and a
    # lesson with a link: the only URL the page may hold is the scenario's own.
    scenario = write_scenario(
        'title = "Race </script><script>alert(1)</script> {{data}}"\n'
        'lesson = "Read https://example.org/adr-7 after the session."\n'
        'stock = 2\nstrategies = ["none"]\nschedule = "A B A B"\n'
        '[[requests]]\nid = "A"\nqty = 1\n[[requests]]\nid = "B"\nqty = 1\n'
    )
    target = tmp_path / "lesson.html"
    code, _, err = invoke(*command, str(scenario), "--export", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert URL.findall(text) == (["https://example.org/adr-7"] if command == ["simulate"] else [])
    assert text.count("</script>") == 2  # the data's and the script's own, nothing injected
    assert "<script>alert" not in text
    data = embedded(target)
    assert data["document"]["title"].startswith("Race </script><script>")
    assert "<title>Race &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{data}}" in text


def test_the_svg_export_loads_no_font_from_the_web(tmp_path: Path) -> None:
    target = tmp_path / "slides.svg"
    code, _, _ = invoke("simulate", "lost-update", "--export", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text and "Summary" in text
    assert "@font-face" not in text and ".woff" not in text
    assert URL.findall(text) == ["http://www.w3.org/2000/svg"]  # the namespace, not fetched
    assert "monospace" in text


def test_the_light_svg_keeps_its_palette_offline(tmp_path: Path) -> None:
    target = tmp_path / "slides.svg"
    result = runner.invoke(
        app,
        ["--theme", "light", "simulate", "lost-update", "--export", str(target)],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "#ffffff" in text.lower() and "@font-face" not in text


def test_play_keeps_the_static_transcript(tmp_path: Path) -> None:
    target = tmp_path / "play.html"
    code, _, _ = invoke("play", "lost-update", "--export", str(target), keys="q\n")
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert "<html" in text and "lesson-data" not in text
