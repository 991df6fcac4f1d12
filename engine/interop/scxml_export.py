"""A workflow as SCXML (W3C State Chart XML): the flat subset plus `<parallel>`.

States are `<state>`, finals `<final>` (their result as `<donedata>`), parallel states `<parallel>` with one
region `<state>` per branch. Transitions carry `event` (the trigger; none for a choice's automatic ones),
`cond` (the CEL guard; `datamodel="cel"`) and `<assign>` children. A task is an `<invoke>` of its action with
`<param>`s. The context's keys are `<data>` items. What SCXML has no element for (agents, retries, approvers,
the context schema, policies) is kept in `sw:details` attributes of the Statewright namespace.
Every `id` is distinct in the document (see `scxml_ids`): where a scoped name had to give way, `sw:name` keeps it.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from engine.definition import ANY_SOURCE, FinalState, ParallelState, SubflowState, TaskState, Workflow
from engine.interop.machine_view import MachineView, state_body
from engine.interop.scxml_ids import XmlIds
from engine.validation.findings import Finding

__all__ = ["ACTION_INVOKE", "SCXML_NS", "SUBFLOW_INVOKE", "SW_NAME", "SW_NS", "export_scxml"]

SCXML_NS = "http://www.w3.org/2005/07/scxml"
SW_NS = "urn:statewright:scxml"
ACTION_INVOKE = "urn:statewright:action"
SUBFLOW_INVOKE = "urn:statewright:workflow"
SW_NAME = f"{{{SW_NS}}}name"  # a state's, branch's or context key's name where its XML id had to differ
_WORKFLOW_FIELDS = ("version", "title", "description", "context", "policies", "schedules", "starts_on", "examples",
                    "layout")



def _q(tag: str) -> str:
    return f"{{{SCXML_NS}}}{tag}"


def _details(element: ET.Element, data: dict[str, Any]) -> None:
    if data:
        element.set(f"{{{SW_NS}}}details", json.dumps(data, ensure_ascii=False, sort_keys=True))


def _named(element: ET.Element, xml_id: str, name: str) -> None:
    """The element's id, and its Statewright name in `sw:name` where the id had to differ from it."""
    element.set("id", xml_id)
    if xml_id != name:
        element.set(SW_NAME, name)


class _Writer:
    def __init__(self) -> None:
        self.ids = XmlIds()

    def machine(self, parent: ET.Element, view: MachineView, scope: str | None) -> dict[str, str]:
        """The states of one machine (the workflow, or a branch) under `parent`; their names → their ids."""
        if scope is None:  # the workflow's own states keep their names: they are unique and XML names already
            self.ids.reserve(list(view.states))
            ids = {sid: sid for sid in view.states}
        else:
            ids = {sid: self.ids.claim(sid, scope) for sid in view.states}
        for sid, state in view.states.items():
            self.state(parent, sid, state, view, ids)
        return ids

    def state(self, parent: ET.Element, sid: str, state: Any, view: MachineView, ids: dict[str, str]) -> None:
        body = state_body(state)
        xml_id = ids[sid]
        if isinstance(state, FinalState):
            element = ET.SubElement(parent, _q("final"))
            result = body.pop("result", {})
            if result:
                donedata = ET.SubElement(element, _q("donedata"))
                for key, expression in result.items():
                    ET.SubElement(donedata, _q("param"), {"name": key, "expr": expression})
        elif isinstance(state, ParallelState):
            element = ET.SubElement(parent, _q("parallel"))
            for branch in state.branches:
                region = ET.SubElement(element, _q("state"))
                _named(region, self.ids.claim(branch.name, xml_id), branch.name)
                inner = self.machine(region, MachineView(branch.states, branch.transitions), region.get("id"))
                region.set("initial", inner[branch.initial])
        else:
            element = ET.SubElement(parent, _q("state"))
            if isinstance(state, TaskState | SubflowState):
                invoke = ET.SubElement(element, _q("invoke"), {
                    "id": self.ids.claim(f"{xml_id}.invoke"),
                    "type": ACTION_INVOKE if isinstance(state, TaskState) else SUBFLOW_INVOKE,
                    "src": body.pop("action", None) or body.pop("workflow")})
                for key, expression in body.pop("input", {}).items():
                    ET.SubElement(invoke, _q("param"), {"name": key, "expr": expression})
        # the id first, as the element was always written
        element.attrib = {"id": xml_id, **({SW_NAME: sid} if xml_id != sid else {}), **element.attrib}
        element.set(f"{{{SW_NS}}}type", body.pop("type"))
        _details(element, body)
        _transitions(element, sid, view, ids)


def _transitions(parent: ET.Element, sid: str, view: MachineView, ids: dict[str, str]) -> None:
    for trigger, items in view.outgoing(sid).items():
        for t in items:
            edge = ET.SubElement(parent, _q("transition"), {"target": ids[t.dest]})
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


def export_scxml(workflow: Workflow) -> tuple[str, list[Finding]]:
    """SCXML text; every workflow fits the subset (with `sw:details`), so there are no findings."""
    root = ET.Element(_q("scxml"), {"version": "1.0", "name": workflow.id, "initial": workflow.initial,
                                    "datamodel": "cel"})
    data = workflow.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    carried = ET.SubElement(root, f"{{{SW_NS}}}workflow")
    carried.text = json.dumps({k: data[k] for k in _WORKFLOW_FIELDS if k in data} | {"title": workflow.title},
                              ensure_ascii=False, indent=1)
    keys = list(workflow.context.get("properties") or {})
    items = []
    if keys:
        model = ET.SubElement(root, _q("datamodel"))
        items = [ET.SubElement(model, _q("data")) for _ in keys]
    writer = _Writer()
    writer.machine(root, MachineView(workflow.states, workflow.transitions), None)
    for key, item in zip(keys, items, strict=True):  # after the states: a key named like a state gives way
        _named(item, writer.ids.claim(key, "data"), key)
    ET.indent(root)
    # ElementTree's prefixes are process-wide and the review pack's SVG takes the default one: claim it again
    ET.register_namespace("", SCXML_NS)
    ET.register_namespace("sw", SW_NS)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", []
