"""The engine's door to its database for the layers above it (the designer, the agent system, the CLI):
choosing the URL, opening a SQLAlchemy engine, read-only transactions for read models, the Core table of a
layer's own SQLModel table class (`table_of`), and the schema's migrations. Everything else the layers above
need goes through `engine.Engine` and `engine.read_models`."""

from __future__ import annotations

import sqlalchemy as sa

from engine.errors import StorageError
from storage import schema
from storage.database import create_database_engine, default_database_url, reading
from storage.errors import StoreError
from storage.schema import current_revision, head_revision, upgrade
from storage.tables.core import table_of

__all__ = [
    "create_database_engine",
    "current_revision",
    "default_database_url",
    "ensure_schema",
    "head_revision",
    "reading",
    "table_of",
    "upgrade",
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
