"""One database transaction, and the store that hands them out.

Statements are written once with `?` placeholders and run on the driver's own cursor (sqlite3 or psycopg).
The stores' listings built from filters (`InstanceStore.search`, `ApprovalStore.pending_for`, ...) are SQL
text too, not SQLAlchemy Core: Core's compiled forms are cached only on SQLAlchemy's own `Connection`, and
compiling a select here on every call made a page of instances two to three times slower (measured). The read
models, which run on a `Connection`, select with Core.

Writes that nothing reads back at once — history rows, the outbox's inserts, the version-guarded instance
update — may be *deferred*: kept in the transaction and sent together just before it commits, one
`executemany` per statement (on PostgreSQL all of them in one pipeline: one round trip, an INSERT's rows several
to a statement), so a worker's batch of transitions (group commit) costs a handful of statements, not a handful
per transition. Deferring changes nothing a transaction can observe: a statement that touches a table with
deferred rows sends them first, and a guarded write (`guarded=True`) must change one row per deferred row or
the transaction fails with `GuardFailed` — as it does when, among writes sent with a guarded one, a row collides
with one a concurrent writer committed (the guard it would have failed is then not reached).

A deferred write may be given a *key*: while it waits, the caller can read it back (`waiting`) and replace it
with a later write that says everything it said (`defer` under the same key) — an instance moved on several
times in one transaction is updated once, and a job enqueued, run and failed in one transaction (a worker's
inline tasks) is inserted once, as it ended. A write may also be withdrawn while it waits (`withdraw`): a job
enqueued and done in one transaction is not inserted at all.
"""

from __future__ import annotations

import os
import re
import select
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from storage import checkpoints
from storage.database import BUSY_TIMEOUT_MS, is_postgresql
from storage.errors import (
    ConnectionLost,
    DatabaseUnavailable,
    GuardFailed,
    StoreError,
    TransientConflict,
    WriterBusy,
)
from storage.forks import pause_for_forks, renew_in_children, separate_connections
from storage.sqlite_file import file_replaced, why_unusable

__all__ = ["CLOSED", "Params", "Row", "Store", "Transaction", "writes_without_waiting"]

Row = tuple[Any, ...]
Params = Sequence[Any] | Callable[[], Sequence[Any]]  # a deferred write's parameters, or what makes them
_DROPPED: list[Any] = []  # the place of a deferred write replaced by one of another statement
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
_AT_ONCE: ContextVar[bool] = ContextVar("statewright_writes_at_once", default=False)
FILE_LOOK_S = 1.0  # how often a SQLite store looks whether its file is still the one at its path (a `stat`)
_NO_BUSY_WAIT = "PRAGMA busy_timeout = 0"
_BUSY_WAIT = f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"
_SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# a file that is damaged, or no database at all: said in one line as a database that cannot be used, not a traceback
_DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_DIVISION_BY_ZERO = "22012"  # the SQLSTATE of an `assume`d condition the server found false


@contextmanager
def writes_without_waiting() -> Iterator[None]:
    """In this block the first write transaction does not wait for the database's writer: when another thread
    or process holds SQLite's write lock (or on PostgreSQL, which has no single writer to find free) it raises
    `WriterBusy` before doing anything, and the caller runs its work again where waiting is harmless.

    For an event loop on SQLite: a write there is a fraction of a millisecond of CPU, and handing it to a
    thread costs more than the write (the sqlite3 module releases the GIL around each call, and each release
    wakes the loop); but a loop must never sleep in SQLite's busy handler. Only the first write is asked: once
    it has begun, the work is under way and the transactions after it (rare) wait as usual."""
    token = _AT_ONCE.set(True)
    try:
        yield
    finally:
        _AT_ONCE.reset(token)


