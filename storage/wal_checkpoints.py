"""Copying a SQLite WAL back into the database file on a thread of its own, ahead of the writer's checkpoint.

SQLite checkpoints the WAL inside the commit that takes it past `wal_autocheckpoint` pages (4,000 here,
`storage.database`): that caller syncs the WAL, copies its pages back into the database file and syncs that, about
10 ms on this kind of machine, once every few hundred lead qualifications. The writer must keep doing so: only a
checkpoint made while no write goes on finds the whole WAL copied and lets the next write start it over, so one
made on another thread while the writer goes on never does, and the WAL would grow without end. What a thread can
take off the writer is the copying: a `Store` on SQLite tells its `WalCheckpointer` after each commit, and the
thread waits `after_s` from the first commit it is told of, then runs one PASSIVE checkpoint (it waits for no
reader or writer). When the writer's own checkpoint comes, it finds almost every page copied already, and pays
for the syncs and the last pages only. If the writer's checkpoint comes while the thread's runs, SQLite skips it
(PASSIVE: busy, not waited for) and the next commit tries again. A process that writes nothing starts no thread;
an idle one wakes no more.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

__all__ = ["CHECKPOINT_AFTER_S", "CheckpointResult", "WalCheckpointer"]

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
        except (sqlite3.Error, SQLAlchemyError):  # the next one (or the writer's own) makes up for it
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
