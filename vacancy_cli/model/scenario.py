"""Scenario files: load, validate, and find the bundled catalogue.

A scenario is data a facilitator writes without Python (TOML, read with the
standard library's ``tomllib``). Validation happens here, once, so that every
engine downstream can trust the model; every problem becomes one
``ScenarioError`` line naming the file, the key and what was expected.
Every text the file supplies for people to read (the title, lesson, challenge,
hints and notes) is escaped here (``text.printable``), so no view can send a
scenario's control characters to a terminal (``scenario_file`` bounds the
reading itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vacancy_cli.model import trace

# The catalogue's names, re-exported: ``model.scenario`` is where callers look for them.
from vacancy_cli.model.catalogue import bundled_names as bundled_names
from vacancy_cli.model.catalogue import catalogue_dir as catalogue_dir
from vacancy_cli.model.catalogue import find_scenario as find_scenario
from vacancy_cli.model.catalogue import name_of
from vacancy_cli.model.errors import OptionError, ScenarioError, ScheduleError
from vacancy_cli.model.goal import VIOLATION_CHOICES, Goal
from vacancy_cli.model.requests import AVAILABLE, OPS, RequestSpec
from vacancy_cli.model.scenario_file import read_toml
from vacancy_cli.model.strategies import MAX_COUNT, parse_strategy, split_ref
from vacancy_cli.model.text import printable, shortened

TOP_KEYS = (
    "title",
    "lesson",
    "stock",
    "strategies",
    "schedule",
    "step_ms",
    "requests",
    "expect",
    "challenge",
    "goal",
    "pods",
    "manager",
    "hints",
    "notes",
)
GOAL_KEYS = ("strategy", "final_stock", "violation", "granted", "stale_reads")
REQUEST_KEYS = ("id", "op", "qty", "pod")
DEFAULT_STRATEGIES = ("none", "asyncio-lock")
_ID = re.compile(r"[A-Za-z0-9_-]+")  # with fullmatch: "$" would let "A\n" through


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    lesson: str
    stock: int
    strategies: tuple[str, ...]
    schedule: tuple[str, ...]
    requests: tuple[RequestSpec, ...]
    expect: dict[str, int]
    step_ms: int
    source: str
    goal: Goal | None = None
    pods: int = 1  # copies of the service; requests go round robin unless they name one
    manager: str | None = None  # a user's own manager, "path/file.py[:Name]", run beside them
    hints: tuple[str, ...] = ()  # graded hints for the challenge, first to last (play's hint)
    notes: tuple[str, ...] = ()  # the facilitator's discussion questions, never shown in play

    def with_pods(self, pods: int) -> Scenario:
        """The same scenario served by ``pods`` pods (``--pods``)."""
        if pods < 1:
            raise OptionError(f"must be at least 1, got {pods}", option="pods")
        if pods > len(self.requests):
            raise OptionError(
                f"{pods}: more pods than requests ({len(self.requests)}) in {self.source}",
                option="pods",
            )
        for spec in self.requests:
            if spec.pod is not None and spec.pod >= pods:
                raise OptionError(
                    f"{pods}: request {spec.id} asks for pod {spec.pod + 1} in {self.source}",
                    option="pods",
                )
        return replace(self, pods=pods)

    @property
    def request_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.requests)

    @property
    def bundled(self) -> bool:
        """Loaded from the bundled catalogue (only those count in ``vacancy course``),
        not from a file of the user's that happens to have the same name."""
        return Path(self.source).resolve().parent == catalogue_dir().resolve()

    @property
    def ref(self) -> str:
        """What a command line names it by: the bundled name, or the file's path."""
        return self.name if self.bundled else self.source


def load_scenario(ref: str) -> Scenario:
    path = find_scenario(ref)
    return parse_scenario(read_toml(path), source=str(path), name=name_of(path))