class Transaction:
    """An open transaction. Every method of the `*Store` classes takes one of these."""

    __slots__ = ("_assumed", "_checks", "_connection", "_cursor", "_deferred", "_dropped", "_guarded", "_keyed",
                 "_memo", "_queued", "_sql", "_tables", "postgresql", "witness", "writes")

    def __init__(self, connection: Any, cursor: Any, sql_cache: dict[str, str], postgresql: bool, *,
                 writes: bool = True) -> None:
        self.postgresql = postgresql
        self.writes = writes  # a write transaction (`Store.write`), not a read
        self._checks: list[Callable[[], None]] = []
        self._assumed: list[tuple[str, Callable[[], object] | None]] = []  # `assume`'s: why, and what to do if not
        self.witness: tuple[str, Sequence[Any]] | None = None  # `witnessed_by`'s query
        self._memo: dict[Any, Any] | None = None
        self._sql = sql_cache
        self._connection = connection
        self._cursor = cursor
        self._deferred: dict[str, list[Params]] = {}
        self._guarded: set[str] = set()
        self._tables: set[str] = set()
        self._keyed: dict[Hashable, tuple[list[Params], int, Any]] = {}
        self._dropped = False  # a keyed write was replaced by one of another statement (`defer`)
        self._queued: list[tuple[str, Sequence[Any], list[list[Row]]]] = []  # `later`'s, not sent yet

    @property
    def memo(self) -> dict[Any, Any]:
        """What the transaction's callers read once and share while it lasts (it goes with the transaction: a
        value kept here must be one no write of this transaction changes)."""
        if self._memo is None:
            self._memo = {}
        return self._memo

    def defer(self, sql: str, params: Params, *, guarded: bool = False, key: Hashable | None = None,
              note: Any = None) -> None:
        """Send this write with the others like it just before COMMIT (see the module's doc). `guarded`: it
        must change exactly one row (an UPDATE whose WHERE checks a version or a lease), else `GuardFailed`.
        `key`: the write can be read back (`waiting`, with `note`) until it is sent, and a later write under
        the same key replaces it (where it stands, if it is of the same statement); its `params` may then be a
        function that gives them when they are sent (what a replaced write would have encoded is not
        encoded)."""
        rows = self._deferred.get(sql)
        if rows is None:
            rows = self._deferred[sql] = []
            self._tables.add(_written_table(sql))
            if guarded:
                self._guarded.add(sql)
        if key is None:
            rows.append(params)
            return
        found = self._keyed.get(key)
        if found is not None and found[0] is rows:
            rows[found[1]] = params
            self._keyed[key] = (rows, found[1], note)
            return
        if found is not None:  # replaced by a write of another statement: the one waiting is not sent
            found[0][found[1]] = _DROPPED
            self._dropped = True
        self._keyed[key] = (rows, len(rows), note)
        rows.append(params)

    def defer_all(self, sql: str, rows: list[Params]) -> None:
        """`defer` each of `rows` (unkeyed, unguarded writes of one statement), in one call."""
        if not rows:
            return
        found = self._deferred.get(sql)
        if found is None:  # the statement's first: as `defer` records it
            self.defer(sql, rows[0])
            self._deferred[sql].extend(rows[1:])
        else:
            found.extend(rows)

    def withdraw(self, key: Hashable) -> None:
        """The write deferred under `key`, which must be waiting (`waiting`), is not sent after all."""
        rows, index, _ = self._keyed.pop(key)
        rows[index] = _DROPPED
        self._dropped = True

    def waiting(self, key: Hashable) -> tuple[Params, Any] | None:
        """The parameters and note of the write deferred under `key`, if it has not been sent yet."""
        found = self._keyed.get(key)
        return None if found is None else (found[0][found[1]], found[2])

    def check_before_commit(self, check: Callable[[], None]) -> None:
        """Call `check` once the deferred writes are sent, just before COMMIT: what it raises rolls the
        transaction back (`GuardFailed` for data read with `later` that turned out stale: the caller runs the
        transaction again). For a read whose answer the transaction assumed, to send it with the writes instead
        of waiting for it first."""
        self._checks.append(check)

    def assume(self, condition: str, params: Sequence[Any], reason: str, *,
               if_not: Callable[[], object] | None = None) -> None:
        """PostgreSQL: go on as if the SQL `condition` holds, and have the server check it with the transaction's
        next statements (`later`): if it does not, the transaction fails there with `GuardFailed(reason)` (after
        `if_not` is called) and nothing after it runs — its COMMIT neither, when the COMMIT goes in that same round
        trip (`commits_with_writes`). What `check_before_commit` does for a read whose answer was assumed, without
        the round trip between the writes and the COMMIT that waiting for the answer takes."""
        self._assumed.append((reason, if_not))
        self.later(f"SELECT 1 / (CASE WHEN {condition} THEN 1 ELSE 0 END)", params)

    def witnessed_by(self, sql: str, params: Sequence[Any]) -> None:
        """A query that finds a row once this transaction has committed, and none before (a row only it inserts,
        such as a new instance's): if the connection breaks in the round trip that holds its COMMIT
        (`commits_with_writes`), it tells, on a new connection, whether that COMMIT was made. The first given
        stands."""
        if self.postgresql and self.witness is None:  # only a COMMIT sent with the writes asks (PostgreSQL)
            self.witness = (sql, params)

    @property
    def commits_with_writes(self) -> bool:
        """PostgreSQL: whether the COMMIT can be sent in the round trip of the deferred writes — nothing is to be
        looked at once they are sent (no guarded write, whose row count decides; no check: `check_before_commit`),
        and whether it was made can be found out if the connection breaks in that round trip (`witnessed_by`)."""
        return self.postgresql and self.witness is not None and not self._guarded and not self._checks

    def run_checks(self) -> None:
        """The checks of `check_before_commit`, in the order they were given."""
        checks, self._checks = self._checks, []
        for check in checks:
            check()

    def begin_with_next(self) -> None:
        """PostgreSQL: the BEGIN of this transaction goes with its first statement, in that statement's round
        trip (the store's connections are in autocommit mode: nothing else begins one)."""
        self._queued.append(("BEGIN", (), []))

    @property
    def untouched(self) -> bool:
        """Nothing was sent and nothing waits to be written but the BEGIN itself: nothing to commit."""
        return not self._deferred and len(self._queued) == 1 and self._queued[0][0] == "BEGIN"

    def later(self, sql: str, params: Sequence[Any] = ()) -> Callable[[], list[Row]]:
        """A statement to send with the next one this transaction sends: on PostgreSQL in the same round trip (a
        pipeline), where alone it would wait for its own answer; on SQLite (in process, no round trip) at once.
        Call what it returns for its rows (it is sent then, if nothing was since). For statements whose place
        among the next ones does not matter: a setting of the transaction, a read of a table they leave alone."""
        if not self.postgresql:
            found = self.all(sql, params)
            return lambda: found
        if self._tables:
            self._before(sql)
        box: list[list[Row]] = []
        self._queued.append((self._statement(sql), params, box))

        def rows() -> list[Row]:
            if not box:
                self._send_queued()
            return box[0]

        return rows

    def _send_queued(self, sql: str | None = None, params: Sequence[Any] = ()) -> None:
        """Send the statements `later` queued, and `sql` after them, in one pipeline."""
        queued, self._queued = self._queued, []
        try:
            with self._connection.pipeline():
                cursors = self._issue(queued)
                if sql is not None:
                    self._cursor.execute(sql, params)
        except Exception as exc:
            self._not_assumed(exc)
            raise
        _collect(queued, cursors)

    def _not_assumed(self, exc: Exception) -> None:
        """`GuardFailed` if `exc` is the server saying an `assume`d condition did not hold."""
        if self._assumed and getattr(exc, "sqlstate", None) == _DIVISION_BY_ZERO:
            reasons = [reason for reason, _ in self._assumed]
            for _, if_not in self._assumed:
                if if_not is not None:
                    if_not()
            self._assumed = []
            raise GuardFailed("; ".join(reasons)) from exc

    def _issue(self, queued: list[tuple[str, Sequence[Any], list[list[Row]]]]) -> list[Any]:
        """Run `queued` in the open pipeline; their cursors, to collect once it is synced."""
        cursors = [self._connection.cursor() for _ in queued]
        for cursor, (statement, values, _) in zip(cursors, queued, strict=True):
            cursor.execute(statement, values)
        return cursors

    def flush(self, *, commit: bool = False) -> None:
        """Send the deferred writes now, in the order their statements were first deferred (after what `later`
        queued: a statement queued after a write is one that does not touch its table). `commit`: the COMMIT
        goes last in the same round trip (PostgreSQL, and only when `commits_with_writes`)."""
        deferred, guarded = self._deferred, self._guarded
        self._deferred, self._guarded, self._tables = {}, set(), set()
        if self._keyed:
            self._keyed = {}
        if self._dropped:
            self._dropped = False
            kept = ((sql, [row for row in rows if row is not _DROPPED]) for sql, rows in deferred.items())
            deferred = {sql: rows for sql, rows in kept if rows}
        if not deferred:
            if commit:
                self._send_queued("COMMIT")
            elif self._queued:
                self._send_queued()
            return
        try:
            changed = self._send_all(deferred, commit=commit)
        except Exception as exc:
            if guarded and _is_integrity_error(exc):  # e.g. the history row of a version another writer took
                raise GuardFailed(f"a write met a concurrent one: {str(exc).splitlines()[0]}") from exc
            raise
        for (sql, rows), count in zip(deferred.items(), changed, strict=True):
            if sql in guarded and count != len(rows):
                raise GuardFailed(f"{count} of {len(rows)} guarded rows matched: {sql[:80]}")

    def _send_all(self, deferred: dict[str, list[Params]], *, commit: bool = False) -> list[int]:
        """Send the deferred statements (and the COMMIT after them: `flush`); the rows each changed."""
        if self.postgresql:
            queued, self._queued = self._queued, []
            try:
                with self._connection.pipeline():  # one round trip for them all, after what `later` queued (BEGIN)
                    later = self._issue(queued)
                    sent = [self._send_pipelined(sql, rows) for sql, rows in deferred.items()]
                    if commit:
                        self._cursor.execute("COMMIT")
            except Exception as exc:
                self._not_assumed(exc)
                raise
            _collect(queued, later)
            changed = [sum(int(cursor.rowcount) for cursor in cursors) for cursors in sent]
            for cursors in sent:
                for cursor in cursors:
                    cursor.close()
            return changed
        return [int(self._send(self._cursor, sql, rows).rowcount) for sql, rows in deferred.items()]

    def _send(self, cursor: Any, sql: str, deferred: list[Params]) -> Any:
        rows = _made(deferred)
        if len(rows) == 1:
            cursor.execute(self._statement(sql), rows[0])
        else:
            cursor.executemany(self._statement(sql), rows)
        return cursor

    def _send_pipelined(self, sql: str, deferred: list[Params]) -> list[Any]:
        """PostgreSQL, in the open pipeline: the rows of an INSERT several to a statement (`_rows_together`), any
        other statement's with `executemany`; the cursors whose row counts add up to the rows changed."""
        together = _rows_together(sql)
        if together <= 1 or len(deferred) == 1:
            return [self._send(self._connection.cursor(), sql, deferred)]
        from psycopg import RawCursor  # noqa: PLC0415 - PostgreSQL's driver, loaded already (a SQLite store needs none)

        rows = _made(deferred)
        cursors = []
        for first in range(0, len(rows), together):
            chunk = rows[first:first + together]
            cursor = RawCursor(self._connection)  # `$n` placeholders, as `_values_for` numbers them: none to convert
            cursor.execute(_values_for(sql, len(chunk)), [value for row in chunk for value in row])
            cursors.append(cursor)
        return cursors

    def _before(self, sql: str) -> None:
        """Send the deferred writes first if `sql` touches a table they write to."""
        if any(table in sql for table in self._tables):
            self.flush()

    def _statement(self, sql: str) -> str:
        found = self._sql.get(sql)
        if found is None:
            found = sql.replace("?", "%s") if self.postgresql else sql
            self._sql[sql] = found
        return found

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        """Send one statement (with what `later` queued); the cursor holding its answer."""
        if self._tables:
            self._before(sql)
        if self._queued:
            self._send_queued(self._statement(sql), params)
        else:
            self._cursor.execute(self._statement(sql), params)
        return self._cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return int(self._run(sql, params).rowcount)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self._tables:
            self._before(sql)
        if self._queued:
            self._send_queued()
        if rows:
            self._cursor.executemany(self._statement(sql), rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._run(sql, params).fetchone()
        return None if row is None else tuple(row)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self._run(sql, params).fetchall()]

    def all_in(self, select: str, column: str, values: Sequence[Any], *, order: str) -> list[Row]:
        """`select` restricted to rows whose `column` is one of `values` (none: no statement), in `order`: one
        statement where a loop over the values would send one each."""
        if not values:
            return []
        marks = ", ".join("?" for _ in values)
        return self.all(f"{select} WHERE {column} IN ({marks}) ORDER BY {order}", list(values))

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]


