"""Reading the sandbox integrations' tables: what the shipped flows' tools wrote, by collection, newest first.

A collection is a user-facing name for one sandbox table (`meetings` is `sandbox_calendar_events`); the CLI's
`statewright sandbox` and the designer's `/api/sandbox` both list through these functions. The rows carry no
tenant: the sandbox is one demo integration shared by the whole deployment.

Times (the `*_at` columns, seconds since the epoch) come back as UTC datetimes; JSON columns as their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from agents.tools.sandbox.tables import (
    AnalyticsEntryRow,
    CalendarEventRow,
    CompanyRow,
    ContactRow,
    DealRow,
    EmailRow,
    KnowledgeArticleRow,
    NoteRow,
    SlackMessageRow,
    TicketCommentRow,
    TicketRow,
)
from engine.runtime.clock import to_datetime
from storage.database import reading
from storage.tables.core import table_of

__all__ = [
    "SANDBOX_COLLECTIONS",
    "SandboxCollection",
    "SandboxRows",
    "UnknownCollection",
    "count_sandbox_rows",
    "list_sandbox_rows",
    "sandbox_collection",
]


@dataclass(frozen=True, slots=True)
class SandboxCollection:
    """One sandbox table under the name people use for it."""

    name: str
    title: str
    table: sa.Table
    newest_first: str  # the time column the listing is ordered by, newest first (then by id)
    summary: tuple[str, ...]  # the columns a one-line-per-row view shows

    @property
    def fields(self) -> list[str]:
        return [column.name for column in self.table.columns]


def _collection(name: str, title: str, row: type[SQLModel], newest_first: str, *summary: str) -> SandboxCollection:
    return SandboxCollection(name, title, table_of(row), newest_first, summary)


SANDBOX_COLLECTIONS: Mapping[str, SandboxCollection] = {
    c.name: c
    for c in (
        _collection("contacts", "CRM contacts", ContactRow, "updated_at",
                    "id", "email", "name", "company", "status", "score", "updated_at"),
        _collection("companies", "CRM companies", CompanyRow, "updated_at",
                    "id", "name", "domain", "employee_count", "customer", "tier", "updated_at"),
        _collection("deals", "CRM deals", DealRow, "updated_at",
                    "id", "company", "name", "stage", "amount_usd", "close_date", "owner"),
        _collection("notes", "CRM notes", NoteRow, "created_at",
                    "id", "subject_type", "subject_id", "author", "body", "created_at"),
        _collection("meetings", "Calendar events (meetings)", CalendarEventRow, "created_at",
                    "id", "title", "kind", "organizer", "attendee_email", "starts_at", "status"),
        _collection("emails", "Sent emails (recorded, never delivered)", EmailRow, "sent_at",
                    "id", "sender", "recipient", "subject", "tag", "sent_at"),
        _collection("tickets", "Helpdesk tickets", TicketRow, "updated_at",
                    "id", "subject", "requester_email", "team", "priority", "status", "assignee"),
        _collection("comments", "Helpdesk ticket comments", TicketCommentRow, "created_at",
                    "id", "ticket_id", "author", "public", "body", "created_at"),
        _collection("articles", "Knowledge-base articles", KnowledgeArticleRow, "updated_at",
                    "id", "title", "category", "status", "last_updated"),
        _collection("slack", "Slack messages (recorded, never delivered)", SlackMessageRow, "sent_at",
                    "id", "channel", "sender", "text", "sent_at"),
        _collection("analytics", "Analytics rows", AnalyticsEntryRow, "recorded_at",
                    "id", "dataset", "key", "recorded_at"),
    )
}


class UnknownCollection(LookupError):
    """A collection name that is not one of `SANDBOX_COLLECTIONS`; the message lists the valid ones."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no sandbox collection '{name}'; choose one of: {', '.join(SANDBOX_COLLECTIONS)}")
        self.name = name


@dataclass(frozen=True, slots=True)
class SandboxRows:
    collection: SandboxCollection
    rows: list[dict[str, Any]]
    total: int


def sandbox_collection(name: str) -> SandboxCollection:
    """The collection called `name`, else `UnknownCollection`."""
    try:
        return SANDBOX_COLLECTIONS[name]
    except KeyError:
        raise UnknownCollection(name) from None


def count_sandbox_rows(database: sa.Engine) -> dict[str, int]:
    """The number of rows in each collection, in the order of `SANDBOX_COLLECTIONS`."""
    with reading(database) as connection:
        return {
            name: int(connection.execute(sa.select(sa.func.count()).select_from(c.table)).scalar_one())
            for name, c in SANDBOX_COLLECTIONS.items()
        }


def _plain(column: str, value: Any) -> Any:
    if column.endswith("_at") and isinstance(value, int | float):
        return to_datetime(value)
    return value


def list_sandbox_rows(database: sa.Engine, name: str, *, limit: int = 50, offset: int = 0) -> SandboxRows:
    """A page of the collection's rows, newest first, and how many there are in all."""
    collection = sandbox_collection(name)
    table = collection.table
    query = (
        sa.select(table)
        .order_by(table.c[collection.newest_first].desc(), table.c[table.primary_key.columns.keys()[0]])
        .limit(limit)
        .offset(offset)
    )
    with reading(database) as connection:
        total = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        rows = [{k: _plain(k, v) for k, v in r._mapping.items()} for r in connection.execute(query)]
    return SandboxRows(collection, rows, total)
