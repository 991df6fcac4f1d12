"""An XState v5 machine config (JSON) → a Statewright workflow.

Reads what `export_xstate` writes — and flat machines written by hand or in Stately's editor: `invoke` is a
task (its `src` the action), `always` a choice, `after` alone a timed wait, a state waiting for one event a wait
for that event (an `after` beside it the wait's timeout: `xstate_delays`), `type: "final"` a final and
`type: "parallel"` a parallel state whose regions are its branches.
Guards must carry a CEL `expression` in their params. Compound (nested) states and history are refused.

Every construct without a counterpart is reported in one pass, each at its field; and the import records where
each part of the definition came from (a `SourceMap`), so validation's findings point into the machine config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.interop.findings import approximated, unsupported
from engine.interop.ids import IdentifierMap
from engine.interop.source_map import SourceMap, Tokens
from engine.interop.xstate_delays import Delay, delay_of
from engine.interop.xstate_export import META_KEY
from engine.validation.findings import Finding, has_errors

__all__ = ["import_xstate"]

_NODE_KEYS = {"description", "meta", "type", "invoke", "always", "after", "on", "states", "initial", "onDone", "id",
              "tags", "output"}
_NODE_WHY = {"entry": "entry actions run nowhere; tasks invoke", "exit": "exit actions run nowhere; tasks invoke"}

# `reenter` only decides whether entry and exit actions run again, and a state here has none
_TRANSITION_KEYS = {"target", "guard", "actions", "meta", "description", "reenter"}
_TRANSITION_WHY = {
    "cond": "XState v4's guard, a name for code: write it as v5's guard {type, params: {expression: <CEL>}}",
    "in": "a guard on another state's being active has no counterpart",
    "internal": "XState v4's internal transitions concern entry and exit actions, which run nowhere here",
}
_EDGE_META = ("id", "priority", "errors")


_ROOT_KEYS = {"id", "initial", "states", "on", "meta", "description", "context", "type", "version"}
# TypeScript typing and v4 options: they change nothing a machine does
_ROOT_TYPING = {"types", "tsTypes", "schema", "predictableActionArguments", "preserveActionOrder"}
_ROOT_WHY = {
    "entry": "entry/exit actions run nowhere; tasks invoke", "exit": "entry/exit actions run nowhere; tasks invoke",
    "after": "a delay on the whole machine has no counterpart", "always": "the machine itself has no transitions",
    "invoke": "the machine itself invokes nothing; a task state does",
}


@dataclass
class _Build:
    """One machine being read — the workflow, or a parallel state's region: `where` in the source, `into` in the
    definition. The ids, findings and source map are the whole import's."""

    ids: IdentifierMap
    findings: list[Finding]
    places: SourceMap
    where: Tokens = ()
    into: Tokens = ()
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[dict[str, Any]] = field(default_factory=list)

    def refuse(self, name: str | None, construct: str, why: str, *at: str | int) -> None:
        self.findings.append(unsupported(self.source(name, *at), name, construct, why))

    def source(self, name: str | None, *at: str | int) -> Tokens:
        return (*self.where, *(("states", name) if name else ()), *at)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _items(raw: Any, at: Tokens) -> list[tuple[Any, Tokens]]:
    """The transitions of one event (or `always`, an `after` delay, `onDone`): each with its place."""
    if isinstance(raw, list):
        return [(item, (*at, i)) for i, item in enumerate(raw)]
    return [] if raw is None else [(raw, at)]


def _target(b: _Build, name: str, raw: Any, names: set[str], at: Tokens) -> str | None:
    text = raw.get("target") if isinstance(raw, dict) else raw
    where = (*at, "target") if isinstance(raw, dict) and "target" in raw else at
    if isinstance(text, list) and len(text) == 1:
        text = text[0]
    if not isinstance(text, str):
        b.refuse(name or None, "transition", "each transition needs one target (targetless transitions and "
                 "multiple targets are not supported)", *where)
        return None
    plain = text.removeprefix(".").removeprefix("#")
    if "." in plain:
        b.refuse(name or None, f"target '{text}'", "targets in nested states are not supported (compound states)",
                 *where)
        return None
    if plain not in names:
        b.refuse(name or None, f"target '{text}'", "not a state of this machine", *where)
        return None
    return b.ids[plain]


