"""Checkpointing a SQLite WAL on a thread of its own, so that no caller's commit pays for it.

SQLite checkpoints the WAL inside the commit that took it past `wal_autocheckpoint` pages: that caller copies
the pages back into the database file and syncs both files — 10 to 20 ms on this kind of machine, once every few
hundred lead qualifications — so one `send` in a few hundred took that long (the p99 of an API), and about 7% of
a writer's time went to it (measured on the lead-qualification flow: 20 commits of 2,000 held 198 ms of the
429 ms spent committing). A `Store` on SQLite hands its write transactions' connections a much higher threshold
(`BACKSTOP_PAGES`, so that SQLite still checkpoints on its own should this thread not keep up) and, after each
commit, tells its `WalCheckpointer`: a thread that waits `after_s` from the first commit it is told of, then
runs one PASSIVE checkpoint (it waits for no reader or writer: it copies what no reader still needs, and a writer
goes on appending meanwhile). A process that writes nothing starts no thread; an idle one wakes no more.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

__all__ = ["BACKSTOP_PAGES", "CHECKPOINT_AFTER_S", "CheckpointResult", "WalCheckpointer"]

BACKSTOP_PAGES = 64_000  # 256 MB at 4 KiB pages: the writer checkpoints itself only if this thread falls behind
CHECKPOINT_AFTER_S = 0.25  # from the first commit after a checkpoint to the next checkpoint
_log = logging.getLogger(__name__)

CheckpointResult = tuple[int, int, int]  # SQLite's answer: (busy, frames in the WAL, frames checkpointed)


class WalCheckpointer:
    """One thread checkpointing one SQLite database: `wrote()` after a commit, `close()` to stop it.

    `connect` opens the connection the thread checkpoints through (it is closed by `close`)."""

    def __init__(self, connect: Callable[[], Any], *, after_s: float = CHECKPOINT_AFTER_S) -> None:
        self._connect = connect
        self.after_s = after_s
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # run so far (a test, a metric)
        self.last: CheckpointResult | None = None

    def wrote(self) -> None:
        """A write transaction committed: a checkpoint follows within `after_s`."""
        if self._pending.is_set():  # most commits: one is due already
            return
        if self._thread is None:
            self._start()
        self._pending.set()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(target=self._run, name="statewright-wal-checkpoint", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        connection = None
        try:
            while True:
                self._pending.wait()
                if self._stopping.wait(self.after_s):
                    return
                self._pending.clear()  # a commit from here on asks for the next checkpoint
                connection = self._checkpoint(connection)
        finally:
            if connection is not None:
                connection.close()

    def _checkpoint(self, connection: Any) -> Any:
        """One checkpoint through `connection` (opened first if None); the connection to use next time."""
        try:
            if connection is None:
                connection = self._connect()
            row = connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except (sqlite3.Error, SQLAlchemyError):  # the next checkpoint makes up for it (or a writer: the backstop)
            _log.warning("the WAL checkpoint failed; it is tried again after the next commit", exc_info=True)
            return connection
        self.last = (int(row[0]), int(row[1]), int(row[2]))
        self.checkpoints += 1
        return connection

    def close(self) -> None:
        """Stop the thread (without a last checkpoint: the last connection to close makes one) and close its
        connection."""
        self._stopping.set()
        self._pending.set()
        with self._start_lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
