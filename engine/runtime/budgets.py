"""Tenants' monthly budgets, set and removed with their input checked — what `statewright budgets set|remove` and
`PUT|DELETE /api/budget` do; `Engine.set_budget` is the embedding API's unchecked form. A budget is in USD, the
currency model prices are set in (`engine.runtime.model_prices`), so spend and budget compare as they are.

The engine reads a monthly limit of 0 (or none) as no budget (`engine.runtime.budget_view`): a task under an agent
is then never refused for the tenant's spend, and no threshold event is published. So a budget is more than 0 —
0 would read as "spend nothing" to a person and as "no limit" to the engine — and removing one stores 0, which
every reader of the table takes for none."""

from __future__ import annotations

import math
import re

from engine.errors import InvalidInput
from engine.runtime.core import Runtime
from storage.costs import CostStore
from storage.transaction import Transaction

__all__ = ["MAX_BUDGET", "TENANT_PATTERN", "checked_limit", "checked_tenant", "remove_budget", "set_budget"]

MAX_BUDGET = 1_000_000_000.0  # USD a month: far above any tenant's spend, so a typo's extra zeros are refused
TENANT_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"  # as the designer's accounts name tenants
_TENANT = re.compile(TENANT_PATTERN)


def checked_tenant(tenant: str) -> str:
    if not isinstance(tenant, str) or not _TENANT.match(tenant):
        raise InvalidInput(f"the tenant '{str(tenant)[:80]}' is not a name of 1 to 64 letters, digits, '_' or '-'")
    return tenant


def checked_limit(value: float) -> float:
    """A monthly limit: a finite number of USD, more than 0 and at most MAX_BUDGET."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput("a monthly budget is a number of USD")
    if value <= 0:
        raise InvalidInput("a monthly budget is more than 0 USD: the engine reads 0 as no budget at all, not as "
                           "'spend nothing'; to lift a tenant's limit, remove its budget")
    if value > MAX_BUDGET:
        raise InvalidInput(f"a monthly budget is at most {MAX_BUDGET:,.0f} USD")
    return float(value)


def _limit_in(tx: Transaction, tenant: str) -> float | None:
    found = CostStore(tx).budget(tenant)
    return None if found is None or found <= 0 else found


def set_budget(rt: Runtime, tenant: str, monthly_limit: float) -> float | None:
    """Set `tenant`'s monthly budget (USD); the budget it replaced, None when it had none. `InvalidInput` for a
    tenant that is no tenant's name and for a limit that is no number, not more than 0 or over MAX_BUDGET."""
    tenant, limit = checked_tenant(tenant), checked_limit(monthly_limit)

    def work(tx: Transaction) -> float | None:
        before = _limit_in(tx, tenant)
        CostStore(tx).set_budget(tenant, limit)
        return before

    return rt.write(work)


def remove_budget(rt: Runtime, tenant: str) -> bool:
    """Remove `tenant`'s budget (its agents' spending is no longer limited); False when it had none."""
    tenant = checked_tenant(tenant)

    def work(tx: Transaction) -> bool:
        if _limit_in(tx, tenant) is None:
            return False
        CostStore(tx).set_budget(tenant, 0.0)
        return True

    return rt.write(work)
