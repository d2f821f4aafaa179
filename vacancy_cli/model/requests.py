"""A request as a scenario describes it: who, which operation, how many tickets."""

from __future__ import annotations

from dataclasses import dataclass

RESERVE, AVAILABLE = "reserve", "available"
OPS = (RESERVE, AVAILABLE)


@dataclass(frozen=True)
class RequestSpec:
    """One request of a scenario, in the order the scenario lists them."""

    id: str
    qty: int = 1
    op: str = RESERVE  # or AVAILABLE
    pod: int | None = None  # which pod serves it, from 0; None: round robin
