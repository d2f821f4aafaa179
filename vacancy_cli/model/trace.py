"""The trace of a run: what each request did at each step, and how it ended.

Everything here is a frozen dataclass so that a finished run cannot change
under the renderer. The checked results built from a trace are in
``result.py``; their JSON is made in ``report/`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

# Actions a strategy records while a request runs (the vocabulary of the ADR).
READ = "read"  # read the stock from the store
WRITE = "write"  # wrote a new stock computed from an earlier read
REJECTED = "rejected"  # saw too little stock; wrote nothing
CACHE_HIT = "cache_hit"  # available() served from the 1 s cache
CACHES = "caches"  # available() filled the cache
WAITS = "waits"  # found the lock (or every permit) taken and blocked
ACQUIRES = "acquires"  # took the lock or a permit
RELEASES = "releases"  # gave it back

BLOCKS_LOOP = "blocks_loop"  # tried a held threading.Lock: the event loop would freeze

# Steps the schedule gave to a request that could not move.
BLOCKED = "blocked"  # still waiting for the lock
DONE = "done"  # had already finished
FROZEN = "frozen"  # the event loop is blocked: nothing can move any more
RAISES = "raises"  # the request's own code raised (a user's manager): it is done
RUNS = "runs"  # a user's manager ran to its next await, touching nothing recorded

ACTIONS = (
    READ,
    WRITE,
    REJECTED,
    CACHE_HIT,
    CACHES,
    WAITS,
    ACQUIRES,
    RELEASES,
    BLOCKS_LOOP,
    BLOCKED,
    DONE,
    FROZEN,
    RAISES,
    RUNS,
)

# A step's headline is its first event that is not lock bookkeeping.
_BOOKKEEPING = (ACQUIRES, RELEASES)


@dataclass(frozen=True)
class Event:
    """One thing a request did inside a step.

    ``seen`` is the stock value the action was based on (for a write, the value
    read earlier); ``value`` is what it produced (for a write, the new stock;
    for a cache hit, the cached value's age in milliseconds).
    """

    action: str
    seen: int | None = None
    value: int | None = None
    name: str | None = None  # a user's manager: the attribute read or written, what it waits for


@dataclass(frozen=True)
class Step:
    """What one step of the schedule did: one request, from park to park."""

    t: int
    request: str
    events: tuple[Event, ...]
    stock: int  # the stock the request's pod sees after the step
    pod: int = 0

    @property
    def action(self) -> str:
        for event in self.events:
            if event.action not in _BOOKKEEPING:
                return event.action
        return self.events[0].action

    @property
    def seen(self) -> int | None:
        for event in self.events:
            if event.action == self.action:
                return event.seen
        return None

    def has(self, action: str) -> bool:
        return any(event.action == action for event in self.events)

    def event(self, action: str) -> Event | None:
        return next((e for e in self.events if e.action == action), None)


@dataclass(frozen=True)
class RequestResult:
    """How one request ended: granted or not, and what it was told."""

    id: str
    op: str
    qty: int
    granted: bool | None  # None for an available() read
    returned: int  # remaining stock (reserve) or the value read (available)


def schedule_text(schedule: tuple[str, ...]) -> str:
    return " ".join(schedule)


def served_stale(served: int | None, stock: int) -> bool:
    """The one rule for a stale read: the cache served a value that was no longer the stock.

    The manager applies it as it serves the value (``stock.base``), the checker to a
    finished trace (``stale_read``); one comparison, so the explorer's count of
    stale reads and ``simulate``'s marks cannot disagree.
    """
    return served != stock


def stale_read(step: Step) -> bool:
    """Whether ``step`` was a cache hit that served a stale value.

    A cache hit is the request's last move (``available()`` returns at once), so
    the stock after the step is the stock at the moment of the read.
    """
    hit = step.event(CACHE_HIT)
    return hit is not None and served_stale(hit.seen, step.stock)
