"""A workflow as an XState v5 machine config (JSON), which Stately's editor and `createMachine` accept.

Tasks and subflows `invoke` the action (or child workflow) with `onDone`/`onError`; choices are `always`
transitions; a wait's duration and an approval's timeout are `after` delays; other triggers are events in
`on`; transitions from any state sit on the root. Guards and assignments are named (`qualification_score_gte_70`,
`set_failure`) and carry their CEL in `params`. What XState has no field for — agents, retries, approvers,
the context schema, policies — is kept under `meta.statewright`, so an import restores it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.definition import (
    ApprovalState,
    ChoiceState,
    FinalState,
    ParallelState,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
    Workflow,
)
from engine.definition.durations import parse_duration
from engine.interop.machine_view import MachineView, state_body
from engine.validation.findings import Finding

__all__ = ["META_KEY", "export_xstate", "guard_name"]

META_KEY = "statewright"
_WORDS = {">=": "gte", "<=": "lte", "==": "eq", "!=": "ne", ">": "gt", "<": "lt", "&&": "and", "||": "or", "!": "not"}
_WORKFLOW_FIELDS = ("version", "title", "description", "context", "policies", "schedules", "starts_on", "examples",
                    "layout")


def guard_name(expression: str) -> str:
    """`qualification.score >= 70` → `qualification_score_gte_70`: a name Stately shows on the edge."""
    text = re.sub(r">=|<=|==|!=|&&|\|\||[<>!]", lambda m: f" {_WORDS[m.group(0)]} ", expression)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return (text[:60].rstrip("_") or "guard") if text else "guard"


def _ms(duration: str) -> str:
    return str(int(parse_duration(duration).total_seconds() * 1000))


def _transition(t: Transition, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"target": f"{prefix}{t.dest}"}
    if t.guard is not None:
        out["guard"] = {"type": guard_name(t.guard), "params": {"expression": t.guard}}
    if t.assign:
        out["actions"] = [{"type": "set_" + "_".join(t.assign), "params": dict(t.assign)}]
    meta = {k: v for k, v in (("id", t.id), ("priority", t.priority or None), ("errors", t.errors or None))
            if v is not None}
    if meta:
        out["meta"] = {META_KEY: meta}
    if t.description:
        out["description"] = t.description
    return out


def _edges(transitions: list[Transition], prefix: str = "") -> list[dict[str, Any]]:
    return [_transition(t, prefix) for t in transitions]


def _node(sid: str, state: Any, view: MachineView,  # noqa: PLR0912 - one branch per state type
          path: tuple[str, ...] = ()) -> dict[str, Any]:
    """`path`: the parallel states and branches the state lies in, which name its invoke: the branches of a
    parallel state run at once, and two invokes of one id (a `work` task in two branches) would be one actor."""
    grouped = view.outgoing(sid, include_any=False)
    node: dict[str, Any] = {}
    if state.title or state.description:
        node["description"] = state.description or state.title
    body = state_body(state)
    for carried in ("action", "workflow", "input"):  # written in `invoke`
        body.pop(carried, None)
    node["meta"] = {META_KEY: body}
    if isinstance(state, FinalState):
        node["type"] = "final"
        return node
    if isinstance(state, TaskState | SubflowState):
        src = state.action if isinstance(state, TaskState) else state.workflow
        invoke: dict[str, Any] = {"id": ".".join((*path, sid)), "src": src}
        if state.input:
            invoke["input"] = dict(state.input)
        if "done" in grouped:
            invoke["onDone"] = _edges(grouped.pop("done"))
        if "error" in grouped:
            invoke["onError"] = _edges(grouped.pop("error"))
        node["invoke"] = invoke
    elif isinstance(state, ChoiceState) and None in grouped:
        node["always"] = _edges(grouped.pop(None))
    elif isinstance(state, ParallelState):
        node["type"] = "parallel"
        node["states"] = {b.name: _machine(b.initial, MachineView(b.states, b.transitions), (*path, sid, b.name))
                          for b in state.branches}
        if "done" in grouped:
            node["onDone"] = _edges(grouped.pop("done"))
    if isinstance(state, WaitState) and state.duration and "done" in grouped:
        node["after"] = {_ms(state.duration): _edges(grouped.pop("done"))}
    elif isinstance(state, ApprovalState | WaitState) and state.timeout and "timeout" in grouped:
        node["after"] = {_ms(state.timeout): _edges(grouped.pop("timeout"))}
    if grouped:
        node["on"] = {trigger or "": _edges(items) for trigger, items in grouped.items()}
    return node


def _machine(initial: str, view: MachineView, path: tuple[str, ...] = ()) -> dict[str, Any]:
    config: dict[str, Any] = {"initial": initial,
                              "states": {sid: _node(sid, s, view, path) for sid, s in view.states.items()}}
    anywhere = view.any_source()
    if anywhere:
        config["on"] = {trigger or "": _edges(items, ".") for trigger, items in anywhere.items()}
    return config


def export_xstate(workflow: Workflow) -> tuple[str, list[Finding]]:
    """The machine config as JSON text; XState can carry every workflow, so there are no findings."""
    data = workflow.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    config = {"id": workflow.id, **_machine(workflow.initial, MachineView(workflow.states, workflow.transitions))}
    if workflow.description:
        config["description"] = workflow.description
    config["meta"] = {META_KEY: {k: data[k] for k in _WORKFLOW_FIELDS if k in data} | {"title": workflow.title}}
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n", []
