"""Simulation: run a definition on the engine's pure step — states visited, guards' values, the context —
with nothing persisted and no handler called. Task states wait for the `done`/`error` the caller sends; a `done`
stands for the action's output, and one whose output (or `assign`) cannot be written into the context is the
task's failure, as in a run — its `error` transitions take it, or the instance fails — not a refused event.

Given the deployed agents, a task that names one is simulated under its policies as the engine runs it: an
agent that requires approval holds the instance at its gate until an `approve` or `reject` is sent (a reject
takes the task's error path). An `error` sent to a task is a failed attempt: the task's retry rules try it again
(a step in place, designer.simulated_retries) until a rule is spent or none names the kind, and only then does
the error take an `error` transition — unless the task asks the user about that kind (`ask_user`): it then waits
for the reply, sent as `done` (the action is started again with it), or `timeout` (the error goes on). Budgets
are not simulated: the simulation has no tenant spend."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from designer.simulated_retries import SimulatedRetries
from designer.simulation_failure import (
    GuardTried,
    StepFailure,
    explain_failure,
    explain_failure_end,
    explain_refusal,
)
from designer.simulation_words import describe_effect
from engine.definition import Agent, FinalState, TaskState, Workflow
from engine.errors import InvalidInput, TransitionNotAllowed
from engine.runtime.agent_policies import AGENT_GATE
from engine.runtime.context_paths import PathConflict, with_changes
from engine.runtime.decide import Decision, Step, decide, start
from engine.runtime.effects import Effect, RequestApproval
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import (
    FAILED,
    HELD,
    RUNNING,
    STUCK,
    AgentLookup,
    Environment,
    Event,
    InstanceStatus,
    Snapshot,
)
from engine.runtime.variables import json_value, variables

__all__ = ["GuardValue", "Rejection", "SimulatedEvent", "SimulationResult", "SimulationStep", "StepFailure", "simulate"]

MAX_EVENTS = 1000
# A simulation answers with the context after each step: what those contexts may take in all, as JSON (a viewer's
# 1,000 events over a context of 1 MiB would otherwise be a reply of a gigabyte, built in memory first).
MAX_STEP_CONTEXTS_BYTES = 32 * 1024 * 1024


class SimulatedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt `paylod` is refused, not simulated without a payload

    event: str = Field(min_length=1, max_length=128)
    payload: Any = None
    actor: str | None = Field(None, max_length=200)


class GuardValue(BaseModel):
    transition: int
    dest: str
    guard: str | None
    value: bool
    error: str | None = None


class SimulationStep(BaseModel):
    index: int
    event: str
    actor: str | None
    from_state: str | None
    to_state: str
    transition: int | None
    guards: list[GuardValue]
    changes: dict[str, Any]
    context: dict[str, Any] = Field(description="The context after this step.")
    status: InstanceStatus
    policies: list[dict[str, Any]]
    effects: list[dict[str, Any]]
    error: Any = None


class Rejection(BaseModel):
    index: int = Field(description="The position of the refused event in `events`.")
    event: str
    state: str
    detail: str
    reason: StepFailure | None = Field(None, description="Why, in plain words, with the guard involved.")


class SimulationResult(BaseModel):
    state: str
    status: InstanceStatus
    context: dict[str, Any]
    result: Any = None
    error: Any = None
    steps: list[SimulationStep]
    visited: list[str]
    rejected: list[Rejection]
    failure: StepFailure | None = Field(
        None, description="Why the simulation ended in failure (or stuck), in plain words, with the state and the "
                          "expression or field involved; none while it runs or when it succeeded.")


def _size(value: Any) -> int:
    """What `value` takes as compact JSON (characters; values the simulation could not encode count as text)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return json_value(value)


def _effect(effect: Effect, now: float) -> dict[str, Any]:
    described: dict[str, Any] = {"type": type(effect).__name__}
    described.update(_plain(effect))
    described["summary"] = describe_effect(effect, now)
    return described


class _Agents(AgentLookup):
    """The agents a simulated decision may run a task as; no budget (nothing is spent in a simulation)."""

    def __init__(self, agents: Mapping[str, Agent]) -> None:
        self._agents = agents

    def agent(self, agent_id: str) -> Agent | None:
        return self._agents.get(agent_id)