def _quiet(driver: Any) -> bool:
    """Whether nothing waits to be read on a PostgreSQL connection between statements, as nothing should: a
    server that closed it (a restart, an idle timeout, a terminated backend) left its end of stream or its last
    error there. Such a connection is found out by a round trip that cannot have committed anything: the
    COMMIT then waits for its own (`Transaction.commits_with_writes`)."""
    try:
        readable, _, _ = select.select([driver.pgconn.socket], [], [], 0)
    except (OSError, ValueError, AttributeError):
        return False
    return not readable


def _made(deferred: list[Params]) -> list[Sequence[Any]]:
    """Deferred writes' parameters, those given as what makes them made now."""
    return [row() if callable(row) else row for row in deferred]


def _collect(queued: list[tuple[str, Sequence[Any], list[list[Row]]]], cursors: list[Any]) -> None:
    """Each queued statement's rows into its box (none for one that returns no rows), its cursor closed."""
    for cursor, (_, _, box) in zip(cursors, queued, strict=True):
        box.append([tuple(r) for r in cursor.fetchall()] if cursor.description is not None else [])
        cursor.close()


def _begin_explicitly(driver: Any, explicitly: bool) -> None:
    """PostgreSQL: the store's connections run in autocommit mode, each write transaction begun by the store,
    its BEGIN sent with its first statement (psycopg's own BEGIN would be a round trip of its own). A read
    transaction sends no BEGIN: at READ COMMITTED each statement sees its own snapshot either way. A
    connection goes back to SQLAlchemy's pool as the pool gave it (`explicitly=False`)."""
    if driver.info.transaction_status != 0:  # not idle: a set-up statement's transaction
        driver.rollback()
    driver.autocommit = explicitly


