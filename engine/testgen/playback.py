"""One path as a script for the simulator: the context to start with and, for each place the flow waits on the
path, the event to send — a task's stub output, an approval's decision, a timer running out, an event — chosen
by the test generator's planner (engine.testgen.planning) so that the flow takes exactly that path.

The designer replays the script one event at a time ("Play in simulator" in the Paths panel) and checks after
each that the flow entered the states the script expects (`Cue.expect`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.definition import ApprovalState, FinalState, MapState, ParallelState, Workflow
from engine.errors import InvalidInput
from engine.paths.routes import Route, outgoing_by_priority
from engine.testgen.coverage import start_context
from engine.testgen.inside_drive import wait_payload
from engine.testgen.planning import Plan, Planner, Step
from engine.testgen.stub_data import FlowReads

__all__ = ["FAILURE_MESSAGE", "Cue", "PathScript", "RouteStep", "path_script"]

FAILURE_MESSAGE = "failed on purpose to play this path"


class RouteStep(BaseModel):
    """Leaving `state` by transition `transition` (as a step of the Paths panel's report names it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: str = Field(min_length=1, max_length=128)
    transition: int = Field(ge=0, le=10_000, description="Index into the workflow's `transitions`.")


class Cue(BaseModel):
    """One event of the script, sent while the flow waits in `state`."""

    model_config = ConfigDict(frozen=True)

    event: str
    payload: Any = None
    actor: str | None = Field(None, description="Who sends it: an approver the state names (None: whoever plays).")
    state: str = Field(description="The state the flow waits in when the event is sent.")
    transition: int | None = Field(description="The path's transition this event takes; None: it only opens a "
                                               "gate the flow is held at.")
    expect: list[str] = Field(description="The path's states entered once the event is taken; the flow is then "
                                          "in the last of them.")
    words: str = Field(description="What the event stands for, in plain words.")


class PathScript(BaseModel):
    """How to play a path in the simulator; `playable` False (with the `reason`) when no data drives it."""

    model_config = ConfigDict(frozen=True)

    workflow: str
    version: int
    states: list[str] = Field(description="The path's states, from the initial state to its final state.")
    final: str
    outcome: str
    playable: bool
    reason: str | None = Field(None, description="Why the path cannot be played, when it cannot.")
    context: dict[str, Any] = Field(description="The context to start the flow with.")
    start: list[str] = Field(description="The states entered on start, before the first cue.")
    cues: list[Cue]


def checked_route(workflow: Workflow, steps: Sequence[RouteStep]) -> Route:
    """`steps` as a route, refused with a named reason unless it runs from the initial state to a final state
    along transitions that leave each state it names."""
    outgoing = outgoing_by_priority(workflow.states, workflow.transitions)
    at = workflow.initial
    for n, step in enumerate(steps, start=1):
        if step.state != at:
            raise InvalidInput(f"route step {n} leaves '{step.state}', but the path is in '{at}' there")
        if step.transition not in outgoing.get(at, []):
            raise InvalidInput(f"route step {n}: transition {step.transition} does not leave '{at}'")
        at = workflow.transitions[step.transition].dest
    if not isinstance(workflow.states[at], FinalState):
        raise InvalidInput(f"the route ends in '{at}', which is not a final state")
    return [(step.state, step.transition) for step in steps]


def path_script(workflow: Workflow, steps: Sequence[RouteStep], base_context: dict[str, Any] | None = None,
                ) -> PathScript:
    """The script that plays the path `steps`, keeping what the path allows of `base_context` (by default the
    context of the workflow's first example, as `statewright testgen` does)."""
    route = checked_route(workflow, steps)
    states = [workflow.initial, *[workflow.transitions[index].dest for _, index in route]]
    final = workflow.states[states[-1]]
    outcome = final.outcome if isinstance(final, FinalState) else "success"
    base = dict(base_context if base_context is not None else
                workflow.examples[0].context if workflow.examples else start_context(workflow))
    planner = Planner(workflow, base)
    plan = planner.follow(route)
    head = {"workflow": workflow.id, "version": workflow.version, "states": states, "final": states[-1],
            "outcome": outcome}
    if plan is None:
        return PathScript(**head, playable=False, reason=_unplayable(workflow, route, planner.followed),
                          context={}, start=[], cues=[])
    cues, start = _cues(workflow, plan, states)
    return PathScript(**head, playable=True, context=plan.context, start=start, cues=cues)


def _cues(workflow: Workflow, plan: Plan, states: list[str]) -> tuple[list[Cue], list[str]]:
    reads = FlowReads(workflow)
    waits = [n for n, step in enumerate(plan.steps) if step.how != "auto"]
    start = states[: (waits[0] if waits else len(plan.steps)) + 1]
    cues = []
    for position, n in enumerate(waits):
        step = plan.steps[n]
        until = waits[position + 1] if position + 1 < len(waits) else len(plan.steps)
        event, payload, words = _event(workflow, step, reads)
        cues.append(Cue(event=event, payload=payload, actor=_approver(workflow, step), state=step.source,
                        transition=step.index,
                        expect=states[: until + 1], words=words))
    return cues, start


def _event(workflow: Workflow, step: Step, reads: FlowReads) -> tuple[str, Any, str]:  # noqa: PLR0911
    """The event that makes the flow take `step`, its payload, and what it stands for."""
    state = workflow.states[step.source]
    if step.how == "output":
        if isinstance(state, ParallelState):
            outputs = {o: reads.complete(o, {}) for branch in state.branches for inner in branch.states.values()
                       if (o := getattr(inner, "output", None))}
            return "done", {"context": outputs}, f"every branch of {step.source} ends: {_brief(outputs)}"
        output = getattr(state, "output", None)
        answer = step.output if step.output is not None else {}
        value = reads.complete(output, answer) if output else answer
        whose = "the subflow" if state.type == "subflow" else "the action"
        return "done", value, f"{whose} of {step.source} answers {_brief(value)}"
    if step.how == "inside_error" and step.failing is not None:
        kind = step.failing.error_kind
        return ("error", {"kind": kind, "message": FAILURE_MESSAGE},
                f"{step.failing.describe(step.source)} (an error of kind '{kind}')")
    if step.how == "inside_error":
        kind = step.inside.error_kind if step.inside is not None else "join"
        return ("error", {"kind": kind, "message": FAILURE_MESSAGE},
                f"a wait inside {step.source} times out and the state fails with an error of kind '{kind}'")
    if step.how == "error":
        kind = step.error_kind or "error"
        return ("error", {"kind": kind, "message": FAILURE_MESSAGE, "retryable": False},
                f"{step.source} fails with an error of kind '{kind}' (not retried)")
    if step.how in ("approve", "reject"):
        decision = "approves" if step.how == "approve" else "rejects"
        actor = _approver(workflow, step)  # the payload the engine gives a decision, as guards and assignments read it
        payload = {"actor": actor, "comment": f"{decision} to play this path", "approvers": [actor]}
        return step.how, payload, f"{actor} {decision} at {step.source}"
    if step.how == "timeout":
        return "timeout", {"timer": "timeout"}, f"{step.source}'s timeout of {getattr(state, 'timeout', '')} passes"
    if step.how == "wait":
        return "done", {"timer": "done"}, f"{step.source}'s wait of {getattr(state, 'duration', '')} passes"
    if step.how == "publish":
        event = getattr(getattr(state, "event", None), "type", step.trigger)
        output = getattr(state, "output", None)
        payload = wait_payload(workflow, reads, output, step.payload) if output else step.payload or {}
        return "done", payload, f"event {event} is published with {_brief(payload)}"
    return step.trigger, step.payload or {}, f"event {step.trigger} is sent with {_brief(step.payload or {})}"


def _approver(workflow: Workflow, step: Step) -> str | None:
    state = workflow.states[step.source]
    if step.how not in ("approve", "reject") or not isinstance(state, ApprovalState):
        return None
    return state.approvers.users[0] if state.approvers.users else "approver1"


def _brief(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unplayable(workflow: Workflow, route: Route, followed: int) -> str:
    """Why no data drives the path: the first of its steps no start context and answers made the flow take
    (`followed` steps were taken before it), and what keeps the simulator's script from taking it."""
    if followed >= len(route):  # every step taken, yet no run ended there: not expected, said as it is
        return "no start context and answers were found that make the flow take this path to its end"
    source, index = route[followed]
    transition = workflow.transitions[index]
    state = workflow.states[source]
    trigger = f"on '{transition.trigger}'" if transition.trigger else "automatically"
    step = (f"no start context and answers make the flow take step {followed + 1} of this path, from '{source}' to "
            f"'{transition.dest}' {trigger}")
    if isinstance(state, ParallelState | MapState) and transition.trigger == "error":
        kind = "a map" if isinstance(state, MapState) else "a parallel"
        return (f"{step}: the simulator fails {kind} state only by a wait inside it timing out, and no wait inside "
                f"'{source}' has a timeout it would reach")
    if transition.guard:
        after = f" after the {followed} step{'s' if followed != 1 else ''} before it" if followed else ""
        return f"{step}: its guard `{transition.guard}` cannot hold there{after}, whatever the start context"
    return f"{step}: nothing the simulator's script can send makes '{source}' take it"
