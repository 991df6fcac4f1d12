"""sqlite3 binds None through an identity adapter (no failed adapter look-ups per NULL): a NULL is still a NULL,
and an adapter the application registered for None first is left in place."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.database import create_database_engine
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Store

_KEY = (type(None), sqlite3.PrepareProtocol)


@pytest.fixture
def no_null_adapter() -> Iterator[None]:
    before = sqlite3.adapters.pop(_KEY, None)
    yield
    sqlite3.adapters.pop(_KEY, None)
    if before is not None:
        sqlite3.adapters[_KEY] = before


def test_a_none_is_written_as_sql_null(database_url: str) -> None:
    store = Store(create_database_engine(database_url))
    try:
        with store.write() as tx:
            InstanceStore(tx).insert(InstanceRecord("i", "flow", 1, "", "default", "a", "running", {}, None, None, 0,
                                                    None, None, 1.0, 1.0))
        with store.read() as tx:
            typed = tx.one("SELECT result IS NULL, error IS NULL, parent_id IS NULL, parent_seq IS NULL "
                           "FROM instances WHERE id = ?", ("i",))
        assert typed is not None
        assert [bool(v) for v in typed] == [True, True, True, True]
    finally:
        store.close()


@pytest.mark.usefixtures("no_null_adapter")
def test_an_adapter_the_application_registered_for_none_is_kept(tmp_path: Path) -> None:
    def the_applications(value: None) -> None:
        return value

    sqlite3.register_adapter(type(None), the_applications)
    create_database_engine(f"sqlite:///{tmp_path / 'a.db'}").dispose()
    assert sqlite3.adapters[_KEY] is the_applications


@pytest.mark.usefixtures("no_null_adapter")
def test_a_sqlite_database_binds_none_without_looking_for_an_adapter(tmp_path: Path) -> None:
    create_database_engine(f"sqlite:///{tmp_path / 'a.db'}").dispose()
    assert _KEY in sqlite3.adapters
    assert sqlite3.adapters[_KEY](None) is None
