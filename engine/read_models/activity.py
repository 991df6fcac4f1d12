"""A cheap fingerprint of a tenant's activity — counts and latest changes of its instances and approvals — for
live pages that must notice a change without reading everything."""

from __future__ import annotations

import sqlalchemy as sa

from storage.tables.approvals import ApprovalRow
from storage.tables.core import table_of
from storage.tables.instances import InstanceRow

__all__ = ["activity_fingerprint"]

_INSTANCES = table_of(InstanceRow)
_APPROVALS = table_of(ApprovalRow)


def activity_fingerprint(connection: sa.Connection, tenant: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """(instances: count and latest update, approvals: count, latest id and latest decision) of `tenant`."""
    i, a = _INSTANCES.c, _APPROVALS.c
    instances = connection.execute(
        sa.select(sa.func.count(), sa.func.max(i.updated_at)).where(i.tenant == tenant)
    ).one()
    approvals = connection.execute(
        sa.select(sa.func.count(), sa.func.max(a.id), sa.func.max(a.decided_at)).where(a.tenant == tenant)
    ).one()
    return tuple(instances), tuple(approvals)

