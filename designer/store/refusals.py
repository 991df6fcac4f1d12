"""What an error from the designer's own tables means: the database refusing the work (locked, read-only, full,
gone, a table missing) — a reason in one line — or a bug of ours (None).

The designer's stores (accounts, sessions, tokens, drafts, publication requests) run on SQLAlchemy, so their
errors are SQLAlchemy's, not the engine's `StorageError`; the web layer asks this module which of them are the
database's doing (a 503, as the engine's storage errors are) and which are a bug (a 500).
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

__all__ = ["database_refusal"]

# PostgreSQL's SQLSTATEs (classes and codes) that say the database cannot do the work, whatever was asked:
# connection (08), transaction rollback (40: a deadlock or serialisation failure), insufficient resources
# (53: disk full, out of memory, too many connections), object not in prerequisite state (55: a lock not
# available), operator intervention (57: shut down, cancelled, statement timeout), system error (58: I/O),
# internal error (XX: corrupted data); a read-only transaction (25006: a hot standby), no privilege (42501),
# a table or database that does not exist (42P01, 3D000).
_PG_CLASSES = ("08", "40", "53", "55", "57", "58", "XX")
_PG_CODES = frozenset({"25006", "42501", "42P01", "3D000"})


def database_refusal(exc: BaseException) -> str | None:
    """The database's own reason, in one line, when `exc` is the database refusing the work; None otherwise.

    SQLite: every `OperationalError` (locked past the busy timeout, read-only, disk I/O, disk full, no such
    table) and the bare `DatabaseError` (not a database, a malformed file). PostgreSQL: the SQLSTATEs above, and
    a connection error that has none (the server does not answer). A connection pool with no connection free
    within its timeout is a refusal too. Integrity and programming errors are bugs: None. The SQL and its
    parameters (which may hold a password hash or a token's digest) are never part of the reason."""
    if isinstance(exc, sa_exc.TimeoutError):
        return "no database connection came free in time; the database is overloaded"
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    driver: BaseException = exc.orig or exc  # the DB-API's own exception, which SQLAlchemy wraps
    sqlstate = getattr(driver, "sqlstate", None)
    if isinstance(sqlstate, str):  # psycopg
        if sqlstate not in _PG_CODES and not sqlstate.startswith(_PG_CLASSES):
            return None
    elif not (isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or type(exc) is sa_exc.DatabaseError):
        return None
    return _first_line(driver) or type(driver).__name__


def _first_line(driver: BaseException) -> str:
    lines = str(driver).strip().splitlines()
    return lines[0].strip() if lines else ""