def parse_scenario(data: dict[str, Any], source: str, name: str) -> Scenario:
    """Validate a decoded TOML document; ``source`` prefixes every error."""
    where = _Where(source)
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ScenarioError(
            f"{source}: unknown key {unknown[0]!r} (known keys: {', '.join(TOP_KEYS)})"
        )
    stock = where.whole(data, "stock", minimum=0, required=True)
    requests = _requests(data, where)
    ids = tuple(r.id for r in requests)
    manager = _manager(data, where)
    strategies = _strategies(data, where, manager)
    schedule_text = where.text(data, "schedule", default="")
    try:
        schedule = parse_schedule(schedule_text, ids)
    except ScheduleError as exc:
        raise ScenarioError(f"{source}: key 'schedule': {exc}") from None
    pods = where.whole(data, "pods", minimum=1, default=1)
    if pods > len(requests):
        raise where.fail("pods", f"at most the number of requests ({len(requests)})", pods)
    for index, spec in enumerate(requests, start=1):
        if spec.pod is not None and spec.pod >= pods:
            raise ScenarioError(
                f"{source}: key 'requests[{index}].pod' must be from 1 to pods = {pods}, "
                f"got {spec.pod + 1}"
            )
    return Scenario(
        pods=pods,
        goal=_goal(data, where, ids, strategies or (_manager_label(manager or ""),)),
        manager=manager,
        name=printable(name),
        title=printable(where.text(data, "title", default=name)),
        lesson=printable(where.text(data, "lesson", default=""), lines=True),
        stock=stock,
        strategies=strategies,
        schedule=schedule,
        requests=requests,
        expect=_expect(data, where),
        step_ms=where.whole(data, "step_ms", minimum=0, default=100),
        source=source,
        hints=where.texts(data, "hints"),
        notes=where.texts(data, "notes"),
    )


