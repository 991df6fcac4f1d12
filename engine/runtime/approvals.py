"""Deciding approvals: only an authorised actor (a listed user, or holding a listed role) decides; a repeated
decision by the same actor changes nothing, and a different one by them is refused (`VersionConflict`), checked
in the transaction that holds the instance's row, so two decisions of one person racing cannot both be
answered as taken; the quorum of approvals fires `approve`, one rejection `reject`.

A repeat — the same decision by the same actor on the same approval — is answered as a replay
(`InstanceView.replayed`), whether it came after the first or raced it without an idempotency key: the one the
row's lock made wait finds the first recorded and is told that nothing was done now, as a retry under the same
key is. A designer client so tells "decided now" from "decided before" (`Idempotent-Replayed: true`) in either case.

An idempotency key is the deciding actor's own: its receipt is kept per instance and actor, so two approvers who
happen to send the same key each decide (one cannot block another's decision by reusing a key), while the same
actor sending it again gets the first response, or `InvalidInput` if they ask another decision or comment under
it. Receipts kept before keys were scoped by actor (under `approval:<instance>`) still answer the same actor's
exact repeat: their digest records the actor with the decision and comment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.errors import InstanceNotFound, NotAuthorized, TransitionNotAllowed, VersionConflict
from engine.runtime.core import Runtime
from engine.runtime.idempotency import actor_scope, keep_response, kept_response, kept_response_of, request_digest
from engine.runtime.queries import instance_view
from engine.runtime.snapshot import HELD, RUNNING, Event
from engine.runtime.step import take_step
from engine.runtime.views import InstanceView
from storage.approvals import ApprovalDecisionRecord, ApprovalRecord, ApprovalStore
from storage.instances import InstanceRecord, InstanceStore
from storage.statuses import ApprovalStatus
from storage.transaction import Transaction

__all__ = ["authorised", "decide_approval"]


def authorised(actor: str, roles: Sequence[str], assignees: Sequence[tuple[str, str]]) -> bool:
    return ("user", actor) in assignees or any(("role", role) in assignees for role in roles)


def _decided_before(approvals: ApprovalStore, instance: InstanceRecord, actor: str, decision: str) -> bool:
    """Whether `actor` decided the instance's latest approval so (a repeat after it closed); `VersionConflict`
    when they decided it the other way."""
    latest = approvals.for_instance(instance.id)
    if not latest or latest[-1].id is None:
        return False
    return _same_as_before(approvals, latest[-1].id, actor, decision)


def _same_as_before(approvals: ApprovalStore, approval_id: int, actor: str, decision: str) -> bool:
    """Whether `actor` took `decision` on the approval already; `VersionConflict` when they took the other one:
    a decision, once taken, stands."""
    before = next((d.decision for d in approvals.decisions(approval_id) if d.actor == actor), None)
    if before is not None and before != decision:
        raise VersionConflict(f"{actor} decided '{before}' on approval {approval_id} already")
    return before is not None


def _pending(approvals: ApprovalStore, instance: InstanceRecord) -> ApprovalRecord | None:
    found = approvals.pending_for_instance(instance.id)
    if found is None or instance.status not in (RUNNING, HELD) or found.seq != instance.version:
        return None
    return found


def decide_approval(rt: Runtime, instance_id: str, decision: str, *, actor: str, roles: Sequence[str],
                    comment: str | None, idempotency_key: str | None) -> InstanceView:
    if decision not in ("approve", "reject"):
        raise ValueError(f"a decision is 'approve' or 'reject', not '{decision}'")
    if not actor:
        raise NotAuthorized("an approval needs the deciding actor")
    shared_scope = f"approval:{instance_id}"  # where receipts were kept before keys were scoped by actor
    scope = actor_scope(shared_scope, actor)
    asked = request_digest(idempotency_key, decision=decision, actor=actor, comment=comment)

    def work(tx: Transaction) -> InstanceView:
        repeated = (kept_response(tx, scope, idempotency_key, asked)
                    or kept_response_of(tx, shared_scope, idempotency_key, asked))
        if repeated is not None:
            return repeated
        instance = InstanceStore(tx).get_for_update(instance_id)
        if instance is None:
            raise InstanceNotFound(f"no instance '{instance_id}'")
        approvals = ApprovalStore(tx)
        pending = _pending(approvals, instance)
        if pending is None or pending.id is None:
            if _decided_before(approvals, instance, actor, decision):  # their decision, which closed it: a repeat
                return replace(instance_view(instance), replayed=True)
            raise TransitionNotAllowed(decision, instance.state, "no approval is pending")
        assignees = approvals.assignees(pending.id)
        if not authorised(actor, roles, assignees):
            allowed = ", ".join(f"{kind} {name}" for kind, name in assignees)
            raise NotAuthorized(f"'{actor}' may not decide this approval (approvers: {allowed})")
        now = rt.clock.now()
        if approvals.record_decision(ApprovalDecisionRecord(pending.id, actor, decision, comment, now)):
            view = instance_view(_maybe_fire(rt, tx, instance, pending, decision=decision, actor=actor,
                                             comment=comment))
        else:  # they decided already: the same decision again changes nothing (a replay), the other one is refused
            _same_as_before(approvals, pending.id, actor, decision)
            view = replace(instance_view(instance), replayed=True)
        keep_response(tx, scope, idempotency_key, view, now=now, request=asked)
        return view

    return rt.write(work)


def _maybe_fire(rt: Runtime, tx: Transaction, instance: InstanceRecord, pending: ApprovalRecord, *, decision: str,
                actor: str, comment: str | None) -> InstanceRecord:
    assert pending.id is not None
    approvals = ApprovalStore(tx)
    decisions = approvals.decisions(pending.id)
    approving = [d for d in decisions if d.decision == "approve"]
    if decision == "approve" and len(approving) < pending.quorum:
        return instance
    now = rt.clock.now()
    closed = ApprovalStatus.APPROVED if decision == "approve" else ApprovalStatus.REJECTED
    approvals.close(pending.id, status=closed, at=now)
    payload = {"actor": actor, "comment": comment, "approval": pending.id, "kind": pending.kind,
               "agent": pending.request.get("agent") if pending.kind == "agent" else None,
               "approvers": [d.actor for d in (approving if decision == "approve" else decisions)]}
    return take_step(rt, tx, instance, Event(decision, payload, actor, system=True), now=now)
