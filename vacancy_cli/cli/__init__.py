"""The command layer: the only Typer code, and the loops that talk with the room.

It may import every other layer; nothing imports it. ``app.main`` is the
``vacancy`` entry point.
"""