class _Held:
    """A pooled driver connection and its cursor."""

    __slots__ = ("connection", "cursor", "driver", "released_at")

    def __init__(self, connection: Any) -> None:
        self.connection = connection  # SQLAlchemy's pool proxy: returns to the pool, or is invalidated
        self.driver = connection.driver_connection
        self.cursor = self.driver.cursor()
        self.released_at = 0.0  # when it last went back on the idle list (time.monotonic)


class _WriterLock:
    """The write lock of one SQLite file in this process. A thread that already writes to the file through one
    `Store` and opens a write through another would wait for itself: that is refused at once. A forked child starts
    with it free: a thread of the parent that held it does not go on in the child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        renew_in_children(self, _WriterLock._free)

    def _free(self) -> None:
        self._lock = threading.Lock()
        self._owner = None

    def acquire(self, timeout: float) -> bool:
        if self._owner == threading.get_ident():
            raise StoreError("this thread already has a write transaction open on this database (through another "
                             "store): transactions do not nest")
        if not self._lock.acquire(timeout=timeout):
            return False
        self._owner = threading.get_ident()
        return True

    def release(self) -> None:
        self._owner = None
        self._lock.release()


_writer_locks: dict[str, _WriterLock] = {}
_writer_locks_guard = threading.Lock()


def _new_writer_locks_guard() -> None:
    global _writer_locks_guard  # noqa: PLW0603 - a forked child's own: a parent's thread may have held it
    _writer_locks_guard = threading.Lock()


os.register_at_fork(after_in_child=_new_writer_locks_guard)


def _writer_lock(engine: sa.Engine) -> _WriterLock | None:
    """On SQLite, one lock per database file for this process's write transactions (see `Store`)."""
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url.database or "")
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, _WriterLock())


