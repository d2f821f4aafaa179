"""What the fuzzers share: a folder for the scenario files they write, and a fast one for
the SQLite strategies' databases."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bytes | str], Path]:
    """Write a scenario's text (or raw bytes) to one file, overwritten by each example:
    Hypothesis runs many examples in one test call, so a per-test tmp_path would be shared
    anyway, and a module-wide folder makes that explicit."""
    folder = tmp_path_factory.mktemp("fuzz")

    def write(content: bytes | str) -> Path:
        path = folder / "scenario.toml"
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture(scope="module", autouse=True)
def _databases_in_memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The SQLite strategies' throwaway databases in tmpfs, when the machine has one.

    Each commit's fsync costs milliseconds on a disk, and an exploration commits
    thousands of times: on this machine the sqlite-* fuzzers run twenty times faster in
    /dev/shm. Durability is not what they test, the logic of each schedule is.
    """
    tmp_path_factory.getbasetemp()  # pytest's own folder stays where it was
    memory = Path("/dev/shm")
    if not (memory.is_dir() and os.access(memory, os.W_OK)):
        yield
        return
    with tempfile.TemporaryDirectory(dir=memory, prefix="vacancy-fuzz-") as folder:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tempfile, "tempdir", folder)
            yield
