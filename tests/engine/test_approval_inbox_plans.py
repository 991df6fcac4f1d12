"""At real size an inbox page must not sort a tenant's every pending request: SQLite's plan for the statements
`list_approvals` runs (captured as they are sent) reads the page in index order, for an admin's view of every
request and for an approver's of those assigned to their roles. With 100,000 pending requests, the index on
(tenant, status) alone made each page a sort of all of them: 350 ms. One instance's page (`?instance=`) seeks
that instance's requests: with an instance index of (instance_id, status) only, SQLite, without ANALYZE
statistics, read it from the tenant's index instead, stepping over every pending request of the tenant (40 ms at
100,000)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from desk_flow import DESK

from engine.read_models.approvals import ApprovalQuery, StatusFilter, list_approvals
from engine.runtime.engine import Engine


@pytest.fixture
def database(tmp_path: Any, sqlite_template: Any) -> sa.Engine:
    target = tmp_path / "statewright.db"
    target.write_bytes(sqlite_template.read_bytes())
    with Engine(f"sqlite:///{target}") as engine:
        engine.deploy(DESK)
        for _ in range(3):
            engine.start("desk", tenant="acme")
    return sa.create_engine(f"sqlite:///{target}")


def _page_plan(database: sa.Engine, query: ApprovalQuery, *, found: int = 3) -> list[str]:
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    sa.event.listen(database, "before_cursor_execute", note)
    try:
        listed, total = list_approvals(database, query, limit=25, offset=0)
    finally:
        sa.event.remove(database, "before_cursor_execute", note)
    assert (len(listed), total) == (found, found)
    page = next((sql, params) for sql, params in sent if "ORDER BY" in sql and "FROM approvals" in sql)
    with database.connect() as connection:
        return [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {page[0]}", page[1])]


@pytest.mark.parametrize("query", [ApprovalQuery(tenant="acme"), ApprovalQuery(tenant="acme", roles=("staff",))],
                         ids=["every request", "an approver's"])
def test_an_inbox_page_is_read_in_index_order(database: sa.Engine, query: ApprovalQuery) -> None:
    plan = _page_plan(database, query)
    assert any("ix_approvals_tenant_status_created" in step for step in plan), plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


def _an_instance(database: sa.Engine) -> str:
    with database.connect() as connection:
        return str(connection.exec_driver_sql("SELECT instance_id FROM approvals ORDER BY id LIMIT 1").scalar_one())


@pytest.mark.parametrize("status", ["pending", "decided", "all"])
@pytest.mark.parametrize("roles", [(), ("staff",)], ids=["every request", "an approver's"])
def test_an_instance_s_page_is_read_from_the_instance_s_index(database: sa.Engine, status: StatusFilter,
                                                               roles: tuple[str, ...]) -> None:
    query = ApprovalQuery(tenant="acme", roles=roles, status=status, instance_id=_an_instance(database))
    plan = _page_plan(database, query, found=0 if status == "decided" else 1)
    assert any("INDEX ix_approvals_instance_" in step for step in plan), plan
    assert not any("ix_approvals_tenant_status_created" in step for step in plan), plan
    if status == "pending":  # the instance's pending requests, in the order of the page
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan
