"""The ADR's StockManager without its lock, as a user would write it: plain asyncio.

`bench_own.py` explores it with `--manager benchmarks/adr_unlocked.py:StockManager`'s
loader; it is the built-in `none` strategy written by hand, so both must find
the same outcomes.
"""

import asyncio


class StockManager:
    def __init__(self, initial_stock: int) -> None:
        self.total = initial_stock

    async def reserve(self, qty: int) -> tuple[bool, int]:
        seen = self.total
        await asyncio.sleep(0)  # the payment call
        if seen >= qty:
            self.total = seen - qty
            return True, self.total
        return False, self.total
