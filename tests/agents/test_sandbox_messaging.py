"""email.send and slack.notify: recorded, never delivered; the same idempotency key sends once."""

from __future__ import annotations

import pytest

from agents.tools import Sandbox, ToolError, ToolRegistry


def test_an_email_is_recorded_once_per_idempotency_key(tools: ToolRegistry, sandbox: Sandbox) -> None:
    email = {"to": "Ann@Example.com", "subject": "Hello", "body": "Hi Ann", "tag": "nurture",
             "idempotency_key": "run-1:welcome"}
    first = tools.call("email.send", email)
    second = tools.call("email.send", email)
    assert (first["sent"], second["sent"]) == (True, False)
    tools.call("email.send", {"to": "bob@example.com", "subject": "Other", "body": "x"})
    assert [e["subject"] for e in sandbox.mailbox.sent(recipient="ann@example.com")] == ["Hello"]
    assert [e["recipient"] for e in sandbox.mailbox.sent(tag="nurture")] == ["ann@example.com"]
    assert len(sandbox.mailbox.sent()) == 2


@pytest.mark.parametrize(("params", "kind"), [
    ({"to": "not-an-address", "subject": "s", "body": "b"}, "validation"),
    ({"to": "a@example.com", "subject": "  ", "body": "b"}, "validation"),
])
def test_bad_emails_are_refused(tools: ToolRegistry, params: dict[str, str], kind: str) -> None:
    with pytest.raises(ToolError) as bad:
        tools.call("email.send", params)
    assert bad.value.kind == kind


def test_slack_messages_are_recorded_per_channel(tools: ToolRegistry, sandbox: Sandbox) -> None:
    post = {"channel": "#ops-alerts", "text": "SLA breach", "details": {"n": 1}, "idempotency_key": "k"}
    assert tools.call("slack.notify", post)["posted"] is True
    assert tools.call("slack.notify", post)["posted"] is False
    tools.call("slack.notify", {"channel": "@maria.chen", "text": "FYI"})
    assert [m["text"] for m in sandbox.chat.messages(channel="#ops-alerts")] == ["SLA breach"]
    assert sandbox.chat.messages(channel="#ops-alerts")[0]["details"] == {"n": 1}
    with pytest.raises(ToolError):
        tools.call("slack.notify", {"channel": "ops alerts", "text": "x"})
