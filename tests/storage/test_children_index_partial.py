"""Migration 0015: the children index (`parent_id, parent_seq, status`) holds children only, so starting a
top-level instance — most of them — writes one index entry less. Every way the store reads a parent's children
still seeks that index on SQLite and PostgreSQL (each query's `parent_id = …` implies the index's `parent_id IS
NOT NULL`); the migration goes both ways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from migration_support import downgrade, revision_and_indexes

from storage.database import create_database_engine
from storage.instances import InstanceRecord, InstanceStore
from storage.schema import ensure_schema, head_revision
from storage.transaction import Row, Store, Transaction

INDEX = "ix_instances_parent_seq_status"
DEFINITION = {"postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = ? AND schemaname = current_schema()",
              "sqlite": "SELECT sql FROM sqlite_master WHERE name = ?"}


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    built = Store(create_database_engine(database_url))
    yield built
    built.close()


def _instance(instance_id: str, parent_id: str | None) -> InstanceRecord:
    return InstanceRecord(instance_id, "flow", 1, "", "default", "a", "running", {}, None, None, 1, parent_id,
                          None if parent_id is None else 3, 1.0, 1.0)


def _reads_of_children(tx: Transaction, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (and parameters) the store runs to read a parent's children, each way it does."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    one, every = Transaction.one, Transaction.all

    def recorded_one(self: Transaction, sql: str, params: Any = ()) -> Row | None:
        seen.append((sql, tuple(params)))
        return one(self, sql, params)

    def recorded_all(self: Transaction, sql: str, params: Any = ()) -> list[Row]:
        seen.append((sql, tuple(params)))
        return every(self, sql, params)

    with monkeypatch.context() as patched:
        patched.setattr(Transaction, "one", recorded_one)
        patched.setattr(Transaction, "all", recorded_all)
        instances = InstanceStore(tx)
        instances.latest_child_seq("p")
        instances.child_count("p", 3)
        instances.children_with_status("p", 3, ["running", "failed"])
        instances.succeeded_children("p", 3)
        instances.succeeded_results("p", 3)
        instances.children_of(["p", "q"])
        instances.children("p")
        instances.children("p", 3)
    return seen


def _plan(tx: Transaction, sql: str, params: tuple[Any, ...]) -> str:
    if tx.postgresql:
        return "\n".join(str(r[0]) for r in tx.all(f"EXPLAIN {sql}", params))
    return "\n".join(str(r[-1]) for r in tx.all(f"EXPLAIN QUERY PLAN {sql}", params))


def test_every_read_of_a_parents_children_seeks_the_children_index(store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with store.write() as tx:
        instances = InstanceStore(tx)
        instances.insert(_instance("p", None))
        for n in range(5):
            instances.insert(_instance(f"c{n}", "p"))
    with store.write() as tx:
        if tx.postgresql:  # a handful of rows: else the planner reads the table whatever the index
            tx.execute("SET LOCAL enable_seqscan = off")
        reads = _reads_of_children(tx, monkeypatch)
        assert len(reads) == 8
        for sql, params in reads:
            assert INDEX in _plan(tx, sql, params), sql


def test_the_index_holds_children_only(store: Store) -> None:
    with store.write() as tx:
        instances = InstanceStore(tx)
        instances.insert(_instance("top", None))
        instances.insert(_instance("child", "top"))
        definition = tx.one(DEFINITION["postgresql" if tx.postgresql else "sqlite"], (INDEX,))
        assert definition is not None
        assert "parent_id IS NOT NULL" in str(definition[0])
        assert [r.id for r in instances.children_of(["top"])] == ["child"]


def test_the_migration_goes_both_ways(database_url: str) -> None:
    def where_clause() -> bool:
        engine = create_database_engine(database_url)
        try:
            with engine.connect() as connection:
                sql = DEFINITION[engine.dialect.name]
                if engine.dialect.name == "postgresql":
                    sql = sql.replace("?", "%s")
                (text,) = connection.exec_driver_sql(sql, (INDEX,)).one()
                return "IS NOT NULL" in str(text)
        finally:
            engine.dispose()

    assert revision_and_indexes(database_url, "instances", {INDEX}) == (head_revision(), {INDEX})
    assert where_clause()
    downgrade(database_url, "0014")
    assert revision_and_indexes(database_url, "instances", {INDEX}) == ("0014", {INDEX})
    assert not where_clause()
    engine = create_database_engine(database_url)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()
    assert revision_and_indexes(database_url, "instances", {INDEX}) == (head_revision(), {INDEX})
    assert where_clause()
