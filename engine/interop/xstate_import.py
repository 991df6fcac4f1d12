"""An XState v5 machine config (JSON) → a Statewright workflow.

Reads what `export_xstate` writes — and flat machines written by hand or in Stately's editor: `invoke` is a
task (its `src` the action), `always` a choice, `after` a timed wait, a state waiting for one event a wait for
that event, `type: "final"` a final and `type: "parallel"` a parallel state whose regions are its branches.
Guards must carry a CEL `expression` in their params. Compound (nested) states and history are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.interop.findings import approximated, unsupported
from engine.interop.ids import IdentifierMap
from engine.interop.xstate_export import META_KEY
from engine.validation.findings import Finding

__all__ = ["import_xstate"]

_NODE_KEYS = {"description", "meta", "type", "invoke", "always", "after", "on", "states", "initial", "onDone", "id",
              "tags", "output"}


# `reenter` only decides whether entry and exit actions run again, and a state here has none
_TRANSITION_KEYS = {"target", "guard", "actions", "meta", "description", "reenter"}
_TRANSITION_WHY = {
    "cond": "XState v4's guard, a name for code: write it as v5's guard {type, params: {expression: <CEL>}}",
    "in": "a guard on another state's being active has no counterpart",
    "internal": "XState v4's internal transitions concern entry and exit actions, which run nowhere here",
}


_ROOT_KEYS = {"id", "initial", "states", "on", "meta", "description", "context", "type", "version"}
# TypeScript typing and v4 options: they change nothing a machine does
_ROOT_TYPING = {"types", "tsTypes", "schema", "predictableActionArguments", "preserveActionOrder"}
_ROOT_WHY = {
    "entry": "entry/exit actions run nowhere; tasks invoke", "exit": "entry/exit actions run nowhere; tasks invoke",
    "after": "a delay on the whole machine has no counterpart", "always": "the machine itself has no transitions",
    "invoke": "the machine itself invokes nothing; a task state does",
}


class _Refuse(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


@dataclass
class _Build:
    ids: IdentifierMap
    where: tuple[str | int, ...]
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[dict[str, Any]] = field(default_factory=list)

    def refuse(self, name: str | None, construct: str, why: str, *at: str | int) -> _Refuse:
        return _Refuse(unsupported((*self.where, *(("states", name) if name else ()), *at), name, construct, why))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _target(b: _Build, name: str, raw: Any, names: set[str]) -> str:
    text = raw.get("target") if isinstance(raw, dict) else raw
    if isinstance(text, list) and len(text) == 1:
        text = text[0]
    if not isinstance(text, str):
        raise b.refuse(name, "transition", "each transition needs one target (targetless transitions and multiple "
                       "targets are not supported)")
    plain = text.removeprefix(".").removeprefix("#")
    if "." in plain:
        raise b.refuse(name, f"target '{text}'", "targets in nested states are not supported (compound states)")
    if plain not in names:
        raise b.refuse(name, f"target '{text}'", "not a state of this machine")
    return b.ids[plain]


def _edge(b: _Build, name: str, source: str | list[str] | None, *, trigger: str | None, raw: Any,
          names: set[str]) -> dict[str, Any]:
    edge: dict[str, Any] = {"source": source, **({"trigger": trigger} if trigger else {}),
                            "dest": _target(b, name, raw, names)}
    if not isinstance(raw, dict):
        return edge
    extra = sorted(set(raw) - _TRANSITION_KEYS)
    if extra:
        why = _TRANSITION_WHY.get(extra[0], "no Statewright counterpart: a transition has a target, a guard and "
                                  "set_… actions")
        raise b.refuse(name, f"transition field '{extra[0]}'", why)
    guard = raw.get("guard")
    if guard is not None:
        params = guard.get("params") if isinstance(guard, dict) else None
        if not isinstance(params, dict) or not isinstance(params.get("expression"), str):
            label = guard.get("type") if isinstance(guard, dict) else guard
            raise b.refuse(name, f"guard '{label}'", "a guard needs its CEL condition in params.expression "
                           "(guards are CEL, never code)")
        edge["guard"] = params["expression"]
    for action in _list(raw.get("actions")):
        params = action.get("params") if isinstance(action, dict) else None
        kind = action.get("type") if isinstance(action, dict) else action
        if not (isinstance(kind, str) and kind.startswith("set_") and isinstance(params, dict)):
            raise b.refuse(name, f"action '{kind}'", "transitions only assign context keys (set_… with CEL params); "
                           "other actions run in task states")
        edge.setdefault("assign", {}).update(params)
    meta = (raw.get("meta") or {}).get(META_KEY) or {}
    edge.update({k: v for k, v in meta.items() if k in ("id", "priority", "errors")})
    if raw.get("description"):
        edge["description"] = raw["description"]
    return edge


def _body(b: _Build, name: str, node: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0911, PLR0912 - by node kind
    meta = dict((node.get("meta") or {}).get(META_KEY) or {})
    invoke = node.get("invoke")
    if isinstance(invoke, list):
        if len(invoke) != 1:
            raise b.refuse(name, "invoke", "a state invokes one action")
        invoke = invoke[0]
    if node.get("type") == "final":
        return meta or {"type": "final"}
    if node.get("type") == "parallel":
        return {**meta, "type": "parallel"}
    if node.get("type") == "history":
        raise b.refuse(name, "history state", "the engine has no history states")
    if invoke is not None:
        if not isinstance(invoke, dict) or not isinstance(invoke.get("src"), str):
            raise b.refuse(name, "invoke", "an invoke needs a src naming the action")
        kind = meta.get("type", "task")
        body = {**meta, "type": kind, ("workflow" if kind == "subflow" else "action"): invoke["src"]}
        if invoke.get("input"):
            body["input"] = invoke["input"]
        return body
    if meta:
        return meta
    if node.get("always"):
        return {"type": "choice"}
    events = [e for e in (node.get("on") or {}) if e]
    if node.get("after") and not events:
        delays = list(node["after"])
        if len(delays) != 1 or not str(delays[0]).isdigit():
            raise b.refuse(name, "after", "one delay in milliseconds is supported")
        return {"type": "wait", "duration": f"PT{int(delays[0]) / 1000:g}S"}
    if len(events) == 1:
        return {"type": "wait", "event": {"type": events[0]}}
    raise b.refuse(name, "state", "a state that waits for several events has no Statewright counterpart "
                   "(use an approval, or one wait per event)")


def _transitions(b: _Build, name: str, sid: str, *, node: dict[str, Any], body: dict[str, Any],
                 names: set[str]) -> None:
    invoke = node.get("invoke")
    invoke = invoke[0] if isinstance(invoke, list) and invoke else invoke
    pairs: list[tuple[str | None, Any]] = []
    if isinstance(invoke, dict):
        pairs += [("done", invoke.get("onDone")), ("error", invoke.get("onError"))]
    pairs += [(None, node.get("always")), ("done", node.get("onDone"))]
    after = node.get("after") or {}
    plain_event_wait = body["type"] == "wait" and "event" in body and not (node.get("meta") or {}).get(META_KEY)
    for raw in after.values():
        pairs.append(("done" if body["type"] == "wait" and "duration" in body else "timeout", raw))
    for event, raw in (node.get("on") or {}).items():
        pairs.append(("done" if plain_event_wait else (event or None), raw))
    for trigger, raw in pairs:
        for item in _list(raw):
            b.transitions.append(_edge(b, name, sid, trigger=trigger, raw=item, names=names))


def _machine(b: _Build, config: dict[str, Any]) -> dict[str, Any]:
    states = config.get("states")
    if not isinstance(states, dict) or not states:
        raise b.refuse(None, "states", "a machine needs states")
    names = set(states)
    for name in states:
        b.ids[name]
    for name, node in states.items():
        if not isinstance(node, dict):
            raise b.refuse(name, "state", "a state node is an object")
        extra = sorted(set(node) - _NODE_KEYS)
        if extra:
            raise b.refuse(name, extra[0], "no Statewright counterpart (entry/exit actions run nowhere; tasks invoke)")
        if "states" in node and node.get("type") != "parallel":
            raise b.refuse(name, "compound state", "nested states are not supported: flatten them, or make the "
                           "state parallel with one region per branch")
        sid = b.ids[name]
        body = _body(b, name, node)
        if body["type"] == "parallel":
            body["branches"] = []
            for region, sub in (node.get("states") or {}).items():
                inner = _Build(b.ids, (*b.where, "states", name, "states", region))
                built = _machine(inner, sub if isinstance(sub, dict) else {})
                body["branches"].append({"name": region, **built})
        b.states[sid] = body
        _transitions(b, name, sid, node=node, body=body, names=names)
    for trigger, raw in (config.get("on") or {}).items():
        for item in _list(raw):
            b.transitions.append(_edge(b, "", "*", trigger=trigger or None, raw=item, names=names))
    initial = config.get("initial")
    if not isinstance(initial, str) or initial not in names:
        raise b.refuse(None, "initial", f"'{initial}' is not a state")
    return {"initial": b.ids[initial], "states": b.states, "transitions": b.transitions}


def import_xstate(config: Any, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    if not isinstance(config, dict):
        return None, [unsupported((), None, "the document", "an XState machine config is a JSON object")]
    extra = sorted(set(config) - _ROOT_KEYS - _ROOT_TYPING)
    if extra:
        why = _ROOT_WHY.get(extra[0], "no Statewright counterpart on the machine itself")
        return None, [unsupported((extra[0],), None, f"the machine's '{extra[0]}'", why)]
    if config.get("type") not in (None, "compound"):
        return None, [unsupported(("type",), None, f"a {config.get('type')} machine", "the machine itself is a "
                                  "sequence of states: make one parallel state that holds the regions")]
    findings = []
    if config.get("context"):
        findings.append(approximated(("context",), None, "context", "XState's initial values are not kept: an "
                                     "instance starts from the context it is given (the keys become its schema's)"))
    build = _Build(IdentifierMap(), ())
    try:
        machine = _machine(build, config)
    except _Refuse as refusal:
        return None, [refusal.finding]
    meta = (config.get("meta") or {}).get(META_KEY) or {}
    workflow = {"id": workflow_id, "title": config.get("id") or workflow_id, **meta, **machine}
    if config.get("description") and "description" not in workflow:
        workflow["description"] = config["description"]
    if isinstance(config.get("context"), dict) and config["context"] and "context" not in workflow:
        workflow["context"] = {"type": "object", "properties": {str(k): {} for k in config["context"]}}
    return workflow, findings
