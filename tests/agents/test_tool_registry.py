"""The tool registry: the design document's tool names, every agent's tools, and clear failures."""

from __future__ import annotations

import pytest

from agents.handlers import OfflineHandlers, shipped_definitions, unresolved_tools
from agents.tools import WORKFORCE_TOOLS, ToolError, ToolRegistry, UnknownTool

DOCUMENT_TOOLS = (
    "crm.contacts.search", "crm.contacts.create", "crm.notes.add", "crm.notes.search", "crm.companies.search",
    "crm.companies.update", "crm.deals.search", "calendar.availability.find", "calendar.events.create",
    "email.send", "helpdesk.tickets.read", "helpdesk.tickets.update", "helpdesk.tickets.search",
    "helpdesk.tickets.create", "helpdesk.comments.add", "knowledge.search", "knowledge.articles.create",
    "knowledge.articles.update", "web.search", "web.scrape", "slack.notify", "analytics.query",
)


def test_every_tool_the_design_document_names_exists(tools: ToolRegistry) -> None:
    assert tools.missing(DOCUMENT_TOOLS) == []


def test_every_agents_tools_resolve_on_an_engine(offline: OfflineHandlers) -> None:
    _, agents = shipped_definitions()
    assert unresolved_tools(agents, offline.tools) == {}
    assert set(WORKFORCE_TOOLS) <= set(offline.tools.names())


def test_without_an_engine_the_workforce_tools_are_unknown(tools: ToolRegistry) -> None:
    _, agents = shipped_definitions()
    missing = unresolved_tools(agents, tools)
    assert missing == {"bdr_concierge": ["events.publish"], "cost_sentinel": ["billing.usage.read", "budget.read"],
                       "policy_officer": ["budget.read"], "workflow_commander": ["workflows.start", "workflows.status"]}
    with pytest.raises(UnknownTool) as unknown:
        tools.call("events.publish", {"event_type": "x", "payload": {}})
    assert unknown.value.kind == "unknown_tool"


def test_an_unknown_tool_fails_naming_what_exists(tools: ToolRegistry) -> None:
    with pytest.raises(UnknownTool) as unknown:
        tools.call("crm.contact.search", {"email": "a@b.c"})
    message = str(unknown.value)
    assert "no tool is named 'crm.contact.search'" in message
    assert "crm.contacts.search" in message
    with pytest.raises(UnknownTool, match=r"no tool is named 'jira\.issues\.create'$"):
        tools.get("jira.issues.create")


def test_wrong_parameters_are_a_validation_error(tools: ToolRegistry) -> None:
    with pytest.raises(ToolError) as bad:
        tools.call("crm.contacts.search", {"emial": "a@b.c"})
    assert (bad.value.kind, bad.value.retryable) == ("validation", False)
    with pytest.raises(ToolError):
        tools.call("email.send", {"to": "a@b.c"})


def test_a_name_is_registered_once(tools: ToolRegistry) -> None:
    with pytest.raises(ValueError, match="registered already"):
        tools.add("email.send", dict)
    assert tools.get("email.send").parameters[:3] == ["to", "subject", "body"]
