"""At real size an inbox page must not sort a tenant's every pending request: SQLite's plan for the statements
`list_approvals` runs (captured as they are sent) reads the page in index order, for an admin's view of every
request and for an approver's of those assigned to their roles. With 100,000 pending requests, the index on
(tenant, status) alone made each page a sort of all of them: 350 ms."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from engine.read_models.approvals import ApprovalQuery, list_approvals
from engine.runtime.engine import Engine

_DESK = {"id": "desk", "title": "A desk", "initial": "review",
         "states": {"review": {"type": "approval", "approvers": {"roles": ["staff"]}, "timeout": "P2D"},
                    "done": {"type": "final"}},
         "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                         {"source": "review", "trigger": "reject", "dest": "done"},
                         {"source": "review", "trigger": "timeout", "dest": "done"}]}


@pytest.fixture
def database(tmp_path: Any, sqlite_template: Any) -> sa.Engine:
    target = tmp_path / "statewright.db"
    target.write_bytes(sqlite_template.read_bytes())
    with Engine(f"sqlite:///{target}") as engine:
        engine.deploy(_DESK)
        for _ in range(3):
            engine.start("desk", tenant="acme")
    return sa.create_engine(f"sqlite:///{target}")


def _page_plan(database: sa.Engine, query: ApprovalQuery) -> list[str]:
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    sa.event.listen(database, "before_cursor_execute", note)
    try:
        found, total = list_approvals(database, query, limit=25, offset=0)
    finally:
        sa.event.remove(database, "before_cursor_execute", note)
    assert (len(found), total) == (3, 3)
    page = next((sql, params) for sql, params in sent if "ORDER BY" in sql and "FROM approvals" in sql)
    with database.connect() as connection:
        return [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {page[0]}", page[1])]


@pytest.mark.parametrize("query", [ApprovalQuery(tenant="acme"), ApprovalQuery(tenant="acme", roles=("staff",))],
                         ids=["every request", "an approver's"])
def test_an_inbox_page_is_read_in_index_order(database: sa.Engine, query: ApprovalQuery) -> None:
    plan = _page_plan(database, query)
    assert any("ix_approvals_tenant_status_created" in step for step in plan), plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan
