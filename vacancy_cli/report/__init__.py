"""The report layer: the only place JSON documents are built (``documents``), and the
JSON Schemas they follow (``vacancy_cli/schemas/``). It may import ``model``,
``app`` and ``live`` for their result values; never ``stock`` or ``engine``
(import-linter forbids it), and never ``render`` or ``cli``.
"""
