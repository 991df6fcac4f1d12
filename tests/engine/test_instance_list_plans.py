"""At real size the instance list must not read a tenant's every instance for one page: SQLite's plan for the
statements `search_instances` runs (captured as they are sent) reads the page in index order — no sort of the
whole table — and answers the total from an index alone, for the plain list and for a status filter."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from engine.read_models.instances import InstanceQuery, search_instances
from engine.runtime.engine import Engine

_FLOW = {"id": "door", "title": "A door", "initial": "open",
         "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final"}},
         "transitions": [{"source": "open", "trigger": "done", "dest": "closed"}]}


@pytest.fixture
def database(tmp_path: Any, sqlite_template: Any) -> sa.Engine:
    """The tenant holds instances: an empty list is answered from its count alone, without reading a page."""
    target = tmp_path / "statewright.db"
    target.write_bytes(sqlite_template.read_bytes())
    with Engine(f"sqlite:///{target}") as engine:
        engine.deploy(_FLOW)
        for _ in range(3):
            engine.start("door", tenant="acme")
    return sa.create_engine(f"sqlite:///{target}")


def _plans(database: sa.Engine, query: InstanceQuery) -> list[list[str]]:
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    sa.event.listen(database, "before_cursor_execute", note)
    try:
        search_instances(database, query, limit=25, offset=0)
    finally:
        sa.event.remove(database, "before_cursor_execute", note)
    with database.connect() as connection:
        return [[row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
                for sql, params in sent if sql.lstrip().upper().startswith("SELECT")]


@pytest.mark.parametrize("query", [InstanceQuery(tenant="acme"), InstanceQuery(tenant="acme", status="running")],
                         ids=["all", "by-status"])
def test_a_page_and_its_total_come_from_an_index(database: sa.Engine, query: InstanceQuery) -> None:
    count, page = _plans(database, query)
    assert any("COVERING INDEX ix_instances_tenant" in step for step in count), count
    assert any("USING INDEX ix_instances_tenant" in step for step in page), page
    assert "USE TEMP B-TREE FOR ORDER BY" not in page, page  # only ties of created_at are sorted, if any
