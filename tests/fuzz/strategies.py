"""The fuzzers' generators: valid scenario files, hostile mutations of them, hostile option
values; a TOML writer; and the example budget (bounded in CI, larger on demand).

Why a TOML writer of our own: the standard library reads TOML but cannot write it,
and a valid scenario must reach ``vacancy`` as a file, the way a facilitator's does.
It writes every value the fuzzers make, control characters and all, so a hostile
value is hostile to the scenario checks, not merely to the TOML syntax.

Why one budget here rather than a global Hypothesis profile: loading a profile in
a conftest would change the settings of every other Hypothesis test in the suite.
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from vacancy_cli.model.strategies import ALL_STRATEGIES, MAX_COUNT, parse_strategy

# -- the example budget -----------------------------------------------------------

EXAMPLES_VARIABLE = "VACANCY_FUZZ_EXAMPLES"


def budget(ci_examples: int) -> settings:
    """Fixed seed and ``ci_examples`` examples by default (CI: the whole tests/fuzz run
    stays under a minute on two cores); ``VACANCY_FUZZ_EXAMPLES=N`` gives every fuzzer N
    examples with a fresh seed, for a nightly-style run that looks further each time."""
    wanted = os.environ.get(EXAMPLES_VARIABLE, "").strip()
    common: dict[str, Any] = {
        "deadline": None,  # the CLI's start-up varies with the machine's load
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }
    if wanted:
        return settings(max_examples=int(wanted), derandomize=False, print_blob=True, **common)
    return settings(max_examples=ci_examples, derandomize=True, database=None, **common)


# The room's terminal (80x40); NO_COLOR keeps the views plain.
ROOM = {"COLUMNS": "80", "LINES": "40", "NO_COLOR": "1"}

# -- writing TOML ---------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: dict[str, Any]) -> str:
    """A document: plain keys first, then each table, then each array of tables."""
    lines = [
        f"{toml_key(k)} = {toml_value(v)}"
        for k, v in data.items()
        if not isinstance(v, dict) and not _is_tables(v)
    ]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{toml_key(key)}]"]
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()]
    for key, value in data.items():
        if _is_tables(value):
            for table in value:
                lines += ["", f"[[{toml_key(key)}]]"]
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _is_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


# -- valid scenarios ------------------------------------------------------------------

# Every strategy that runs without a server, as a user may spell it.
LOCAL_STRATEGIES = (*ALL_STRATEGIES, "semaphore", "semaphore:3")
MAX_REQUESTS = 4  # explore stays exhaustive and fast

# Any text a facilitator may write: every code point but surrogates (not UTF-8).
prose = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
lines_of_prose = st.lists(prose.filter(bool), max_size=3)
request_id = st.from_regex(r"[A-Za-z0-9_-]{1,5}", fullmatch=True)


def canonical(name: str) -> str:
    return parse_strategy(name).name


@st.composite
def _requests(draw: st.DrawFn, pods: int) -> list[dict[str, Any]]:
    ids = draw(st.lists(request_id, min_size=pods, max_size=MAX_REQUESTS, unique=True))
    made: list[dict[str, Any]] = []
    for rid in ids:
        item: dict[str, Any] = {"id": rid}
        if draw(st.booleans()):  # op left out: a reserve
            item["op"] = draw(st.sampled_from(["reserve", "available"]))
        if item.get("op") != "available" and draw(st.booleans()):
            item["qty"] = draw(st.integers(1, 4) | st.just(MAX_COUNT))
        if pods > 1 and draw(st.booleans()):
            item["pod"] = draw(st.integers(1, pods))
        made.append(item)
    return made


@st.composite
def valid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A decoded scenario using any documented key: at most four requests, strategies
    without servers, the cache read by ``available`` requests over a drawn ``step_ms``."""
    pods = draw(st.integers(1, 2))
    requests = draw(_requests(pods))
    ids = [r["id"] for r in requests]
    data: dict[str, Any] = {"stock": draw(st.integers(0, 8) | st.just(MAX_COUNT))}
    strategies = draw(
        st.lists(st.sampled_from(LOCAL_STRATEGIES), min_size=1, max_size=3, unique_by=canonical)
    )
    if draw(st.booleans()) or len(strategies) != 2:
        data["strategies"] = strategies
    names = data.get("strategies", ["none", "asyncio-lock"])
    optional = {
        "title": prose,
        "lesson": prose,
        "schedule": st.lists(st.sampled_from(ids), max_size=8).flatmap(
            lambda steps: st.sampled_from([" ", ",", ", ", "  "]).map(lambda sep: sep.join(steps))
        ),
        "step_ms": st.integers(0, 1500) | st.just(MAX_COUNT),
        "expect": st.dictionaries(st.sampled_from(names), st.integers(-(10**9), 10), max_size=3),
        "hints": lines_of_prose,
        "notes": lines_of_prose,
    }
    for key, values in optional.items():
        if draw(st.booleans()):
            data[key] = draw(values)
    if pods > 1 or draw(st.booleans()):
        data["pods"] = pods
    if draw(st.booleans()):
        data["challenge"] = draw(prose.filter(bool))
        data["goal"] = draw(_goal(names, ids))
    data["requests"] = requests
    return data


