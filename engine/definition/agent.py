"""Agents: the design document's Agent anatomy — identity, capabilities, configuration, policies."""

from __future__ import annotations

from pydantic import Field

from engine.definition.base import Identifier, Model
from engine.definition.scalars import StrictFlag, StrictNumber, StrictPositive
from engine.definition.states import Approvers

__all__ = ["Agent", "AgentPolicies", "Provider"]


class AgentPolicies(Model):
    """Enforced by the engine on every task that names the agent."""

    approval_required: StrictFlag = Field(False, description="A person approves before each of its actions runs.")
    approvers: Approvers | None = Field(
        None, description="Who decides the approval (default: anyone with the role 'approver').")
    budget_limit: StrictNumber | None = Field(
        None, ge=0, description="Spend one task may not exceed: the tenant's remaining monthly budget must cover it "
                                "before the action runs, and the action's cost may not exceed it.")
    timeout_seconds: StrictPositive | None = Field(
        None, le=86_400, description="Upper bound for one attempt of a task (the shorter of this and the "
                                     "task's own timeout applies).")


class Provider(Model):
    """Where the agent's model is served: an OpenAI-compatible API of its own (a self-hosted vLLM, Azure OpenAI,
    a LiteLLM proxy), instead of the deployment's default endpoint. The key is never in the file: only the name of
    the environment variable that holds it."""

    base_url: str = Field(
        min_length=1, max_length=500,
        description="The API base, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (the executor posts "
                    "to {base_url}/chat/completions); http(s), a host, no credentials, query or fragment.")
    api_key_env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$",
        description="The environment variable holding the API key (e.g. AZURE_OPENAI_API_KEY); none for an "
                    "endpoint without authentication.")


class Agent(Model):
    schema_: str | None = Field(None, alias="$schema", description="The JSON Schema this file follows.")
    # Identity
    id: Identifier
    type: Identifier = Field(description="The role type: bdr, support, research, ops, ...")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="Semantic version, e.g. 1.0.0.")
    name: str = Field(min_length=1, max_length=200)
    role: str | None = Field(None, max_length=2000)
    level: str = Field("agent", pattern="^(agent|squad_lead|workforce)$")
    # Capabilities
    tools: list[str] = Field(default_factory=list, description="Tool names, e.g. 'crm.contacts.search'.")
    actions: list[Identifier] = Field(default_factory=list, description="Actions the agent performs in flows.")
    action_tools: dict[Identifier, list[str]] | None = Field(
        None, description="For each action, the tools (among `tools`) it may call; an action not listed may "
                          "call every tool of the agent, one listed with [] none.")
    knowledge: list[str] = Field(default_factory=list, description="Knowledge base ids.")
    instructions: str = Field("", max_length=20_000, description="The system prompt.")
    # Configuration
    model: str = Field("gpt-4o-mini", max_length=200)
    fallback_model: str | None = Field(
        None, max_length=200, description="The recovery model: when the task will not retry (its last attempt), "
                                          "a call the model fails (rate limited, unavailable, timed out) is made "
                                          "again on this one.")
    provider: Provider | None = Field(
        None, description="The agent's own OpenAI-compatible endpoint for the llm executor (default: the "
                          "deployment's, STATEWRIGHT_LLM_URL and STATEWRIGHT_LLM_API_KEY).")
    temperature: StrictNumber = Field(0.2, ge=0, le=2)
    max_tokens: StrictPositive = Field(1024, le=200_000)
    # Policies
    policies: AgentPolicies = Field(default_factory=AgentPolicies)

    def tools_for(self, action: str) -> list[str]:
        """The tools `action` may call: its `action_tools` entry (only those the agent has), else all of them."""
        allowed = (self.action_tools or {}).get(action)
        return list(self.tools) if allowed is None else [t for t in allowed if t in self.tools]
