"""The agents' tools: the integration interface, a registry of dotted tool names, and an offline sandbox.

    sandbox = Sandbox.open(engine.database, clock=engine.clock)
    tools = sandbox_tools(sandbox, workforce=EngineWorkforce(engine, workflows), policies=WorkflowPolicies(workflows))
    tools.call("crm.contacts.search", {"email": "jane.smith@globex.com"})
"""

from __future__ import annotations

from agents.tools.bindings import WORKFORCE_TOOLS, bind_tools
from agents.tools.errors import ToolError, UnknownTool
from agents.tools.interface import Policies, Workforce
from agents.tools.policy_book import WorkflowPolicies
from agents.tools.registry import Tool, ToolRegistry
from agents.tools.sandbox import Sandbox
from agents.tools.sandbox.store import refused, unanswered
from agents.tools.workforce import EngineWorkforce

__all__ = [
    "WORKFORCE_TOOLS",
    "EngineWorkforce",
    "Sandbox",
    "Tool",
    "ToolError",
    "ToolRegistry",
    "UnknownTool",
    "WorkflowPolicies",
    "bind_tools",
    "sandbox_tools",
]


def sandbox_tools(sandbox: Sandbox, *, workforce: Workforce | None = None,
                  policies: Policies | None = None) -> ToolRegistry:
    """The registry over the sandbox's integrations (and the engine's, when given); a call the sandbox's database
    does not answer fails with the tool's `unavailable` (`store.unanswered`), a value it refuses with the tool's
    `validation` (`store.refused`)."""
    return bind_tools(crm=sandbox.crm, calendar=sandbox.calendar, mailbox=sandbox.mailbox, chat=sandbox.chat,
                      helpdesk=sandbox.helpdesk, knowledge=sandbox.knowledge, web=sandbox.web,
                      analytics=sandbox.analytics, memory=sandbox.memory, policies=policies, workforce=workforce,
                      unanswered=unanswered, refused=refused)
