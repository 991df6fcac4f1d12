"""Migration 0012 (the approvals' instance index run on to `status, tenant, created_at, id`) leaves the rows as
they were: an instance waiting on its approval on a database taken back to 0011 is found in its inbox page and
decided once upgraded again, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from desk_flow import DESK
from migration_support import downgrade, revision_and_indexes

from engine.read_models.approvals import ApprovalQuery, list_approvals
from engine.runtime.engine import Engine
from storage.schema import head_revision

_INDEXES = {"ix_approvals_instance_status", "ix_approvals_instance_status_tenant_created"}


def _instance_page(database_url: str, instance_id: str) -> list[tuple[str, str]]:
    database = sa.create_engine(database_url)
    try:
        found, _ = list_approvals(database, ApprovalQuery(tenant="acme", instance_id=instance_id), limit=25, offset=0)
    finally:
        database.dispose()
    return [(a.instance_id, a.state) for a in found]


def test_an_approval_waited_on_before_the_index_is_found_and_decided_after_it(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.deploy(DESK)
        waiting = engine.start("desk", tenant="acme").id
        engine.start("desk", tenant="acme")  # another instance's request, not on the page
    assert revision_and_indexes(database_url, "approvals", _INDEXES) == (
        head_revision(), {"ix_approvals_instance_status_tenant_created"})
    downgrade(database_url, "0011")
    assert revision_and_indexes(database_url, "approvals", _INDEXES) == ("0011", {"ix_approvals_instance_status"})
    with Engine(database_url) as engine:  # opening the database upgrades it
        assert revision_and_indexes(database_url, "approvals", _INDEXES) == (
            head_revision(), {"ix_approvals_instance_status_tenant_created"})
        assert _instance_page(database_url, waiting) == [(waiting, "review")]
        engine.approve(waiting, actor="ada", roles=["staff"])
        assert engine.get(waiting).state == "done"
        assert _instance_page(database_url, waiting) == []
