"""A tenant's monthly budget on the wire: the limit an admin sets (write), and the limit beside this month's spend
(read)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from engine.read_models.budgets import TenantBudget
from engine.runtime.budgets import MAX_BUDGET

__all__ = ["BudgetRead", "BudgetWrite"]


class BudgetWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    monthly_limit: float = Field(
        gt=0, le=MAX_BUDGET, allow_inf_nan=False,
        description="USD a month, more than 0 (0 would be no budget to the engine: to lift the limit, DELETE it).")


class BudgetRead(BaseModel):
    tenant: str = Field(description="Your tenant: a budget is read and set for the caller's tenant only.")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="The month spend is counted in (UTC), YYYY-MM.")
    monthly_limit: float | None = Field(description="USD a month; null: no budget, the agents' spending is not "
                                                    "limited.")
    spent: float = Field(description="USD spent this month so far (by every action, priced in model prices).")
    remaining: float | None = Field(description="monthly_limit - spent (below 0 once spend passed the limit); null "
                                                "without a budget.")
    ratio: float | None = Field(description="spent / monthly_limit, as the CEL variable budget.ratio; null without a "
                                            "budget.")
    threshold: float = Field(description="The share of the limit whose passing publishes "
                                         "statewright.budget.threshold: 0.9.")
    threshold_passed: bool = Field(description="Spend this month has reached the threshold share of the limit.")
    threshold_event_published: bool = Field(
        description="statewright.budget.threshold was published this month (at most once a month, even when the "
                    "limit changes).")

    @classmethod
    def of(cls, budget: TenantBudget) -> BudgetRead:
        return cls.model_validate(budget.as_dict())
