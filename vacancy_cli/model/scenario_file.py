"""A scenario file's bytes into a TOML document, within bounds, or one ``ScenarioError``.

``tomllib`` is correct but not hardened: it recurses once per nested array or
inline table (500 ``[`` exhaust the stack), converts a 4,301-digit integer
into Python's digit-limit ``ValueError``, and takes time that grows faster
than the square of a dotted key's length (one 64 KB line of ``a.a.a...``:
12.5 s; 4 KB: 0.1 s). A scenario is a page a facilitator writes, so it is
bounded before it is parsed:

- ``MAX_BYTES``, 64 KiB: the largest bundled scenario is 1.7 KB; 64 KiB holds
  about 2,500 one-line requests (``[[requests]]`` and an ``id``: 25 bytes),
  more than any view can show (the timeline has a column per request), with
  pages of lesson, hints and notes besides.
- ``MAX_LINE``, 4,096 characters: a paragraph of 600 words on one line still
  fits; past it, the worst line a file within ``MAX_BYTES`` can hold parses in
  about a second instead of twelve.

Whatever still goes wrong inside ``tomllib`` (the nesting, the digit limit)
is named as a problem of the file, never as a bug of vacancy.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from vacancy_cli.model.errors import ScenarioError

MAX_BYTES = 64 * 1024
MAX_LINE = 4096


def read_toml(path: Path) -> dict[str, Any]:
    """The decoded document of the scenario file at ``path``."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            f"{path}: larger than {MAX_BYTES // 1024} KiB, the most a scenario file may be "
            "(the largest bundled one is under 2 KB)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: cannot read: not UTF-8 (byte {exc.start + 1})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE:
            raise ScenarioError(
                f"{path}: line {number} is {len(line):,} characters long, "
                f"at most {MAX_LINE:,}: break it up"
            )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or inline tables nested too deeply to read") from None
    except ValueError:  # Python's integer digit limit: a number no store could hold
        raise ScenarioError(
            f"{path}: a number of more than 4,300 digits (a count is at most 16)"
        ) from None
