"""A structural diff of two workflow definitions: states and transitions added, removed and changed.

A state's identity is its id. A transition's identity is its `id` when it has one, else its source, trigger and
destination (`route-[done]->review`, `-[…]` left out for automatic ones); repeats of one key are numbered
(`#2`). Changing a transition's destination therefore reads as one removed and one added. Layout and version
are not structural and are ignored.

A state renamed (the same state under another id, `engine.definition.renames`) is compared id by id as well —
its old id removed, its new one added, its transitions removed and added again — and named besides in
`states.renamed` (old id → new id). `diff_with_renames` tells the same diff with each rename as one change: the state
neither added nor removed, a transition that only follows its new id no change at all.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from engine.definition import Workflow
from engine.definition.renames import renamed_states

__all__ = [
    "DefinitionDiff",
    "StateChange",
    "StateDiff",
    "TransitionChange",
    "TransitionDiff",
    "TransitionRef",
    "diff_with_renames",
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
    renamed: dict[str, str] = Field(description=(
        "Old id → new id of each state the later version has under another id: the same state, its title and "
        "description aside (not a choice or a final state). Compared by id, such a state is also under `removed` "
        "and `added`, and its transitions are removed and added again."))


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


def _states(before: dict[str, Any], after: dict[str, Any], renamed: dict[str, str]) -> StateDiff:
    diff = StateDiff(
        added=[s for s in after if s not in before],
        removed=[s for s in before if s not in after],
        changed=[],
        renamed=renamed,
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
    """What changed from `before` to `after`, state by state id; the states renamed named besides."""
    old, new = _dump(before), _dump(after)
    fields = sorted(k for k in (set(old) | set(new)) - _IGNORED_FIELDS if old.get(k) != new.get(k))
    return DefinitionDiff(
        workflow_id=after.id,
        from_version=before.version,
        to_version=after.version,
        states=_states(old.get("states", {}), new.get("states", {}), renamed_states(before, after)),
        transitions=_transitions(old.get("transitions", []), new.get("transitions", [])),
        fields=fields,
    )


def _following(transition: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """A transition of the earlier version as it reads with the states renamed under their new ids."""
    source, dest = transition["source"], str(transition["dest"])
    moved = [renames.get(s, s) for s in source] if isinstance(source, list) else renames.get(source, source)
    return {**transition, "source": moved, "dest": renames.get(dest, dest)}


def _ends(transition: dict[str, Any]) -> str:
    return json.dumps([transition.get("source"), transition.get("trigger"), transition.get("dest")])


def _renamed_transitions(diff: TransitionDiff, renames: dict[str, str]) -> TransitionDiff:
    """`diff` with each transition removed and added again only to follow a rename taken as the one transition:
    no change, or changed in what else changed; one changed only in following a rename is no change."""
    added = list(diff.added)
    removed: list[TransitionRef] = []
    changed: list[TransitionChange] = []
    for gone in diff.removed:
        followed = _following(gone.transition, renames)
        match = next((ref for ref in added if _ends(ref.transition) == _ends(followed)), None)
        if match is None:
            removed.append(gone)
            continue
        added.remove(match)
        if fields := _changed_fields(followed, match.transition):
            changed.append(TransitionChange(key=match.key, fields=fields, before=gone.transition,
                                            after=match.transition, index_before=gone.index, index_after=match.index))
    for change in diff.changed:
        if fields := _changed_fields(_following(change.before, renames), change.after):
            changed.append(change.model_copy(update={"fields": fields}))
    changed.sort(key=lambda c: c.index_after)
    return TransitionDiff(added=added, removed=removed, changed=changed)


def diff_with_renames(before: Workflow, after: Workflow) -> DefinitionDiff:
    """What changed from `before` to `after`, each state renamed told as one change: neither added nor removed
    (under `states.renamed`), listed as changed only when its title or description changed too, and its
    transitions as changed only in what else changed."""
    diff = diff_workflows(before, after)
    renames = diff.states.renamed
    if not renames:
        return diff
    old, new = _dump(before)["states"], _dump(after)["states"]
    words = [StateChange(id=to, fields=fields, before=old[was], after=new[to])
             for was, to in renames.items() if (fields := _changed_fields(old[was], new[to]))]
    states = StateDiff(added=[s for s in diff.states.added if s not in renames.values()],
                       removed=[s for s in diff.states.removed if s not in renames],
                       changed=[*diff.states.changed, *words], renamed=renames)
    return diff.model_copy(update={"states": states, "transitions": _renamed_transitions(diff.transitions, renames)})
