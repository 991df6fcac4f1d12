"""The Cost Sentinel's bookkeeping: each action's cost, attributed to tenant, workflow, instance and agent,
added to the tenant's month; crossing 90% of the monthly budget publishes `statewright.budget.threshold` once a
month (always: it is one event a month, whatever the lifecycle events setting)."""

from __future__ import annotations

import logging

from engine.definition.lifecycle_events import BUDGET_THRESHOLD
from engine.runtime.action_outcome import checked_cost
from engine.runtime.actions import Cost
from engine.runtime.budget_view import month_of
from engine.runtime.event_outbox import publish_in
from storage.costs import CostRecord, CostStore
from storage.instances import InstanceRecord
from storage.transaction import Transaction

__all__ = ["BUDGET_THRESHOLD_EVENT", "THRESHOLD", "record_cost"]

BUDGET_THRESHOLD_EVENT = BUDGET_THRESHOLD
THRESHOLD = 0.9

log = logging.getLogger("statewright.costs")


def record_cost(tx: Transaction, instance: InstanceRecord, *, state: str, action: str, agent: str | None,
                cost: Cost, now: float) -> float:
    """Store the cost (in the transaction of the transition it belongs to); the amount. A cost the tables cannot
    keep (`checked_cost`) is logged and not recorded (0): an outcome's cost was checked when the outcome was made,
    but a running tally reported for an attempt then lost with its worker may not have been — an infinity would
    fail the transaction that records the lost attempt (its budget event cannot be written as JSON) each time the
    job is taken up, and a negative amount count as a refund in the tenant's budget."""
    kept, problem = checked_cost(cost)
    if kept is None:
        log.warning("the cost of the action '%s' of instance %s is not recorded: %s", action, instance.id, problem)
        return 0.0
    cost = kept
    costs = CostStore(tx)
    month = month_of(now)
    spent = costs.record(CostRecord(
        tenant=instance.tenant, workflow_id=instance.workflow_id, instance_id=instance.id, agent=agent,
        state=state, action=action, model=cost.model, tokens=cost.tokens, amount=cost.amount, month=month, at=now,
        priced=cost.priced,
    ))
    limit = costs.budget(instance.tenant)
    if limit is not None and limit > 0 and spent >= THRESHOLD * limit and costs.mark_threshold_alerted(
        instance.tenant, month
    ):
        payload = {"tenant": instance.tenant, "month": month, "limit": limit, "spent": spent,
                   "ratio": spent / limit, "threshold": THRESHOLD}
        publish_in(tx, tenant=instance.tenant, event_type=BUDGET_THRESHOLD_EVENT, payload=payload,
                   correlation_key=instance.tenant, idempotency_key=f"{BUDGET_THRESHOLD_EVENT}:{month}", now=now)
    return cost.amount
