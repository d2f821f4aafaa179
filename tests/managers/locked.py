"""The ADR's decision, written by hand: the lock around read, await and write."""

import asyncio


class StockManager:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        async with self.lock:
            seen = self.total
            await asyncio.sleep(0)  # the payment call, inside the lock
            if seen >= qty:
                self.total = seen - qty
                return True, self.total
            return False, self.total

    async def available(self) -> int:
        async with self.lock:
            return self.total
