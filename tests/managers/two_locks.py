"""Two locks taken in opposite orders: a one-ticket order locks stock first, a bulk one
the audit log first."""

import asyncio


class TwoLocks:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.stock_lock = asyncio.Lock()
        self.audit_lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        if qty == 1:
            first, second = self.stock_lock, self.audit_lock
        else:
            first, second = self.audit_lock, self.stock_lock
        async with first:
            await asyncio.sleep(0)
            async with second:
                if self.total >= qty:
                    self.total -= qty
                    return True, self.total
                return False, self.total