class _Recorder:
    def __init__(self, context: dict[str, Any], now: float) -> None:
        self.now = now  # the simulation's clock: it does not move between events
        self.context = dict(context)
        self.steps: list[SimulationStep] = []
        self.gate: RequestApproval | None = None  # the approval the instance was last held at
        self.retries = SimulatedRetries()
        self.payloads: list[Any] = []  # each step's event payload, beside `steps`
        self.last_decision = 0  # where the steps of the last decision start
        self.context_size = _size(self.context)  # at most what the context takes as JSON (its changes added up)
        self.carried = 0  # what the steps' contexts take in all, so far

    def _carry(self, changes: Mapping[str, Any]) -> None:
        """Count the context of one more step (its size grown by at most its changes); past
        MAX_STEP_CONTEXTS_BYTES the simulation is refused (422) rather than answered with contexts of that size."""
        if changes:
            self.context_size += _size(changes)
        self.carried += self.context_size
        if self.carried > MAX_STEP_CONTEXTS_BYTES:
            raise InvalidInput(
                f"the simulation answers with the context after each step, and its {len(self.steps) + 1} steps "
                f"would carry more than {MAX_STEP_CONTEXTS_BYTES:,} bytes of context (about {self.context_size:,} "
                "bytes each, now): simulate fewer events, or with a smaller context")

    def retried(self, compiled: CompiledWorkflow, snapshot: Snapshot, sent: Event) -> bool:
        """An `error` of a running task that its retry rules try again: recorded as a step in place."""
        if sent.name != "error" or snapshot.status != RUNNING:
            return False
        plan = self.retries.failed(compiled.states[snapshot.state], sent.payload)
        if plan is None:
            return False
        kind = str(self.retries.last_error["kind"]) if self.retries.last_error else "error"
        self._carry({})
        self.steps.append(SimulationStep(
            index=len(self.steps), event="error", actor=sent.actor, from_state=snapshot.state,
            to_state=snapshot.state, transition=None, guards=[], changes={}, context=_plain(self.context),
            status=snapshot.status, policies=[], effects=[self.retries.effect(plan, kind)],
            error=_plain(sent.payload)))
        self.payloads.append(_plain(sent.payload))
        return True

    def add(self, decision: Decision) -> Snapshot:
        self.retries.reset()
        self.last_decision = len(self.steps)
        for step in decision.steps:
            self.steps.append(self._step(step))
            self.payloads.append(_plain(step.payload))
            self.gate = next((e for e in step.effects if isinstance(e, RequestApproval)), self.gate)
        return decision.snapshot

    def event(self, sent: SimulatedEvent, snapshot: Snapshot, actor: str | None) -> Event:
        """The event as the engine would deliver it: a decision at an agent's gate says whose gate it is."""
        payload = sent.payload
        gate = self.gate
        if snapshot.status == HELD and sent.event in ("approve", "reject") and gate is not None \
                and gate.kind == AGENT_GATE and not (isinstance(payload, dict) and "kind" in payload):
            payload = {**(payload if isinstance(payload, dict) else {}), "kind": AGENT_GATE,
                       "agent": gate.request.get("agent")}
        return Event(sent.event, payload, sent.actor or actor)

    def _step(self, step: Step) -> SimulationStep:
        self._carry(step.changes)
        self.context = with_changes(self.context, step.changes)
        return SimulationStep(
            index=len(self.steps),
            event=step.event,
            actor=step.actor,
            from_state=step.source,
            to_state=step.dest,
            transition=step.transition,
            guards=[GuardValue(**g.as_dict()) for g in step.guards],
            changes=_plain(step.changes),
            context=_plain(self.context),
            status=step.status,
            policies=[p.as_dict() for p in step.policies],
            effects=[_effect(e, self.now) for e in step.effects],
            error=_plain(step.error),
        )


def _as_delivered(compiled: CompiledWorkflow, snapshot: Snapshot, event: Event) -> Event:
    """In a task that may ask the user, `error` (the action's failure), `done` (the action's output, or the
    reply while it asks) and `timeout` (no reply in time) come from the runtime, as the engine delivers them."""
    state = compiled.states.get(snapshot.state)
    if isinstance(state, TaskState) and state.ask_user is not None and event.name in ("done", "error", "timeout"):
        return dataclasses.replace(event, system=True)
    return event


def _as_run(compiled: CompiledWorkflow, snapshot: Snapshot, event: Event, env: Environment) -> Decision | None:
    """A task's `done` that was refused, as the runtime takes its action's output: when that output (or an
    `assign` of the transition it takes) cannot be written into the context, the task fails with kind
    `output_path` (or `assign`), for its `error` transitions to take — or the instance fails. None for a refusal
    that stays one: not a task's `done`, or one no transition takes (its guards), which the analyst may send again
    with another payload."""
    if event.name != "done" or event.system or snapshot.status != RUNNING \
            or not isinstance(compiled.states.get(snapshot.state), TaskState):
        return None  # a task held at a gate, or ended, refuses its `done` in a run too
    decision = decide(compiled, snapshot, dataclasses.replace(event, system=True), env)
    error = decision.snapshot.error if isinstance(decision.snapshot.error, dict) else {}
    return None if error.get("kind") == "unhandled" and error.get("event") == "done" else decision


