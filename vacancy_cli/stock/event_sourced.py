"""ADR future option 3, event sourcing: a single writer, and an audit log.

Requests never write the stock. After their I/O they put a command on an
``asyncio.Queue`` and await its answer; one writer task takes the commands in
order, decides each against its own state, appends an event to the log (the
audit trail the ADR mentions) and updates the projection that readers see.
Serialization comes from there being one writer, not from a lock: there is no
read-then-write gap in any request for another to fall into.

Under the scheduler the writer is not a request: it runs whenever a command is
waiting, inside the step of the request that sent it (the step settles only
when that request has its answer).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from vacancy_cli.model import trace
from vacancy_cli.model.clock import Clock
from vacancy_cli.model.strategies import Strategy
from vacancy_cli.stock.base import Hooks, StockManager

Command = tuple[str, int, "asyncio.Future[tuple[bool, int]]"]


@dataclass(frozen=True)
class LogEntry:
    seq: int
    event: str  # reserved | rejected
    qty: int
    stock_after: int

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.qty} -> stock {self.stock_after}"


class EventSourcedStockManager(StockManager):
    """One writer task owns the stock; ``total`` is its projection."""

    def __init__(self, stock: int, hooks: Hooks, clock: Clock, strategy: Strategy) -> None:
        super().__init__(stock, hooks, clock, strategy)
        self.log: list[LogEntry] = []
        self._queue: asyncio.Queue[Command] | None = None
        self._writer: asyncio.Task[None] | None = None

    def _start(self) -> asyncio.Queue[Command]:
        """The queue, and its writer, made on first use: on the loop that runs us."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())
        return self._queue

    async def reserve(self, qty: int) -> tuple[bool, int]:
        self._read()  # the projection, for the customer's page: not what decides
        await self.hooks.checkpoint()  # I/O: the payment call
        answer: asyncio.Future[tuple[bool, int]] = asyncio.get_running_loop().create_future()
        self._start().put_nowait(("reserve", qty, answer))
        return await self.hooks.wait_for(answer)  # the single writer decides

    async def _write_loop(self) -> None:
        queue = self._start()
        while True:
            _, qty, answer = await queue.get()
            before = self.total
            granted = before >= qty
            if granted:
                self.total = before - qty
                self._invalidate_cache()
                self.hooks.record(trace.WRITE, before, self.total)
            else:
                self.hooks.record(trace.REJECTED, before)
            event = "reserved" if granted else "rejected"
            self.log.append(LogEntry(len(self.log) + 1, event, qty, self.total))
            answer.set_result((granted, self.total))

    def audit_log(self) -> tuple[str, ...]:
        return tuple(str(entry) for entry in self.log)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
