"""helpdesk.* tools: tickets opened, read with their comments, updated, searched; comments added once."""

from __future__ import annotations

import pytest

from agents.tools import ToolError, ToolRegistry
from engine import ManualClock


def test_a_ticket_is_opened_once_under_its_id_and_read_with_its_comments(tools: ToolRegistry,
                                                                        clock: ManualClock) -> None:
    opened = tools.call("helpdesk.tickets.create", {"ticket_id": "T-9", "subject": "Cannot log in",
                                                    "requester_email": "ann@example.com", "team": "support_na"})
    again = tools.call("helpdesk.tickets.create", {"ticket_id": "T-9", "subject": "Something else"})
    assert (opened["created"], again["created"]) == (True, False)
    assert again["ticket"]["subject"] == "Cannot log in"
    comment = {"ticket_id": "T-9", "body": "Try resetting.", "idempotency_key": "r:1"}
    assert tools.call("helpdesk.comments.add", comment)["created"] is True
    assert tools.call("helpdesk.comments.add", comment)["created"] is False
    clock.advance(1)
    tools.call("helpdesk.comments.add", {"ticket_id": "T-9", "body": "Internal", "public": False})
    read = tools.call("helpdesk.tickets.read", {"ticket_id": "T-9"})
    assert read["ticket"]["status"] == "new"
    assert [(c["body"], c["public"]) for c in read["comments"]] == [("Try resetting.", True), ("Internal", False)]


def test_updates_change_fields_and_add_tags(tools: ToolRegistry) -> None:
    tools.call("helpdesk.tickets.update", {"ticket_id": "T-1188", "priority": "P2", "tags": ["billing"]})
    updated = tools.call("helpdesk.tickets.update", {"ticket_id": "T-1188", "status": "escalated",
                                                     "assignee": "support_emea:tier2", "tags": ["escalated"]})
    assert updated["ticket"]["priority"] == "P2"
    assert updated["ticket"]["tags"] == ["billing", "escalated"]
    assert updated["ticket"]["updated_at"] == "2030-01-15T12:00:00Z"


@pytest.mark.parametrize(("tool", "params", "kind"), [
    ("helpdesk.tickets.update", {"ticket_id": "T-1188", "priority": "P9"}, "validation"),
    ("helpdesk.tickets.update", {"ticket_id": "T-1188", "status": "done"}, "validation"),
    ("helpdesk.tickets.update", {"ticket_id": "T-0", "status": "open"}, "not_found"),
    ("helpdesk.tickets.read", {"ticket_id": "T-0"}, "not_found"),
    ("helpdesk.comments.add", {"ticket_id": "T-0", "body": "x"}, "not_found"),
    ("helpdesk.tickets.create", {"subject": " "}, "validation"),
])
def test_bad_helpdesk_calls_fail_with_a_kind(tools: ToolRegistry, tool: str, params: dict[str, str],
                                             kind: str) -> None:
    with pytest.raises(ToolError) as bad:
        tools.call(tool, params)
    assert bad.value.kind == kind


def test_tickets_are_searched_by_company_team_status_and_text(tools: ToolRegistry) -> None:
    def ids(**params: str) -> list[str]:
        return sorted(t["id"] for t in tools.call("helpdesk.tickets.search", params)["tickets"])

    assert ids(company="GLOBEX") == ["T-1042", "T-1188"]
    assert ids(team="support_na") == ["T-1107"]
    assert ids(company="Globex", status="open") == ["T-1188"]
    assert ids(query="vat") == ["T-1188"]
    assert ids(requester_email="li.wei@umbrella-health.com") == ["T-1107"]
