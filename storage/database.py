"""Opening a database: the URL, the SQLAlchemy engine, and the SQLite settings a durable engine needs.

SQLite runs in WAL mode with `synchronous=NORMAL`, a busy timeout and foreign keys on. The WAL is checkpointed when
it holds 4,000 pages (16 MB at 4 KiB pages) rather than SQLite's 1,000: a checkpoint copies each page once however
often the WAL rewrote it, so the engine's hot pages (instances, jobs, their indexes) are copied and synced a quarter
as often (measured: about 4% more lead-qualification flows per second). Transactions that write begin with `BEGIN
IMMEDIATE`, so two processes never both read and then both try to upgrade to a writer (which SQLite answers with
SQLITE_BUSY at once, whatever the timeout). A connection marked read-only (see `READ_ONLY`, `reading`) begins a
deferred transaction instead: in WAL mode it neither blocks a writer nor waits for one, in this process or
another — so everything that only reads (a web request's authentication, listings, the CLI's read-only commands,
the schema check when an engine opens) reads that way. One marked `WITHOUT_WAITING` (`writing_if_free`) takes
the write lock only if it is free at once: for a write nobody waits on (when an API token was last used).

A file this user may only read, in a folder it cannot write, is opened read-only (`storage.sqlite_file`). A process
forked from one that made an engine here opens connections of its own (`storage.forks`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from storage import sqlite_file
from storage.forks import separate_connections

__all__ = [
    "DEFAULT_DATABASE_URL",
    "READ_ONLY",
    "URL_VARIABLE",
    "WITHOUT_WAITING",
    "create_database_engine",
    "default_database_url",
    "is_postgresql",
    "is_sqlite",
    "reading",
    "writing_if_free",
]

URL_VARIABLE = "STATEWRIGHT_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///statewright.db"
READ_ONLY = "statewright_read_only"
WITHOUT_WAITING = "statewright_without_waiting"
BUSY_TIMEOUT_MS = 30_000
WAL_CHECKPOINT_PAGES = 4_000


def default_database_url() -> str:
    """`STATEWRIGHT_DATABASE_URL`, else a SQLite file `statewright.db` in the working directory."""
    return os.environ.get(URL_VARIABLE) or DEFAULT_DATABASE_URL


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgresql(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _bind_null_directly() -> None:
    """Give sqlite3 an adapter for None, so that it binds a NULL without looking for one first. sqlite3 binds an
    exact int, float or str as it is, and asks anything else for an adapter: with none registered for None, two
    attribute lookups fail first (`__adapt__`, `__conform__`) — measured, 40 NULLs bound in 26.9 µs, 16.0 µs with
    this identity adapter; a lead qualification binds 65. Process-wide, as sqlite3's adapters are; it changes
    nothing a NULL becomes, and one registered by the application first is left as it is."""
    if (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters:
        sqlite3.register_adapter(type(None), _null)


def _null(value: None) -> None:
    return value


def _configure_sqlite(engine: sa.Engine) -> None:
    _bind_null_directly()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun explicitly below
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "do_connect")
    def _on_do_connect(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        uri = sqlite_file.read_only_uri(cargs[0]) if cargs and isinstance(cargs[0], str) else None
        if uri is not None:  # a file only to be read, in a folder SQLite cannot make its -shm file in
            cargs[0] = uri
            cparams["uri"] = True

    @event.listens_for(engine, "handle_error", retval=True)
    def _on_error(context: sa.engine.ExceptionContext) -> BaseException | None:
        """SQLite's "attempt to write a readonly database", on the SQLAlchemy path (the designer's tables, the
        migrations), said as which file or folder this user cannot write."""
        reason = sqlite_file.unwritable_reason(engine, context.original_exception)
        if reason is None:
            return None
        driver = sqlite3.OperationalError(reason)
        driver.sqlite_errorcode = getattr(context.original_exception, "sqlite_errorcode", sqlite3.SQLITE_READONLY)
        driver.sqlite_errorname = getattr(context.original_exception, "sqlite_errorname", "SQLITE_READONLY")
        return sa.exc.OperationalError(context.statement, context.parameters, driver)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.info.get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
        elif connection.info.get(WITHOUT_WAITING, False):
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_database_engine(url: str | None = None, *, pool_size: int = 8) -> sa.Engine:
    """An SQLAlchemy engine for `url` (default: `default_database_url()`), configured for Statewright. A URL
    that names no database Statewright runs on is a ValueError saying what to give instead."""
    try:
        target = sa.make_url(url or default_database_url())
    except sa.exc.ArgumentError:  # the text is not echoed: it may hold a password
        raise ValueError("the database URL cannot be read: give sqlite:///PATH or "
                         "postgresql+psycopg://USER@HOST/DATABASE") from None
    if target.get_backend_name() == "sqlite":
        _refuse_a_server(target)
        database = target.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            raise ValueError(
                "an in-memory SQLite database cannot be shared between connections; give a file, "
                "e.g. sqlite:///statewright.db"
            )
        engine = sa.create_engine(target, pool_size=pool_size, max_overflow=32, pool_timeout=60)
        _configure_sqlite(engine)
        sqlite_file.watch(engine)
    else:
        if target.drivername in ("postgresql", "postgres"):  # no driver named: the one installed, psycopg 3
            target = target.set(drivername="postgresql+psycopg")
        if target.get_backend_name() != "postgresql":
            raise ValueError(f"unsupported database '{target.get_backend_name()}': use sqlite:/// or "
                             "postgresql+psycopg://")
        if target.get_driver_name() != "psycopg":  # psycopg2, asyncpg… are not installed
            raise ValueError(f"unsupported PostgreSQL driver '{target.get_driver_name()}': use "
                             f"postgresql+psycopg://")
        engine = sa.create_engine(target, pool_size=pool_size, max_overflow=32, pool_pre_ping=True)
    separate_connections(engine)
    return engine


def _refuse_a_server(target: sa.URL) -> None:
    """A SQLite URL with two slashes (`sqlite://refunds.db`) reads what follows them as a server — a host, a user, a
    port — and has no path: SQLAlchemy takes it for a database in memory, or refuses it in words about URL forms.
    Said as what it is, with the URL that names the file meant."""
    if not (target.host or target.username or target.password is not None or target.port is not None):
        return
    meant = "/".join(part for part in (target.host, target.database) if part) or "statewright.db"
    shown = target.render_as_string(hide_password=True)
    server = shown.split("//", 1)[1].split("/", 1)[0]
    lead = "names a server before its path" if target.database else "has no path"
    raise ValueError(f"{shown} {lead}: after two slashes, '{server}' is read as a server, and SQLite has none; a file "
                     f"takes three slashes (four for an absolute path): sqlite:///{meant}")


@contextmanager
def reading(database: sa.Engine) -> Iterator[sa.Connection]:
    """A read-only transaction on a SQLAlchemy pool: on SQLite a plain (deferred) BEGIN that never blocks the
    engine's writers, instead of the BEGIN IMMEDIATE every other transaction takes."""
    with database.connect() as connection:
        connection.info[READ_ONLY] = True
        try:
            with connection.begin():
                yield connection
        finally:
            connection.info[READ_ONLY] = False


def _writer_busy(exc: sa.exc.DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@contextmanager
def writing_if_free(database: sa.Engine) -> Iterator[sa.Connection | None]:
    """A write transaction if it can begin at once, else None (nothing done): on SQLite, while another connection
    holds the write lock, `BEGIN IMMEDIATE` is refused at once instead of waiting out the busy timeout. For a
    write nobody waits on, which may as well be skipped as delay what the caller is doing. On PostgreSQL, which
    has no single writer, a transaction as any other."""
    with database.connect() as connection:
        connection.info[WITHOUT_WAITING] = True
        try:
            transaction = connection.begin()
        except sa.exc.OperationalError as exc:
            if not _writer_busy(exc):
                raise
            transaction = None
        finally:
            connection.info[WITHOUT_WAITING] = False
        if transaction is None:
            yield None
            return
        with transaction:
            yield connection