def _guard(b: _Build, name: str, raw: dict[str, Any], at: Tokens) -> str | None:
    guard = raw.get("guard")
    params = guard.get("params") if isinstance(guard, dict) else None
    if not isinstance(params, dict) or not isinstance(params.get("expression"), str):
        label = guard.get("type") if isinstance(guard, dict) else guard
        b.refuse(name or None, f"guard '{label}'", "a guard needs its CEL condition in params.expression (guards "
                 "are CEL, never code)", *at, "guard")
        return None
    expression: str = params["expression"]
    return expression


def _assign(b: _Build, name: str, raw: dict[str, Any], at: Tokens) -> dict[str, tuple[str, Tokens]]:
    """key → (CEL, where it is) of each `set_…` action; any other action refused."""
    actions = raw.get("actions")
    found: dict[str, tuple[str, Tokens]] = {}
    for action, place in _items(actions, (*at, "actions")):
        params = action.get("params") if isinstance(action, dict) else None
        kind = action.get("type") if isinstance(action, dict) else action
        if not (isinstance(kind, str) and kind.startswith("set_") and isinstance(params, dict)):
            b.refuse(name or None, f"action '{kind}'", "transitions only assign context keys (set_… with CEL "
                     "params); other actions run in task states", *place)
            continue
        found.update({key: (value, (*place, "params", key)) for key, value in params.items()})
    return found


def _edge(b: _Build, name: str, source: str, *, trigger: str | None, raw: Any, names: set[str],
          at: Tokens, event: str | None = None) -> None:
    """One transition, at `at` in the source; `event`: what the source calls its trigger, where the two differ
    (a wait for an event moves on by `done`)."""
    dest = _target(b, name, raw, names, at)
    fields = raw if isinstance(raw, dict) else {}
    for extra in sorted(set(fields) - _TRANSITION_KEYS):
        why = _TRANSITION_WHY.get(extra, "no Statewright counterpart: a transition has a target, a guard and set_… "
                                  "actions")
        b.refuse(name or None, f"transition field '{extra}'", why, *at, extra)
    guard = _guard(b, name, fields, at) if fields.get("guard") is not None else None
    assign = _assign(b, name, fields, at)
    if dest is None:
        return
    edge: dict[str, Any] = {"source": source, **({"trigger": trigger} if trigger else {}), "dest": dest}
    made = (*b.into, "transitions", len(b.transitions))
    b.places.add(made, b.source(name or None, *at))
    b.places.add((*made, "dest"), b.source(name or None, *at, "target") if isinstance(raw, dict) else
                 b.source(name or None, *at))
    if guard is not None:
        edge["guard"] = guard
        b.places.add((*made, "guard"), b.source(name or None, *at, "guard", "params", "expression"))
    for key, (value, place) in assign.items():
        edge.setdefault("assign", {})[key] = value
        b.places.add((*made, "assign", key), b.source(name or None, *place))
    meta = (fields.get("meta") or {}).get(META_KEY) or {}
    for key in _EDGE_META:
        if key in meta:
            edge[key] = meta[key]
            b.places.add((*made, key), b.source(name or None, *at, "meta", META_KEY, key))
    if fields.get("description"):
        edge["description"] = fields["description"]
    if event is not None and trigger is not None and event != trigger:
        b.places.events[made] = (trigger, event)
    b.transitions.append(edge)


def _invoke(b: _Build, name: str, node: dict[str, Any]) -> dict[str, Any] | None:
    invoke = node.get("invoke")
    if isinstance(invoke, list):
        if len(invoke) != 1:
            b.refuse(name, "invoke", "a state invokes one action", "invoke")
            return None
        invoke = invoke[0]
    if invoke is not None and (not isinstance(invoke, dict) or not isinstance(invoke.get("src"), str)):
        b.refuse(name, "invoke", "an invoke needs a src naming the action", "invoke")
        return None
    return invoke


