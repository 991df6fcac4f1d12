"""Simulation: run a definition on the engine's pure step — states visited, guards' values, the context —
with nothing persisted and no handler called. Task states wait for the `done`/`error` the caller sends."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from engine.definition import Workflow
from engine.errors import TransitionNotAllowed
from engine.runtime.decide import Decision, Step, decide, start
from engine.runtime.effects import Effect
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import Environment, Event, Snapshot
from engine.runtime.variables import json_value

__all__ = ["GuardValue", "Rejection", "SimulatedEvent", "SimulationResult", "SimulationStep", "simulate"]

MAX_EVENTS = 1000


class SimulatedEvent(BaseModel):
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
    status: str
    policies: list[dict[str, Any]]
    effects: list[dict[str, Any]]
    error: Any = None


class Rejection(BaseModel):
    index: int = Field(description="The position of the refused event in `events`.")
    event: str
    state: str
    detail: str


class SimulationResult(BaseModel):
    state: str
    status: str
    context: dict[str, Any]
    result: Any = None
    error: Any = None
    steps: list[SimulationStep]
    visited: list[str]
    rejected: list[Rejection]


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


def _effect(effect: Effect) -> dict[str, Any]:
    described: dict[str, Any] = {"type": type(effect).__name__}
    described.update(_plain(effect))
    return described


class _Recorder:
    def __init__(self, context: dict[str, Any]) -> None:
        self.context = dict(context)
        self.steps: list[SimulationStep] = []

    def add(self, decision: Decision) -> Snapshot:
        for step in decision.steps:
            self.steps.append(self._step(step))
        return decision.snapshot

    def _step(self, step: Step) -> SimulationStep:
        self.context.update(step.changes)
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
            effects=[_effect(e) for e in step.effects],
            error=_plain(step.error),
        )


def simulate(
    workflow: Workflow,
    context: dict[str, Any],
    events: Sequence[SimulatedEvent],
    *,
    now: float | None = None,
    tenant: str = "simulation",
    actor: str | None = None,
) -> SimulationResult:
    """Start `workflow` with `context`, then send `events` in order; refused events are listed, not fatal."""
    compiled = CompiledWorkflow(workflow)
    instance = {"id": "simulation", "workflow_id": workflow.id, "version": workflow.version, "tenant": tenant}
    env = Environment(now=time.time() if now is None else now, instance=instance)
    recorder = _Recorder({})
    snapshot = recorder.add(start(compiled, context, env, actor=actor))
    rejected: list[Rejection] = []
    for index, sent in enumerate(events[:MAX_EVENTS]):
        try:
            decision = decide(compiled, snapshot, Event(sent.event, sent.payload, sent.actor or actor), env)
        except TransitionNotAllowed as exc:
            rejected.append(Rejection(index=index, event=sent.event, state=snapshot.state, detail=exc.detail))
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
    )