class Store:
    """Transactions over one SQLAlchemy engine: `with store.write() as tx: ...` commits or rolls back.

    SQLAlchemy provides the pool and the connection set-up (`storage.database`); the transaction itself is
    driven on the driver connection — BEGIN, the statements, COMMIT (on PostgreSQL the BEGIN of a write goes with
    its first statement, and a read sends none: `_begin_explicitly`) — which costs a third of going through
    SQLAlchemy's `Connection` for the two-statement transition the engine makes most. Driver connections are
    kept between transactions on an idle list (checking one out of SQLAlchemy's pool per transaction costs as
    much as the transaction), shared by all threads, one transaction at a time each: `keep_idle` of them always,
    and those beyond for `idle_s` seconds after their last use. A burst of concurrent callers (thirty-two threads
    starting instances, a web server's request threads) then reuses its connections from one transaction to the
    next, where going back to SQLAlchemy's pool closed all but `keep_idle` of them — and on PostgreSQL each new one
    costs a backend process forked and set up.

    On SQLite, threads of one process queue for their write transactions on a lock (one per database file)
    before `BEGIN IMMEDIATE`: SQLite's own busy handler makes a waiting writer sleep 1, 2, 5 … 100 ms between
    tries, so sixteen concurrent senders spent most of their time asleep (p99 over a second in bench_api).
    Other processes still meet the busy timeout; the lock is given up waiting for after that timeout too,
    so it never turns what was a timeout into a hang.

    A process forked from this one uses none of its connections: the child's store forgets those it kept (as its
    engine's pool does), neither closing nor using them, and opens its own; on SQLite the idle ones are closed
    before the fork, as SQLite asks (`storage.forks`).
    """

    def __init__(self, engine: sa.Engine, *, keep_idle: int = 8, idle_s: float = 30.0) -> None:
        self.engine = engine
        self.postgresql = is_postgresql(engine)
        self._keep_idle = keep_idle
        self.idle_s = idle_s
        self._idle: list[_Held] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._sql: dict[str, str] = {}
        self._writer = _writer_lock(engine)
        self._driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        # SQLite: when the file was last looked at (`_look_at_file`), and why it is gone, once it is
        self._file_looked = -FILE_LOOK_S if not self.postgresql else float("inf")
        self._file_gone: str | None = None
        self._closed = False  # `close` is final: a transaction asked for after it is refused, not opened anew
        self._checkpoints = None if self.postgresql else checkpoints.checkpoints_for(engine)
        separate_connections(engine)
        renew_in_children(self, Store._forget_after_fork)
        if not self.postgresql:
            pause_for_forks(self, Store._return_idle)

    def _return_idle(self) -> None:
        """Just before a fork, on SQLite: the idle connections back to the pool, which closes them then
        (`storage.forks`): a child must not inherit an open SQLite connection. The next transaction opens one."""
        with self._lock:
            idle, self._idle = self._idle, []
        for held in idle:
            self._return(held)

    def _forget_after_fork(self) -> None:
        """In a forked child: the parent's connections dropped unused (the pool's too: `storage.forks`), and the
        locks its threads may have held at the fork made anew."""
        self._idle = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def _acquire(self) -> _Held:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        try:
            held = _Held(self.engine.raw_connection())
            if self.postgresql:
                _begin_explicitly(held.driver, True)
        except (sa_exc.SQLAlchemyError, self._driver_error) as exc:
            # the pool lets the driver's own error through when a new connection is refused (PostgreSQL's
            # "too many clients", a server restarting): one line, as any other database that does not answer
            raise DatabaseUnavailable(self.reason(exc)) from exc
        return held

    def _release(self, held: _Held) -> None:
        """Back on the idle list (taken from its end: the least recently used wait at its start and are the first
        returned to SQLAlchemy's pool once unused for `idle_s`)."""
        now = time.monotonic()
        held.released_at = now
        unused: list[_Held] = []
        with self._lock:
            self._idle.append(held)
            while len(self._idle) > self._keep_idle and now - self._idle[0].released_at > self.idle_s:
                unused.append(self._idle.pop(0))
        for stale in unused:
            self._return(stale)

    def _return(self, held: _Held) -> None:
        """Back to SQLAlchemy's pool, as the pool gave it."""
        with suppress(Exception):
            if self.postgresql:
                _begin_explicitly(held.driver, False)
            held.connection.close()

    @staticmethod
    def _discard(held: _Held) -> None:
        with suppress(Exception):
            held.connection.invalidate()

    def _drop_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for held in idle:
            self._discard(held)

    def _writer_at_once(self) -> _WriterLock:
        """This process's write lock, taken without waiting (`writes_without_waiting`), else `WriterBusy`."""
        _AT_ONCE.set(False)  # the first write only
        if self._writer is None:
            raise WriterBusy("PostgreSQL has no single writer to find free")
        if not self._writer.acquire(timeout=0):
            raise WriterBusy("another thread of this process is writing to the database")
        return self._writer

    def _begin(self, held: _Held, read_only: bool, at_once: bool = False) -> None:
        if self.postgresql:
            return  # a write's BEGIN goes with its first statement (`begin_with_next`); a read needs none
        cursor = held.cursor  # sqlite3 runs in autocommit mode (storage.database); begin explicitly
        if not at_once:
            cursor.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            return
        cursor.execute(_NO_BUSY_WAIT)  # another process's write lock: refused at once, not waited for
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) in _SQLITE_BUSY_CODES:
                raise WriterBusy(f"another process is writing to the database ({exc})") from exc
            raise
        finally:
            cursor.execute(_BUSY_WAIT)

    @staticmethod
    def _rollback(held: _Held) -> bool:
        """Roll back; False when the connection itself is broken."""
        try:
            held.driver.rollback()
        except Exception:  # noqa: BLE001 - the connection is unusable; it is replaced
            return False
        return True

    def reason(self, exc: BaseException) -> str:
        """The driver's error in one line; for a SQLite file this user cannot write, or in a folder that is not there,
        which file or folder; for one that is damaged, which, and what to do."""
        if getattr(exc, "sqlite_errorcode", None) in _DAMAGED:
            return (f"the database file {self.engine.url.database} is damaged ({exc}): restore it from a backup "
                    "(docs/runtime.md, Backups)")
        return why_unusable(self.engine, exc) or str(exc).split("\n", 1)[0]

    def write(self) -> _Opened:
        """A transaction that writes (on SQLite it takes the write lock at once: `BEGIN IMMEDIATE`). Refused
        (`DatabaseUnavailable`) once the SQLite file was deleted or replaced under this process: what it wrote
        would be lost, and a start answered 201 would be an instance nobody finds (`_look_at_file`)."""
        if self._closed:
            raise DatabaseUnavailable(CLOSED)
        if self._file_gone is not None or time.monotonic() - self._file_looked >= FILE_LOOK_S:
            self._look_at_file()
        return _Opened(self, False)

    def _look_at_file(self) -> None:
        """Whether the SQLite file is still the one at its path, at most every `FILE_LOOK_S` (a `stat`); once it
        is not, for good (the file this process has open is not the one anyone will open again)."""
        if self._file_gone is None:
            self._file_looked = time.monotonic()
            self._file_gone = file_replaced(self.engine)
        if self._file_gone is not None:
            raise DatabaseUnavailable(self._file_gone)

    def read(self) -> _Opened:
        """A transaction that only reads; on SQLite it never blocks a writer."""
        if self._closed:
            raise DatabaseUnavailable(CLOSED)
        return _Opened(self, True)

    def _witnessed(self, witness: tuple[str, Sequence[Any]], reason: str) -> bool:
        """Whether the witness of a transaction whose connection broke in the round trip of its COMMIT finds it
        committed, asked on a new connection (`DatabaseUnavailable` if none answers)."""
        sql, params = witness
        for _ in range(2):
            try:
                with self.read() as tx:
                    return tx.one(sql, params) is not None
            except ConnectionLost:
                continue
        raise DatabaseUnavailable(f"{reason}; whether the last write committed cannot be found out")

    def close(self) -> None:
        """Return the idle connections, stop the checkpoint thread if no other store uses it, and dispose of
        the pool. Final: a transaction asked for afterwards is refused (`DatabaseUnavailable`)."""
        self._closed = True
        with self._lock:
            idle, self._idle = self._idle, []
        for held in idle:
            self._return(held)
        if self._checkpoints is not None:
            found, self._checkpoints = self._checkpoints, None
            checkpoints.release(found)
        self.engine.dispose()


