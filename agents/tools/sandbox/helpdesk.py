"""The sandbox helpdesk: tickets and their comments."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, random_id, row_json
from agents.tools.sandbox.tables import TicketCommentRow, TicketRow

__all__ = ["PRIORITIES", "STATUSES", "SandboxHelpdesk"]

Json = dict[str, Any]
PRIORITIES = ("P1", "P2", "P3", "P4")
STATUSES = ("new", "open", "pending", "escalated", "solved", "closed")


def _ticket(row: TicketRow) -> Json:
    return row_json(row, times=("created_at", "updated_at"))


def _comment(row: TicketCommentRow) -> Json:
    return row_json(row, times=("created_at",))


def _check(tool: str, *, priority: str | None = None, status: str | None = None) -> None:
    if priority is not None and priority not in PRIORITIES:
        raise ToolError(tool, "validation", f"priority '{priority}' is not one of {', '.join(PRIORITIES)}")
    if status is not None and status not in STATUSES:
        raise ToolError(tool, "validation", f"status '{status}' is not one of {', '.join(STATUSES)}")


class SandboxHelpdesk:
    """Implements `agents.tools.interface.Helpdesk` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def read_ticket(self, *, ticket_id: str) -> Json:
        """A ticket with its comments, oldest first."""
        with self.store.session() as session:
            row = session.get(TicketRow, ticket_id)
            if row is None:
                raise ToolError("helpdesk.tickets.read", "not_found", f"no ticket '{ticket_id}'")
            comments = session.exec(select(TicketCommentRow).where(TicketCommentRow.ticket_id == ticket_id)
                                    .order_by(col(TicketCommentRow.created_at), col(TicketCommentRow.id))).all()
        return {"ticket": _ticket(row), "comments": [_comment(c) for c in comments]}

    def update_ticket(self, *, ticket_id: str, status: str | None = None, priority: str | None = None,
                      category: str | None = None, assignee: str | None = None,
                      tags: list[str] | None = None) -> Json:
        """Set the given fields; `tags` are added to the ticket's."""
        _check("helpdesk.tickets.update", priority=priority, status=status)
        with self.store.session() as session:
            row = session.get(TicketRow, ticket_id, with_for_update=True)
            if row is None:
                raise ToolError("helpdesk.tickets.update", "not_found", f"no ticket '{ticket_id}'")
            for field, value in (("status", status), ("priority", priority), ("category", category),
                                 ("assignee", assignee)):
                if value is not None:
                    setattr(row, field, value)
            if tags:
                row.tags = sorted({*row.tags, *tags})
            row.updated_at = self.store.now()
            session.add(row)
        return {"ticket": _ticket(row)}

    def search_tickets(self, *, company: str | None = None, requester_email: str | None = None,
                       team: str | None = None, status: str | None = None, query: str = "",
                       limit: int = 20) -> Json:
        """Tickets matching every given filter, newest first; `query` searches subject and description."""
        statement = select(TicketRow)
        if company:
            statement = statement.where(sa.func.lower(TicketRow.company) == company.strip().lower())
        if requester_email:
            statement = statement.where(sa.func.lower(TicketRow.requester_email) == requester_email.strip().lower())
        if team:
            statement = statement.where(TicketRow.team == team)
        if status:
            statement = statement.where(TicketRow.status == status)
        if query:
            needle = query.lower()
            statement = statement.where(sa.or_(sa.func.lower(TicketRow.subject).contains(needle),
                                               sa.func.lower(TicketRow.description).contains(needle)))
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(TicketRow.created_at).desc(), col(TicketRow.id))
                                .limit(limit)).all()
        return {"tickets": [_ticket(r) for r in rows], "count": len(rows)}

    def create_ticket(self, *, subject: str, description: str = "", requester_email: str | None = None,
                      company: str | None = None, team: str | None = None, priority: str | None = None,
                      ticket_id: str | None = None, idempotency_key: str | None = None) -> Json:
        """Open a ticket; with `ticket_id` (the id the request arrived with) an existing ticket is returned."""
        _check("helpdesk.tickets.create", priority=priority)
        if not subject.strip():
            raise ToolError("helpdesk.tickets.create", "validation", "a ticket needs a subject")
        chosen = ticket_id or (derived_id("T", idempotency_key) if idempotency_key else random_id("T"))
        now = self.store.now()
        row, created = self.store.insert_once(TicketRow, chosen, lambda: TicketRow(
            id=chosen, subject=subject[:300], description=description, requester_email=requester_email,
            company=company, team=team, priority=priority, created_at=now, updated_at=now))
        return {"ticket": _ticket(row), "created": created}

    def add_comment(self, *, ticket_id: str, body: str, public: bool = True, author: str = "support",
                    idempotency_key: str | None = None) -> Json:
        """A public reply to the requester, or an internal note (public: false)."""
        if not body.strip():
            raise ToolError("helpdesk.comments.add", "validation", "a comment needs a body")
        with self.store.session() as session:
            if session.get(TicketRow, ticket_id) is None:
                raise ToolError("helpdesk.comments.add", "not_found", f"no ticket '{ticket_id}'")
        comment_id = derived_id("CM", idempotency_key) if idempotency_key else random_id("CM")
        row, created = self.store.insert_once(TicketCommentRow, comment_id, lambda: TicketCommentRow(
            id=comment_id, ticket_id=ticket_id, body=body, public=public, author=author,
            created_at=self.store.now()))
        return {"comment": _comment(row), "created": created}