def _guards_of(compiled: CompiledWorkflow, snapshot: Snapshot, event: Event, env: Environment) -> list[GuardTried]:
    """The guards of the transitions `event` would take in the snapshot's state, tried again to say why it was
    refused (with what a `done` stores at the state's `output` in the context, as the engine has it then)."""
    state = compiled.states.get(snapshot.state)
    context = snapshot.context
    output = getattr(state, "output", None)
    if event.name == "done" and isinstance(output, str):
        try:
            context = with_changes(context, {output: event.payload})
        except PathConflict:
            return []
    fired = compiled.fire(snapshot.state, event.name, lambda: variables(context, event.payload, env, snapshot.state))
    return [GuardTried(**g.as_dict()) for g in fired.evaluations] if fired is not None else []


def _failure(workflow: Workflow, snapshot: Snapshot, recorder: _Recorder) -> StepFailure | None:
    """Why the simulation ended as it did, when that is a failure: the error it failed with, or the failure end
    its transitions led to."""
    last = recorder.steps[recorder.last_decision:]
    guards = [GuardTried(**g.model_dump()) for step in last for g in step.guards]
    if snapshot.status in (FAILED, STUCK) and snapshot.error is not None:
        return explain_failure(workflow, snapshot.state, snapshot.error, guards)
    end = workflow.states.get(snapshot.state)
    if snapshot.status != FAILED or not isinstance(end, FinalState) or not recorder.steps:
        return None
    entered = max(n for n, step in enumerate(recorder.steps) if step.to_state != step.from_state or n == 0)
    step = recorder.steps[entered]
    cause = recorder.payloads[entered] if step.event == "error" else None
    return explain_failure_end(workflow, snapshot.state, source=step.from_state, event=step.event,
                               transition=step.transition, error=cause, guards=guards)


def simulate(
    workflow: Workflow,
    context: dict[str, Any],
    events: Sequence[SimulatedEvent],
    *,
    now: float | None = None,
    tenant: str = "simulation",
    actor: str | None = None,
    agents: Callable[[frozenset[str]], Mapping[str, Agent]] | None = None,
) -> SimulationResult:
    """Start `workflow` with `context`, then send `events` in order; refused events are listed, not fatal.
    `agents(ids)`: the deployed agents among the ids the workflow's tasks name (asked only if they name some),
    whose policies apply to those tasks."""
    compiled = CompiledWorkflow(workflow)
    instance = {"id": "simulation", "workflow": workflow.id, "version": workflow.version, "tenant": tenant}
    deployed = agents(compiled.agent_ids) if agents is not None and compiled.agent_ids else {}
    env = Environment(now=time.time() if now is None else now, instance=instance, agents=_Agents(deployed))
    recorder = _Recorder({}, env.now)
    snapshot = recorder.add(start(compiled, context, env, actor=actor))
    rejected: list[Rejection] = []
    for index, sent in enumerate(events[:MAX_EVENTS]):
        event = recorder.event(sent, snapshot, actor)
        if not snapshot.ended and recorder.retried(compiled, snapshot, event):
            continue
        if event.name == "error" and isinstance(compiled.states.get(snapshot.state), TaskState):
            event = Event(event.name, recorder.retries.error_payload(event.payload), event.actor)
        event = _as_delivered(compiled, snapshot, event)
        try:
            decision = decide(compiled, snapshot, event, env)
        except TransitionNotAllowed as exc:
            ran = _as_run(compiled, snapshot, event, env)
            if ran is not None:
                snapshot = recorder.add(ran)
                continue
            tried = _guards_of(compiled, snapshot, event, env)
            rejected.append(Rejection(index=index, event=sent.event, state=snapshot.state, detail=exc.detail,
                                      reason=explain_refusal(workflow, snapshot.state, sent.event, exc.detail,
                                                             tried)))
            continue
        snapshot = recorder.add(decision)
    visited = [workflow.initial]
    for step in recorder.steps:
        if step.to_state != visited[-1]:
            visited.append(step.to_state)
    return SimulationResult(
        state=snapshot.state,
        status=snapshot.status,
        context=_plain(snapshot.context),
        result=_plain(snapshot.result),
        error=_plain(snapshot.error),
        steps=recorder.steps,
        visited=visited,
        rejected=rejected,
        failure=_failure(workflow, snapshot, recorder),
    )
