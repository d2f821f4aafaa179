"""The engine layer: the deterministic core. The scheduler (one step at a time on
a real event loop), the checker (invariants and violations), finishing a run,
the exhaustive search and seeded sampling. It may import ``stock`` and
``model``; no Rich, Typer, JSON, files, environment or real clock.
"""
