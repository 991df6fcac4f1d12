"""The migrations produce exactly the schema the table models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.database import DEFAULT_DATABASE_URL, URL_VARIABLE, create_database_engine, default_database_url
from storage.schema import HEAD_REVISION, current_revision, ensure_schema, head_revision, metadata


def test_the_migrated_database_matches_the_table_models(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                           metadata())
        assert differences == []
        names = set(sa.inspect(engine).get_table_names())
        assert {"instances", "history", "jobs", "timers", "approvals", "events", "costs", "budgets",
                "schedule_fires", "receipts"} <= names
    finally:
        engine.dispose()


def test_ensure_schema_builds_an_empty_database_and_is_then_a_no_op(tmp_path: os.PathLike[str]) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path}/fresh.db")
    try:
        assert current_revision(engine) is None
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_head_revision_constant_is_alembics_head() -> None:
    assert head_revision() == HEAD_REVISION  # a new migration moves it: ensure_schema's quick check reads it


def test_a_database_at_head_is_opened_without_loading_alembic(tmp_path: os.PathLike[str]) -> None:
    """Every CLI command opens the database: one at head is known so from a SELECT (Alembic and its scripts
    cost 150 ms of start-up); one behind is still upgraded."""
    url = f"sqlite:///{tmp_path}/current.db"
    engine = create_database_engine(url)
    ensure_schema(engine)
    engine.dispose()
    probe = ("import sys; from storage.database import create_database_engine; from storage.schema import "
             f"ensure_schema; ensure_schema(create_database_engine({url!r})); print('alembic' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


def test_sqlite_connections_use_wal_and_the_durability_settings(tmp_path: os.PathLike[str]) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path}/wal.db")
    try:
        raw = engine.raw_connection()
        try:
            pragma = raw.driver_connection.execute  # type: ignore[union-attr]
            assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert pragma("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
            assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
            assert pragma("PRAGMA busy_timeout").fetchone()[0] >= 1000
        finally:
            raw.close()
    finally:
        engine.dispose()


def test_the_default_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    assert default_database_url() == DEFAULT_DATABASE_URL == "sqlite:///statewright.db"
    monkeypatch.setenv(URL_VARIABLE, "postgresql+psycopg://u@h/db")
    assert default_database_url() == "postgresql+psycopg://u@h/db"


def test_unusable_urls_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="in-memory SQLite"):
        create_database_engine("sqlite://")
    with pytest.raises(ValueError, match="unsupported database"):
        create_database_engine("mysql://u@h/db")
    with pytest.raises(ValueError, match="unsupported PostgreSQL driver 'asyncpg'"):
        create_database_engine("postgresql+asyncpg://u@h/db")


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgresql_url_that_names_no_driver_runs_on_psycopg(postgres_url: str, scheme: str) -> None:
    """`postgresql://` (the form most tools print) and `postgres://` open the database with the installed psycopg."""
    given = sa.make_url(postgres_url).set(drivername=scheme).render_as_string(hide_password=False)
    engine = create_database_engine(given)
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
