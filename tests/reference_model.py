"""An independent model of the ADR's StockManager under a schedule.

Written from the ADR and ARCHITECTURE.md, not from the engine: no asyncio, no
shared code. Each request is a tiny state machine; a lock or semaphore is a
permit count and a FIFO queue. Tests compare the engine's outcomes with this
model's over many schedules.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Req:
    id: str
    qty: int
    pc: str = "new"  # new -> (waiting ->) holding -> read -> done
    seen: int = 0
    granted: bool | None = None


@dataclass
class Model:
    stock: int
    permits: int | None  # None: no lock at all
    reqs: list[_Req] = field(default_factory=list)
    queue: list[_Req] = field(default_factory=list)
    free: int = 0

    @classmethod
    def of(cls, stock: int, requests: list[tuple[str, int]], permits: int | None) -> Model:
        model = cls(stock, permits, [_Req(rid, qty) for rid, qty in requests])
        model.free = permits or 0
        return model

    def runnable(self) -> list[_Req]:
        return [r for r in self.reqs if r.pc in ("new", "holding", "read")]

    def step(self, rid: str) -> None:
        req = next(r for r in self.reqs if r.id == rid)
        if req.pc in ("done", "waiting"):
            return
        if req.pc == "new" and self.permits is not None:
            if self.free == 0:
                req.pc = "waiting"
                self.queue.append(req)
                return
            self.free -= 1
            req.pc = "holding"
        if req.pc in ("new", "holding"):
            req.seen = self.stock
            req.pc = "read"
            return
        # req.pc == "read": write (or reject), then release
        if req.seen >= req.qty:
            self.stock = req.seen - req.qty
            req.granted = True
        else:
            req.granted = False
        req.pc = "done"
        if self.permits is not None:
            if self.queue:
                self.queue.pop(0).pc = "holding"  # the permit passes to the first waiter
            else:
                self.free += 1

    def run(self, schedule: list[str]) -> tuple[int, tuple[str, ...]]:
        for rid in schedule:
            self.step(rid)
        while ready := self.runnable():
            self.step(ready[0].id)
        return self.stock, tuple(r.id for r in self.reqs if r.granted)
