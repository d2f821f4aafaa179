"""Managers that go wrong in other ways: each a separate case for the checker."""

import asyncio
import time


class Raising:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0)
        if qty > 1:
            raise ValueError("bulk orders are not supported")
        self.total = seen - qty
        return True, self.total


class Sleeper:
    """asyncio.sleep with a delay, on the run's virtual clock: loop.time() sees it."""

    def __init__(self, initial_stock: int) -> None:
        self.count = initial_stock
        self.lock = asyncio.Lock()
        self.slept: list[float] = []

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.lock:
            seen = self.count
            start = asyncio.get_running_loop().time()
            await asyncio.sleep(5)  # five virtual seconds: no test waits for them
            self.slept.append(asyncio.get_running_loop().time() - start)
            self.count = seen - qty
            return True, self.count

    async def available(self) -> int:
        return self.count


class Frozen:
    """time.sleep under a threading.Lock: the step never gives control back."""

    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        time.sleep(30)
        return True, self.total


class BadResult:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> str:
        return "yes"


class Opaque:
    """State the explorer cannot compare: an object of its own."""

    class Box:
        def __init__(self, value: int) -> None:
            self.value = value

    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.box = Opaque.Box(0)

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0)
        self.total = seen - qty
        return True, self.total


def make_manager(initial_stock: int) -> "Raising":
    """A module-level function returning a manager serves as well as a class."""
    return Raising(initial_stock)


class Base:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0)
        self.total = seen - qty
        return True, self.total


class Child(Base):
    """super() puts the class in the frame's locals: still a state the explorer compares."""

    async def reserve(self, qty: int) -> tuple[bool, int]:
        return await super().reserve(qty)


class Primitives:
    """Each of asyncio's primitives, once: a semaphore, a condition, an event, and a
    single writer task fed by a queue (the ADR's event sourcing, by hand)."""

    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.gate = asyncio.BoundedSemaphore(1)
        self.ready = asyncio.Event()
        self.changed = asyncio.Condition()
        self.commands: asyncio.Queue[tuple[int, asyncio.Future[tuple[bool, int]]]] = asyncio.Queue()
        self.writer: asyncio.Task[None] | None = None

    async def _write(self) -> None:
        while True:
            qty, answer = await self.commands.get()
            granted = self.total >= qty
            if granted:
                self.total -= qty
            answer.set_result((granted, self.total))
            async with self.changed:
                self.changed.notify_all()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._write())
            self.ready.set()
        await self.ready.wait()
        async with self.gate:
            answer = asyncio.get_running_loop().create_future()
            await self.commands.put((qty, answer))
            return await answer


class TtlCache:
    """A cached stock that expires after 0.25 s by ``loop.time()``: what a step does
    depends on the time itself, which no state's fingerprint says."""

    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.cached: int | None = None
        self.cached_at = 0.0

    async def reserve(self, qty: int) -> tuple[bool, int]:
        now = asyncio.get_running_loop().time()
        if self.cached is None or now - self.cached_at >= 0.25:
            self.cached, self.cached_at = self.total, now
        seen = self.cached
        await asyncio.sleep(0)
        if seen < qty:
            return False, self.total
        self.total -= qty
        return True, self.total


class Napper:
    """A read, a nap of 0.15 virtual seconds (a timer), a write: no clock read."""

    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0.15)
        if seen < qty:
            return False, self.total
        self.total = seen - qty
        return True, self.total
