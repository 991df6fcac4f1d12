"""SQLite's WAL checkpoints on a thread of their own, not in the commit that happens to pass the threshold.

In WAL mode a commit appends the pages it changed to the `-wal` file; a checkpoint copies them back into the
database file. SQLite runs one itself in the commit that takes the WAL past `wal_autocheckpoint` pages: that
commit then copies 16 MB and waits for it, 13 to 19 ms where a lead qualification's commit takes under one
(about once every 250 leads: a tenth of the time of 1,000 leads started one after the other, measured). Here a
thread of the process copies them instead, a passive checkpoint (it takes no lock a writer or reader waits for,
and SQLite's module lets go of the GIL while it copies) at most every `INTERVAL_S` while this process writes:
the WAL rarely reaches the threshold, and when it does the commit that passes it copies only the pages written
since the thread's last pass. `wal_autocheckpoint` stays set (`storage.database`): if the thread falls behind,
commits checkpoint as before.

One thread per database file and process, started at the first write and stopped when the last store on the
file closes; it sleeps while nothing is written, and stops for good if the file is deleted or replaced. It ends
before a fork (its connection closed: `storage.forks`) and starts again at the next write, in the parent as in the
child."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from storage.forks import pause_for_forks, renew_in_children

__all__ = ["INTERVAL_S", "Checkpoints", "checkpoints_for", "release"]

log = logging.getLogger("statewright.storage")

INTERVAL_S = 0.05  # at most one checkpoint this often while writes go on


class Checkpoints:
    """The checkpoint thread of one SQLite file in this process."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._written = threading.Event()  # set by a commit, cleared by the thread before it checkpoints
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self.users = 0  # the stores using it (`checkpoints_for`, `release`)
        self.passes = 0  # checkpoints made (for the tests and benchmarks that look)
        self._paused = False  # stopped for a fork, to start again after it (`_pause`, `_resume`)
        self._retired = False  # stopped for good (`stop`)
        pause_for_forks(self, Checkpoints._pause, Checkpoints._resume)
        renew_in_children(self, Checkpoints._after_fork)

    def _pause(self) -> None:
        """Just before a fork: the thread ends its pass, closes its connection and ends (`storage.forks`: SQLite's
        mutexes and locks must not be held, nor its connections open, at the moment of the fork)."""
        thread = self._thread
        if thread is None or not thread.is_alive() or thread is threading.current_thread():
            return
        self._paused = True
        self._stopped.set()
        self._written.set()
        thread.join()

    def _resume(self) -> None:
        """Right after a fork, in the parent: the next write starts the thread again."""
        if self._paused and not self._retired:
            self._written = threading.Event()
            self._stopped = threading.Event()
            self._thread = None
        self._paused = False

    def _after_fork(self) -> None:
        """In a forked child: the parent's thread is not there; the child's first write starts one of its own."""
        self._start = threading.Lock()
        self._resume()

    def wrote(self) -> None:
        """A write transaction committed: the thread checkpoints within `INTERVAL_S` (started at the first)."""
        if not self._written.is_set():
            self._written.set()
        if self._thread is None:
            self._begin()

    def _begin(self) -> None:
        with self._start:
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(target=self._run, name=f"sqlite-checkpoints:{self._path}",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:  # `mode=rw`: a file deleted meanwhile is not made again, empty
            connection = sqlite3.connect(f"file:{quote(self._path)}?mode=rw", uri=True, isolation_level=None,
                                         check_same_thread=False)
            opened = _identity(self._path)
        except (sqlite3.Error, OSError) as exc:  # commits checkpoint themselves, as without this thread
            log.warning("no checkpoint thread for %s (commits checkpoint the WAL themselves): %s", self._path, exc)
            return
        try:
            while not self._stopped.is_set():
                self._written.wait()
                if self._stopped.wait(INTERVAL_S):  # the writes of the next INTERVAL_S go with this pass
                    break
                self._written.clear()
                if _identity(self._path) != opened:  # deleted or replaced: no WAL or -shm file made beside it
                    log.debug("checkpoints of %s stopped: the file is not the one opened", self._path)
                    break
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.passes += 1
                except sqlite3.Error as exc:  # busy, a file gone: the next pass (or a commit) does it
                    log.debug("checkpoint of %s skipped: %s", self._path, exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self._retired = True
        self._stopped.set()
        self._written.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = Path(path).stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


_by_file: dict[tuple[int, str], Checkpoints] = {}
_guard = threading.Lock()


def _new_guard() -> None:
    global _guard  # noqa: PLW0603 - a forked child's own: a parent's thread may have held it
    _guard = threading.Lock()


os.register_at_fork(after_in_child=_new_guard)


def checkpoints_for(engine: sa.Engine) -> Checkpoints | None:
    """The checkpoint thread of `engine`'s SQLite file, shared by the stores of this process that use it (each
    gives it back with `release`); None for PostgreSQL and for a database in memory."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or engine.url.query.get("mode") == "memory":
        return None
    key = (os.getpid(), str(Path(database).resolve()))  # a forked child starts its own
    with _guard:
        found = _by_file.get(key)
        if found is None:
            found = _by_file[key] = Checkpoints(key[1])
        found.users += 1
        return found


def release(found: Checkpoints) -> None:
    """A store that used `found` closed: the thread stops once no store of this process uses the file."""
    with _guard:
        found.users -= 1
        if found.users > 0:
            return
        for key, value in list(_by_file.items()):
            if value is found:
                del _by_file[key]
    found.stop()