CLOSED = "the engine was closed (close() is final): open a new Engine on the database to use it again"


class _Opened:
    """One transaction of a `Store`, as a context manager: on entry this thread's turn at the writer (SQLite), a
    connection and its BEGIN; on a clean exit the deferred writes, the checks and the COMMIT; else the ROLLBACK. A
    driver's error comes out as the store's own (`TransientConflict`, `ConnectionLost`, `DatabaseUnavailable`).
    (A class, not a generator: every transaction enters one, and a generator's context manager costs three
    objects and two resumptions more.)"""

    __slots__ = ("_committing", "_gone", "_held", "_queued", "_read_only", "_store", "_tx")

    def __init__(self, store: Store, read_only: bool) -> None:
        self._store = store
        self._read_only = read_only
        self._committing = False
        self._gone = False  # the connection was discarded and the writer let go already (`_committed_with_writes`)

    def __enter__(self) -> Transaction:
        store, read_only = self._store, self._read_only
        if getattr(store._local, "busy", False):
            raise StoreError("transactions do not nest: this thread already has one open")
        at_once = not read_only and _AT_ONCE.get()
        queued: _WriterLock | None
        if at_once:
            queued = store._writer_at_once()
        else:
            queued = store._writer if store._writer is not None and not read_only else None
            if queued is not None and not queued.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
                queued = None  # past the busy timeout: go on, and let SQLite's own timeout answer
        store._local.busy = True
        self._queued = queued
        try:
            self._held = held = store._acquire()
        except BaseException:
            self._let_go()
            raise
        try:
            store._begin(held, read_only, at_once)
        except BaseException as exc:
            replacement = self._failed(exc, usable=True)
            if replacement is not None:
                raise replacement from exc
            raise
        try:
            self._tx = tx = Transaction(held.driver, held.cursor, store._sql, store.postgresql,
                                        writes=not read_only)
            if store.postgresql and not read_only:
                tx.begin_with_next()
        except BaseException as exc:
            replacement = self._failed(exc, usable=store._rollback(held))
            if replacement is not None:
                raise replacement from exc
            raise
        return tx

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _traceback: Any) -> Literal[False]:
        store, held = self._store, self._held
        if exc is not None:
            replacement = self._failed(exc, usable=store._rollback(held))
            if replacement is not None:
                raise replacement from exc
            return False
        tx = self._tx
        try:
            if tx.untouched:
                pass  # nothing sent: nothing to commit
            elif tx.commits_with_writes and _quiet(held.driver):
                if not self._committed_with_writes(tx):
                    return False  # the connection broke, and the COMMIT was found made: let go already
            else:
                tx.flush()
                tx.run_checks()
                self._committing = True
                held.driver.commit()
        except BaseException as failed:
            if self._gone:
                raise
            replacement = self._failed(failed, usable=store._rollback(held))
            if replacement is not None:
                raise replacement from failed
            raise
        store._release(held)
        self._let_go()
        if self._committing and not self._read_only and store._checkpoints is not None:  # its pages are in the WAL
            store._checkpoints.wrote()
        return False

    def _committed_with_writes(self, tx: Transaction) -> bool:
        """Send the deferred writes and the COMMIT in one round trip (`Transaction.commits_with_writes`). True:
        sent and answered. False: the connection broke in that round trip, and the transaction's witness found it
        committed on a new connection (this connection discarded, the writer let go). Raises `ConnectionLost` when
        it was not committed (the caller runs it again), `DatabaseUnavailable` when that cannot be found out."""
        store, held = self._store, self._held
        try:
            tx.flush(commit=True)
        except Exception as exc:
            if _classify(exc) != "unavailable" or not getattr(held.driver, "broken", False):
                raise  # answered: the server refused a statement, and the COMMIT after it was not run
            reason = store.reason(exc)
            store._discard(held)
            store._drop_idle()  # the server dropped them all, most likely (a restart): none is reused
            self._let_go()
            self._gone = True
            assert tx.witness is not None
            if store._witnessed(tx.witness, reason):
                return False
            raise ConnectionLost(reason) from exc
        return True

    def _failed(self, exc: BaseException, *, usable: bool) -> Exception | None:
        """After `exc` (the transaction rolled back, and the connection `usable` still): the connection released or
        discarded, the writer let go, and the store's error to raise instead of `exc`, if any."""
        store = self._store
        replacement: Exception | None = None
        if isinstance(exc, Exception):
            kind, reason = _classify(exc), store.reason(exc)
            if kind == "conflict":
                replacement = TransientConflict(reason)
            elif kind == "unavailable":
                usable = False
                if not self._committing and getattr(self._held.driver, "broken", False):  # psycopg: it is gone
                    store._drop_idle()  # the server dropped them all, most likely (a restart): none is reused
                    replacement = ConnectionLost(reason)
                else:
                    replacement = DatabaseUnavailable(reason)
        if usable:
            store._release(self._held)
        else:
            store._discard(self._held)
        self._let_go()
        return replacement

    def _let_go(self) -> None:
        self._store._local.busy = False
        if self._queued is not None:
            queued, self._queued = self._queued, None  # once
            queued.release()


