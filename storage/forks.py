"""A process forked from one that has an engine open (gunicorn `--preload`, `multiprocessing` with the fork start
method, a plain `os.fork()`) never uses its parent's database connections, nor state that stands for threads it
does not have.

A child shares its parent's sockets and file descriptors: on PostgreSQL, two processes talking over one socket
interleave their messages — the child finds a prepared statement the parent made (`DuplicatePreparedStatement
"_pg3_0"`), a transaction the parent aborted, a pipeline still busy — and either may hang waiting for an answer the
other read. SQLite keeps, per process, what each open file is locked with and by whom: a child that inherits open
connections inherits locks it does not hold (another process may then take the file from under it), and a thread
of the parent inside SQLite at the moment of the fork leaves SQLite's own mutexes held in the child, where the next
open waits for ever. Only the thread that called `fork` goes on in the child: a pool that counts threads serving
it, a heartbeat or checkpoint thread taken as started, a lock another thread held at that moment, are all wrong.

So (`os.register_at_fork`):

- just before a fork, in the parent, each owner given to `pause_for_forks` stops what must not be under way (the
  SQLite checkpoint thread's pass) and a SQLite engine given to `separate_connections` closes the connections it
  keeps idle: the child inherits no open SQLite connection but those other threads are using (fork while none
  does); the parent opens new ones as it needs them, and each owner resumes right after the fork;
- right after, in the child, every engine given to `separate_connections` gets a fresh pool (`dispose(close=False)`,
  SQLAlchemy's recipe in "Using Connection Pools with Multiprocessing or os.fork()": the parent's connections are
  dropped, neither closed nor used — psycopg closes a connection only in the process that opened it), and every
  owner given to `renew_in_children` renews the connections, threads and locks it keeps for its process.

Each holds its objects weakly: registering costs nothing once they are gone. A hook that fails is logged, and the
others go on (an exception there would only be printed, and the fork happen regardless).
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

__all__ = ["pause_for_forks", "renew_in_children", "separate_connections"]

log = logging.getLogger("statewright.storage")

T = TypeVar("T")

_engines: weakref.WeakSet[sa.Engine] = weakref.WeakSet()
_renewals: weakref.WeakKeyDictionary[Any, Callable[[Any], None]] = weakref.WeakKeyDictionary()
_pauses: weakref.WeakKeyDictionary[Any, tuple[Callable[[Any], None], Callable[[Any], None]]] = (
    weakref.WeakKeyDictionary())


def separate_connections(engine: sa.Engine) -> None:
    """A process forked from this one never uses `engine`'s connections: on SQLite those it keeps idle are closed
    just before the fork; in the child, its pool is replaced, the parent's connections left alone."""
    _engines.add(engine)


def renew_in_children(owner: T, renew: Callable[[T], None]) -> None:
    """In a forked child, `renew(owner)` is called (in the thread that forked) for as long as `owner` lives: it drops
    the connections, threads and locks it keeps for its process."""
    _renewals[owner] = renew


def pause_for_forks(owner: T, pause: Callable[[T], None], resume: Callable[[T], None] = lambda _: None) -> None:
    """In this process, `pause(owner)` just before each fork and `resume(owner)` right after it (in the parent; in
    the child the owner's `renew_in_children` does what it must) — for work that must not be under way, or
    connections that must not be open, at the moment of a fork."""
    _pauses[owner] = (pause, resume)


def _each(what: str, calls: list[tuple[Any, Callable[[Any], None]]]) -> None:
    for owner, call in calls:
        try:
            call(owner)
        except Exception:  # logged whole; the fork goes on regardless
            log.exception("%s failed for %r", what, owner)


def _before() -> None:
    _each("pausing for a fork", [(owner, pause) for owner, (pause, _) in list(_pauses.items())])
    _each("closing idle SQLite connections before a fork",
          [(engine, sa.Engine.dispose) for engine in list(_engines) if engine.dialect.name == "sqlite"])


def _in_parent() -> None:
    _each("resuming after a fork", [(owner, resume) for owner, (_, resume) in list(_pauses.items())])


def _in_child() -> None:
    _each("replacing the connection pool in a forked child",
          [(engine, _forget_connections) for engine in list(_engines)])
    _each("renewing a forked child's state", list(_renewals.items()))


def _forget_connections(engine: sa.Engine) -> None:
    engine.dispose(close=False)


os.register_at_fork(before=_before, after_in_parent=_in_parent, after_in_child=_in_child)
