"""Approval requests, their assignees (users and roles) and the decisions taken, one per actor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import dump, dump_optional, load, load_optional
from storage.statuses import ApprovalStatus
from storage.transaction import Row, Transaction

__all__ = ["ApprovalDecisionRecord", "ApprovalRecord", "ApprovalStore"]

_COLUMNS = (
    "id, instance_id, seq, tenant, workflow_id, state, kind, policy_id, quorum, request, status, due_at, "
    "created_at, decided_at"
)


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    id: int | None
    instance_id: str
    seq: int
    tenant: str
    workflow_id: str
    state: str
    kind: str
    policy_id: str | None
    quorum: int
    request: dict[str, Any]
    status: str
    due_at: float | None
    created_at: float
    decided_at: float | None = None


@dataclass(frozen=True, slots=True)
class ApprovalDecisionRecord:
    approval_id: int
    actor: str
    decision: str
    comment: str | None
    at: float


def _record(row: Row) -> ApprovalRecord:
    return ApprovalRecord(
        id=int(row[0]), instance_id=row[1], seq=int(row[2]), tenant=row[3], workflow_id=row[4], state=row[5],
        kind=row[6], policy_id=row[7], quorum=int(row[8]), request=load(row[9]), status=row[10],
        due_at=None if row[11] is None else float(row[11]), created_at=float(row[12]),
        decided_at=None if row[13] is None else float(row[13]),
    )


class ApprovalStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def open(self, r: ApprovalRecord, assignees: Iterable[tuple[str, str]]) -> int:
        """Store a pending request and who may decide it ((kind, name) with kind 'user' or 'role')."""
        approval_id = self.tx.scalar(
            "INSERT INTO approvals (instance_id, seq, tenant, workflow_id, state, kind, policy_id, quorum, request, "
            "status, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (r.instance_id, r.seq, r.tenant, r.workflow_id, r.state, r.kind, r.policy_id, r.quorum, dump(r.request),
             r.status, r.due_at, r.created_at),
        )
        self.add_assignees(int(approval_id), assignees)
        return int(approval_id)

    def add_assignees(self, approval_id: int, assignees: Iterable[tuple[str, str]]) -> None:
        rows = [(approval_id, kind, name) for kind, name in dict.fromkeys(assignees)]
        for row in rows:
            self.tx.execute(
                "INSERT INTO approval_assignees (approval_id, kind, name) VALUES (?, ?, ?) "
                "ON CONFLICT (approval_id, kind, name) DO NOTHING",
                row,
            )

    def get(self, approval_id: int) -> ApprovalRecord | None:
        row = self.tx.one(f"SELECT {_COLUMNS} FROM approvals WHERE id = ?", (approval_id,))  # noqa: S608
        return None if row is None else _record(row)

    def pending_for_instance(self, instance_id: str) -> ApprovalRecord | None:
        row = self.tx.one(
            f"SELECT {_COLUMNS} FROM approvals WHERE instance_id = ? AND status = 'pending' ORDER BY id DESC LIMIT 1",  # noqa: S608
            (instance_id,),
        )
        return None if row is None else _record(row)

    def for_instance(self, instance_id: str) -> list[ApprovalRecord]:
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM approvals WHERE instance_id = ? ORDER BY id", (instance_id,))  # noqa: S608
        return [_record(r) for r in rows]

    def for_instances(self, instance_ids: Sequence[str]) -> list[ApprovalRecord]:
        """`for_instance` of several instances in one statement: each one's in id order, the instances in turn."""
        rows = self.tx.all_in(f"SELECT {_COLUMNS} FROM approvals", "instance_id", instance_ids,  # noqa: S608
                              order="instance_id, id")
        return [_record(r) for r in rows]

    def assignees(self, approval_id: int) -> list[tuple[str, str]]:
        rows = self.tx.all(
            "SELECT kind, name FROM approval_assignees WHERE approval_id = ? ORDER BY kind, name", (approval_id,)
        )
        return [(r[0], r[1]) for r in rows]

    def record_decision(self, d: ApprovalDecisionRecord) -> bool:
        """Store an actor's decision; False if that actor decided this request already."""
        changed = self.tx.execute(
            "INSERT INTO approval_decisions (approval_id, actor, decision, comment, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (approval_id, actor) DO NOTHING",
            (d.approval_id, d.actor, d.decision, dump_optional(d.comment), d.at),
        )
        return changed == 1

    def decisions(self, approval_id: int) -> list[ApprovalDecisionRecord]:
        rows = self.tx.all(
            "SELECT approval_id, actor, decision, comment, at FROM approval_decisions WHERE approval_id = ? "
            "ORDER BY at, actor",
            (approval_id,),
        )
        return [ApprovalDecisionRecord(int(r[0]), r[1], r[2], load_optional(r[3]), float(r[4])) for r in rows]

    def decisions_of(self, approval_ids: Sequence[int]) -> dict[int, list[ApprovalDecisionRecord]]:
        """`decisions` of several approvals in one statement, by approval id (those without any are absent)."""
        rows = self.tx.all_in("SELECT approval_id, actor, decision, comment, at FROM approval_decisions",
                              "approval_id", approval_ids, order="approval_id, at, actor")
        found: dict[int, list[ApprovalDecisionRecord]] = {}
        for r in rows:
            found.setdefault(int(r[0]), []).append(
                ApprovalDecisionRecord(int(r[0]), r[1], r[2], load_optional(r[3]), float(r[4])))
        return found

    def close(self, approval_id: int, *, status: ApprovalStatus, at: float) -> bool:
        changed = self.tx.execute(
            "UPDATE approvals SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
            (status, at, approval_id),
        )
        return changed == 1

    def close_for_instance(self, instance_id: str, *, status: ApprovalStatus, at: float) -> int:
        return self.tx.execute(
            "UPDATE approvals SET status = ?, decided_at = ? WHERE instance_id = ? AND status = 'pending'",
            (status, at, instance_id),
        )

    def pending_for(
        self, *, user: str | None, roles: Sequence[str], tenant: str | None, limit: int = 200,
        after: int | None = None,
    ) -> list[ApprovalRecord]:
        """Pending requests that `user` or any of `roles` may decide (all pending ones when both are empty), the
        oldest first; `after`: those that come after approval `after` in that order (the next page)."""
        names: list[tuple[str, str]] = [("role", r) for r in roles]
        if user is not None:
            names.append(("user", user))
        params: list[Any] = []
        clauses = ["a.status = 'pending'"]
        if after is not None:
            clauses.append("(a.created_at > (SELECT b.created_at FROM approvals b WHERE b.id = ?) OR "
                           "(a.created_at = (SELECT b.created_at FROM approvals b WHERE b.id = ?) AND a.id > ?))")
            params += [after, after, after]
        if tenant is not None:
            clauses.append("a.tenant = ?")
            params.append(tenant)
        if names:
            matches = " OR ".join("(s.kind = ? AND s.name = ?)" for _ in names)
            clauses.append(
                f"EXISTS (SELECT 1 FROM approval_assignees s WHERE s.approval_id = a.id AND ({matches}))"  # noqa: S608
            )
            for kind, name in names:
                params += [kind, name]
        columns = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
        rows = self.tx.all(
            f"SELECT {columns} FROM approvals a WHERE {' AND '.join(clauses)} ORDER BY a.created_at, a.id LIMIT ?",  # noqa: S608
            [*params, limit],
        )
        return [_record(r) for r in rows]
