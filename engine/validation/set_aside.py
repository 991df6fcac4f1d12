"""The part of a definition that can be understood: a document that does not fit the model — a task whose
`action` was just cleared, a transition with no target yet — is made to fit by setting aside what is at fault,
so that the named checks still run on the rest and a person mid-edit sees every problem, not only the first.

What is at fault is set aside as narrowly as it can be: an optional field is dropped (its default applies); a
required one gets a stand-in value; and when that is not enough, the element it is in — a state, a transition,
a branch, an item of a top-level list — is replaced by a stand-in of the same kind that still fits: a state
keeps its id (and, where it can, its type), so the transitions into and out of it still count; a transition
leaves no state (`source: []`), so it neither adds nor hides a way out. Only deletions and replacements are
made, never an insertion into a list, so every other pointer into the document stays valid; the findings the
checks make about anything set aside are left out (`outside`), the schema findings say what is wrong there.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine.definition import State, Transition, Workflow
from engine.definition.base import IDENTIFIER_RE
from engine.validation.findings import Finding, pointer
from engine.validation.parsing import schema_errors
from engine.validation.places import Place, place_of

__all__ = ["Understood", "understood_part"]

Token = str | int

STAND_IN = "__set_aside__"
_ROUNDS = 8  # each round sets aside at least one more thing; a document needing more is left unchecked

# Stand-in values of required fields, by field name (a required field with none here sets its element aside).
_REQUIRED: dict[str, Any] = {
    "id": STAND_IN, "name": STAND_IN, "title": "set aside", "action": STAND_IN, "workflow": STAND_IN,
    "approvers": {"roles": [STAND_IN]}, "items": "[]", "condition": "true", "outcome": "allow",
    "reason": "set aside", "cron": "0 0 1 1 *", "event": STAND_IN, "x": 0, "y": 0, "dest": STAND_IN,
}
# A state of each type that fits the model with nothing but its type (and these fields).
_STATES: dict[str, dict[str, Any]] = {
    "task": {"action": STAND_IN}, "choice": {}, "approval": {"approvers": {"roles": [STAND_IN]}},
    "wait": {"duration": "PT1S"}, "subflow": {"workflow": STAND_IN}, "final": {},
    "map": {"items": "[]", "workflow": STAND_IN},
    "parallel": {"branches": [{"name": STAND_IN, "initial": STAND_IN, "states": {STAND_IN: {"type": "final"}}}]},
}
_ITEMS: dict[str, dict[str, Any]] = {
    "policies": {"condition": "true", "outcome": "allow", "reason": "set aside"},
    "schedules": {"cron": "0 0 1 1 *", "enabled": False}, "starts_on": {"event": STAND_IN}, "examples": {},
}
# What a stand-in state still says about the state it stands for: whether anything leads into it.
_KEPT_FOR_STAND_INS = frozenset({"unreachable-state"})
# What a transition whose source is set aside may have been meant to give the state it leaves: a way out.
_WAYS_OUT = frozenset({"dead-end", "no-path-to-final", "missing-done-path", "missing-approval-outcome",
                       "missing-timeout-path", "task-without-error-path", "uncaught-error-kinds",
                       "choice-without-default"})


def _within(finding: Finding, place: str) -> bool:
    return finding.pointer == place or finding.pointer.startswith(place + "/")


@dataclass
class Understood:
    """The model of the document with what is at fault set aside, and the places set aside: `fields` (the value
    there replaced or dropped) and `elements` (the whole state, transition, branch or item stood in for).
    `sourceless`: for each transition that leaves no state for it, the pointer of its machine and the state it
    leads to (the transition may have been meant to leave any of the machine's states, for that state)."""

    workflow: Workflow | None
    fields: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    sourceless: list[tuple[str, str]] = field(default_factory=list)

    def outside(self, finding: Finding) -> bool:
        """Whether `finding` is about something set aside, which the checks saw only as its stand-in — or is what
        setting it aside made up (a state with no way out, or none in, where the transition set aside may be it)."""
        if any(_within(finding, place) for place in self.fields):
            return True
        if any(_within(finding, place) and not (finding.pointer == place and finding.code in _KEPT_FOR_STAND_INS)
               for place in self.elements):
            return True
        return any(
            (finding.code in _WAYS_OUT and _in_machine(finding, machine))
            or (finding.code == "unreachable-state" and finding.pointer == f"{machine}/states/{dest}")
            for machine, dest in self.sourceless)


def _in_machine(finding: Finding, machine: str) -> bool:
    """Whether the finding is about a state of the machine at `machine` (not of a branch inside one)."""
    prefix = f"{machine}/states/"
    if not finding.pointer.startswith(prefix):
        return False
    rest = finding.pointer[len(prefix):].split("/")
    return len(rest) < 3 or rest[1] not in ("branches", "iterator")


_ABSENT = object()


def _value_at(document: Any, tokens: Sequence[Token]) -> Any:
    """The value at `tokens`, or `_ABSENT`."""
    node = document
    for token in tokens:
        inside_list = isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node)
        if not (inside_list or (isinstance(node, dict) and token in node)):
            return _ABSENT
        node = node[token]
    return node


