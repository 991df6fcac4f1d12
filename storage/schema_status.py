"""Where a database's schema stands against this release's migrations — at their head, behind it, past it (a
newer release upgraded it), or no Statewright schema at all — read without changing anything, for `statewright db
current` and `statewright db check`.

Only reading, on purpose: every engine that opens a database upgrades one that is behind (`schema.ensure_schema`),
so an operator asking "does this database need an upgrade?" must not go through an engine. A SQLite file is opened
with none of the engine's settings and with SQLite's `query_only` on: the engine switches a file to WAL mode as it
opens it, which would rewrite the header of a file that is not ours (or give an empty file its first page), and a
file that is not there is not made (`mode=rw`). PostgreSQL reads in a `READ ONLY` transaction.

A revision is `behind` when it is one of this release's migrations before the head, and `ahead` when it is a
number past the head (Statewright's revisions are numbered `0001`, `0002`, …: a newer release's); any other
revision is another application's Alembic history (`foreign`), as is a database with tables but no
`alembic_version`. A database with no table at all is `empty`: `statewright db upgrade` makes the schema there.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from storage.database import BUSY_TIMEOUT_MS, create_database_engine, is_sqlite
from storage.errors import DatabaseUnavailable
from storage.schema import MIGRATIONS
from storage.sqlite_file import read_only_uri

__all__ = ["SchemaState", "SchemaStatus", "open_read_only", "read_schema_status"]

_VERSION_TABLE = "alembic_version"


class SchemaState(StrEnum):
    CURRENT = "current"  # at this release's head
    BEHIND = "behind"  # an older release's schema: `statewright db upgrade` brings it to the head
    AHEAD = "ahead"  # a newer release upgraded it past what this one knows
    EMPTY = "empty"  # no table at all: a new database
    FOREIGN = "foreign"  # tables, but not a Statewright schema


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    revision: str | None  # what the database records (None: no alembic_version, or no row in it)
    head: str  # this release's newest migration
    state: SchemaState
    tables: int  # how many tables the database has (its default schema, on PostgreSQL)


def open_read_only(url: str) -> sa.Engine:
    """An engine on `url` that can only read it. A URL Statewright cannot use is the ValueError of
    `create_database_engine`, saying what to give instead."""
    checked = create_database_engine(url, pool_size=1)  # the URL's checks; it connects to nothing yet
    if not is_sqlite(checked):
        return checked
    checked.dispose()
    database = sa.create_engine(checked.url, poolclass=sa.pool.NullPool)

    @event.listens_for(database, "do_connect")
    def _without_making_it(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        path = cargs[0] if cargs and isinstance(cargs[0], str) else None
        if path is None or path.startswith("file:"):
            return  # a URI: opened as it says
        cargs[0] = read_only_uri(path) or f"file:{quote(str(Path(path).absolute()))}?mode=rw"
        cparams["uri"] = True

    @event.listens_for(database, "connect")
    def _query_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # a writer's lock in rollback mode
        dbapi_connection.execute("PRAGMA query_only = ON")

    return database


def _history() -> tuple[str, frozenset[str]]:
    """This release's head and every revision of its migrations."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - Alembic loads only for these commands

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head, frozenset(s.revision for s in script.walk_revisions())


def _state(tables: set[str], found: list[str] | None, head: str, known: frozenset[str]) -> SchemaState:
    if found is None:
        return SchemaState.FOREIGN if tables else SchemaState.EMPTY
    if not found:
        return SchemaState.BEHIND  # the table, no revision in it: no migration applied (or all taken back)
    if len(found) > 1:
        return SchemaState.FOREIGN  # several heads at once: Statewright's history has one branch
    return _state_of(found[0], head, known)


def _state_of(revision: str, head: str, known: frozenset[str]) -> SchemaState:
    if revision == head:
        return SchemaState.CURRENT
    if revision in known:
        return SchemaState.BEHIND
    if revision.isdigit() and head.isdigit() and int(revision) > int(head):
        return SchemaState.AHEAD
    return SchemaState.FOREIGN


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """The driver's reason in one line, without SQLAlchemy's SQL and link lines."""
    driver = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    return (str(driver).strip().splitlines() or [type(driver).__name__])[0]


def read_schema_status(database: sa.Engine) -> SchemaStatus:
    """Where `database`'s schema stands (see the module's doc); a database that cannot be read (a server that does
    not answer, a file that is not a database) is `DatabaseUnavailable` with the driver's reason in one line."""
    head, known = _history()
    try:
        with database.connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            tables = set(sa.inspect(connection).get_table_names())
            found: list[str] | None = None
            if _VERSION_TABLE in tables:
                found = [str(v) for v in connection.exec_driver_sql(
                    f"SELECT version_num FROM {_VERSION_TABLE}").scalars()]  # noqa: S608 - a constant
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseUnavailable(_reason(exc)) from exc
    revision = found[0] if found and len(found) == 1 else None
    return SchemaStatus(revision, head, _state(tables, found, head, known), len(tables))
