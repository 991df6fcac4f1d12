"""A structural diff of two workflow definitions: states and transitions added, removed and changed.

A state's identity is its id. A transition's identity is its `id` when it has one, else its source, trigger and
destination (`route-[done]->review`, `-[…]` left out for automatic ones); repeats of one key are numbered
(`#2`). Changing a transition's destination therefore reads as one removed and one added. Layout and version
are not structural and are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from engine.definition import Workflow

__all__ = [
    "DefinitionDiff",
    "StateChange",
    "StateDiff",
    "TransitionChange",
    "TransitionDiff",
    "TransitionRef",
    "diff_workflows",
    "transition_key",
]

_IGNORED_FIELDS = {"states", "transitions", "version", "layout", "$schema"}


class StateChange(BaseModel):
    id: str
    fields: list[str]
    before: dict[str, Any]
    after: dict[str, Any]


class StateDiff(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[StateChange]


class TransitionRef(BaseModel):
    key: str
    index: int
    transition: dict[str, Any]


class TransitionChange(BaseModel):
    key: str
    fields: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    index_before: int
    index_after: int


class TransitionDiff(BaseModel):
    added: list[TransitionRef]
    removed: list[TransitionRef]
    changed: list[TransitionChange]


class DefinitionDiff(BaseModel):
    workflow_id: str
    from_version: int
    to_version: int
    states: StateDiff
    transitions: TransitionDiff
    fields: list[str] = Field(description="Changed top-level fields other than states, transitions and layout.")

    @property
    def empty(self) -> bool:
        return not (
            self.fields
            or self.states.added
            or self.states.removed
            or self.states.changed
            or self.transitions.added
            or self.transitions.removed
            or self.transitions.changed
        )


def _dump(workflow: Workflow) -> dict[str, Any]:
    dumped: dict[str, Any] = workflow.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def transition_key(transition: dict[str, Any]) -> str:
    if transition.get("id"):
        return str(transition["id"])
    source = transition.get("source")
    sources = ",".join(source) if isinstance(source, list) else str(source)
    trigger = transition.get("trigger")
    arrow = f"-[{trigger}]->" if trigger else "->"
    return f"{sources}{arrow}{transition.get('dest')}"


def _keyed(transitions: list[dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    keyed: dict[str, tuple[int, dict[str, Any]]] = {}
    seen: dict[str, int] = {}
    for index, transition in enumerate(transitions):
        base = transition_key(transition)
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        keyed[key] = (index, transition)
    return keyed


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _states(before: dict[str, Any], after: dict[str, Any]) -> StateDiff:
    diff = StateDiff(
        added=[s for s in after if s not in before],
        removed=[s for s in before if s not in after],
        changed=[],
    )
    for state_id in (s for s in after if s in before):
        fields = _changed_fields(before[state_id], after[state_id])
        if fields:
            diff.changed.append(StateChange(id=state_id, fields=fields, before=before[state_id], after=after[state_id]))
    return diff


def _transitions(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> TransitionDiff:
    old, new = _keyed(before), _keyed(after)
    diff = TransitionDiff(
        added=[TransitionRef(key=k, index=i, transition=t) for k, (i, t) in new.items() if k not in old],
        removed=[TransitionRef(key=k, index=i, transition=t) for k, (i, t) in old.items() if k not in new],
        changed=[],
    )
    for key, (index_after, transition) in new.items():
        if key not in old:
            continue
        index_before, previous = old[key]
        fields = _changed_fields(previous, transition)
        if fields:
            diff.changed.append(
                TransitionChange(
                    key=key,
                    fields=fields,
                    before=previous,
                    after=transition,
                    index_before=index_before,
                    index_after=index_after,
                )
            )
    return diff


def diff_workflows(before: Workflow, after: Workflow) -> DefinitionDiff:
    """What changed from `before` to `after`."""
    old, new = _dump(before), _dump(after)
    fields = sorted(k for k in (set(old) | set(new)) - _IGNORED_FIELDS if old.get(k) != new.get(k))
    return DefinitionDiff(
        workflow_id=after.id,
        from_version=before.version,
        to_version=after.version,
        states=_states(old.get("states", {}), new.get("states", {})),
        transitions=_transitions(old.get("transitions", []), new.get("transitions", [])),
        fields=fields,
    )