def _node(document: Any, tokens: Sequence[Token]) -> Any:
    """The value at `tokens`, or None when there is none."""
    found = _value_at(document, tokens)
    return None if found is _ABSENT else found


def _identifier(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 128 and IDENTIFIER_RE.match(value) is not None


def _first_state(machine: Any) -> str | None:
    states = machine.get("states") if isinstance(machine, dict) else None
    return next((sid for sid in states if _identifier(sid)), None) if isinstance(states, dict) else None


@cache
def _model_of(kind: str) -> TypeAdapter[Any]:
    return TypeAdapter(State if kind == "state" else Transition)


def _fits(kind: str, value: dict[str, Any]) -> bool:
    try:
        _model_of(kind).validate_python(value)
    except ValidationError:
        return False
    return True


def _keeping(kind: str, original: Any, fill: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    """A stand-in that keeps each of the original's fields it can keep and still fit, one by one in the file's
    order, `fill`'s values standing in for the rest; `kept`: what it starts from."""
    fitting = {**fill, **kept}
    for key, value in (original.items() if isinstance(original, dict) else ()):
        if key in kept:
            continue
        trial = {**kept, key: value}
        form = next((f for f in (trial, {**fill, **trial}) if _fits(kind, f)), None)
        if form is not None:
            kept, fitting = trial, form
    return copy.deepcopy(fitting)


def _stand_in_state(state: Any) -> dict[str, Any]:
    """A state of the same type (a task when the type is unknown), with what it can keep of the original."""
    kind = state.get("type") if isinstance(state, dict) else None
    kind = kind if isinstance(kind, str) and kind in _STATES else "task"
    return _keeping("state", state, _STATES[kind], {"type": kind})


def _stand_in_transition(transition: Any) -> dict[str, Any]:
    """A transition with what it can keep of the original; without its source it leaves no state."""
    return _keeping("transition", transition, {"source": [], "dest": STAND_IN}, {})


def _stand_in(document: Any, place: Place) -> Any:
    """The element at `place` replaced by one of its kind that fits, or None when there is none."""
    element = _node(document, place.element)
    if place.kind == "state":
        return _stand_in_state(element)
    if place.kind == "transition":
        return _stand_in_transition(element)
    if place.kind == "branch":
        name = element.get("name") if isinstance(element, dict) else None
        return {"name": name if _identifier(name) else f"{STAND_IN}{place.element[-1]}", "initial": STAND_IN,
                "states": {STAND_IN: {"type": "final"}}}
    if place.kind == "iterator":
        return {"initial": STAND_IN, "states": {STAND_IN: {"type": "final"}}}
    if place.kind == "item":
        section = str(place.element[0])
        key = "name" if section == "examples" else "event" if section == "starts_on" else "id"
        kept = element.get(key) if isinstance(element, dict) else None
        named = kept if _identifier(kept) else f"{STAND_IN}{place.element[1]}"
        return {key: named, **copy.deepcopy(_ITEMS[section])}
    return None


def _required_value(document: Any, place: Place) -> Any:
    """A stand-in for the required field at `place` (`initial`: the machine's first state), or None."""
    name = place.field[0]
    if name == "initial":
        return _first_state(_node(document, place.element))
    if name == "source" and place.kind == "transition":
        return []
    return _REQUIRED.get(str(name)) if place.kind != "workflow" or name in ("id", "title") else None


class _Setting:
    """One document being made to fit, round by round."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.understood = Understood(None)
        self.dropped: set[tuple[Token, ...]] = set()  # fields deleted (their default applies, if they have one)
        self.stood_in: set[tuple[Token, ...]] = set()  # required fields given a stand-in value
        self.replaced: set[tuple[Token, ...]] = set()  # elements given a stand-in
        self.this_round: set[tuple[Token, ...]] = set()  # what was set aside in the current round

    def put(self, tokens: tuple[Token, ...], value: Any) -> bool:
        parent = _node(self.document, tokens[:-1])
        key = tokens[-1]
        fits = (isinstance(parent, dict) and isinstance(key, str)) or (
            isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent))
        if fits:
            parent[key] = value
        return fits

    def drop(self, tokens: tuple[Token, ...]) -> bool:
        parent = _node(self.document, tokens[:-1])
        if isinstance(parent, dict) and tokens[-1] in parent:
            del parent[tokens[-1]]
            return True
        return False

    def set_aside(self, located: tuple[Token, ...]) -> bool:
        """Set aside what the error at `located` is about: the field it is in dropped, or else given a stand-in
        value, or else the element it is in given a stand-in. False when nothing more can be."""
        place = place_of(self.document, located)
        tokens = place.element + place.field[:1]
        if tokens in self.this_round or place.element in self.this_round:
            return True  # two errors about one field (or element): set aside once
        self.this_round.add(tokens)
        if place.element in self.replaced:
            return False  # a stand-in that still does not fit: give up
        if not place.field or tokens in self.stood_in:
            return self.replace(place)
        if tokens not in self.dropped and _value_at(self.document, tokens) is not _ABSENT:
            return self.drop_field(place, tokens)
        return self.stand_in_field(place, tokens)

    def drop_field(self, place: Place, tokens: tuple[Token, ...]) -> bool:
        if not self.drop(tokens):
            return self.replace(place)
        self.dropped.add(tokens)
        self.understood.fields.append(pointer(*tokens))
        return True

    def stand_in_field(self, place: Place, tokens: tuple[Token, ...]) -> bool:
        value = _required_value(self.document, place)
        if value is None or not self.put(tokens, value):
            return self.replace(place)
        self.stood_in.add(tokens)
        if place.kind == "transition" and tokens[-1] == "source":
            self.leaves_no_state(place)
        if tokens not in self.dropped:
            self.understood.fields.append(pointer(*tokens))
        return True

    def replace(self, place: Place) -> bool:
        value = _stand_in(self.document, place)
        if value is None or not place.element or not self.put(place.element, value):
            return False
        self.replaced.add(place.element)
        self.understood.elements.append(pointer(*place.element))
        if place.kind == "transition" and value.get("source") == []:
            self.leaves_no_state(place)
        return True

    def leaves_no_state(self, place: Place) -> None:
        transition = _node(self.document, place.element)
        dest = transition.get("dest") if isinstance(transition, dict) else None
        self.understood.sourceless.append((pointer(*place.machine), str(dest) if _identifier(dest) else ""))


def understood_part(document: Any, errors: Sequence[tuple[tuple[Token, ...], Finding]]) -> Understood:
    """The workflow `document` would be with each error's place set aside (`errors`: `schema_errors`'), or one
    whose `workflow` is None when it cannot be made to fit (no states at all, say)."""
    if not isinstance(document, dict) or not errors:
        return Understood(None)
    setting = _Setting(copy.deepcopy(document))
    pending = list(errors)
    for _ in range(_ROUNDS):
        moved = False
        setting.this_round.clear()
        for located, _finding in pending:
            moved = setting.set_aside(located) or moved
        if not moved:
            break
        workflow, pending = schema_errors(Workflow, setting.document)
        if workflow is not None:
            setting.understood.workflow = workflow
            return setting.understood
    return Understood(None)
