"""The named checks on an agent file: its per-action tool lists must name its own actions and tools, and its
provider's URL must be one an HTTP client can post to, with no secret in it."""

from __future__ import annotations

from urllib.parse import urlsplit

from engine.definition import Agent
from engine.redaction import redact
from engine.validation.checks._report import error, listed
from engine.validation.checks.nul_characters import find_nul_characters
from engine.validation.findings import Finding, Severity, pointer

__all__ = ["AGENT_CODES", "api_base_problem", "check_agent", "find_malformed_provider_url", "find_unknown_action_tools"]

AGENT_CODES: dict[str, Severity] = {
    "unknown-agent-action": "error",
    "unknown-agent-tool": "error",
    "malformed-provider-url": "error",
    "nul-character": "error",
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


def api_base_problem(url: str) -> str | None:
    """Why `url` is not an API base to post to; None when it is one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    problems = (
        (parts.scheme not in ("http", "https"),
         f"its scheme is '{parts.scheme}', not http or https" if parts.scheme else "it has no http(s) scheme"),
        (not parts.hostname, "it names no host"),
        (parts.username is not None or parts.password is not None,
         "it carries credentials; name the key's environment variable in `api_key_env` instead"),
        (bool(parts.query or parts.fragment), "it has a query or a fragment; give the API base only"),
        (any(c.isspace() for c in url), "it contains white space"),
        (port == 0, "its port is 0"),
    )
    return next((reason for failed, reason in problems if failed), None)


def find_malformed_provider_url(agent: Agent) -> list[Finding]:
    """The provider's `base_url` is an http(s) URL with a host, no credentials, query or fragment."""
    if agent.provider is None:
        return []
    problem = api_base_problem(agent.provider.base_url)
    if problem is None:
        return []
    shown = redact(agent.provider.base_url)
    message = f"The provider URL '{shown}' is not an API base the llm executor can call: {problem}."
    return [error("malformed-provider-url", message, pointer("provider", "base_url"))]


def check_agent(agent: Agent) -> list[Finding]:
    """Every named check on one agent."""
    return find_unknown_action_tools(agent) + find_malformed_provider_url(agent) + find_nul_characters(agent)