def parse_schedule(text: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    """``"A B A B"``, ``"A,B,A,B"`` or annotated ``"A:read B:read A:write"`` into tokens.

    Each token's id is checked against ``ids`` and its annotation, if any,
    against the trace's actions; the replay checks that each step really does
    what its annotation says.
    """
    tokens = tuple(tok for tok in re.split(r"[\s,]+", text.strip()) if tok)
    for position, tok in enumerate(tokens, start=1):
        rid, action = split_token(tok)
        if rid not in ids:
            raise ScheduleError(
                f"step {position} names unknown request {rid!r} (requests: {', '.join(ids)})"
            )
        if action is not None and action not in trace.ACTIONS:
            raise ScheduleError(
                f"step {position} ({tok!r}): unknown action {action!r} "
                f"(actions: {', '.join(trace.ACTIONS)})"
            )
    return tokens


def split_token(token: str) -> tuple[str, str | None]:
    """``"A:read"`` into ``("A", "read")``; a bare ``"A"`` into ``("A", None)``."""
    rid, colon, action = token.partition(":")
    return rid, (action if colon else None)


def _goal(
    data: dict[str, Any], where: _Where, ids: tuple[str, ...], strategies: tuple[str, ...]
) -> Goal | None:
    if "challenge" not in data and "goal" not in data:
        return None
    text = where.text(data, "challenge", default="")
    raw = data.get("goal")
    if not text or not isinstance(raw, dict) or not raw:
        raise ScenarioError(
            f"{where.source}: a challenge needs both 'challenge' (the words) and a "
            f"non-empty [goal] table (one or more of: {', '.join(GOAL_KEYS)})"
        )
    unknown = sorted(set(raw) - set(GOAL_KEYS))
    if unknown:
        raise ScenarioError(
            f"{where.source}: unknown key {'goal.' + unknown[0]!r} "
            f"(known keys: {', '.join(GOAL_KEYS)})"
        )
    at = _Where(where.source, "goal.")
    strategy = _strategy_name(
        at.text(raw, "strategy", default=strategies[0]), where, "goal.strategy"
    )
    violation = raw.get("violation")
    if violation is not None and violation not in VIOLATION_CHOICES:
        raise at.fail("violation", f"one of {', '.join(VIOLATION_CHOICES)}", violation)
    granted = raw.get("granted")
    if granted is not None:
        if not isinstance(granted, list) or not all(g in ids for g in granted):
            raise at.fail("granted", f"a list of request ids among {', '.join(ids)}", granted)
        granted = tuple(granted)
    return Goal(
        text=printable(text, lines=True),
        strategy=strategy,
        final_stock=at.whole(raw, "final_stock", minimum=0) if "final_stock" in raw else None,
        violation=violation,
        granted=granted,
        stale_reads=at.whole(raw, "stale_reads", minimum=1) if "stale_reads" in raw else None,
    )


class _Where:
    """Typed key access that reports the file and key on every mistake."""

    def __init__(self, source: str, prefix: str = "") -> None:
        self.source = source
        self.prefix = prefix

    def fail(self, key: str, expected: str, got: object) -> ScenarioError:
        return ScenarioError(
            f"{self.source}: key {self.prefix + key!r} must be {expected}, "
            f"got {shortened(repr(got))}"
        )

    def whole(
        self, data: dict[str, Any], key: str, minimum: int, default: int = 0, required: bool = False
    ) -> int:
        if key not in data:
            if required:
                raise ScenarioError(f"{self.source}: missing key '{self.prefix}{key}'")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"a whole number >= {minimum}", value)
        if value > MAX_COUNT:
            raise self.fail(key, f"a whole number <= {MAX_COUNT} (what every store holds)", value)
        return value

    def text(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "a string", value)
        return value

    def texts(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        """A list of non-empty strings (hints, notes); empty when the key is absent."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "a list of non-empty strings", value)
        return tuple(printable(v, lines=True) for v in value)


def _requests(data: dict[str, Any], where: _Where) -> tuple[RequestSpec, ...]:
    raw = data.get("requests")
    if raw is None:
        raise ScenarioError(f"{where.source}: missing [[requests]]: a scenario needs at least one")
    if not isinstance(raw, list) or not raw or not all(isinstance(r, dict) for r in raw):
        raise where.fail("requests", "a list of [[requests]] tables", raw)
    specs: list[RequestSpec] = []
    seen: set[str] = set()  # ids so far: a list scan made 2,000 requests cost 2 million compares
    for index, item in enumerate(raw, start=1):
        at = _Where(where.source, f"requests[{index}].")
        unknown = sorted(set(item) - set(REQUEST_KEYS))
        if unknown:
            raise ScenarioError(
                f"{where.source}: unknown key {f'requests[{index}].{unknown[0]}'!r} "
                f"(known keys: {', '.join(REQUEST_KEYS)})"
            )
        if "id" not in item:
            raise ScenarioError(f"{where.source}: missing key 'requests[{index}].id'")
        rid = item["id"]
        if not isinstance(rid, str) or not _ID.fullmatch(rid):
            raise at.fail("id", "a name of letters, digits, '-' or '_'", rid)
        if rid in seen:
            raise ScenarioError(f"{where.source}: request id {rid!r} is used twice")
        seen.add(rid)
        op = at.text(item, "op", default="reserve")
        if op not in OPS:
            raise at.fail("op", "'reserve' or 'available'", op)
        if op == AVAILABLE and "qty" in item:
            # available() only reads: a qty there would be silently ignored, and the
            # author surely meant something else (a reserve, or a different request).
            raise ScenarioError(
                f"{where.source}: request {rid!r} has key 'requests[{index}].qty', but an "
                f"'available' request only reads the stock: remove qty, or make it "
                f'op = "reserve"'
            )
        qty = at.whole(item, "qty", minimum=1, default=1)
        pod = at.whole(item, "pod", minimum=1) - 1 if "pod" in item else None
        specs.append(RequestSpec(id=rid, qty=qty, op=op, pod=pod))
    return tuple(specs)


def _manager(data: dict[str, Any], where: _Where) -> str | None:
    """``manager = "file.py:Class"``, relative to the scenario file: checked for its
    shape here, loaded (and run) only when a command runs it."""
    if "manager" not in data:
        return None
    text = where.text(data, "manager", default="")
    parts = split_ref(text)
    if parts is None or (parts[1] and not parts[1].isidentifier()):
        raise where.fail(
            "manager", "a Python file and a class in it, as my_fix.py:StockManager", text
        )
    path, name = parts
    return str(Path(where.source).parent / path) + (f":{name}" if name else "")


def _manager_label(manager: str) -> str:
    """How runs name the scenario's manager before it is loaded: its file, and class."""
    path, name = split_ref(manager) or (manager, "")
    return Path(path).name + (f":{name}" if name else "")


def _strategies(data: dict[str, Any], where: _Where, manager: str | None) -> tuple[str, ...]:
    """The file's strategies; with its own manager and no list, the manager alone."""
    if manager is not None and "strategies" not in data:
        return ()
    raw = data.get("strategies", list(DEFAULT_STRATEGIES))
    if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
        raise where.fail("strategies", "a non-empty list of strategy names", raw)
    return tuple(_strategy_name(s, where, "strategies") for s in raw)


def _strategy_name(text: str, where: _Where, key: str) -> str:
    try:
        return parse_strategy(text).name
    except OptionError as exc:
        raise ScenarioError(f"{where.source}: key {key!r}: {exc}") from None


def _expect(data: dict[str, Any], where: _Where) -> dict[str, int]:
    raw = data.get("expect", {})
    if not isinstance(raw, dict):
        raise where.fail("expect", "a table of strategy = final stock", raw)
    expect: dict[str, int] = {}
    at = _Where(where.source, "expect.")
    for key in raw:
        name = _strategy_name(key, where, f"expect.{key}")
        expect[name] = at.whole(raw, key, minimum=-(10**9))  # pods can oversell below 0
    return expect
