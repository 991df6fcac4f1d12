"""A workflow as SCXML (W3C State Chart XML): the flat subset plus `<parallel>`.

States are `<state>`, finals `<final>` (their result as `<donedata>`), parallel states `<parallel>` with one
region `<state>` per branch. Transitions carry `event` (the trigger; none for a choice's automatic ones),
`cond` (the CEL guard; `datamodel="cel"`) and `<assign>` children. A task is an `<invoke>` of its action with
`<param>`s. The context's keys are `<data>` items. What SCXML has no element for (agents, retries, approvers,
the context schema, policies) is kept in `sw:details` attributes of the Statewright namespace.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from engine.definition import ANY_SOURCE, FinalState, ParallelState, SubflowState, TaskState, Workflow
from engine.interop.machine_view import MachineView, state_body
from engine.validation.findings import Finding

__all__ = ["ACTION_INVOKE", "SCXML_NS", "SUBFLOW_INVOKE", "SW_NS", "export_scxml"]

SCXML_NS = "http://www.w3.org/2005/07/scxml"
SW_NS = "urn:statewright:scxml"
ACTION_INVOKE = "urn:statewright:action"
SUBFLOW_INVOKE = "urn:statewright:workflow"
_WORKFLOW_FIELDS = ("version", "title", "description", "context", "policies", "schedules", "starts_on", "examples",
                    "layout")



def _q(tag: str) -> str:
    return f"{{{SCXML_NS}}}{tag}"


def _details(element: ET.Element, data: dict[str, Any]) -> None:
    if data:
        element.set(f"{{{SW_NS}}}details", json.dumps(data, ensure_ascii=False, sort_keys=True))


def _transitions(parent: ET.Element, sid: str, view: MachineView) -> None:
    for trigger, items in view.outgoing(sid).items():
        for t in items:
            edge = ET.SubElement(parent, _q("transition"), {"target": t.dest})
            if trigger is not None:
                edge.set("event", trigger)
            if t.guard is not None:
                edge.set("cond", t.guard)
            extra = {k: v for k, v in (("id", t.id), ("priority", t.priority or None), ("errors", t.errors or None),
                                       ("description", t.description), ("any_source", t.source == ANY_SOURCE or None))
                     if v is not None}
            _details(edge, extra)
            for key, expression in t.assign.items():
                ET.SubElement(edge, _q("assign"), {"location": key, "expr": expression})


def _state(parent: ET.Element, sid: str, state: Any, view: MachineView) -> None:
    body = state_body(state)
    if isinstance(state, FinalState):
        element = ET.SubElement(parent, _q("final"), {"id": sid})
        result = body.pop("result", {})
        if result:
            donedata = ET.SubElement(element, _q("donedata"))
            for key, expression in result.items():
                ET.SubElement(donedata, _q("param"), {"name": key, "expr": expression})
    elif isinstance(state, ParallelState):
        element = ET.SubElement(parent, _q("parallel"), {"id": sid})
        for branch in state.branches:
            region = ET.SubElement(element, _q("state"), {"id": branch.name, "initial": branch.initial})
            inner = MachineView(branch.states, branch.transitions)
            for inner_id, inner_state in branch.states.items():
                _state(region, inner_id, inner_state, inner)
    else:
        element = ET.SubElement(parent, _q("state"), {"id": sid})
        if isinstance(state, TaskState | SubflowState):
            invoke = ET.SubElement(element, _q("invoke"), {
                "id": sid, "type": ACTION_INVOKE if isinstance(state, TaskState) else SUBFLOW_INVOKE,
                "src": body.pop("action", None) or body.pop("workflow")})
            for key, expression in body.pop("input", {}).items():
                ET.SubElement(invoke, _q("param"), {"name": key, "expr": expression})
    element.set(f"{{{SW_NS}}}type", body.pop("type"))
    _details(element, body)
    _transitions(element, sid, view)


def export_scxml(workflow: Workflow) -> tuple[str, list[Finding]]:
    """SCXML text; every workflow fits the subset (with `sw:details`), so there are no findings."""
    root = ET.Element(_q("scxml"), {"version": "1.0", "name": workflow.id, "initial": workflow.initial,
                                    "datamodel": "cel"})
    data = workflow.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    carried = ET.SubElement(root, f"{{{SW_NS}}}workflow")
    carried.text = json.dumps({k: data[k] for k in _WORKFLOW_FIELDS if k in data} | {"title": workflow.title},
                              ensure_ascii=False, indent=1)
    keys = list(workflow.context.get("properties") or {})
    if keys:
        model = ET.SubElement(root, _q("datamodel"))
        for key in keys:
            ET.SubElement(model, _q("data"), {"id": key})
    view = MachineView(workflow.states, workflow.transitions)
    for sid, state in workflow.states.items():
        _state(root, sid, state, view)
    ET.indent(root)
    # ElementTree's prefixes are process-wide and the review pack's SVG takes the default one: claim it again
    ET.register_namespace("", SCXML_NS)
    ET.register_namespace("sw", SW_NS)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", []
