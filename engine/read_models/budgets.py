"""Tenants' monthly budgets beside their spend in a month: the limit, what was spent, the share of the limit used,
and whether the 90% threshold was passed — what `statewright budgets list` and `GET /api/budget` show.

A tenant is listed when it has a budget or spent something in the month. A limit of 0 is no budget, as the engine
reads it (`engine.runtime.budget_view`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from engine.read_models._reading import reading
from engine.runtime.costs import THRESHOLD
from storage.tables.core import table_of
from storage.tables.costs import BudgetRow, BudgetUsageRow

__all__ = ["THRESHOLD", "TenantBudget", "tenant_budget", "tenant_budgets"]

_B = table_of(BudgetRow)
_U = table_of(BudgetUsageRow)


@dataclass(frozen=True, slots=True)
class TenantBudget:
    tenant: str
    month: str  # YYYY-MM, UTC
    monthly_limit: float | None  # USD; None: no budget, its agents' spending is not limited
    spent: float  # USD spent in the month so far
    threshold_event_published: bool  # `statewright.budget.threshold` went out this month (once a month at most)

    @property
    def remaining(self) -> float | None:
        """What is left of the limit (below 0 once spend passed it); None without a budget."""
        return None if self.monthly_limit is None else self.monthly_limit - self.spent

    @property
    def ratio(self) -> float | None:
        """The share of the limit spent (1.0: all of it), as the CEL variable `budget.ratio`; None without one."""
        return None if self.monthly_limit is None else self.spent / self.monthly_limit

    @property
    def threshold_passed(self) -> bool:
        """Spend has reached 90% of the limit."""
        return self.ratio is not None and self.ratio >= THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "remaining": self.remaining, "ratio": self.ratio, "threshold": THRESHOLD,
                "threshold_passed": self.threshold_passed}


def tenant_budgets(database: sa.Engine, month: str) -> list[TenantBudget]:
    """Every tenant with a budget or with spend in `month`, by name."""
    with reading(database) as connection:
        limits: dict[str, float] = {row.tenant: row.monthly_limit for row in connection.execute(
            sa.select(_B.c.tenant, _B.c.monthly_limit).where(_B.c.monthly_limit > 0)).all()}
        usage = {row.tenant: row for row in connection.execute(
            sa.select(_U.c.tenant, _U.c.spent, _U.c.threshold_alerted).where(_U.c.month == month)).all()}
    return [_budget(tenant, month, limits.get(tenant), usage.get(tenant)) for tenant in sorted({*limits, *usage})]


def tenant_budget(database: sa.Engine, tenant: str, month: str) -> TenantBudget:
    """One tenant's budget and spend in `month` (no budget and nothing spent when it has neither)."""
    with reading(database) as connection:
        limit = connection.execute(
            sa.select(_B.c.monthly_limit).where(_B.c.tenant == tenant, _B.c.monthly_limit > 0)).scalar_one_or_none()
        usage = connection.execute(sa.select(_U.c.tenant, _U.c.spent, _U.c.threshold_alerted).where(
            _U.c.tenant == tenant, _U.c.month == month)).one_or_none()
    return _budget(tenant, month, limit, usage)


def _budget(tenant: str, month: str, limit: float | None, usage: sa.Row[Any] | None) -> TenantBudget:
    spent = 0.0 if usage is None else float(usage.spent or 0.0)
    alerted = usage is not None and bool(usage.threshold_alerted)
    return TenantBudget(tenant, month, None if limit is None else float(limit), spent, alerted)
