"""The engine's door to its database for the layers above it (the designer, the agent system, the CLI):
choosing the URL, opening a SQLAlchemy engine, read-only transactions for read models, the Core table of a
layer's own SQLModel table class (`table_of`), the schema's migrations, ORM sessions for the tables those layers
own, and whether a SQLite file is still the one opened. Everything else the layers above need goes through
`engine.Engine` and `engine.read_models`.

Sessions: on SQLite every other transaction begins with `BEGIN IMMEDIATE` and so waits, up to the busy timeout,
while another process holds the write lock. `read_session` reads in a deferred transaction instead, which in WAL
mode waits for no writer: what a request only reads (signing it in, a listing) answers while a worker or the CLI
writes. `writing_if_free` gives None at once while the writer is busy, for a write nobody waits on (when an API
token was last used). On PostgreSQL both are transactions as any other.

`file_replaced(database)` says in one line that the SQLite file a process opened was deleted or replaced (every
write since went to a file nobody will open again), else None: a `stat` of the path, cheap enough for every
readiness check (`/api/ready`) and every few seconds of a worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from engine.errors import StorageError
from storage import schema
from storage.database import create_database_engine, default_database_url, reading, writing_if_free
from storage.errors import StoreError
from storage.schema import current_revision, head_revision, upgrade
from storage.sqlite_file import file_replaced
from storage.tables.core import table_of

__all__ = [
    "create_database_engine",
    "current_revision",
    "default_database_url",
    "ensure_schema",
    "file_replaced",
    "head_revision",
    "read_session",
    "reading",
    "table_of",
    "upgrade",
    "writing_if_free",
]


def ensure_schema(database: sa.Engine) -> None:
    """Bring the database to the newest schema when it is behind; a database that cannot be used (no such
    folder, not a database, a server that does not answer, upgraded by a newer release) is a `StorageError`
    whose detail says which database and why in one line, its password hidden."""
    try:
        schema.ensure_schema(database)
    except StoreError as exc:
        url = database.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot open the database {url}: {exc}") from exc


@contextmanager
def read_session(database: sa.Engine) -> Iterator[Session]:
    """A session for reads only, in one read-only transaction; what it loads stays readable after the block."""
    with reading(database) as connection, Session(bind=connection, expire_on_commit=False) as session:
        yield session
