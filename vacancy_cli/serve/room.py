"""The room: the lessons, the current one, and each learner's game, bounded.

Everything the browser may ask for is checked here against what the
facilitator started the server with: a lesson is an index into the catalogue
(never a file name), a strategy is the lesson's challenge strategy (never a
manager or a server the browser names), and a move is a request id the game
checks. The limits (learners, requests per window, idle time) are values of
``Limits`` so tests can make them small; the clock is a parameter so expiry
is tested without waiting.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from vacancy_cli.app.choose import strategy_for
from vacancy_cli.app.explore import explore_scenario
from vacancy_cli.app.play import Game
from vacancy_cli.model.errors import VacancyError
from vacancy_cli.model.scenario import Scenario, bundled_names, load_scenario

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
CODE_LENGTH = 5
# States the facilitator's outcome map may explore: the bundled lessons need far fewer.
OUTCOME_STATES = 200_000


class Refused(Exception):
    """A request the room will not serve: ``status`` for HTTP, the message one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Limits:
    """What one server gives a room at most; the defaults suit a workshop of a few dozen."""

    sessions: int = 200
    body_bytes: int = 4096
    requests: int = 120  # per learner in each window
    # New sessions one address may open in each window: a page reloaded keeps its
    # session, so only a client that drops its cookie on purpose reaches this, and it
    # can no longer fill the room's places alone. A classroom behind one NAT address
    # joins over more than a minute.
    joins: int = 30
    window_s: float = 60.0
    idle_s: float = 3600.0


@dataclass(frozen=True)
class Lesson:
    """One lesson of the room: a scenario and the strategy its challenge is played with."""

    scenario: Scenario
    strategy: str  # a strategy without a server (the room never reaches one)


@dataclass
class Learner:
    """One browser: its game for the lesson it is on, its prediction, its request count."""

    id: str
    seen: float
    lesson: int = -1
    game: Game | None = None
    prediction: int | None = None
    window_start: float = 0.0
    requests: int = 0
    finished: bool = False  # every request of its game has finished (set after each answer)
    lock: threading.Lock = field(default_factory=threading.Lock)


def lessons_from(files: list[Scenario]) -> list[Lesson]:
    """The bundled catalogue in course order, then the facilitator's files; a lesson
    whose challenge needs a server (Redis, PostgreSQL) is left out: the room never
    connects to one."""
    scenarios = [load_scenario(name) for name in bundled_names()] + files
    lessons = []
    for scenario in scenarios:
        try:
            strategy = strategy_for(scenario, None)
        except VacancyError:
            continue
        if strategy.server is None:
            lessons.append(Lesson(scenario, strategy.name))
    return lessons


