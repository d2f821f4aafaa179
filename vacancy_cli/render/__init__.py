"""The render layer: the only Rich code. Views of every command's result values,
the console (terminal or recording), ``--export`` and the progress display. It
may import ``app``, ``live``'s result values and ``model``; never ``stock``,
``engine`` or the live runner, and never ``cli``.
"""
