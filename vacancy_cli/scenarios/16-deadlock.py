"""Lesson 16: two locks, taken in opposite orders.

Every sale is written to an audit log, and each has its own lock. A
reservation locks the stock, awaits the payment, then locks the audit log to
record the sale. A bulk order is checked for fraud first, so it locks the
audit log, awaits the check, then locks the stock. Each lock on its own is
right; the two orders together can deadlock. The fix: one global order, the
stock lock first, in every path.
"""

import asyncio

BULK = 5  # from this many tickets, an order is checked for fraud first


class TwoLockStockManager:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock
        self.audit_log: list[tuple[int, bool]] = []
        self.stock_lock = asyncio.Lock()
        self.audit_lock = asyncio.Lock()

    async def reserve(self, qty: int) -> tuple[bool, int]:
        if qty < BULK:  # a reservation: the stock, then the audit log
            first, second = self.stock_lock, self.audit_lock
        else:  # a bulk order: the audit log, then the stock (the bug)
            first, second = self.audit_lock, self.stock_lock
        async with first:
            await asyncio.sleep(0)  # the payment, or the fraud check
            async with second:
                granted = self.total >= qty
                if granted:
                    self.total -= qty
                self.audit_log.append((qty, granted))
                return granted, self.total
