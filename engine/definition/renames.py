"""Which states a new version renamed: the same state under another id.

A rename changes nothing but a state's id: everything that names it (its transitions, expressions) follows, and
no record of it is kept, so it is recognised from the two versions — a state the new version no longer has, and
one it has anew that does the same. "Does the same" is `meaning`: every field of the state at every depth of the
model, the words for people (`title`, `description`) aside, defaults filled in by the model (a published version
has them written out, a draft from a file mostly not). Only an unmistakable pair counts: one state gone and one
new with that meaning, and no other. A choice or a final state is never taken for renamed: its body says too
little to tell it from another (two `final` states of one outcome are alike), and no instance waits in one.

It is the rule the designer's publish dialog tells a rename by and pre-maps running instances with
(`designer/ui/src/editor/stateRenames.ts`), and `meaning` is what the migration plan compares a state and the one
it is mapped to by (`engine.runtime.migration_plan`, "does the same"); the version diff (`engine.definition.diff`)
and the review pack read renames from here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from engine.definition.states import ChoiceState, FinalState, State
from engine.definition.workflow import Workflow

__all__ = ["meaning", "renamed_states"]

_FOR_PEOPLE = frozenset({"title", "description"})


def meaning(value: Any) -> Any:
    """What a part of a definition does: its fields at every depth of the model, without the words for people
    (`title`, `description`) — the JSON values it holds (schemas, constants) kept whole, so a schema property
    named `title` still counts."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, {name: meaning(getattr(value, name)) for name in type(value).model_fields
                                       if name not in _FOR_PEOPLE})
    if isinstance(value, list | tuple):
        return [meaning(item) for item in value]
    if isinstance(value, dict):
        return {key: meaning(item) for key, item in value.items()}
    return value


def _passing(state: State) -> bool:
    """A state no instance waits in, whose body says too little to be recognised by: a choice, a final state."""
    return isinstance(state, ChoiceState | FinalState)


def _by_meaning(states: Mapping[str, State], ids: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for state_id in ids:
        if not _passing(states[state_id]):
            grouped[json.dumps(meaning(states[state_id]), sort_keys=True, default=str)].append(state_id)
    return grouped


def renamed_states(before: Workflow, after: Workflow) -> dict[str, str]:
    """{old id: new id} for each top-level state of `before` that `after` lacks and has, the same state, under
    exactly one new id (and no other state it lacks is the same) — in `before`'s order."""
    gone = _by_meaning(before.states, (s for s in before.states if s not in after.states))
    new = _by_meaning(after.states, (s for s in after.states if s not in before.states))
    pairs = {olds[0]: new[key][0] for key, olds in gone.items() if len(olds) == 1 and len(new.get(key, ())) == 1}
    return {old: pairs[old] for old in before.states if old in pairs}
