"""Costs per action, tenants' monthly budgets, and the running spend per tenant and month."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables.columns import BIG_ID, TIMESTAMP

__all__ = ["BudgetRow", "BudgetUsageRow", "CostRow"]


class CostRow(SQLModel, table=True):
    __tablename__ = "costs"
    __table_args__ = (sa.Index("ix_costs_tenant_month", "tenant", "month"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    tenant: str = Field(max_length=64)
    workflow_id: str = Field(max_length=128)
    instance_id: str = Field(max_length=36, index=True)
    agent: str | None = Field(default=None, max_length=128)
    state: str = Field(max_length=128)
    action: str = Field(max_length=200)
    model: str | None = Field(default=None, max_length=200)
    tokens: int = 0
    amount: float = 0.0
    priced: bool = True  # false: the model had no price, so `amount` (0) is not what the action cost
    month: str = Field(max_length=7)  # YYYY-MM, UTC
    at: float = Field(sa_type=TIMESTAMP)


class BudgetRow(SQLModel, table=True):
    __tablename__ = "budgets"

    tenant: str = Field(primary_key=True, max_length=64)
    monthly_limit: float


class BudgetUsageRow(SQLModel, table=True):
    __tablename__ = "budget_usage"

    tenant: str = Field(primary_key=True, max_length=64)
    month: str = Field(primary_key=True, max_length=7)
    spent: float = 0.0
    threshold_alerted: int = 0  # 1 once the 90% event was published this month
