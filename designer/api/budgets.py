"""Your tenant's monthly budget (USD) beside this month's spend: any signed-in user reads it, an admin sets or removes
it. A budget stops a task under an agent whose `budget_limit` the remaining budget cannot cover
(`budget_exceeded`), and passing 90% of it publishes `statewright.budget.threshold` once a month.

A budget is a tenant's, as its instances and spend are: the endpoint has no tenant in its path or body, and reads
and writes the caller's tenant's only — no one reads or sets another tenant's (an operator with the database sets
any tenant's with `statewright budgets set`)."""

from __future__ import annotations

import sqlalchemy as sa
from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import NotFound
from designer.schemas.budgets import BudgetRead, BudgetWrite
from designer.security.guards import requires
from designer.security.principal import Principal
from engine.read_models.budgets import tenant_budget
from engine.runtime import budgets
from engine.runtime.budget_view import month_of
from engine.runtime.engine import Engine

__all__ = ["BudgetController"]


def _read(engine: Engine, database: sa.Engine, tenant: str) -> BudgetRead:
    return BudgetRead.of(tenant_budget(database, tenant, month_of(engine.clock.now())))


class BudgetController(Controller):
    path = "/api/budget"
    tags = ("budget",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/", summary="Your tenant's monthly budget and this month's spend", sync_to_thread=True)
    def read_budget(self, me: NamedDependency[Principal], engine: NamedDependency[Engine],
                    database: NamedDependency[sa.Engine]) -> BudgetRead:
        return _read(engine, database, me.tenant)

    @put("/", summary="Set your tenant's monthly budget (a new one, or replacing the one set)", sync_to_thread=True,
         opt=requires("admin"))
    def set_budget(self, data: JSONBody[BudgetWrite], me: NamedDependency[Principal],
                   engine: NamedDependency[Engine], database: NamedDependency[sa.Engine]) -> BudgetRead:
        budgets.set_budget(engine.runtime, me.tenant, data.monthly_limit)
        return _read(engine, database, me.tenant)

    @delete("/", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True, opt=requires("admin"),
            summary="Remove your tenant's monthly budget (its agents' spending is no longer limited)")
    def remove_budget(self, me: NamedDependency[Principal], engine: NamedDependency[Engine]) -> None:
        if not budgets.remove_budget(engine.runtime, me.tenant):
            raise NotFound(f"no monthly budget is set for your tenant '{me.tenant}'")
