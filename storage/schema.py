"""The database schema: every table's metadata, and bringing a database up to the newest migration.

Alembic migrations under `storage/migrations` are the one way the schema changes; `upgrade` runs them
(`statewright db upgrade`), and `ensure_schema` does so only when the database is behind. A database it
cannot use says why in one line: `DatabaseUnavailable` with the driver's reason (no such folder, not a
database, the server refused), or `StoreError` for a database a newer release has upgraded past the
migrations this one knows.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import SQLModel

import storage.tables
from storage.alembic_logs import quiet_alembic
from storage.database import reading
from storage.errors import DatabaseUnavailable, StoreError
from storage.sqlite_file import why_unusable

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD_REVISION", "MIGRATIONS", "current_revision", "ensure_schema", "head_revision", "metadata",
           "upgrade"]

log = logging.getLogger("statewright.storage")

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0018"
"""The newest migration's revision (a test holds it to Alembic's head): a database already there is known to be
up to date from one SELECT, without loading Alembic and its scripts (150 ms of every CLI command's start-up)."""
_lock = threading.Lock()
# The key of the PostgreSQL advisory lock an upgrade holds for its transaction ("SWSCHEMA" in ASCII): processes
# starting together on a new database (replicas, several `statewright worker`) upgrade one after the other; each
# after the first finds the schema current. Without it, all but one failed creating the same types and tables.
_UPGRADE_LOCK = 0x5357534348454D41


def metadata() -> sa.MetaData:
    """The metadata of the engine's tables and of every other owner's table module imported so far (the
    designer's accounts and drafts, the agent system's sandbox: each package declares its own tables with
    SQLModel; their migrations live in the one history under `storage/migrations`)."""
    assert storage.tables.ENGINE_TABLES  # the engine's tables are registered by importing the package
    return SQLModel.metadata


def _config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - Alembic loads only when migrations are asked for

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def _revision_of(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    return MigrationContext.configure(connection).get_current_revision()


def current_revision(engine: sa.Engine) -> str | None:
    with reading(engine) as connection:  # on SQLite it waits for no writer (nor takes the write lock)
        return _revision_of(connection)


def _refuse_unknown(revision: str | None) -> None:
    """A database at a revision none of our migrations has was upgraded by a newer release: Alembic would say
    only that it "can't locate revision"."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    script = ScriptDirectory.from_config(_config())
    if revision is not None and revision not in {s.revision for s in script.walk_revisions()}:
        raise StoreError(f"the database is at revision {revision}, which this Statewright does not know (its "
                         f"newest is {head_revision()}): a newer release upgraded it; run that release")


def _reason(exc: sa.exc.SQLAlchemyError, engine: sa.Engine) -> str:
    """The driver's reason, without SQLAlchemy's SQL and link lines (for a SQLite file this user cannot write,
    or in a folder that is not there, which file or folder that is)."""
    return why_unusable(engine, exc) or str(exc).split("\n", 1)[0]


def upgrade(engine: sa.Engine, revision: str = "head") -> str | None:
    """Run the migrations up to `revision` in one transaction; the revision the database was at before (None: it
    recorded none), as read under the lock the upgrade holds."""
    from alembic import command  # noqa: PLC0415

    try:
        with _lock, engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
            before = _revision_of(connection)
            _refuse_unknown(before)
            command.upgrade(_config(connection), revision)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseUnavailable(_reason(exc, engine)) from exc
    return before


def _at_head(engine: sa.Engine) -> bool:
    """Whether the database's recorded revision is `HEAD_REVISION` (False when it records none). A read-only
    transaction: opening a database whose schema is current neither waits for another process's writer (on
    SQLite) nor writes (so a file this user may only read opens too)."""
    with reading(engine) as connection:
        try:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        except sa.exc.DBAPIError:  # no such table: an empty database (or not ours)
            return False
    return found == [HEAD_REVISION]


def ensure_schema(engine: sa.Engine) -> None:
    """Upgrade to head when the database is behind (an empty database gets every table). Alembic's own INFO lines
    are kept out of the log (`storage.alembic_logs`): an upgrade made here says in one INFO line what it did."""
    try:
        if _at_head(engine):
            return
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseUnavailable(_reason(exc, engine)) from exc
    with quiet_alembic():
        try:
            current = current_revision(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise DatabaseUnavailable(_reason(exc, engine)) from exc
        head = head_revision()
        if current == head:
            return
        before = upgrade(engine)
    if before != head:  # another process may have upgraded it meanwhile: then this one did nothing to say
        url = engine.url.render_as_string(hide_password=True)
        if before is None:
            log.info("made the schema of the database %s, at revision %s", url, head)
        else:
            log.info("upgraded the database %s from revision %s to %s", url, before, head)
