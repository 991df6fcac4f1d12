"""The designer's own tables keep aware UTC datetimes: refused without a zone, given back in UTC on every
backend (SQLite stores no zone)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from designer.store.accounts import AccountStore
from designer.store.drafts import DraftStore
from designer.store.publication_requests import PublicationRequestStore
from designer.store.utc_time import UtcDateTime
from engine.database import create_database_engine, table_of
from storage.schema import metadata
from storage.tables import ENGINE_TABLES


@pytest.fixture
def database(database_url: str) -> Iterator[sa.Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


def test_every_datetime_column_of_the_designer_is_utc() -> None:
    engine_tables = {table_of(model).name for model in ENGINE_TABLES}
    found = [
        column
        for table in metadata().sorted_tables
        if table.name not in engine_tables
        for column in table.columns
        if isinstance(column.type, sa.DateTime) or isinstance(getattr(column.type, "impl", None), sa.DateTime)
    ]
    assert {c.table.name for c in found} >= {"users", "user_sessions", "api_tokens", "drafts", "publication_requests"}
    assert [str(c) for c in found if not isinstance(c.type, UtcDateTime)] == []


def test_a_time_in_another_zone_is_kept_as_the_same_instant(database: sa.Engine) -> None:
    accounts = AccountStore(database)
    user = accounts.add_user(username="ada", tenant_id="acme", password_hash="x", roles=["admin"])
    assert user.id is not None
    paris = timezone(timedelta(hours=2))
    expires = datetime(2030, 6, 1, 12, 0, tzinfo=paris)
    accounts.add_session(id_hash="h", user_id=user.id, csrf_token="c", expires_at=expires)
    found = accounts.get_session("h")
    assert found is not None
    assert found.expires_at == expires
    assert found.expires_at.tzinfo is UTC
    assert found.expires_at.hour == 10
    assert accounts.purge_expired_sessions(datetime(2030, 6, 1, 10, 30, tzinfo=UTC)) == 1


def test_a_time_without_its_zone_is_refused(database: sa.Engine) -> None:
    accounts = AccountStore(database)
    user = accounts.add_user(username="bob", tenant_id="acme", password_hash="x", roles=["admin"])
    assert user.id is not None
    with pytest.raises(sa.exc.StatementError, match="without its zone"):
        accounts.add_session(id_hash="h", user_id=user.id, csrf_token="c", expires_at=datetime(2030, 6, 1, 12, 0))  # noqa: DTZ001 - the point
    assert accounts.get_session("h") is None


def test_times_read_back_are_aware_utc(database: sa.Engine) -> None:
    drafts = DraftStore(database)
    created = drafts.create({"id": "flow", "title": "Flow"}, actor="ada")
    updated = drafts.update(created.id, {"id": "flow", "title": "Flow 2"}, actor="ada")
    requests = PublicationRequestStore(database)
    requests.request(created.id, workflow_id="flow", title="Flow", revision=2, actor="ada", note=None)
    accounts = AccountStore(database)
    user = accounts.add_user(username="cy", tenant_id="acme", password_hash="x", roles=["admin"])
    rows: list[SQLModel | None] = [updated, drafts.get(created.id), requests.get(created.id),
                                   accounts.get_user("cy"), *drafts.list().items, *requests.open()]
    moments = [getattr(row, name) for row in rows if row is not None
               for name in ("created_at", "updated_at", "requested_at") if hasattr(row, name)]
    assert user.created_at.tzinfo is UTC
    assert len(moments) >= 6
    assert all(m.tzinfo is UTC for m in moments), moments