@st.composite
def _goal(draw: st.DrawFn, names: list[str], ids: list[str]) -> dict[str, Any]:
    parts = {
        "strategy": st.sampled_from(names),
        "final_stock": st.integers(0, 10),
        "violation": st.sampled_from(
            ["lost_update", "oversell", "negative_stock", "deadlock", "none"]
        ),
        "granted": st.lists(st.sampled_from(ids), unique=True),
        "stale_reads": st.integers(1, 3),
    }
    keys = draw(st.lists(st.sampled_from(sorted(parts)), min_size=1, unique=True))
    return {key: draw(parts[key]) for key in keys}


# -- hostile values ---------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "²",
            "¹²³",
            "١٢",  # Arabic-Indic digits: int() reads them, a regex \d matches them
            "٣-٥",
            "1e9",
            "-1",
            "0",
            "nan",
            "inf",
            "\x00",
            "\x1b[2J",
            "A\nB",
            "\t",
            "all",
            "semaphore:0",
            "semaphore:²",
            "semaphore:-1",
            "semaphore:99999999999999999999",
            "1_000",
            "1,0",
            "0x10",
            "+5",
            "--json",
            "-",
        ]
    ),
    st.integers().map(str),
    st.integers(min_value=10**18).map(str),
    st.text(min_size=300, max_size=5000).map(lambda s: (s or "x") * 2),
)

# Values of every TOML type, many of them wrong wherever they land.
hostile_value: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        hostile_text,
        st.integers(),
        st.integers(min_value=2**53, max_value=2**63 - 1),
        st.integers(min_value=-(2**63), max_value=-1),
        st.floats(),
        st.booleans(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=2),
    max_leaves=6,
)

_TOP_KEYS = ["stock", "strategies", "schedule", "step_ms", "requests", "expect", "pods"]
_MORE_KEYS = ["title", "lesson", "challenge", "goal", "hints", "notes", "manager"]


@st.composite
def mutated_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario with one part made hostile: a value replaced, a key dropped or
    added, or a request's field broken."""
    data = draw(valid_scenarios())
    how = draw(st.sampled_from(["replace", "drop", "unknown", "request", "goal"]))
    if how == "replace":
        data[draw(st.sampled_from(_TOP_KEYS + _MORE_KEYS))] = draw(hostile_value)
    elif how == "drop":
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "unknown":
        data[draw(hostile_text.filter(bool))] = draw(hostile_value)
    elif how == "request":
        item = draw(st.sampled_from(data["requests"]))
        item[draw(st.sampled_from(["id", "op", "qty", "pod", "extra"]))] = draw(hostile_value)
    else:
        data["challenge"] = draw(hostile_value | prose)
        data["goal"] = {
            draw(st.sampled_from(["strategy", "final_stock", "violation", "granted", "x"])): draw(
                hostile_value
            )
        }
    return data


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A scenario file's bytes, broken as files get broken: a hostile value written as
    TOML, truncated, a span duplicated, bytes spliced in, or nothing but noise."""
    how = draw(st.sampled_from(["data", "truncate", "duplicate", "splice", "noise"]))
    if how == "noise":
        return draw(st.binary(max_size=300))
    if how == "data":
        return to_toml(draw(mutated_data())).encode("utf-8", "surrogatepass")
    text = to_toml(draw(valid_scenarios())).encode()
    cut = draw(st.integers(0, len(text)))
    if how == "truncate":
        return text[:cut]
    if how == "duplicate":
        end = draw(st.integers(cut, len(text)))
        return text[:end] + text[cut:end] + text[end:]
    return text[:cut] + draw(st.binary(min_size=1, max_size=20)) + text[cut:]
