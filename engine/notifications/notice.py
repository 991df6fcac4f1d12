"""What an approval notice says: which approval (its id, instance, workflow and state), what happened to it
(requested, escalated, timed out), what the approver is shown, who decides, the decisions so far, and where
to decide — the designer's pages for the instance and the approvals inbox."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["EVENTS", "ApprovalNotice"]

EVENTS = {
    "requested": "is waiting for your decision",
    "escalated": "was escalated to you and is waiting for a decision",
    "timed_out": "timed out without a decision",
}


@dataclass(frozen=True, slots=True)
class ApprovalNotice:
    approval_id: int
    event: str  # one of EVENTS
    instance_id: str
    workflow_id: str
    state: str
    tenant: str
    kind: str  # 'state', 'policy' or 'agent'
    quorum: int
    request: dict[str, Any]
    users: list[str]
    roles: list[str]
    due_at: str | None  # RFC 3339
    at: str  # RFC 3339: when it happened
    decisions: list[dict[str, Any]] = field(default_factory=list)
    link: str | None = None  # the instance's page in the designer
    inbox: str | None = None  # the designer's approvals inbox

    def as_dict(self) -> dict[str, Any]:
        return {"type": f"approval.{self.event}", **asdict(self)}

    @classmethod
    def from_dict(cls, found: dict[str, Any]) -> ApprovalNotice:
        return cls(**{k: v for k, v in found.items() if k != "type"})

    @property
    def subject(self) -> str:
        return f"Approval #{self.approval_id} {EVENTS[self.event]}: {self.workflow_id} / {self.state}"

    def text(self) -> str:
        """The email's body: plain text an approver reads top to bottom."""
        lines = [f"Approval #{self.approval_id} of instance {self.instance_id} ({self.workflow_id}, state "
                 f"'{self.state}') {EVENTS[self.event]}.", ""]
        lines += [f"  {key}: {value}" for key, value in self.request.items()]
        who = [f"user {u}" for u in self.users] + [f"role {r}" for r in self.roles]
        lines += ["", f"Approvers: {', '.join(who)}; approvals needed: {self.quorum}."]
        if self.decisions:
            lines.append("Decided so far: " + ", ".join(f"{d['actor']} ({d['decision']})" for d in self.decisions)
                         + ".")
        if self.due_at and self.event != "timed_out":
            lines.append(f"Decide before {self.due_at}.")
        if self.link:
            lines += ["", f"Open it: {self.link}", f"Your approvals: {self.inbox}"]
        return "\n".join(lines) + "\n"
