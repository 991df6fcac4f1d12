"""The tool names of the design document (and the agents' files) bound to the integrations that implement them."""

from __future__ import annotations

from agents.tools.interface import (
    Analytics,
    Calendar,
    Chat,
    Crm,
    Helpdesk,
    Knowledge,
    Mailbox,
    Memory,
    Policies,
    Web,
    Workforce,
)
from agents.tools.registry import Refused, ToolRegistry, Unanswered

__all__ = ["WORKFORCE_TOOLS", "bind_tools"]

WORKFORCE_TOOLS = ("events.publish", "workflows.start", "workflows.status", "budget.read", "billing.usage.read")


def bind_tools(*, crm: Crm, calendar: Calendar, mailbox: Mailbox, chat: Chat, helpdesk: Helpdesk,
               knowledge: Knowledge, web: Web, analytics: Analytics, memory: Memory, policies: Policies | None = None,
               workforce: Workforce | None = None, unanswered: Unanswered | None = None,
               refused: Refused | None = None) -> ToolRegistry:
    """Every tool the integrations given provide; without a workforce (no engine) its tools are absent, and
    calling one fails with `UnknownTool`. `unanswered`: which failures mean an integration did not answer;
    `refused`: which mean it refused a value it was given."""
    tools = ToolRegistry(unanswered=unanswered, refused=refused)
    for name, function in (
        ("crm.contacts.search", crm.search_contacts),
        ("crm.contacts.create", crm.create_contact),
        ("crm.contacts.update", crm.update_contact),
        ("crm.notes.add", crm.add_note),
        ("crm.notes.search", crm.search_notes),
        ("crm.companies.search", crm.search_companies),
        ("crm.companies.update", crm.update_company),
        ("crm.accounts.read", crm.read_account),
        ("crm.deals.search", crm.search_deals),
        ("crm.deals.update", crm.update_deal),
        ("calendar.availability.find", calendar.find_availability),
        ("calendar.events.create", calendar.create_event),
        ("calendar.events.search", calendar.search_events),
        ("email.send", mailbox.send),
        ("slack.notify", chat.notify),
        ("helpdesk.tickets.read", helpdesk.read_ticket),
        ("helpdesk.tickets.update", helpdesk.update_ticket),
        ("helpdesk.tickets.search", helpdesk.search_tickets),
        ("helpdesk.tickets.create", helpdesk.create_ticket),
        ("helpdesk.comments.add", helpdesk.add_comment),
        ("knowledge.search", knowledge.search),
        ("knowledge.articles.create", knowledge.create_article),
        ("knowledge.articles.update", knowledge.update_article),
        ("web.search", web.search),
        ("web.scrape", web.scrape),
        ("analytics.query", analytics.query),
        ("analytics.record", analytics.record),
        ("memory.get", memory.get),
        ("memory.set", memory.set),
        ("memory.append", memory.append),
        ("memory.get_list", memory.get_list),
    ):
        tools.add(name, function)
    if policies is not None:
        tools.add("policies.evaluate", policies.evaluate)
    if workforce is not None:
        tools.add("events.publish", workforce.publish)
        tools.add("workflows.start", workforce.start_workflow)
        tools.add("workflows.status", workforce.workflow_status)
        tools.add("budget.read", workforce.read_budget)
        tools.add("billing.usage.read", workforce.read_usage)
    return tools