# psycopg converts a statement's placeholders once and keeps the result only for statements of at most this many
# parameters (psycopg._queries.MAX_CACHED_STATEMENT_PARAMS): beyond, every execution would convert it again.
_PARAMETERS_A_STATEMENT = 2000  # a multi-row INSERT on PostgreSQL (its own limit: 65,535)
_VALUES = re.compile(r"\bVALUES\s*(\((?:\?\s*,\s*)*\?\s*\))", re.IGNORECASE)


@lru_cache(maxsize=512)
def _rows_together(sql: str) -> int:
    """How many rows of this INSERT go in one statement on PostgreSQL (1: not an INSERT of one VALUES tuple).

    In a pipeline, psycopg's `executemany` sends each row as an execution of its own and talks to the server after
    each (a third of a transition's CPU in a chain of inline tasks, measured); several VALUES tuples to a statement
    are one execution. Sent through a raw cursor, with PostgreSQL's own numbered placeholders (`_values_for`),
    psycopg converts no statement, so the rows of a transaction's batch of starts need few statements: up to
    `_PARAMETERS_A_STATEMENT` parameters each."""
    match = _VALUES.search(sql)
    if match is None or not sql.lstrip().upper().startswith("INSERT") or sql.count("?") != match.group(1).count("?"):
        return 1
    return max(1, _PARAMETERS_A_STATEMENT // match.group(1).count("?"))


@lru_cache(maxsize=512)
def _values_for(sql: str, rows: int) -> str:
    """The INSERT `sql` with `rows` VALUES tuples, its placeholders PostgreSQL's own (`$1`, `$2`, … in order)."""
    match = _VALUES.search(sql)
    assert match is not None  # only for statements `_rows_together` found an INSERT
    tuples = ", ".join([match.group(1)] * rows)
    numbers = iter(range(1, tuples.count("?") + 1))
    return sql[: match.start(1)] + re.sub(r"\?", lambda _: f"${next(numbers)}", tuples) + sql[match.end(1):]


@lru_cache(maxsize=512)
def _written_table(sql: str) -> str:
    match = _WRITTEN_TABLE.match(sql)
    if match is None:
        raise ValueError(f"only INSERT, UPDATE and DELETE can be deferred: {sql[:60]}")
    return match.group(1)


def _is_integrity_error(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    if type(exc).__module__.startswith("psycopg"):
        import psycopg  # noqa: PLC0415 - only present and needed on PostgreSQL

        return isinstance(exc, psycopg.IntegrityError)
    return False


# SQLSTATEs that say a connection's session is not in the state its driver takes it to be in — a transaction
# aborted or not open (class 25, which also holds 25006, a server that takes no writes: a standby, a database set
# read-only), a prepared statement it has (42P05: "_pg3_0" already exists) or lacks (26000) — as when two processes
# share one connection (one forked from the other): the database cannot be used on it, whatever the statement. So
# is psycopg's own InternalError, without a SQLSTATE: answers it did not expect ("received 2 results from command
# 'COMMIT'").
_SESSION_ASTRAY = ("25", "42P05", "26000")


def _classify(exc: Exception) -> str:
    """What a driver error raised on the raw cursor means: 'conflict' (a deadlock or serialisation failure,
    worth retrying), 'unavailable' (the connection or database is gone or busy, or the session astray), or
    'other'."""
    module = type(exc).__module__
    if module.startswith("psycopg"):
        import psycopg  # noqa: PLC0415 - only present and needed on PostgreSQL

        # SQLSTATE class 40, transaction rollback: serialization_failure (40001) and deadlock_detected (40P01)
        # — psycopg files the latter under OperationalError, so the code decides, not the class.
        if isinstance(exc, psycopg.Error) and (exc.sqlstate or "").startswith("40"):
            return "conflict"
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return "unavailable"
        if isinstance(exc, psycopg.Error) and (exc.sqlstate or "").startswith(_SESSION_ASTRAY):
            return "unavailable"
        if isinstance(exc, psycopg.InternalError) and exc.sqlstate is None:
            return "unavailable"
    elif module.startswith("sqlite3") and (isinstance(exc, sqlite3.OperationalError) or (
            isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorcode", None) in _DAMAGED)):
        return "unavailable"
    return "other"
