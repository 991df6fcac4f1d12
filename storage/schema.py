"""The database schema: every table's metadata, and bringing a database up to the newest migration.

Alembic migrations under `storage/migrations` are the one way the schema changes; `upgrade` runs them
(`statewright db upgrade`), and `ensure_schema` does so only when the database is behind.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import SQLModel

import storage.tables

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "current_revision", "ensure_schema", "head_revision", "metadata", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")
_TABLE_MODULES = (
    "storage.tables", "storage.accounts", "storage.drafts", "storage.publication_requests", "storage.sandbox",
)
_lock = threading.Lock()


def metadata() -> sa.MetaData:
    """The metadata of every Statewright table: the engine's, the designer's accounts and drafts, the sandbox's."""
    for name in _TABLE_MODULES:
        importlib.import_module(name)
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


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction."""
    from alembic import command  # noqa: PLC0415

    with _lock, engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def ensure_schema(engine: sa.Engine) -> None:
    """Upgrade to head when the database is behind (an empty database gets every table)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