class Room:
    """The state behind every endpoint; thread-safe (Starlette runs sync endpoints in a
    thread pool), one lock for the room and one per learner's game."""

    def __init__(
        self,
        lessons: list[Lesson],
        *,
        need_code: bool = False,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not lessons:
            raise ValueError("a room needs at least one lesson")
        self.lessons = lessons
        self.need_code = need_code
        self.limits = limits or Limits()
        self.clock = clock
        self.code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        self.token = secrets.token_urlsafe(16)
        self.current = 0
        self._learners: dict[str, Learner] = {}
        self._outcomes: dict[int, list[dict[str, int]]] = {}
        self._joins: dict[str, tuple[float, int]] = {}  # address: (window start, new sessions)
        self._lock = threading.Lock()

    # -- who may ask --------------------------------------------------------------

    def join(self, code: str | None, sid: str | None = None, address: str = "") -> str:
        """A learner's session id: ``sid`` again when it is still a session (a page
        reloaded keeps its game and its place), else a new one, at most
        ``limits.joins`` a window from one ``address``; the room code first when the
        room needs one."""
        if self.need_code and not _same(code or "", self.code, fold=True):
            raise Refused(403, "wrong room code: ask the facilitator for the code on the screen")
        with self._lock:
            self._expire()
            if sid and sid in self._learners:
                return sid
            if len(self._learners) >= self.limits.sessions:
                raise Refused(503, f"the room is full ({self.limits.sessions} learners)")
            self._count_join(address)
            sid = secrets.token_urlsafe(16)
            self._learners[sid] = Learner(sid, self.clock())
        return sid

    def _count_join(self, address: str) -> None:
        """One more new session from ``address`` (caller holds the lock)."""
        now = self.clock()
        start, count = self._joins.get(address, (now, 0))
        if now - start >= self.limits.window_s:
            start, count = now, 0
        if count >= self.limits.joins:
            raise Refused(429, "too many new sessions from this address: wait a minute")
        self._joins[address] = (start, count + 1)
        if len(self._joins) > 4 * self.limits.sessions:  # forget finished windows
            self._joins = {
                a: w for a, w in self._joins.items() if now - w[0] < self.limits.window_s
            }

    def learner(self, sid: str | None) -> Learner:
        """The learner a session id names, counted against its rate limit."""
        now = self.clock()
        with self._lock:
            self._expire()
            found = self._learners.get(sid or "")
            if found is None:
                raise Refused(401, "no session: open the room's address again to join")
            found.seen = now
            if now - found.window_start >= self.limits.window_s:
                found.window_start, found.requests = now, 0
            found.requests += 1
            if found.requests > self.limits.requests:
                raise Refused(429, "too many requests: wait a moment and try again")
            return found

    def check_token(self, token: str | None) -> None:
        if not _same(token or "", self.token):
            raise Refused(403, "the facilitator's view needs the token printed at start")

    def _expire(self) -> None:
        """Drop learners idle past the limit, closing their games (caller holds the lock)."""
        cutoff = self.clock() - self.limits.idle_s
        for sid in [s for s, lr in self._learners.items() if lr.seen < cutoff]:
            gone = self._learners.pop(sid)
            if gone.game is not None:
                gone.game.close()

    def close(self) -> None:
        """Close every learner's game (each holds a scheduler and its event loop): when
        the server stops, and in tests, so no request's task is left pending."""
        with self._lock:
            for learner in self._learners.values():
                if learner.game is not None:
                    learner.game.close()
                    learner.game = None
            self._learners.clear()

    @property
    def learners(self) -> int:
        with self._lock:
            self._expire()
            return len(self._learners)

    # -- the learner's game --------------------------------------------------------

    def game(self, learner: Learner) -> Game:
        """The learner's game for the current lesson: a fresh one when the lesson moved."""
        if learner.game is None or learner.lesson != self.current:
            if learner.game is not None:
                learner.game.close()
            lesson = self.lessons[self.current]
            learner.game = Game(lesson.scenario, lesson.strategy)
            learner.lesson = self.current
            learner.prediction = None
            learner.finished = False
        return learner.game

    def predict(self, learner: Learner, value: object) -> None:
        game = self.game(learner)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refused(400, "final_stock must be a whole number")
        if abs(value) > 10**9:
            raise Refused(400, "final_stock is out of range")
        if game.moves or game.actions:
            raise Refused(409, "predictions close at the first move")
        learner.prediction = value

    # -- the facilitator -------------------------------------------------------------

    def advance(self) -> int:
        """Move the room to the next lesson (the last one stays); the new index."""
        with self._lock:
            self.current = min(self.current + 1, len(self.lessons) - 1)
            return self.current

    def outcomes(self, index: int) -> list[dict[str, int]]:
        """Every final stock the lesson's challenge strategy can reach, with how many
        schedules reach it (explored once, then kept)."""
        with self._lock:
            known = self._outcomes.get(index)
        if known is not None:
            return known
        lesson = self.lessons[index]
        report = explore_scenario(lesson.scenario, [lesson.strategy], max_states=OUTCOME_STATES)
        counts: dict[int, int] = {}
        for outcome in report.explorations[0].outcomes:
            counts[outcome.final_stock] = counts.get(outcome.final_stock, 0) + outcome.schedules
        found = [{"final_stock": k, "schedules": v} for k, v in sorted(counts.items())]
        with self._lock:
            self._outcomes[index] = found
        return found

    def tally(self) -> dict[str, object]:
        """The current lesson's predictions and results across the room."""
        with self._lock:
            self._expire()
            here = [lr for lr in self._learners.values() if lr.lesson == self.current]
            predictions: dict[int, int] = {}
            met = finished = 0
            for lr in here:
                if lr.prediction is not None:
                    predictions[lr.prediction] = predictions.get(lr.prediction, 0) + 1
                game = lr.game
                if game is not None and game.met_with is not None:
                    met += 1
                finished += lr.finished
            return {
                "learners": len(self._learners),
                "playing": len(here),
                "met": met,
                "finished": finished,
                "predictions": [
                    {"final_stock": k, "learners": v} for k, v in sorted(predictions.items())
                ],
            }


def _same(given: str, secret: str, fold: bool = False) -> bool:
    """Compared in constant time; ``fold``: case-insensitively (the spoken room code)."""
    if fold:
        given, secret = given.strip().upper(), secret.upper()
    return hmac.compare_digest(given.encode(), secret.encode())
