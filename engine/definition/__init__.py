"""The definition model: frozen pydantic values that are the one in-memory form of a workflow or agent."""

from engine.definition.agent import Agent, AgentPolicies
from engine.definition.states import (
    STATE_TYPES,
    ApprovalState,
    Approvers,
    Branch,
    ChoiceState,
    Escalation,
    FinalState,
    Join,
    ParallelState,
    Retry,
    State,
    SubflowState,
    TaskState,
    WaitEvent,
    WaitState,
)
from engine.definition.transitions import ANY_SOURCE, Transition
from engine.definition.workflow import (
    Example,
    ExampleEvent,
    Policy,
    Position,
    Schedule,
    StartTrigger,
    Workflow,
)

__all__ = [
    "ANY_SOURCE",
    "STATE_TYPES",
    "Agent",
    "AgentPolicies",
    "ApprovalState",
    "Approvers",
    "Branch",
    "ChoiceState",
    "Escalation",
    "Example",
    "ExampleEvent",
    "FinalState",
    "Join",
    "ParallelState",
    "Policy",
    "Position",
    "Retry",
    "Schedule",
    "StartTrigger",
    "State",
    "SubflowState",
    "TaskState",
    "Transition",
    "WaitEvent",
    "WaitState",
    "Workflow",
]