def _body(b: _Build, name: str, node: dict[str, Any]) -> dict[str, Any] | None:  # noqa: PLR0911 - by node kind
    """The state's body, or None when it is refused (the findings say why)."""
    meta = dict((node.get("meta") or {}).get(META_KEY) or {})
    invoke = _invoke(b, name, node)
    if node.get("type") == "final":
        return meta or {"type": "final"}
    if node.get("type") == "parallel":
        return {**meta, "type": "parallel"}
    if node.get("type") == "history":
        b.refuse(name, "history state", "the engine has no history states", "type")
        return None
    if invoke is not None:
        kind = meta.get("type", "task")
        body = {**meta, "type": kind, ("workflow" if kind == "subflow" else "action"): invoke["src"]}
        if invoke.get("input"):
            body["input"] = invoke["input"]
        return body
    if meta or "invoke" in node:
        return meta or None
    if node.get("always"):
        return {"type": "choice"}
    events = [e for e in (node.get("on") or {}) if e]
    if node.get("after") and not events:
        return {"type": "wait"}  # its duration is the delay (`_timer`)
    if len(events) == 1:
        return {"type": "wait", "event": {"type": events[0]}}
    b.refuse(name, "state", "a state that waits for several events has no Statewright counterpart (use an "
             "approval, or one wait per event)", "on")
    return None


def _timer(b: _Build, name: str, node: dict[str, Any], body: dict[str, Any]) -> Delay:
    """Set the state's timer from its `after` — a wait's duration, or the timeout of an event wait or an
    approval —, refusing what has none and saying where the delay overrides a different `meta.statewright`."""
    if "after" not in node:
        return Delay()
    delay = delay_of(node["after"], body)
    for refusal in delay.refusals:
        b.refuse(name, refusal.construct, refusal.why, *refusal.at)
    if delay.sets is None or delay.duration is None:
        return delay
    body[delay.sets] = delay.duration
    if delay.replaced is not None:
        b.findings.append(approximated(b.source(name, "meta", META_KEY, delay.sets), name,
                                       f"meta.statewright.{delay.sets} {delay.replaced!r}",
                                       f"differs from the delay XState runs (after {delay.key} ms), which is kept: "
                                       f"{delay.sets} {delay.duration}"))
    return delay


def _source_of_fields(b: _Build, name: str, sid: str, node: dict[str, Any], body: dict[str, Any], *,
                      delay: Delay) -> None:
    """Where the state's fields came from: the invoke's src and input, the wait's event, its duration or timeout
    the delay under `after`, the rest `meta.statewright`."""
    made = (*b.into, "states", sid)
    b.places.add(made, b.source(name))
    for key in (node.get("meta") or {}).get(META_KEY) or {}:
        b.places.add((*made, key), b.source(name, "meta", META_KEY, key))
    for key, at in (("action", ("invoke", "src")), ("workflow", ("invoke", "src")), ("input", ("invoke", "input"))):
        if key in body and isinstance(node.get("invoke"), dict):
            b.places.add((*made, key), b.source(name, *at))
    if body.get("type") == "wait" and "event" in body and not (node.get("meta") or {}).get(META_KEY):
        b.places.add((*made, "event"), b.source(name, "on", body["event"]["type"]))
    if delay.sets is not None and delay.key is not None:
        b.places.add((*made, delay.sets), b.source(name, "after", delay.key))


def _transitions(b: _Build, name: str, sid: str, *, node: dict[str, Any], body: dict[str, Any] | None,
                 names: set[str]) -> None:
    kind = body.get("type") if body else None
    invoke = node.get("invoke")
    invoke_at: Tokens = ("invoke",)
    if isinstance(invoke, list) and invoke:
        invoke, invoke_at = invoke[0], ("invoke", 0)
    pairs: list[tuple[str | None, Any, Tokens, str | None]] = []
    if isinstance(invoke, dict):
        pairs += [("done", invoke.get("onDone"), (*invoke_at, "onDone"), None),
                  ("error", invoke.get("onError"), (*invoke_at, "onError"), None)]
    pairs += [(None, node.get("always"), ("always",), None), ("done", node.get("onDone"), ("onDone",), None)]
    plain_event_wait = kind == "wait" and body is not None and "event" in body and \
        not (node.get("meta") or {}).get(META_KEY)
    after: dict[str, Any] = node["after"] if isinstance(node.get("after"), dict) else {}
    for delay, raw in after.items():
        pairs.append(("done" if kind == "wait" and body and "duration" in body else "timeout", raw,
                      ("after", delay), None))
    on: dict[str, Any] = node["on"] if isinstance(node.get("on"), dict) else {}
    for event, raw in on.items():
        pairs.append(("done" if plain_event_wait else (event or None), raw, ("on", event), event or None))
    for trigger, raw, at, called in pairs:
        for item, place in _items(raw, at):
            _edge(b, name, sid, trigger=trigger, raw=item, names=names, at=place, event=called)


