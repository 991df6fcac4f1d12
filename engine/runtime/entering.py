"""What entering a state asks for: the effects of each state type, computed purely from the context."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.definition import (
    Agent,
    ApprovalState,
    MapState,
    ParallelState,
    RetryRule,
    State,
    SubflowState,
    TaskState,
    WaitState,
    retry_rules,
)
from engine.definition.durations import parse_duration
from engine.definition.expressions import ExpressionError
from engine.definition.moments import parse_rfc3339
from engine.runtime.agent_policies import agent_timeout
from engine.runtime.effects import (
    ArmTimer,
    AwaitEvent,
    ClearWaits,
    Effect,
    KeepMapList,
    RequestApproval,
    RunAction,
    StartChild,
)
from engine.runtime.map_items import MapItemsError, item_children, map_items
from engine.runtime.variables import evaluate_json, evaluate_mapping

__all__ = ["RELEASE_GATE", "EntryError", "approval_request", "entry_effects", "leave_effects", "unavailable_facts"]


@dataclass(frozen=True, slots=True)
class EntryError:
    """Entering failed before any work started (an input mapping or deadline did not evaluate)."""

    kind: str
    message: str


def _seconds(duration: str) -> float:
    return parse_duration(duration).total_seconds()


def _deadline(source: str, scope: dict[str, Any]) -> float:
    value = evaluate_json(source, scope)
    if not isinstance(value, str):
        raise ExpressionError(source, "the deadline must give an RFC 3339 timestamp")
    try:
        return parse_rfc3339(value)
    except ValueError as exc:
        raise ExpressionError(source, str(exc)) from exc


# A task's retry rules, built once per state (states live as long as their compiled workflow; the entry keeps
# its state alive, so an id is never reused while its entry stands)
_RULES: dict[int, tuple[TaskState, tuple[RetryRule, ...]]] = {}


def _retry_of(state: TaskState) -> tuple[RetryRule, ...]:
    found = _RULES.get(id(state))
    if found is None or found[0] is not state:
        if len(_RULES) >= 4096:
            _RULES.clear()
        found = _RULES[id(state)] = (state, retry_rules(state.retry))
    return found[1]


def _task(state_id: str, state: TaskState, scope: Callable[[], dict[str, Any]],
          output_schema: dict[str, Any] | None, agent: Agent | None) -> list[Effect]:
    """The task's action; under `agent` (its deployed agent), with the agent's version, its budget limit and the
    timeout it bounds (`agent_policies.agent_timeout`)."""
    given = evaluate_mapping(state.input, scope()) if state.input else {}
    if agent is None:
        return [RunAction(state_id, state.action, given, state.agent, _retry_of(state), state.timeout_s,
                          output_schema=output_schema)]
    return [RunAction(state_id, state.action, given, state.agent, _retry_of(state),
                      agent_timeout(state.timeout_s, agent), agent.version, agent.policies.budget_limit,
                      output_schema)]


def approval_request(facts: Mapping[str, str], scope: dict[str, Any]) -> dict[str, Any]:
    """What an approval shows its approvers: each fact of its `request` evaluated on its own, so that one which
    cannot be computed for this instance (a key it does not hold — after a migration to a version whose request
    reads a new one, say) is shown as not available, in words, beside the facts that can: the approver still
    decides, and sees why one is missing."""
    try:
        return evaluate_mapping(facts, scope)
    except ExpressionError:
        pass
    missing = unavailable_facts(facts, scope)
    shown: dict[str, Any] = {}
    for key, source in facts.items():
        shown[key] = f"(not available: {missing[key]})" if key in missing else evaluate_mapping({key: source},
                                                                                                  scope)[key]
    return shown


def unavailable_facts(facts: Mapping[str, str], scope: dict[str, Any]) -> dict[str, str]:
    """Each key of a mapping (an approval's request, a task's input) whose expression does not evaluate in
    `scope`, with why, in words."""
    found: dict[str, str] = {}
    for key, source in facts.items():
        try:
            evaluate_mapping({key: source}, scope)
        except ExpressionError as exc:
            found[key] = _plain_reason(exc)
    return found


def _plain_reason(exc: ExpressionError) -> str:
    """An evaluation error as an approver reads it: a variable the instance does not hold said so."""
    undefined = _UNDEFINED.match(exc.message)
    if undefined is not None:
        return f"this instance holds no '{undefined.group(1)}' ({exc.expression})"
    return f"{exc.expression}: {exc.message}"


_UNDEFINED = re.compile(r"Undefined variable or function: '([^']+)'")


def _approval(state_id: str, state: ApprovalState, scope: dict[str, Any], now: float) -> list[Effect]:
    request = approval_request(state.request, scope)
    due = now + _seconds(state.timeout) if state.timeout else None
    effects: list[Effect] = [RequestApproval(state_id, "state", tuple(state.approvers.users),
                                             tuple(state.approvers.roles), state.quorum, request, due)]
    if due is not None:
        effects.append(ArmTimer("timeout", due))
    if state.escalation is not None:
        effects.append(ArmTimer("escalate", now + _seconds(state.escalation.after)))
    return effects


def _wait(state: WaitState, scope: Callable[[], dict[str, Any]], now: float) -> list[Effect]:
    if state.duration is not None:
        return [ArmTimer("done", now + _seconds(state.duration))]
    if state.deadline is not None:
        return [ArmTimer("done", max(now, _deadline(state.deadline, scope())))]
    assert state.event is not None
    key = None
    if state.event.correlation is not None:
        value = evaluate_json(state.event.correlation, scope())
        key = None if value is None else str(value)
    effects: list[Effect] = [AwaitEvent(state.event.type, key, takes_earlier=key is not None)]
    if state.timeout is not None:
        effects.append(ArmTimer("timeout", now + _seconds(state.timeout)))
    return effects


def _parallel(state_id: str, state: ParallelState, context: dict[str, Any], branch: str) -> list[Effect]:
    prefix = f"{branch}/" if branch else ""
    return [StartChild("branch", "", None, f"{prefix}{state_id}.{b.name}", b.name, dict(context))
            for b in state.branches]


def _subflow(state_id: str, state: SubflowState, scope: dict[str, Any]) -> list[Effect]:
    return [StartChild("subflow", state.workflow, state.version, "", state_id, evaluate_mapping(state.input, scope))]


def _map(state_id: str, state: MapState, scope: dict[str, Any], branch: str) -> list[Effect]:
    """The first `max_concurrency` items' children, and the list kept for the items that start later; nothing for
    an empty list (the map is done at once)."""
    items = map_items(state, scope)
    if not items:
        return []
    first = range(min(len(items), state.max_concurrency))
    return [KeepMapList(tuple(items)), *item_children(state_id, state, items, first, scope=scope, branch=branch)]


def entry_effects(
    state_id: str, state: State, *, context: dict[str, Any], scope: Callable[[], dict[str, Any]], now: float,
    branch: str, output_schema: dict[str, Any] | None = None, agent: Agent | None = None,
) -> list[Effect] | EntryError:
    """The effects of starting the work of a (non-final, non-choice) state, or why it could not start.
    `scope()` gives the variables its expressions see (called only if the state has some). `agent`: the
    deployed agent a task runs as, if any."""
    effects: list[Effect] = []
    try:
        if isinstance(state, TaskState):
            effects = _task(state_id, state, scope, output_schema, agent)
        elif isinstance(state, ApprovalState):
            effects = _approval(state_id, state, scope(), now)
        elif isinstance(state, WaitState):
            effects = _wait(state, scope, now)
        elif isinstance(state, ParallelState):
            effects = _parallel(state_id, state, context, branch)
        elif isinstance(state, SubflowState):
            effects = _subflow(state_id, state, scope())
        elif isinstance(state, MapState):
            effects = _map(state_id, state, scope(), branch)
    except ExpressionError as exc:
        return EntryError("input", f"{exc.expression}: {exc.message}")
    except MapItemsError as exc:
        return EntryError(exc.kind, exc.message)
    return effects


_ENDING = frozenset({"done", "error"})
_TASK = ClearWaits(timers=False, event_waits=False, approvals=False, jobs=True, children=False)
_TASK_ASKING = ClearWaits(timers=True, event_waits=True, approvals=False, jobs=True, children=False)
_APPROVAL = ClearWaits(timers=True, event_waits=False, approvals=True, jobs=False, children=False)
_CHILDREN = ClearWaits(timers=False, event_waits=False, approvals=False, jobs=False, children=True)
_WAIT_TIMER = ClearWaits(timers=True, event_waits=False, approvals=False, jobs=False, children=False)
_WAIT_EVENT = ClearWaits(timers=False, event_waits=True, approvals=False, jobs=False, children=False)
_WAIT_EVENT_TIMER = ClearWaits(timers=True, event_waits=True, approvals=False, jobs=False, children=False)


def _leaving(state: State) -> ClearWaits | None:
    if isinstance(state, TaskState):  # one that may ask the user may also wait for the reply, with a timer
        return _TASK if state.ask_user is None else _TASK_ASKING
    if isinstance(state, ApprovalState):
        return _APPROVAL
    if isinstance(state, WaitState):
        if state.event is None:
            return _WAIT_TIMER
        return _WAIT_EVENT if state.timeout is None else _WAIT_EVENT_TIMER
    if isinstance(state, ParallelState | SubflowState | MapState):
        return _CHILDREN
    return None


def leave_effects(state: State, event: str) -> list[Effect]:
    """What leaving a state that waits must undo — only what that kind of state can leave behind. A task,
    parallel or subflow left through its own `done`/`error` has nothing left running; left any other way,
    its action or children are stopped (a map that fails cancels its running items itself)."""
    if state.type in ("task", "parallel", "subflow", "map") and event in _ENDING:
        return []
    clear = _leaving(state)
    return [] if clear is None else [clear]


RELEASE_GATE = ClearWaits(timers=False, event_waits=False, approvals=True, jobs=False, children=False)
