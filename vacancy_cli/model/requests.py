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


def serving_pods(requests: tuple[RequestSpec, ...], pods: int) -> dict[str, int]:
    """Which pod serves each request: the one it names, else round robin in order."""
    return {
        spec.id: spec.pod if spec.pod is not None else index % pods
        for index, spec in enumerate(requests)
    }


def kind(spec: RequestSpec, pod: int, pods: int) -> str:
    """What makes requests interchangeable in the explorer, first in a local state:
    the operation, and with several pods the pod too (requests served by two pods
    change two different copies of the stock, so they are not interchangeable)."""
    return spec.op if pods == 1 else f"{spec.op}@pod{pod + 1}"
