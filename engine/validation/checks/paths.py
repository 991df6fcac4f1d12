"""Context paths written by `output` and `assign`: two keys of one assignment where one path lies inside the
other (`conflicting-paths`), and paths through a value the context schema declares is not an object
(`path-through-non-object`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.definition import SubflowState, TaskState, WaitState, Workflow
from engine.definition.paths import path_parts
from engine.validation.checks._report import capitalised, error, transition_label
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_ask_into_output", "find_conflicting_paths", "find_paths_through_non_objects"]


def _inside(inner: str, outer: str) -> bool:
    return inner.startswith(outer + ".")


def find_conflicting_paths(machine: Machine) -> list[Finding]:
    """One assignment writing `a` and `a.b`: the whole object replaces the key, or the key changes the object
    just written, by the order of the keys in the file — say which is meant instead."""
    found: list[Finding] = []
    for index, transition in enumerate(machine.transitions):
        paths = list(transition.assign)
        for path in paths:
            outer = next((other for other in paths if _inside(path, other)), None)
            if outer is None:
                continue
            message = (f"Transition {index + 1} assigns both '{outer}' and '{path}', which lies inside it. Compute "
                       f"'{outer}' whole, or assign its keys one by one.")
            found.append(error("conflicting-paths", message, machine.transition_pointer(index, "assign", path),
                               transitions=(index,)))
    return found


def find_ask_into_output(machine: Machine) -> list[Finding]:
    """A task that keeps its ask of the user where its action's output goes: the retried action's output would
    replace the ask (or the ask the output), so neither could be read after."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, TaskState) or state.ask_user is None or not state.output:
            continue
        into, output = state.ask_user.into, state.output
        if into == output or _inside(into, output) or _inside(output, into):
            message = (f"'{sid}' keeps its ask of the user at '{into}', which overlaps its output '{output}': the "
                       f"action's output would overwrite the ask. Give `ask_user.into` a path of its own.")
            found.append(error("ask-into-output", message, machine.state_pointer(sid, "ask_user", "into"),
                               states=(sid,)))
    return found


def _written(machine: Machine) -> Iterator[tuple[str, str, str, str | None, int | None]]:
    """Every path the machine writes: (path, what writes it in words, pointer, state, transition index)."""
    for sid, state in machine.states.items():
        if isinstance(state, TaskState | SubflowState | WaitState) and state.output:
            yield state.output, f"'{sid}' keeps its output at", machine.state_pointer(sid, "output"), sid, None
        if isinstance(state, TaskState) and state.ask_user is not None:
            yield (state.ask_user.into, f"'{sid}' keeps its ask of the user at",
                   machine.state_pointer(sid, "ask_user", "into"), sid, None)
    for index, transition in enumerate(machine.transitions):
        label = capitalised(transition_label(transition, index))
        for path in transition.assign:
            yield path, f"{label} assigns", machine.transition_pointer(index, "assign", path), None, index


def _blocking(schema: Any, path: str) -> tuple[str, str] | None:
    """The first key on the way to `path`'s last one that the schema declares with a type other than object:
    (the path to it, its type)."""
    parts = path_parts(path)
    for depth, key in enumerate(parts[:-1]):
        properties = schema.get("properties") if isinstance(schema, dict) else None
        schema = properties.get(key) if isinstance(properties, dict) else None
        if not isinstance(schema, dict):
            return None
        declared = schema.get("type")
        types = declared if isinstance(declared, list) else [declared]
        if declared is not None and "object" not in types:
            return ".".join(parts[: depth + 1]), " or ".join(map(str, types))
    return None


def find_paths_through_non_objects(workflow: Workflow, all_machines: list[Machine]) -> list[Finding]:
    """A path whose way passes a key the context schema declares as a string, number, list...: writing it
    would fail at run time. The message names what writes it (a state, or a transition, which a finding at a
    transition inside a branch must name itself: `said_where`)."""
    found: list[Finding] = []
    for machine in all_machines:
        for path, writer, where, sid, index in _written(machine):
            blocked = _blocking(workflow.context, path)
            if blocked is None:
                continue
            key, kind = blocked
            message = (f"{writer} '{path}', which runs through '{key}': the context schema declares '{key}' as "
                       f"{kind}, not an object, so the write would fail. Fix the path or the schema.")
            found.append(error("path-through-non-object", message, where,
                               states=() if sid is None else (sid,), transitions=() if index is None else (index,)))
    return found
