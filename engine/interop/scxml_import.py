"""SCXML → a Statewright workflow: the flat subset plus `<parallel>`.

`<state>` (a task when it has an `<invoke>`, a choice when its transitions have no event, a wait when it waits
for one event), `<final>` (with `<donedata>` as its result), `<parallel>` whose child states are the branches,
transitions with `event`, `cond` (CEL) and `<assign>`, `<datamodel>`/`<data>` as context keys, and `<raise>`
in `<onentry>` where the state's only way on is that raised event (an automatic transition). Compound states,
`<history>`, `<send>`, `<script>` and other executable content are refused, all of them in one pass, each with
a finding naming the state and pointing at the element or attribute (`/states/a/transition/0/@cond`) and giving
its line. The import records where each part of the definition came from (a `SourceMap`), so what validation
finds in the definition points into the document the same way.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from engine.definition.expressions import ExpressionError, compile_expression
from engine.interop.findings import approximated, unreadable, unsupported
from engine.interop.ids import IdentifierMap, to_identifier
from engine.interop.scxml_export import SCXML_NS, SUBFLOW_INVOKE, SW_NAME, SW_NS
from engine.interop.scxml_places import ScxmlLocator
from engine.interop.scxml_source_map import ScxmlSourceMap
from engine.interop.source_map import SourceMap, Tokens
from engine.validation.findings import Finding

__all__ = ["import_scxml"]

_STATE_TAGS = ("state", "parallel", "final")
_Made = tuple[dict[str, Any], Tokens, str | None]  # a transition, where it is in the source, the source's event


def _local(element: ET.Element) -> str:
    return element.tag.split("}", 1)[-1]


def _ns(element: ET.Element) -> str:
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def _name(element: ET.Element) -> str:
    """The Statewright name: `sw:name` where the export had to give the element another id, else its id."""
    return element.get(SW_NAME) or element.get("id") or ""


def _trigger(event: str | None) -> str | None:
    for prefix, trigger in (("done.invoke", "done"), ("done.state", "done"), ("error.", "error")):
        if event is not None and event.startswith(prefix):
            return trigger
    return event


def _cond_problem(cond: str) -> tuple[str, str] | None:
    """Why a `cond` cannot be imported (construct, why), if it cannot."""
    try:
        compile_expression(cond)
    except ExpressionError as exc:
        return f"cond '{cond}'", f"conditions are CEL and this one does not compile ({exc})"
    if "In(" in cond:
        return "In() predicate", "a condition on another region's state has no counterpart"
    return None


class _Reader:
    """Reads the states, saying every construct it cannot map (at the element or attribute: `/states/a/onexit`,
    `/states/a/transition/0/@cond`) and going on, so one pass names them all."""

    def __init__(self) -> None:
        self.ids = IdentifierMap()
        self.findings: list[Finding] = []
        self.places = ScxmlSourceMap()  # the definition's places → the elements and attributes they are from

    def refuse(self, sid: str | None, construct: str, why: str, *at: str | int) -> None:
        self.findings.append(unsupported((*(("states", sid) if sid else ()), *at), sid, construct, why))

    def details(self, element: ET.Element, name: str | None, *at: str | int) -> dict[str, Any]:
        raw = element.get(f"{{{SW_NS}}}details")
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as exc:
            self.refuse(name, "sw:details", f"not JSON: {exc}", *at, "@sw:details")
            return {}
        return value if isinstance(value, dict) else {}

    def machine(self, parent: ET.Element, initial: str | None, into: Tokens = ()) -> dict[str, Any]:
        """The states and transitions in `parent` (the document, or a parallel's region made at `into`)."""
        children = [c for c in parent if _ns(c) == SCXML_NS and _local(c) in _STATE_TAGS]
        if any(_local(child) == "history" for child in parent):
            self.refuse(parent.get("id"), "<history>", "the engine has no history states", "history")
        if not children:
            self.refuse(parent.get("id"), "states", "a machine needs at least one state")
            return {}
        names = [c.get("id") or "" for c in children]
        for repeated in sorted({n for n in names if names.count(n) > 1}):  # the second would replace the first
            self.refuse(repeated or None, f"id '{repeated}' on two states", "an SCXML id names one element")
        named = {c.get("id") or "": _name(c) for c in children}  # a target or initial names an id: its state
        for repeated in sorted({n for n in named.values() if list(named.values()).count(n) > 1}):
            self.refuse(repeated or None, f"name '{repeated}' on two states", "a state's name is unique in its machine")
        for name in named.values():
            self.ids[name]
        states: dict[str, Any] = {}
        transitions: list[_Made] = []
        for child in children:
            self.state(child, named, states, transitions, into)
        start = initial or children[0].get("id") or ""
        if start not in named:
            self.refuse(None, f"initial '{start}'", "not a state of this machine",
                        *(("states", parent.get("id") or "") if parent.get("id") else ()), "@initial")
            return {}
        self.places.initial((*into, "initial"), parent, initial, start)
        any_source = [made for made in transitions if made[0].pop("any_source", False)]
        rest = [made for made in transitions if made not in any_source]
        merged: dict[tuple[Any, ...], _Made] = {}
        for t, at, event in any_source:
            key = (t.get("trigger"), t["dest"], t.get("guard"), json.dumps(t.get("assign", {}), sort_keys=True))
            merged.setdefault(key, ({**t, "source": "*"}, at, event))
        ordered = [*rest, *merged.values()]
        for index, (t, at, event) in enumerate(ordered):
            self.places.transition((*into, "transitions", index), t, at, event)
        return {"initial": self.ids[named[start]], "states": states, "transitions": [t for t, _, _ in ordered]}

    def state(self, element: ET.Element, names: dict[str, str], states: dict[str, Any], out: list[_Made],
              into: Tokens) -> None:
        name = _name(element)
        if not element.get("id"):
            self.refuse(None, f"<{_local(element)}> without id", "every state needs an id")
            return
        sid = self.ids[name]
        tag = _local(element)
        if tag != "parallel" and any(_local(c) == "history" for c in element):
            self.refuse(name, "<history>", "the engine has no history states", "history")
        details = self.details(element, name)
        kind = element.get(f"{{{SW_NS}}}type")
        made = (*into, "states", sid)
        if tag == "final":
            body: dict[str, Any] = {"type": "final", **details}
            for donedata in element.findall(f"{{{SCXML_NS}}}donedata"):
                body["result"] = {p.get("name"): p.get("expr") for p in donedata.findall(f"{{{SCXML_NS}}}param")}
            states[sid] = body
            self.places.state(made, element, body, details)
            return
        if tag == "parallel":
            states[sid] = {"type": "parallel", **details, "branches": self.regions(element, name, made)}
            self.places.state(made, element, states[sid], details)
        elif any(_local(c) in _STATE_TAGS for c in element):
            self.refuse(name, "compound state", "nested states are not supported: flatten them, or use <parallel> "
                        "with one region per branch", next(_local(c) for c in element if _local(c) in _STATE_TAGS))
        else:
            simple = self.simple(element, name, kind, details)
            if simple is not None:
                states[sid] = simple
                self.places.state(made, element, simple, details)
        raised = self.entry(element, name)
        self.edges(element, name, sid, kind=kind, raised=raised, names=names, states=states, out=out)

    def regions(self, element: ET.Element, name: str, made: Tokens) -> list[dict[str, Any]]:
        branches: list[dict[str, Any]] = []
        names_here = IdentifierMap()  # a branch's name is unique within its parallel state only
        for region in element:
            if _ns(region) != SCXML_NS or _local(region) in ("transition", "datamodel"):
                continue
            if _local(region) != "state":
                self.refuse(name, f"<{_local(region)}> in <parallel>", "a parallel's children are its regions",
                            _local(region))
                continue
            into = (*made, "branches", len(branches))
            self.places.region(into, region)
            branches.append({"name": names_here.fresh(to_identifier(_name(region) or "branch", "branch")),
                             **self.machine(region, region.get("initial"), into)})
        return branches

    def edges(self, element: ET.Element, name: str, sid: str, *, kind: str | None, raised: str | None,
              names: dict[str, str], states: dict[str, Any], out: list[_Made]) -> None:
        edges = element.findall(f"{{{SCXML_NS}}}transition")
        events = {e.get("event") for e in edges if e.get("event")}
        body = states.get(sid, {})
        plain_wait = kind is None and body.get("type") == "wait"
        for i, edge in enumerate(edges):
            event = edge.get("event")
            if event is not None and " " in event.strip():
                self.refuse(name, f"event '{event}'", "a transition on several events has no counterpart",
                            "transition", i, "@event")
            trigger = _trigger(event)
            if raised is not None and trigger == raised:
                trigger = None
            elif plain_wait:
                trigger = "done"
            made = self.transition(edge, name, sid, trigger=trigger, names=names, at=("transition", i))
            if made is not None:
                out.append((made, ("states", element.get("id") or "", "transition", i), event))
        if kind is None and body.get("type") == "choice" and events - ({raised} if raised else set()):
            self.refuse(name, "state", "a state waiting for several events has no counterpart", "transition")

    def simple(  # noqa: PLR0911 - one return per kind of state
        self, element: ET.Element, name: str, kind: str | None, details: dict[str, Any]
    ) -> dict[str, Any] | None:
        invokes = element.findall(f"{{{SCXML_NS}}}invoke")
        if len(invokes) > 1:
            self.refuse(name, "several <invoke>", "a state runs one action", "invoke", 1)
            return None
        if invokes:
            invoke = invokes[0]
            subflow = kind == "subflow" or invoke.get("type") == SUBFLOW_INVOKE
            if not invoke.get("src"):
                self.refuse(name, "<invoke> without src", "src names the action", "invoke", "@src")
                return None
            body = {**details, "type": "subflow" if subflow else "task",
                    ("workflow" if subflow else "action"): invoke.get("src")}
            params = {p.get("name"): p.get("expr") for p in invoke.findall(f"{{{SCXML_NS}}}param")}
            if params:
                body["input"] = params
            return body
        if kind is not None:
            return {**details, "type": kind}
        edges = element.findall(f"{{{SCXML_NS}}}transition")
        # a transition on several events is refused by itself; an <onentry> but a <raise> too (see `entry`)
        events = {e.get("event") for e in edges if e.get("event") and " " not in (e.get("event") or "").strip()}
        if not events or self.raises(element):
            return {"type": "choice"}
        if len(events) == 1:
            event = next(iter(events)) or "event"
            return {"type": "wait", "event": {"type": self.ids.fresh(event.replace(".", "_"))}}
        self.refuse(name, "state", "a state waiting for several events has no counterpart (use an approval, or one "
                    "wait per event)", "transition")
        return None

    @staticmethod
    def raises(element: ET.Element) -> bool:
        """Whether the state's <onentry> is the one supported: a single <raise> of an event."""
        return any(_local(c) == "onentry" and len(c) == 1 and _local(c[0]) == "raise" and c[0].get("event")
                   for c in element)

    def entry(self, element: ET.Element, name: str) -> str | None:
        raised: str | None = None
        for child in element:
            tag = _local(child)
            if tag == "onexit":
                self.refuse(name, "<onexit>", "states run no exit actions", "onexit")
            if tag != "onentry":
                continue
            content = list(child)
            if len(content) == 1 and _local(content[0]) == "raise" and content[0].get("event"):
                raised = content[0].get("event")
                continue
            for what in [_local(c) for c in content] if content else ["empty"]:
                self.refuse(name, f"<{what}> in <onentry>", "only a single <raise> of the event the state moves on "
                            "is supported (states run no entry actions)", "onentry",
                            *((what,) if content else ()))
        return raised

    def transition(self, edge: ET.Element, name: str, sid: str, *, trigger: str | None, names: dict[str, str],
                   at: tuple[str | int, ...]) -> dict[str, Any] | None:
        refused = len(self.findings)
        target = edge.get("target")
        if not target or " " in target.strip():
            self.refuse(name, "transition", "each transition needs exactly one target", *at, "@target")
        elif target not in names:
            self.refuse(name, f"target '{target}'", "not a state of this machine (or inside a compound state)", *at,
                        "@target")
        cond = edge.get("cond")
        problem = _cond_problem(cond) if cond else None
        if problem is not None:
            self.refuse(name, *problem, *at, "@cond")
        assign: dict[str, Any] = {}
        for child in edge:
            if _local(child) != "assign":
                self.refuse(name, f"<{_local(child)}> in a transition", "transitions only <assign> context keys", *at,
                            _local(child))
            elif not child.get("location") or not child.get("expr"):
                self.refuse(name, "<assign>", "location and expr are required (inline content is not supported)",
                            *at, "assign")
            else:
                assign[child.get("location") or ""] = child.get("expr")
        details = self.details(edge, name, *at)
        if len(self.findings) > refused or not target:
            return None
        t: dict[str, Any] = {"source": sid, **({"trigger": trigger} if trigger else {}),
                             "dest": self.ids[names[target]]}
        if cond:
            t["guard"] = cond
        if assign:
            t["assign"] = assign
        t.update(details)
        return t


def _datamodel(root: ET.Element) -> list[Finding]:
    """Expressions are read as CEL: a document that says they are ECMAScript (or XPath) means something else."""
    datamodel = root.get("datamodel")
    if datamodel in (None, "cel", "null"):
        return []
    return [unsupported(("@datamodel",), None, f'datamodel="{datamodel}"', "expressions are CEL here (datamodel="
                        '"cel"); an ECMAScript or XPath one may read the same text differently')]


def import_scxml(text: str | bytes, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding], SourceMap]:
    """The workflow document, every finding (None and the refusals when anything is refused), and where each part
    of the document came from in the SCXML — each finding, and each place, with its line in `text`."""
    if (text.find(b"<!DOCTYPE") if isinstance(text, bytes) else text.find("<!DOCTYPE")) >= 0:
        return None, [unreadable("SCXML with a DOCTYPE is refused (entities are not expanded)")], SourceMap()
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DOCTYPE (refused above), so no entities to expand
    except ET.ParseError as exc:
        line, column = exc.position
        return None, [unreadable(f"not well-formed XML: {exc}", line, column + 1)], SourceMap()
    if root.tag != f"{{{SCXML_NS}}}scxml":
        return None, [unreadable("the root element is not <scxml> in the SCXML namespace")], SourceMap()
    carried: dict[str, Any] = {}
    extra = root.find(f"{{{SW_NS}}}workflow")
    if extra is not None and extra.text:
        try:
            carried = json.loads(extra.text)
        except ValueError as exc:
            return None, [unreadable(f"sw:workflow is not JSON: {exc}")], SourceMap()
    reader = _Reader()
    locator = ScxmlLocator(text, root)
    reader.places.locate = locator
    reader.findings += _datamodel(root)
    for child in root:  # beside the states: the data model, and what the export carries in sw:workflow
        if _ns(child) == SCXML_NS and _local(child) not in (*_STATE_TAGS, "datamodel"):
            reader.findings.append(unsupported((_local(child),), None, f"<{_local(child)}> in <scxml>",
                                               "the machine itself runs no code; a task state invokes an action"))
    machine = reader.machine(root, root.get("initial"))
    if reader.findings:  # each one a refusal
        return None, [locator.locate(f) for f in reader.findings], reader.places
    findings = [approximated(("datamodel", "data", str(d.get("id"))), None, f"<data id=\"{d.get('id')}\">",
                             "its initial value is not kept: an instance starts from the context it is given")
                for d in root.iter(f"{{{SCXML_NS}}}data") if d.get("expr") is not None or d.get("src") is not None
                or (d.text or "").strip()]
    keys = [_name(d) for d in root.iter(f"{{{SCXML_NS}}}data") if d.get("id")]
    given = carried.pop("context", None)
    context = given or {"type": "object", "properties": {k: {} for k in keys}}
    reader.places.workflow(root, carried, context_carried=bool(given))
    workflow = {"id": workflow_id, "title": root.get("name") or workflow_id, **carried, "context": context,
                **machine}
    return workflow, [locator.locate(f) for f in findings], reader.places
