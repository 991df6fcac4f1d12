"""What an analyst picks from in the designer: the registered actions, the deployed agents and workflows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from designer.schemas.approvals import Approvers

__all__ = ["ActionEntry", "ActionUse", "AgentEntry", "AgentPolicySummary", "WorkflowEntry"]


class ActionUse(BaseModel):
    """How a deployed workflow's task calls the action: the shape of its input and output as used there."""

    workflow_id: str
    state: str
    input: dict[str, str] = Field(description="The task's input mapping: each key and its CEL expression.")
    output: str | None = Field(description="The context key the result is stored under.")
    output_schema: dict[str, Any] | None = Field(
        None, description="The workflow's context schema for that key, when it describes it."
    )


class ActionEntry(BaseModel):
    name: str
    agents: list[str] = Field(description="Deployed agents that list this action among theirs.")
    uses: list[ActionUse] = Field(description="Tasks of deployed workflows that run it (its known shape).")
    input_schema: dict[str, Any] | None = Field(
        default=None, description="The JSON Schema its handler was registered with for its input (required keys, "
                                  "types), when it was; a task that does not fit it is `action-input-mismatch`.")


class AgentPolicySummary(BaseModel):
    """The policies the engine enforces on a task naming the agent (the definition's `policies`)."""

    approval_required: bool = Field(description="A person approves before each of its actions runs.")
    approvers: Approvers | None = Field(description="Who decides that approval (none: the role 'approver').")
    budget_limit: float | None = Field(description="Spend one task may not exceed.")
    timeout_seconds: int | None = Field(description="Upper bound for one attempt of a task.")


class AgentEntry(BaseModel):
    id: str
    name: str
    type: str
    level: str
    actions: list[str]
    policies: AgentPolicySummary


class WorkflowEntry(BaseModel):
    id: str
    title: str
    latest_version: int
    description: str | None
    required_context: list[str] = Field(description="Keys the child's context schema requires (subflow input).")
