"""What a user's manager and its requests look like to the explorer: plain values.

The explorer merges states that are equal, so everything here turns live
objects into values that compare equal across replays: the instance's
attributes (asyncio primitives by their state: locked, permits, waiters), and
each suspended request's position (every frame of its await chain, with the
plain locals of the user's own frames). A value that cannot be compared
(an arbitrary object) raises ``NotPlain``, and the scheduler then merges
nothing rather than merge wrongly.
"""

from __future__ import annotations

import asyncio
from typing import Any

from vacancy_cli.stock.own import RECORDER


class NotPlain(Exception):
    """A value the fingerprint cannot compare across replays."""


def fields(instance: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(instance).items() if k != RECORDER}


def plain(value: Any) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        return ("code", getattr(value, "__module__", ""), value.__qualname__)  # super()'s cell
    if isinstance(value, asyncio.Future):
        return ("future", value.done())
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((repr(k), plain(v)) for k, v in value.items()))
    if isinstance(value, asyncio.Semaphore):
        return ("semaphore", value._value, len(value._waiters or ()))
    if isinstance(value, asyncio.Lock):
        return ("lock", value.locked(), len(value._waiters or ()))
    if isinstance(value, asyncio.Event):
        return ("event", value.is_set(), len(value._waiters))
    inner: Any = value
    if isinstance(value, asyncio.Condition):
        return ("condition", plain(inner._lock), len(value._waiters))
    if isinstance(value, asyncio.Queue):
        return ("queue", plain(list(inner._queue)), len(inner._getters), len(inner._putters))
    raise NotPlain


def position(coro: object, own_file: str) -> object:
    """Where a suspended request is: each frame of its await chain, and the plain
    locals of the frames in the user's file (asyncio's own are the primitives'
    business, and their state is in the instance's)."""
    where: list[object] = []
    link: Any = coro
    while link is not None:
        frame = getattr(link, "cr_frame", None) or getattr(link, "gi_frame", None)
        if frame is not None:
            code = frame.f_code
            mine = code.co_filename == own_file
            names = {k: v for k, v in frame.f_locals.items() if k != "self"} if mine else {}
            where.append((code.co_qualname, frame.f_lasti, plain(names)))
        link = getattr(link, "cr_await", None) or getattr(link, "gi_yieldfrom", None)
    return tuple(where)


def waits_for(coro: object) -> str:
    """What a blocked request waits for, read off its innermost frame: a lock, a sleep..."""
    name = "future"
    link: Any = coro
    while link is not None:
        frame = getattr(link, "cr_frame", None) or getattr(link, "gi_frame", None)
        if frame is not None and "asyncio" in frame.f_code.co_filename:
            qualname = frame.f_code.co_qualname
            name = {"sleep": "sleep"}.get(qualname, qualname.split(".")[0].lower())
        link = getattr(link, "cr_await", None) or getattr(link, "gi_yieldfrom", None)
    return name
