"""Files written whole or not at all: exports, ``play --json``, the progress file,
``vacancy fix``'s starter.

A temporary file beside the target, renamed into place: a crash, a full disk
or Ctrl-C leaves the old file (or none), never half of a new one. The file gets
the mode ``open()`` would have given it (the umask's), not ``mkstemp``'s 0600,
which would hide a facilitator's slides from the room's other accounts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, text: str, replace: bool = True) -> None:
    """Write ``text`` to ``path``. ``replace`` False: never over an existing file,
    even one that appeared a moment ago (``FileExistsError``). Other failures are
    the ``OSError`` the caller words for its own option."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o666 & ~_umask())
        if replace:
            os.replace(temp, path)
        else:
            _place_new(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _place_new(temp: str, path: Path) -> None:
    """Rename into place only if nothing is there: a hard link fails if ``path``
    exists; where links are not supported, check, then rename."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
