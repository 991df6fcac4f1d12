"""Costs per action, monthly budgets per tenant, and the running spend that budgets are checked against."""

from __future__ import annotations

from dataclasses import dataclass

from storage.transaction import Transaction

__all__ = ["CostRecord", "CostStore", "CostTotal"]


@dataclass(frozen=True, slots=True)
class CostRecord:
    tenant: str
    workflow_id: str
    instance_id: str
    agent: str | None
    state: str
    action: str
    model: str | None
    tokens: int
    amount: float
    month: str
    at: float
    priced: bool = True  # false: the model had no price and `amount` is not what it cost


@dataclass(frozen=True, slots=True)
class CostTotal:
    key: str | None
    amount: float
    tokens: int
    actions: int
    unpriced: int = 0  # actions whose model had no price: their cost is unknown, not 0


class CostStore:
    """The month's spend and the budget are read once per transaction and kept in its memo, which this store's
    own writes keep current (they are the only writes to those tables): a worker's batch starts many tasks under
    agents, each checking the tenant's remaining budget."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def record(self, r: CostRecord) -> float:
        """Store one action's cost and add it to the tenant's month; the month's spend afterwards."""
        self.tx.execute(
            "INSERT INTO costs (tenant, workflow_id, instance_id, agent, state, action, model, tokens, amount, month, "
            "at, priced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.tenant, r.workflow_id, r.instance_id, r.agent, r.state, r.action, r.model, r.tokens, r.amount,
             r.month, r.at, r.priced),
        )
        spent = self.tx.scalar(
            "INSERT INTO budget_usage (tenant, month, spent, threshold_alerted) VALUES (?, ?, ?, 0) "
            "ON CONFLICT (tenant, month) DO UPDATE SET spent = budget_usage.spent + excluded.spent RETURNING spent",
            (r.tenant, r.month, r.amount),
        )
        self.tx.memo[("spent", r.tenant, r.month)] = float(spent)
        return float(spent)

    def instance_total(self, instance_id: str) -> float:
        """What one instance's actions cost so far."""
        value = self.tx.scalar("SELECT SUM(amount) FROM costs WHERE instance_id = ?", (instance_id,))
        return 0.0 if value is None else float(value)

    def spent(self, tenant: str, month: str) -> float:
        memo = self.tx.memo
        found: float | None = memo.get(("spent", tenant, month))
        if found is None:
            value = self.tx.scalar("SELECT spent FROM budget_usage WHERE tenant = ? AND month = ?", (tenant, month))
            found = memo[("spent", tenant, month)] = 0.0 if value is None else float(value)
        return found

    def month(self, tenant: str, month: str) -> tuple[float, float | None]:
        """(the month's spend, the tenant's monthly limit or None): both in one statement when neither was read
        in this transaction yet (a task under an agent with a budget limit asks for both)."""
        memo = self.tx.memo
        spent_key, limit_key = ("spent", tenant, month), ("budget", tenant)
        if spent_key not in memo and limit_key not in memo:
            row = self.tx.one(
                "SELECT (SELECT spent FROM budget_usage WHERE tenant = ? AND month = ?), "
                "(SELECT monthly_limit FROM budgets WHERE tenant = ?)", (tenant, month, tenant))
            spent, limit = row if row is not None else (None, None)
            memo[spent_key] = 0.0 if spent is None else float(spent)
            memo[limit_key] = None if limit is None else float(limit)
        return self.spent(tenant, month), self.budget(tenant)

    def mark_threshold_alerted(self, tenant: str, month: str) -> bool:
        """True exactly once per tenant and month: the caller publishes the threshold event then."""
        return self.tx.execute(
            "UPDATE budget_usage SET threshold_alerted = 1 WHERE tenant = ? AND month = ? AND threshold_alerted = 0",
            (tenant, month),
        ) == 1

    def set_budget(self, tenant: str, monthly_limit: float) -> None:
        self.tx.execute(
            "INSERT INTO budgets (tenant, monthly_limit) VALUES (?, ?) "
            "ON CONFLICT (tenant) DO UPDATE SET monthly_limit = excluded.monthly_limit",
            (tenant, monthly_limit),
        )
        self.tx.memo[("budget", tenant)] = float(monthly_limit)

    def budget(self, tenant: str) -> float | None:
        memo = self.tx.memo
        key = ("budget", tenant)
        if key not in memo:
            value = self.tx.scalar("SELECT monthly_limit FROM budgets WHERE tenant = ?", (tenant,))
            memo[key] = None if value is None else float(value)
        found: float | None = memo[key]
        return found

    def totals(self, *, tenant: str, month: str, by: str) -> list[CostTotal]:
        """Spend for a tenant's month grouped by 'workflow_id', 'instance_id', 'agent' or 'model'."""
        if by not in ("workflow_id", "instance_id", "agent", "model"):
            raise ValueError(f"cannot group costs by '{by}'")
        rows = self.tx.all(
            f"SELECT {by}, SUM(amount), SUM(tokens), COUNT(*), SUM(CASE WHEN priced THEN 0 ELSE 1 END) FROM costs "  # noqa: S608
            f"WHERE tenant = ? AND month = ? GROUP BY {by} ORDER BY SUM(amount) DESC",
            (tenant, month),
        )
        return [CostTotal(r[0], float(r[1] or 0), int(r[2] or 0), int(r[3]), int(r[4] or 0)) for r in rows]
