"""`statewright budgets list|set|remove`: tenants' monthly budgets (USD) beside this month's spend, as an operator
with access to the database sets them — the budgets that stop a task under an agent whose `budget_limit` the
tenant's remaining budget cannot cover (`budget_exceeded`), and whose 90% publishes `statewright.budget.threshold`."""

from __future__ import annotations

import math
import re
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from engine.cli.engine_options import Db, Format, open_engine
from engine.cli.output import OutputFormat, add_id_column, emit_json, fail, print_table, stderr, stdout
from engine.read_models.budgets import THRESHOLD, TenantBudget, tenant_budget, tenant_budgets
from engine.runtime.budget_view import month_of
from engine.runtime.budgets import MAX_BUDGET, TENANT_PATTERN, remove_budget, set_budget

__all__ = ["register_budget_commands"]

_TENANT = re.compile(TENANT_PATTERN)


def _tenant(value: str) -> str:
    if not _TENANT.match(value):
        raise typer.BadParameter(f"'{value[:80]}' is not a tenant's name: 1 to 64 letters, digits, '_' or '-'")
    return value


def _amount(value: float) -> float:
    if not math.isfinite(value):
        raise typer.BadParameter("a monthly budget is a number of USD")
    if value <= 0:
        raise typer.BadParameter("a monthly budget is more than 0 USD: the engine reads 0 as no budget at all, "
                                 "not as 'spend nothing'; to lift a tenant's limit, use `statewright budgets remove`")
    if value > MAX_BUDGET:
        raise typer.BadParameter(f"a monthly budget is at most {MAX_BUDGET:,.0f} USD")
    return value


Tenant = Annotated[str, typer.Argument(metavar="TENANT", callback=_tenant, help="The tenant, e.g. default.")]


def _usd(amount: float) -> str:
    """An amount of USD for a person: thousands separated, to the hundredth of a cent, no trailing zeros."""
    return f"{amount:,.4f}".rstrip("0").rstrip(".")


def _used(budget: TenantBudget) -> str:
    return "-" if budget.ratio is None else f"{budget.ratio:.1%}"


def _threshold(budget: TenantBudget) -> str:
    if budget.monthly_limit is None:
        return "-"
    passed = "passed" if budget.threshold_passed else "not reached"
    return f"{passed}, event published" if budget.threshold_event_published else passed


def list_command(*, db: Db = None, output: Format = OutputFormat.text) -> None:
    """List each tenant's monthly budget beside this month's spend (UTC): the limit, spent so far, the share used,
    and whether 90% of it was passed (and the threshold event published, once a month). Tenants with a budget or
    with spend this month are listed; amounts are USD."""
    with open_engine(db, existing=True) as engine:
        found = tenant_budgets(engine.database, month_of(engine.clock.now()))
    if output is OutputFormat.json:
        emit_json([b.as_dict() for b in found])
        return
    if not found:
        stdout.print("no tenant has a budget or spent anything this month: agents' spending is not limited",
                     highlight=False)
        return
    table = Table(title=f"budgets, {found[0].month}")
    add_id_column(table, "tenant")
    for column in ("monthly limit", "spent", "used"):
        table.add_column(column, justify="right")
    table.add_column(f"{THRESHOLD:.0%} threshold")
    for b in found:
        limit = "none" if b.monthly_limit is None else _usd(b.monthly_limit)
        table.add_row(escape(b.tenant), limit, _usd(b.spent), _used(b), _threshold(b))
    print_table(table)


def set_command(
    tenant: Tenant,
    amount: Annotated[float, typer.Argument(metavar="AMOUNT", callback=_amount,
                                            help="USD a month, more than 0.")],
    *, db: Db = None,
) -> None:
    """Set TENANT's monthly budget to AMOUNT USD (a new one, or replacing the one set). From then on a task under an
    agent with a budget limit the remaining budget cannot cover fails with budget_exceeded, its action not run."""
    with open_engine(db) as engine:
        before = set_budget(engine.runtime, tenant, amount)
        budget = tenant_budget(engine.database, tenant, month_of(engine.clock.now()))
        known = budget.spent > 0 or engine.count_instances(tenant=tenant) > 0
    if before is None:
        stdout.print(f"set the monthly budget of {tenant} to {_usd(amount)} USD", highlight=False)
    else:
        stdout.print(f"changed the monthly budget of {tenant} from {_usd(before)} to {_usd(amount)} USD",
                     highlight=False)
    passed = f"; past the {THRESHOLD:.0%} threshold" if budget.threshold_passed else ""
    stdout.print(f"spent this month ({budget.month}): {_usd(budget.spent)} USD, {_used(budget)} of it{passed}",
                 highlight=False)
    if not known:
        stderr.print(f"[yellow]note:[/] no instance of the tenant {escape(tenant)} is recorded in this database: "
                     "check its name", highlight=False)


def remove_command(tenant: Tenant, *, db: Db = None) -> None:
    """Remove TENANT's monthly budget: its agents' spending is no longer limited, and no threshold event is
    published for it."""
    with open_engine(db, existing=True) as engine:
        removed = remove_budget(engine.runtime, tenant)
    if not removed:
        fail(f"no monthly budget is set for the tenant {tenant}")
    stdout.print(f"removed the monthly budget of {tenant}: its agents' spending is no longer limited",
                 highlight=False)


def register_budget_commands(app: typer.Typer) -> None:
    budgets = typer.Typer(name="budgets", help="Tenants' monthly budgets (USD) and this month's spend.",
                          no_args_is_help=True)
    budgets.command("list")(list_command)
    # a negative AMOUNT (`-5`) reaches its check, not "No such option: -5"
    budgets.command("set", context_settings={"ignore_unknown_options": True})(set_command)
    budgets.command("remove")(remove_command)
    app.add_typer(budgets)
