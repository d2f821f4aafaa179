"""The application layer: one function per command, returning values and never
printing. ``simulate.run_scenario``, ``explore.explore_scenario``,
``solve.solve``, ``play.Game`` and ``explain.explain``. It may import
``engine``, ``stock`` and ``model``; not ``live``, ``report``, ``render`` or ``cli``.
"""
