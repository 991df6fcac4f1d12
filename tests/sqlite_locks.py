"""Another process's write lock on a SQLite file, for tests of what waits for it and what does not."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

__all__ = ["write_locked"]


@contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Another connection holds the file's write lock (`BEGIN IMMEDIATE`) until the block ends."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
