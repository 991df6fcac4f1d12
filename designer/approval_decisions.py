"""Who may see and decide an approval, and taking a decision through the engine (idempotent per person: the same
decision again by the same person is answered as the first was, and said to be a replay)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from designer.errors import ApprovalClosed, Forbidden, NotFound
from designer.security.principal import Principal
from engine.errors import TransitionNotAllowed, VersionConflict
from engine.read_models.approvals import ApprovalRecordView, get_approval
from engine.runtime.engine import Engine
from engine.statuses import ApprovalStatus

__all__ = ["DecisionTaken", "closed_words", "decide", "visible_approval"]


@dataclass(frozen=True, slots=True)
class DecisionTaken:
    """The approval after a decision, and whether that decision was a repeat of one the person had taken already
    (nothing was done now: the answer is the first one's, `Idempotent-Replayed: true`)."""

    approval: ApprovalRecordView
    replayed: bool


def _assigned(me: Principal, approval: ApprovalRecordView) -> bool:
    return me.can("admin") or me.is_assigned(approval.roles, approval.users)


def visible_approval(database: sa.Engine, me: Principal, approval_id: int) -> ApprovalRecordView:
    """The approval when it is in my tenant and assigned to me (an admin sees all of the tenant's)."""
    found = get_approval(database, approval_id)
    if found is None or found.tenant != me.tenant or not _assigned(me, found):
        raise NotFound(f"no approval {approval_id} for you")
    return found


def decide(
    engine: Engine,
    database: sa.Engine,
    me: Principal,
    approval_id: int,
    decision: str,
    *,
    comment: str | None,
    key: str | None,
) -> DecisionTaken:
    """Record my decision. The same decision again changes nothing and is answered as a replay — also once the
    request has closed (a client retrying after a lost answer gets what the first answer said, not `409
    approval-closed`); a different one after mine is refused."""
    found = get_approval(database, approval_id)
    if found is None or found.tenant != me.tenant:
        raise NotFound(f"no approval {approval_id}")
    if not _assigned(me, found):
        raise Forbidden(f"approval {approval_id} is not assigned to you or to one of your approver roles")
    mine = next((d for d in found.decisions if d.actor == me.username), None)
    if mine is not None:
        if mine.decision != decision:
            raise VersionConflict(f"you decided '{mine.decision}' on approval {approval_id} already")
        return DecisionTaken(found, replayed=True)
    if found.status != ApprovalStatus.PENDING:
        raise ApprovalClosed(closed_words(found))
    # An admin decides with the roles the request names; a request naming only users stays theirs.
    roles = tuple(found.roles) if me.can("admin") else me.approver_roles
    act = engine.approve if decision == "approve" else engine.reject
    try:
        view = act(found.instance_id, actor=me.username, roles=roles, comment=comment, idempotency_key=key)
    except TransitionNotAllowed as exc:
        # Decided by someone else between the read above and this decision: said as that, not as an event
        # the state does not accept.
        now = get_approval(database, approval_id)
        if now is not None and now.status != ApprovalStatus.PENDING:
            raise ApprovalClosed(closed_words(now)) from exc
        raise
    refreshed = get_approval(database, approval_id)
    assert refreshed is not None
    # A repeat of mine that passed the check above before the first was written (a double click, a retry racing
    # it) waited for the first on the instance's row: the engine answers it as a replay, with a key or without.
    return DecisionTaken(refreshed, replayed=view.replayed)


def closed_words(approval: ApprovalRecordView) -> str:
    """Why an approval takes no more decisions, in the words a person who pressed Approve or Reject needs."""
    not_recorded = "Your decision was not recorded."
    if approval.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        verb = "approve" if approval.status == ApprovalStatus.APPROVED else "reject"
        who = ", ".join(d.actor for d in approval.decisions if d.decision == verb)
        return f"This request was decided already: {approval.status}{f' by {who}' if who else ''}. {not_recorded}"
    if approval.status == ApprovalStatus.TIMED_OUT:
        return f"This request timed out before your decision, so it takes no more decisions. {not_recorded}"
    return f"This request was closed when its instance was cancelled. {not_recorded}"