def _node(b: _Build, name: str, node: Any, names: set[str]) -> None:
    if not isinstance(node, dict):
        b.refuse(name, "state", "a state node is an object")
        return
    for extra in sorted(set(node) - _NODE_KEYS):
        b.refuse(name, extra, _NODE_WHY.get(extra, "no Statewright counterpart"), extra)
    compound = "states" in node and node.get("type") != "parallel"
    if compound:
        b.refuse(name, "compound state", "nested states are not supported: flatten them, or make the state "
                 "parallel with one region per branch", "states")
    sid = b.ids[name]
    body = None if compound else _body(b, name, node)
    if body is not None and body["type"] == "parallel":
        body["branches"] = []
        for region, sub in (node.get("states") or {}).items():
            k = len(body["branches"])
            inner = _Build(b.ids, b.findings, b.places, b.source(name, "states", region),
                           (*b.into, "states", sid, "branches", k))
            b.places.add(inner.into, inner.where)
            body["branches"].append({"name": region, **_machine(inner, sub if isinstance(sub, dict) else {})})
    if body is not None:
        delay = _timer(b, name, node, body)
        b.states[sid] = body
        _source_of_fields(b, name, sid, node, body, delay=delay)
    _transitions(b, name, sid, node=node, body=body, names=names)


def _machine(b: _Build, config: dict[str, Any]) -> dict[str, Any]:
    states = config.get("states")
    if not isinstance(states, dict) or not states:
        b.refuse(None, "states", "a machine needs states", "states")
        return {}
    names = set(states)
    for name in states:
        b.ids[name]
    for name, node in states.items():
        _node(b, name, node, names)
    for trigger, raw in (config.get("on") or {}).items():
        for item, place in _items(raw, ("on", trigger)):
            _edge(b, "", "*", trigger=trigger or None, raw=item, names=names, at=place)
    initial = config.get("initial")
    if not isinstance(initial, str) or initial not in names:
        b.refuse(None, "initial", f"'{initial}' is not a state", "initial")
        return {}
    b.places.add((*b.into, "initial"), b.source(None, "initial"))
    return {"initial": b.ids[initial], "states": b.states, "transitions": b.transitions}


def _machine_itself(config: dict[str, Any]) -> list[Finding]:
    """What the root holds beyond a sequence of states."""
    found = []
    for extra in sorted(set(config) - _ROOT_KEYS - _ROOT_TYPING):
        why = _ROOT_WHY.get(extra, "no Statewright counterpart on the machine itself")
        found.append(unsupported((extra,), None, f"the machine's '{extra}'", why))
    if config.get("type") not in (None, "compound"):
        found.append(unsupported(("type",), None, f"a {config.get('type')} machine", "the machine itself is a "
                                 "sequence of states: make one parallel state that holds the regions"))
    return found


def import_xstate(config: Any, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding], SourceMap]:
    """The workflow document, every finding (None and the refusals when anything is refused), and where each part
    of the document came from in `config`."""
    places = SourceMap()
    if not isinstance(config, dict):
        return None, [unsupported((), None, "the document", "an XState machine config is a JSON object")], places
    findings = _machine_itself(config)
    if config.get("context"):
        findings.append(approximated(("context",), None, "context", "XState's initial values are not kept: an "
                                     "instance starts from the context it is given (the keys become its schema's)"))
    build = _Build(IdentifierMap(), findings, places)
    machine = _machine(build, config)
    if has_errors(findings):
        return None, [f for f in findings if f.severity == "error"], places
    meta = (config.get("meta") or {}).get(META_KEY) or {}
    for key in meta:
        places.add((key,), ("meta", META_KEY, key))
    workflow = {"id": workflow_id, "title": config.get("id") or workflow_id, **meta, **machine}
    if config.get("description") and "description" not in workflow:
        workflow["description"] = config["description"]
    if isinstance(config.get("context"), dict) and config["context"] and "context" not in workflow:
        workflow["context"] = {"type": "object", "properties": {str(k): {} for k in config["context"]}}
    return workflow, findings, places
