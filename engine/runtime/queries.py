"""Reading: records turned into the views the API returns."""

from __future__ import annotations

from engine.errors import InstanceNotFound
from engine.runtime.views import ApprovalView, HistoryEntry, InstanceView, TrailStep
from storage.approvals import ApprovalRecord, ApprovalStore
from storage.attempts import AttemptRecord, AttemptStore
from storage.history import HistoryRecord, HistoryStore
from storage.instances import InstanceRecord, InstanceStore
from storage.transaction import Transaction

__all__ = ["approval_view", "history_entry", "instance_view", "load_history", "load_instance", "load_trail"]


def instance_view(r: InstanceRecord) -> InstanceView:
    return InstanceView(
        id=r.id, workflow_id=r.workflow_id, workflow_version=r.workflow_version, tenant=r.tenant, state=r.state,
        status=r.status, context=r.context, result=r.result, error=r.error, version=r.version,
        parent_id=r.parent_id, branch=r.branch, created_at=r.created_at, updated_at=r.updated_at,
    )


def history_entry(r: HistoryRecord, attempts: list[AttemptRecord] | None = None) -> HistoryEntry:
    return HistoryEntry(
        instance_id=r.instance_id, seq=r.seq, from_state=r.from_state, to_state=r.to_state, event=r.event,
        actor=r.actor, payload=r.payload, context_change=r.context_change, status=r.status,
        guards=r.guards or [], policies=r.policies or [], at=r.at, duration_s=r.duration_s, cost=r.cost,
        attempts=[a.as_dict() for a in attempts or ()],
    )


def approval_view(tx: Transaction, r: ApprovalRecord) -> ApprovalView:
    assert r.id is not None
    store = ApprovalStore(tx)
    assignees = store.assignees(r.id)
    decisions = [{"actor": d.actor, "decision": d.decision, "comment": d.comment, "at": d.at}
                 for d in store.decisions(r.id)]
    return ApprovalView(
        id=r.id, instance_id=r.instance_id, workflow_id=r.workflow_id, tenant=r.tenant, state=r.state, kind=r.kind,
        policy_id=r.policy_id, quorum=r.quorum, request=r.request, status=r.status, due_at=r.due_at,
        users=[n for k, n in assignees if k == "user"], roles=[n for k, n in assignees if k == "role"],
        decisions=decisions,
    )


def load_instance(tx: Transaction, instance_id: str, *, lock: bool = False) -> InstanceRecord:
    """The instance, or `InstanceNotFound`. With `lock` (every command that moves it), its row is locked first,
    before any of its approvals, timers or jobs: one lock order on every path, so two commands on one instance
    queue instead of deadlocking."""
    store = InstanceStore(tx)
    found = store.get_for_update(instance_id) if lock else store.get(instance_id)
    if found is None:
        raise InstanceNotFound(f"no instance '{instance_id}'")
    return found


def load_history(tx: Transaction, instance_id: str, *, after_seq: int = 0,
                 limit: int | None = None) -> list[HistoryEntry]:
    """The transitions after `after_seq`, oldest first, at most `limit`: a page reads only its own rows."""
    load_instance(tx, instance_id)
    records = HistoryStore(tx).for_instance(instance_id, after_seq=after_seq, limit=limit)
    if not records:
        return []
    by_task: dict[int, list[AttemptRecord]] = {}
    # A task entered at seq s is left by the transition at s + 1; its attempts are shown there.
    tasks = None if after_seq == 0 and limit is None else (records[0].seq - 1, records[-1].seq - 1)
    for attempt in AttemptStore(tx).for_instance(instance_id, tasks=tasks):
        by_task.setdefault(attempt.task_seq, []).append(attempt)
    return [history_entry(r, by_task.get(r.seq - 1)) for r in records]


def load_trail(tx: Transaction, instance_id: str) -> list[TrailStep]:
    load_instance(tx, instance_id)
    return [TrailStep(*row) for row in HistoryStore(tx).trail(instance_id)]
