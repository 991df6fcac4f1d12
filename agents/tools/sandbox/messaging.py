"""The sandbox mailbox and Slack: nothing leaves the machine, every message is recorded and can be listed."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, random_id, row_json
from agents.tools.sandbox.tables import EmailRow, SlackMessageRow

__all__ = ["SandboxChat", "SandboxMailbox"]

Json = dict[str, Any]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHANNEL = re.compile(r"^[#@][a-z0-9._-]{1,80}$")


class SandboxMailbox:
    """Implements `agents.tools.interface.Mailbox`: emails are stored as sent, never delivered."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def send(self, *, to: str, subject: str, body: str, sender: str = "statewright@example.com",
             tag: str | None = None, idempotency_key: str | None = None) -> Json:
        """Send one email (recorded in the sandbox outbox)."""
        if not _EMAIL.match(to):
            raise ToolError("email.send", "validation", f"'{to}' is not an email address")
        if not subject.strip():
            raise ToolError("email.send", "validation", "an email needs a subject")
        email_id = derived_id("EM", idempotency_key) if idempotency_key else random_id("EM")
        row, created = self.store.insert_once(EmailRow, email_id, lambda: EmailRow(
            id=email_id, sender=sender, recipient=to.lower(), subject=subject[:300], body=body, tag=tag,
            sent_at=self.store.now()))
        return {"email": row_json(row, times=("sent_at",)), "sent": created}

    def sent(self, *, recipient: str | None = None, tag: str | None = None) -> list[Json]:
        """What was sent (for the CLI, the API and the tests), oldest first."""
        statement = select(EmailRow)
        if recipient:
            statement = statement.where(EmailRow.recipient == recipient.lower())
        if tag:
            statement = statement.where(EmailRow.tag == tag)
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(EmailRow.sent_at), col(EmailRow.id))).all()
        return [row_json(r, times=("sent_at",)) for r in rows]


class SandboxChat:
    """Implements `agents.tools.interface.Chat` (Slack): messages are stored per channel."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def notify(self, *, channel: str, text: str, details: dict[str, Any] | None = None,
               sender: str = "statewright", idempotency_key: str | None = None) -> Json:
        """Post a message to a channel ('#ops-alerts') or a person ('@maria.chen')."""
        if not _CHANNEL.match(channel):
            raise ToolError("slack.notify", "validation", f"'{channel}' is not a channel ('#name') or user ('@name')")
        if not text.strip():
            raise ToolError("slack.notify", "validation", "a message needs text")
        message_id = derived_id("SL", idempotency_key) if idempotency_key else random_id("SL")
        row, created = self.store.insert_once(SlackMessageRow, message_id, lambda: SlackMessageRow(
            id=message_id, channel=channel, text=text, sender=sender, details=dict(details or {}),
            sent_at=self.store.now()))
        return {"message": row_json(row, times=("sent_at",)), "posted": created}

    def messages(self, *, channel: str | None = None) -> list[Json]:
        statement = select(SlackMessageRow)
        if channel:
            statement = statement.where(SlackMessageRow.channel == channel)
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(SlackMessageRow.sent_at), col(SlackMessageRow.id))).all()
        return [row_json(r, times=("sent_at",)) for r in rows]
