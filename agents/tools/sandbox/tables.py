"""The sandbox integrations' tables: a small CRM, calendar, mailbox, helpdesk, knowledge base, Slack, analytics
store and offline web, kept in the engine's own database. (The agents' shared memory is the engine's own:
`storage.tables.memory`.)

Plain tables, no workflow semantics: the sandbox tools in `agents.tools.sandbox` read and write them.
They belong to the one Statewright metadata, so the Alembic migrations (revision 0002) create them with the
engine's tables.

Times are seconds since the epoch, UTC (the engine's clock); ids are strings the tools derive, so that a
retried write finds the row it already made.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from storage.tables.columns import TIMESTAMP

__all__ = [
    "SANDBOX_TABLES",
    "AnalyticsEntryRow",
    "CalendarEventRow",
    "CompanyRow",
    "ContactRow",
    "DealRow",
    "EmailRow",
    "KnowledgeArticleRow",
    "NoteRow",
    "SlackMessageRow",
    "TicketCommentRow",
    "TicketRow",
    "WebPageRow",
    "clear_sandbox_tables",
]


def _json(default: Any) -> Any:
    """A JSON column (JSON on PostgreSQL, text on SQLite) with a fresh default per row."""
    return Field(default_factory=lambda: type(default)(default), sa_column=Column(JSON, nullable=False))


class _SandboxTable(SQLModel):
    """Base of the sandbox tables (all named `sandbox_*`)."""


class ContactRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_contacts"

    id: str = Field(primary_key=True, max_length=32)
    email: str = Field(max_length=320, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200, index=True)
    owner: str | None = Field(default=None, max_length=320)
    source: str | None = Field(default=None, max_length=64)
    status: str = Field(default="lead", max_length=32)
    score: int | None = None
    properties: dict[str, Any] = _json({})
    created_at: float = Field(sa_type=TIMESTAMP)
    updated_at: float = Field(sa_type=TIMESTAMP)


class CompanyRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_companies"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200, unique=True, index=True)
    domain: str | None = Field(default=None, max_length=253, index=True)
    employee_count: int | None = None
    industry: str | None = Field(default=None, max_length=100)
    revenue_usd: float | None = None
    tech_stack: list[str] = _json([])
    customer: bool = False
    tier: str | None = Field(default=None, max_length=32)
    arr_usd: float | None = None
    support_team: str | None = Field(default=None, max_length=64)
    owner: str | None = Field(default=None, max_length=320)
    properties: dict[str, Any] = _json({})
    updated_at: float = Field(sa_type=TIMESTAMP)


class NoteRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_notes"
    __table_args__ = (sa.Index("ix_sandbox_notes_subject", "subject_type", "subject_id"),)

    id: str = Field(primary_key=True, max_length=32)
    subject_type: str = Field(max_length=16)  # contact, company, deal, ticket
    subject_id: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text())
    author: str | None = Field(default=None, max_length=320)
    created_at: float = Field(sa_type=TIMESTAMP)


class DealRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_deals"

    id: str = Field(primary_key=True, max_length=32)
    company: str = Field(max_length=200, index=True)
    name: str = Field(max_length=200)
    stage: str = Field(max_length=32)
    amount_usd: float = 0.0
    close_date: str | None = Field(default=None, max_length=10)  # YYYY-MM-DD
    owner: str | None = Field(default=None, max_length=320)
    properties: dict[str, Any] = _json({})
    updated_at: float = Field(sa_type=TIMESTAMP)


class CalendarEventRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_calendar_events"

    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=32, index=True)  # discovery, internal, ...
    organizer: str = Field(max_length=320, index=True)
    attendee_email: str | None = Field(default=None, max_length=320, index=True)
    attendees: list[str] = _json([])
    starts_at: float = Field(sa_type=TIMESTAMP, index=True)
    ends_at: float = Field(sa_type=TIMESTAMP)
    description: str = Field(default="", sa_type=sa.Text())
    status: str = Field(default="confirmed", max_length=16)
    created_at: float = Field(sa_type=TIMESTAMP)


class EmailRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_emails"

    id: str = Field(primary_key=True, max_length=32)
    sender: str = Field(max_length=320)
    recipient: str = Field(max_length=320, index=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text())
    tag: str | None = Field(default=None, max_length=64, index=True)
    sent_at: float = Field(sa_type=TIMESTAMP)


class TicketRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_tickets"

    id: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=300)
    description: str = Field(default="", sa_type=sa.Text())
    requester_email: str | None = Field(default=None, max_length=320, index=True)
    company: str | None = Field(default=None, max_length=200, index=True)
    team: str | None = Field(default=None, max_length=64, index=True)
    priority: str | None = Field(default=None, max_length=2)
    category: str | None = Field(default=None, max_length=32)
    status: str = Field(default="new", max_length=16)
    assignee: str | None = Field(default=None, max_length=320)
    tags: list[str] = _json([])
    created_at: float = Field(sa_type=TIMESTAMP)
    updated_at: float = Field(sa_type=TIMESTAMP)


class TicketCommentRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_ticket_comments"

    id: str = Field(primary_key=True, max_length=32)
    ticket_id: str = Field(max_length=64, index=True)
    body: str = Field(sa_type=sa.Text())
    public: bool = True
    author: str = Field(max_length=320)
    created_at: float = Field(sa_type=TIMESTAMP)


class KnowledgeArticleRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_knowledge_articles"

    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=300)
    category: str = Field(max_length=32, index=True)
    tags: list[str] = _json([])
    content: str = Field(sa_type=sa.Text())
    source: str | None = Field(default=None, max_length=500)
    last_updated: str = Field(max_length=10)  # YYYY-MM-DD, the Librarian's freshness date
    status: str = Field(default="published", max_length=16)  # published, draft (a recorded gap)
    created_at: float = Field(sa_type=TIMESTAMP)
    updated_at: float = Field(sa_type=TIMESTAMP)


class SlackMessageRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_slack_messages"

    id: str = Field(primary_key=True, max_length=32)
    channel: str = Field(max_length=100, index=True)
    text: str = Field(sa_type=sa.Text())
    sender: str = Field(max_length=100)
    details: dict[str, Any] = _json({})
    sent_at: float = Field(sa_type=TIMESTAMP)


class AnalyticsEntryRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_analytics_rows"
    __table_args__ = (sa.Index("ix_sandbox_analytics_dataset_key", "dataset", "key"),)

    id: str = Field(primary_key=True, max_length=64)
    dataset: str = Field(max_length=64)
    key: str = Field(max_length=200)
    data: dict[str, Any] = _json({})
    recorded_at: float = Field(sa_type=TIMESTAMP)


class WebPageRow(_SandboxTable, table=True):
    __tablename__ = "sandbox_web_pages"

    url: str = Field(primary_key=True, max_length=500)
    domain: str = Field(max_length=253, index=True)
    title: str = Field(max_length=300)
    content: str = Field(sa_type=sa.Text())
    published: str | None = Field(default=None, max_length=10)


def clear_sandbox_tables(engine: sa.Engine) -> None:
    """Delete every sandbox row (the tables stay)."""
    with engine.begin() as connection:
        for table in reversed(SANDBOX_TABLES):
            connection.execute(table.delete())


SANDBOX_TABLES: list[sa.Table] = [
    table for table in SQLModel.metadata.sorted_tables if table.name.startswith("sandbox_")
]
