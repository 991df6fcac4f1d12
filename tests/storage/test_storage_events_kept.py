"""Migration 0018 adds `events.kept_until` and the index that finds an event kept for a wait, to a database made
before it, keeping the events stored there (never kept: they reached what they could when published)."""

from __future__ import annotations

import sqlalchemy as sa
from migration_support import downgrade

from storage.database import create_database_engine
from storage.schema import current_revision, ensure_schema


def test_the_migration_adds_kept_until_to_a_database_of_the_revision_before(database_url: str) -> None:
    downgrade(database_url, "0017")
    database = create_database_engine(database_url)
    try:
        with database.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO events (tenant, event_type, correlation_key, payload, published_at) "
                "VALUES ('default', 'paid', 'O-1', '{}', 1.0)"))
        ensure_schema(database)
        assert current_revision(database) >= "0018"
        with database.connect() as connection:
            rows = connection.execute(sa.text("SELECT event_type, kept_until FROM events")).all()
        assert [tuple(r) for r in rows] == [("paid", None)]
        indexes = {str(i["name"]) for i in sa.inspect(database).get_indexes("events")}
        assert "ix_events_kept" in indexes
    finally:
        database.dispose()
