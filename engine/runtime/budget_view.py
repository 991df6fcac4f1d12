"""The `budget` variable of CEL expressions: the tenant's month, {limit, spent, remaining, ratio, set}."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine.runtime.clock import to_datetime
from storage.costs import CostStore
from storage.transaction import Transaction

__all__ = ["budget_variable", "month_of", "remaining_budget"]


def month_of(now: float) -> str:
    """The UTC month of `now`, as budgets count it (looked up by day: every task under an agent asks)."""
    return _month_of_day(int(now // 86_400))


@lru_cache(maxsize=64)
def _month_of_day(day: int) -> str:
    return to_datetime(day * 86_400.0).strftime("%Y-%m")


def remaining_budget(tx: Transaction, tenant: str, now: float) -> float | None:
    """What is left of the tenant's budget this month; None without one (what `budget_variable` reads, without
    building the variable)."""
    spent, limit = CostStore(tx).month(tenant, month_of(now))
    return None if limit is None or limit <= 0 else limit - spent


def budget_variable(tx: Transaction, tenant: str, now: float) -> dict[str, Any]:
    """Without a budget, `set` is false and every number is 0, so `budget.ratio > 1.0` never holds."""
    month = month_of(now)
    spent, limit = CostStore(tx).month(tenant, month)
    if limit is None or limit <= 0:
        return {"limit": 0.0, "spent": spent, "remaining": 0.0, "ratio": 0.0, "set": False, "month": month}
    return {"limit": limit, "spent": spent, "remaining": limit - spent, "ratio": spent / limit, "set": True,
            "month": month}
