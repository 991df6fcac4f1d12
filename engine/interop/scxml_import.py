"""SCXML → a Statewright workflow: the flat subset plus `<parallel>`.

`<state>` (a task when it has an `<invoke>`, a choice when its transitions have no event, a wait when it waits
for one event), `<final>` (with `<donedata>` as its result), `<parallel>` whose child states are the branches,
transitions with `event`, `cond` (CEL) and `<assign>`, `<datamodel>`/`<data>` as context keys, and `<raise>`
in `<onentry>` where the state's only way on is that raised event (an automatic transition). Compound states,
`<history>`, `<send>`, `<script>` and other executable content are refused with a finding naming the state.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from engine.definition.expressions import ExpressionError, compile_expression
from engine.interop.findings import approximated, unreadable, unsupported
from engine.interop.ids import IdentifierMap, to_identifier
from engine.interop.scxml_export import SCXML_NS, SUBFLOW_INVOKE, SW_NAME, SW_NS
from engine.validation.findings import Finding

__all__ = ["import_scxml"]

_STATE_TAGS = ("state", "parallel", "final")


class _Refuse(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


def _local(element: ET.Element) -> str:
    return element.tag.split("}", 1)[-1]


def _ns(element: ET.Element) -> str:
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def _refuse(sid: str | None, construct: str, why: str) -> _Refuse:
    return _Refuse(unsupported(("states", sid) if sid else (), sid, construct, why))


def _name(element: ET.Element) -> str:
    """The Statewright name: `sw:name` where the export had to give the element another id, else its id."""
    return element.get(SW_NAME) or element.get("id") or ""


def _details(element: ET.Element) -> dict[str, Any]:
    raw = element.get(f"{{{SW_NS}}}details")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise _refuse(element.get("id"), "sw:details", f"not JSON: {exc}") from exc
    return value if isinstance(value, dict) else {}


def _trigger(event: str | None, sid: str) -> str | None:
    if event is None:
        return None
    if " " in event.strip():
        raise _refuse(sid, f"event '{event}'", "a transition on several events has no counterpart")
    for prefix, trigger in (("done.invoke", "done"), ("done.state", "done"), ("error.", "error")):
        if event.startswith(prefix):
            return trigger
    return event


def _cond(sid: str, cond: str) -> str:
    try:
        compile_expression(cond)
    except ExpressionError as exc:
        raise _refuse(sid, f"cond '{cond}'", f"conditions are CEL and this one does not compile ({exc})") from exc
    if "In(" in cond:
        raise _refuse(sid, "In() predicate", "a condition on another region's state has no counterpart")
    return cond


class _Reader:
    def __init__(self) -> None:
        self.ids = IdentifierMap()

    def machine(self, parent: ET.Element, initial: str | None) -> dict[str, Any]:
        children = [c for c in parent if _ns(c) == SCXML_NS and _local(c) in _STATE_TAGS]
        for child in parent:
            if _local(child) == "history":
                raise _refuse(parent.get("id"), "<history>", "the engine has no history states")
        if not children:
            raise _refuse(parent.get("id"), "states", "a machine needs at least one state")
        names = {c.get("id") or "" for c in children}
        if len(names) < len(children):  # the second would silently replace the first
            repeated = next(n for n in names if sum((c.get("id") or "") == n for c in children) > 1)
            raise _refuse(repeated or None, f"id '{repeated}' on two states", "an SCXML id names one element")
        named = {c.get("id") or "": _name(c) for c in children}  # a target or initial names an id: its state
        if len(set(named.values())) < len(named):
            repeated = next(n for n in named.values() if list(named.values()).count(n) > 1)
            raise _refuse(repeated or None, f"name '{repeated}' on two states",
                          "a state's name is unique in its machine")
        for name in named.values():
            self.ids[name]
        states: dict[str, Any] = {}
        transitions: list[dict[str, Any]] = []
        for child in children:
            self.state(child, named, states, transitions)
        start = initial or children[0].get("id") or ""
        if start not in named:
            raise _refuse(None, f"initial '{start}'", "not a state of this machine")
        any_source = [t for t in transitions if t.pop("any_source", False)]
        rest = [t for t in transitions if t not in any_source]
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for t in any_source:
            key = (t.get("trigger"), t["dest"], t.get("guard"), json.dumps(t.get("assign", {}), sort_keys=True))
            merged.setdefault(key, {**t, "source": "*"})
        return {"initial": self.ids[named[start]], "states": states, "transitions": [*rest, *merged.values()]}

    def state(  # noqa: PLR0912 - final, parallel and simple states, then their transitions
        self, element: ET.Element, names: dict[str, str], states: dict[str, Any], out: list[dict[str, Any]]
    ) -> None:
        name = _name(element)
        if not element.get("id"):
            raise _refuse(None, f"<{_local(element)}> without id", "every state needs an id")
        sid = self.ids[name]
        tag = _local(element)
        if any(_local(c) == "history" for c in element):
            raise _refuse(name, "<history>", "the engine has no history states")
        details = _details(element)
        kind = element.get(f"{{{SW_NS}}}type")
        if tag == "final":
            body: dict[str, Any] = {"type": "final", **details}
            for donedata in element.findall(f"{{{SCXML_NS}}}donedata"):
                body["result"] = {p.get("name"): p.get("expr") for p in donedata.findall(f"{{{SCXML_NS}}}param")}
            states[sid] = body
            return
        if tag == "parallel":
            branches = []
            names_here = IdentifierMap()  # a branch's name is unique within its parallel state only
            for region in element:
                if _ns(region) != SCXML_NS or _local(region) in ("transition", "datamodel"):
                    continue
                if _local(region) != "state":
                    raise _refuse(name, f"<{_local(region)}> in <parallel>", "a parallel's children are its regions")
                branches.append({"name": names_here.fresh(to_identifier(_name(region) or "branch", "branch")),
                                 **_Reader.machine(self, region, region.get("initial"))})
            states[sid] = {"type": "parallel", **details, "branches": branches}
        else:
            if any(_local(c) in _STATE_TAGS for c in element):
                raise _refuse(name, "compound state", "nested states are not supported: flatten them, or use "
                              "<parallel> with one region per branch")
            states[sid] = self.simple(element, name, kind, details)
        raised = self.entry(element, name)
        edges = element.findall(f"{{{SCXML_NS}}}transition")
        events = {e.get("event") for e in edges if e.get("event")}
        plain_wait = kind is None and states[sid]["type"] == "wait"
        for edge in edges:
            trigger = _trigger(edge.get("event"), name)
            if raised is not None and trigger == raised:
                trigger = None
            elif plain_wait:
                trigger = "done"
            out.append(self.transition(edge, name, sid, trigger, names))
        if kind is None and states[sid]["type"] == "choice" and events - ({raised} if raised else set()):
            raise _refuse(name, "state", "a state waiting for several events has no counterpart")

    def simple(self, element: ET.Element, name: str, kind: str | None, details: dict[str, Any]) -> dict[str, Any]:
        invokes = element.findall(f"{{{SCXML_NS}}}invoke")
        if len(invokes) > 1:
            raise _refuse(name, "several <invoke>", "a state runs one action")
        if invokes:
            invoke = invokes[0]
            subflow = kind == "subflow" or invoke.get("type") == SUBFLOW_INVOKE
            if not invoke.get("src"):
                raise _refuse(name, "<invoke> without src", "src names the action")
            body = {**details, "type": "subflow" if subflow else "task",
                    ("workflow" if subflow else "action"): invoke.get("src")}
            params = {p.get("name"): p.get("expr") for p in invoke.findall(f"{{{SCXML_NS}}}param")}
            if params:
                body["input"] = params
            return body
        if kind is not None:
            return {**details, "type": kind}
        edges = element.findall(f"{{{SCXML_NS}}}transition")
        events = {e.get("event") for e in edges if e.get("event")}
        has_raise = any(_local(c) == "onentry" for c in element)
        if not events or has_raise:
            return {"type": "choice"}
        if len(events) == 1:
            event = next(iter(events)) or "event"
            return {"type": "wait", "event": {"type": self.ids.fresh(event.replace(".", "_"))}}
        raise _refuse(name, "state", "a state waiting for several events has no counterpart (use an approval, or "
                      "one wait per event)")

    def entry(self, element: ET.Element, name: str) -> str | None:
        raised: str | None = None
        for child in element:
            tag = _local(child)
            if tag == "onexit":
                raise _refuse(name, "<onexit>", "states run no exit actions")
            if tag != "onentry":
                continue
            content = list(child)
            if len(content) != 1 or _local(content[0]) != "raise" or not content[0].get("event"):
                what = _local(content[0]) if content else "empty"
                raise _refuse(name, f"<{what}> in <onentry>", "only a single <raise> of the event the state moves "
                              "on is supported (states run no entry actions)")
            raised = content[0].get("event")
        return raised

    def transition(self, edge: ET.Element, name: str, sid: str, trigger: str | None, names: dict[str, str]
                   ) -> dict[str, Any]:
        target = edge.get("target")
        if not target or " " in target.strip():
            raise _refuse(name, "transition", "each transition needs exactly one target")
        if target not in names:
            raise _refuse(name, f"target '{target}'", "not a state of this machine (or inside a compound state)")
        t: dict[str, Any] = {"source": sid, **({"trigger": trigger} if trigger else {}),
                             "dest": self.ids[names[target]]}
        if edge.get("cond"):
            t["guard"] = _cond(name, edge.get("cond") or "")
        for child in edge:
            if _local(child) != "assign":
                raise _refuse(name, f"<{_local(child)}> in a transition", "transitions only <assign> context keys")
            if not child.get("location") or not child.get("expr"):
                raise _refuse(name, "<assign>", "location and expr are required (inline content is not supported)")
            t.setdefault("assign", {})[child.get("location")] = child.get("expr")
        t.update(_details(edge))
        return t


def import_scxml(text: str | bytes, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding]]:  # noqa: PLR0911
    if (text.find(b"<!DOCTYPE") if isinstance(text, bytes) else text.find("<!DOCTYPE")) >= 0:
        return None, [unreadable("SCXML with a DOCTYPE is refused (entities are not expanded)")]
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DOCTYPE (refused above), so no entities to expand
    except ET.ParseError as exc:
        line, column = exc.position
        return None, [unreadable(f"not well-formed XML: {exc}", line, column)]
    if root.tag != f"{{{SCXML_NS}}}scxml":
        return None, [unreadable("the root element is not <scxml> in the SCXML namespace")]
    carried: dict[str, Any] = {}
    extra = root.find(f"{{{SW_NS}}}workflow")
    if extra is not None and extra.text:
        try:
            carried = json.loads(extra.text)
        except ValueError as exc:
            return None, [unreadable(f"sw:workflow is not JSON: {exc}")]
    for child in root:  # beside the states: the data model, and what the export carries in sw:workflow
        if _ns(child) == SCXML_NS and _local(child) not in (*_STATE_TAGS, "datamodel"):
            return None, [unsupported((_local(child),), None, f"<{_local(child)}> in <scxml>",
                                      "the machine itself runs no code; a task state invokes an action")]
    reader = _Reader()
    try:
        machine = reader.machine(root, root.get("initial"))
    except _Refuse as refusal:
        return None, [refusal.finding]
    findings = [approximated(("datamodel", "data", str(d.get("id"))), None, f"<data id=\"{d.get('id')}\">",
                             "its initial value is not kept: an instance starts from the context it is given")
                for d in root.iter(f"{{{SCXML_NS}}}data") if d.get("expr") is not None or d.get("src") is not None
                or (d.text or "").strip()]
    keys = [_name(d) for d in root.iter(f"{{{SCXML_NS}}}data") if d.get("id")]
    context = carried.pop("context", None) or {"type": "object", "properties": {k: {} for k in keys}}
    workflow = {"id": workflow_id, "title": root.get("name") or workflow_id, **carried, "context": context,
                **machine}
    return workflow, findings
