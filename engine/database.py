"""The engine's door to its database for the layers above it (the designer, the agent system, the CLI):
choosing the URL, opening a SQLAlchemy engine, read-only transactions for read models, the Core table of a
layer's own SQLModel table class (`table_of`), and the schema's migrations. Everything else the layers above
need goes through `engine.Engine` and `engine.read_models`."""

from __future__ import annotations

from storage.database import create_database_engine, default_database_url, reading
from storage.schema import current_revision, ensure_schema, head_revision, upgrade
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
