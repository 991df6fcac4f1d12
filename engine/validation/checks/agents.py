"""The named checks on an agent file: its per-action tool lists must name its own actions and tools."""

from __future__ import annotations

from engine.definition import Agent
from engine.validation.checks._report import error, listed
from engine.validation.findings import Finding, Severity, pointer

__all__ = ["AGENT_CODES", "check_agent", "find_unknown_action_tools"]

AGENT_CODES: dict[str, Severity] = {
    "unknown-agent-action": "error",
    "unknown-agent-tool": "error",
}


def find_unknown_action_tools(agent: Agent) -> list[Finding]:
    """Each `action_tools` key is one of the agent's `actions`; each tool it lists is one of its `tools`."""
    found: list[Finding] = []
    for action, tools in (agent.action_tools or {}).items():
        if action not in agent.actions:
            message = (f"`action_tools` lists tools for '{action}', which is not among the agent's actions "
                       f"({listed(agent.actions) or 'none'}).")
            found.append(error("unknown-agent-action", message, pointer("action_tools", action)))
        for index, tool in enumerate(tools):
            if tool not in agent.tools:
                message = (f"The action '{action}' may call '{tool}', which is not among the agent's tools; "
                           f"add it to `tools` or remove it here.")
                found.append(error("unknown-agent-tool", message, pointer("action_tools", action, index)))
    return found


def check_agent(agent: Agent) -> list[Finding]:
    """Every named check on one agent."""
    return find_unknown_action_tools(agent)
