"""``vacancy serve``: the course played in a room's browsers against the real engine.

``room`` holds the state (lessons, learners' games, predictions, limits) and
never speaks HTTP; ``api`` is the Starlette app around it; ``static/`` holds
the pages (plain HTML and JavaScript, served by the app: no CDN, no build).
Starlette and uvicorn come from the optional ``serve`` extra, so only ``api``
and the command import them.
"""
