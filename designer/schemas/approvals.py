"""Approvals on the wire: a decision to take (write); requests and decisions taken (read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from designer.schemas.instances import HistoryEntryRead, InstanceSummary
from engine.read_models.approvals import ApprovalRecordView, DecisionView
from engine.runtime.clock import to_datetime
from engine.statuses import ApprovalStatus

__all__ = ["ApprovalDetail", "ApprovalSummary", "Approvers", "DecisionCreate", "DecisionRead"]


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    comment: str | None = Field(None, max_length=4000)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class DecisionRead(BaseModel):
    approval_id: int
    instance_id: str
    workflow_id: str
    state: str
    decision: Literal["approve", "reject"]
    comment: str | None
    actor: str
    decided_at: datetime

    @classmethod
    def of(cls, view: DecisionView) -> DecisionRead:
        return cls(
            approval_id=view.approval_id,
            instance_id=view.instance_id,
            workflow_id=view.workflow_id,
            state=view.state,
            decision=view.decision,
            comment=view.comment,
            actor=view.actor,
            decided_at=to_datetime(view.at),
        )


class Approvers(BaseModel):
    roles: list[str]
    users: list[str]


class ApprovalSummary(BaseModel):
    id: int
    instance_id: str
    workflow_id: str
    state: str
    kind: Literal["state", "policy", "agent"] = Field(
        description="'state' (an approval state), 'policy' (a policy's approval gate) or 'agent' (an agent whose "
        "policy requires a person's approval before it acts).")
    policy_id: str | None
    status: ApprovalStatus = Field(description="Pending until decided; timed_out when its timeout fired; "
                                               "cancelled when its instance was.")
    request: dict[str, Any] = Field(description="What the approver is shown, computed by the definition (for an "
                                                "agent's approval: the agent, its action and the action's input).")
    approvers: Approvers
    quorum: int
    approvals: int = Field(description="Approve decisions so far.")
    decisions: list[DecisionRead] = Field(description="Each approver's decision so far, with their comment.")
    workflow_title: str | None = Field(None, description="The title of the workflow the instance runs.")
    state_title: str | None = Field(None, description="The approval state's title, when the definition gives one.")
    requested_at: datetime
    due_at: datetime | None
    decided_at: datetime | None

    @classmethod
    def of(cls, view: ApprovalRecordView, titles: tuple[str | None, str | None] = (None, None)) -> ApprovalSummary:
        """`titles`: the workflow's and the state's, from the definition version the instance runs."""
        return cls(
            id=view.id,
            instance_id=view.instance_id,
            workflow_id=view.workflow_id,
            state=view.state,
            kind=view.kind,
            policy_id=view.policy_id,
            status=view.status,
            request=view.request,
            approvers=Approvers(roles=view.roles, users=view.users),
            quorum=view.quorum,
            approvals=sum(1 for d in view.decisions if d.decision == "approve"),
            decisions=[DecisionRead.of(d) for d in view.decisions],
            workflow_title=titles[0],
            state_title=titles[1],
            requested_at=to_datetime(view.created_at),
            due_at=None if view.due_at is None else to_datetime(view.due_at),
            decided_at=None if view.decided_at is None else to_datetime(view.decided_at),
        )


class ApprovalDetail(ApprovalSummary):
    description: str | None = Field(description="The approval state's description, from the definition.")
    context: dict[str, Any] = Field(description="The instance's context now.")
    instance: InstanceSummary
    history: list[HistoryEntryRead] = Field(description="The instance's latest transitions (at most 50), oldest "
                                            "first.")
    history_total: int = Field(description="How many transitions the instance has made in all.")
    history_truncated: bool = Field(description="`history` holds only the latest of them: the earlier ones are "
                                                "in GET /api/instances/{instance_id}/history.")
