"""Alembic environment: runs against the connection `storage.schema` hands in, or the configured URL."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from sqlmodel.sql.sqltypes import AutoString

import agents.tools.sandbox.tables  # noqa: F401 - autogenerate compares every owner's tables
import designer.store.accounts
import designer.store.drafts
import designer.store.publication_requests  # noqa: F401
from storage.database import create_database_engine
from storage.schema import metadata

target_metadata = metadata()


def _render_item(kind: str, item: Any, _autogen_context: Any) -> str | Literal[False]:
    """SQLModel's AutoString is a plain String in DDL, and a type that wraps another (the designer's
    `UtcDateTime`) is the type it wraps: render them so, and revisions import neither sqlmodel nor the owner."""
    if kind == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    if kind == "type" and isinstance(item, sa.TypeDecorator):
        return f"sa.{item.impl_instance!r}"
    return False


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_database_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as fresh:
        _run(fresh)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
