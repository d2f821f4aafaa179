"""The live layer: the load test behind ``vacancy reserve``, run for real. Its
options, its hooks (real awaits, timed lock waits, the monotonic clock), the
runner, pods as processes, statistics and the ADR's claims. It may import
``engine`` (the totals checker), ``stock`` and ``model``; not ``app``.
"""
