"""A Statewright definition handed to an importer: recognised whichever format was asked for, and taken as it is —
there is nothing to map — under the id the import gives it, as a new workflow."""

from __future__ import annotations

from typing import Any

__all__ = ["STATEWRIGHT", "as_new_workflow", "is_statewright_definition"]

STATEWRIGHT = "statewright"

# State types no other format's reader knows: XState's are atomic, compound, parallel, final and history, and ASL's
# are capitalised (Task, Choice, …) under `States`
_OWN_STATE_TYPES = frozenset({"task", "choice", "approval", "wait", "subflow", "map"})


def is_statewright_definition(document: Any) -> bool:
    """A JSON object whose `states` map ids to objects, and that says it is Statewright's: it names the workflow
    schema in `$schema`, lists its `transitions` beside its states (XState keeps them in the states, ASL has no
    such key), or has a state of a type only Statewright has."""
    if not isinstance(document, dict):
        return False
    states = document.get("states")
    if not isinstance(states, dict) or not all(isinstance(state, dict) for state in states.values()):
        return False
    schema = document.get("$schema")
    if isinstance(schema, str) and schema.endswith("workflow.schema.json"):
        return True
    if isinstance(document.get("transitions"), list):
        return True
    return any(state.get("type") in _OWN_STATE_TYPES for state in states.values())


def as_new_workflow(document: dict[str, Any], workflow_id: str) -> dict[str, Any]:
    """The definition as a new workflow's: the id asked for, version 1 (publishing numbers it anyway), and without
    `$schema` (a path relative to the file it came from); everything else as it was, in its order."""
    renewed: dict[str, Any] = {"id": workflow_id}
    for key, value in document.items():
        if key in {"$schema", "id"}:
            continue
        renewed[key] = 1 if key == "version" else value
    return renewed
