"""The names every CEL expression may read, besides the context's own top-level keys; and whether a workflow's
expressions read one of them (so the runtime loads `budget` and `memory` only for workflows that do).

One place, so the validator's data-flow check and the runtime agree on what an expression can see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from engine.definition.expressions import ExpressionError, referenced_names
from engine.definition.states import (
    ApprovalState,
    FinalState,
    MapState,
    ParallelState,
    State,
    SubflowState,
    TaskState,
    WaitState,
)
from engine.definition.transitions import Transition
from engine.definition.workflow import Workflow

__all__ = ["RESERVED_NAMES", "workflow_reads"]

RESERVED_NAMES: dict[str, str] = {
    "context": "the whole context object (so `context.email` and `email` read the same value)",
    "event": "the payload of the event that fired the transition (a task's output for `done`, "
    "{kind, message} for `error`, {actor, comment} for an approval decision)",
    "instance": "{id, workflow, version, tenant, state}",
    "now": "the current time, an RFC 3339 timestamp",
    "budget": "{limit, spent, remaining, ratio} of the tenant's current month (in policies and guards)",
    "memory": "the unexpired shared memory visible to this instance: {workflow: {key: value}, global: {key: value}}"
    " — `workflow` is shared by the top-level instance with its parallel branches and subflows, `global` by "
    "every workflow of the tenant (e.g. `has(memory.workflow.lead_data)`, `memory.global.threshold > 3`); "
    "each namespace the workflow declares in `memory_namespaces` is there too (`memory.support_squad`)",
}


def _state_sources(state: State) -> Iterator[str]:
    if isinstance(state, TaskState | SubflowState):
        yield from state.input.values()
        ask = state.ask_user if isinstance(state, TaskState) else None
        if ask is not None:  # its question and its reply's key, evaluated as the task asks
            yield from (source for source in (ask.question, ask.correlation) if source is not None)
    elif isinstance(state, ApprovalState):
        yield from state.request.values()
    elif isinstance(state, FinalState):
        yield from state.result.values()
    elif isinstance(state, WaitState):
        if state.deadline is not None:
            yield state.deadline
        if state.event is not None and state.event.correlation is not None:
            yield state.event.correlation
    elif isinstance(state, ParallelState):
        for branch in state.branches:
            yield from _machine_sources(branch.states, branch.transitions)
    elif isinstance(state, MapState):
        yield state.items
        yield from state.input.values()
        if state.iterator is not None:
            yield from _machine_sources(state.iterator.states, state.iterator.transitions)


def _machine_sources(states: Mapping[str, State], transitions: Sequence[Transition]) -> Iterator[str]:
    for transition in transitions:
        if transition.guard is not None:
            yield transition.guard
        yield from transition.assign.values()
    for state in states.values():
        yield from _state_sources(state)


def _reads(source: str, name: str) -> bool:
    try:
        return name in referenced_names(source)
    except ExpressionError:
        return name in source  # it fails whatever it reads; say yes rather than no


def workflow_reads(workflow: Workflow, name: str) -> bool:
    """Whether any expression a decision of `workflow` may evaluate — guards, assignments, inputs, requests,
    results, deadlines, correlations, a task's question to its requester (its branches' included) and policy
    conditions — reads `name`."""
    sources = [*_machine_sources(workflow.states, workflow.transitions), *(p.condition for p in workflow.policies)]
    return any(_reads(source, name) for source in sources)
