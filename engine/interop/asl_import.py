"""AWS Step Functions (Amazon States Language) → a Statewright workflow.

Each ASL state becomes one Statewright state (a `.waitForTaskToken` task two: the task and the wait for its
callback); `Next`/`End`/`Catch`/`Choices` become transitions. Whatever has no counterpart is an error finding
naming the ASL state and the construct, at its field; a mapping with a difference worth knowing is a warning.
Every state is read whole, whatever it was refused, so one import names every fault of every state.

This module reads a machine and its nested ones (a `Parallel`'s branches, a `Map`'s item processor); the kinds
of state are read in `asl_task` and `asl_states`, their data and error fields in `asl_state_io` and
`asl_error_handling`.
"""

from __future__ import annotations

from typing import Any

from engine.interop.asl_error_handling import catches
from engine.interop.asl_machine import Machine, Shared, Where
from engine.interop.asl_map import MAP_FIELDS, MapRefused, map_options, processor_of, selection, subflow_of
from engine.interop.asl_state_io import check_output_path, input_prefix
from engine.interop.asl_states import choice, final, pass_state, wait
from engine.interop.asl_task import CALLBACK_EVENT, task, with_result
from engine.interop.cel_subset import Path
from engine.interop.context_types import schema_with_types
from engine.interop.findings import invalid, unsupported
from engine.interop.ids import IdentifierMap
from engine.validation.findings import Finding, has_errors

__all__ = ["CALLBACK_EVENT", "import_asl"]

_COMMON = {"Type", "Comment", "Next", "End", "InputPath", "OutputPath"}
_FIELDS = {
    "Task": _COMMON | {"Resource", "Parameters", "ResultPath", "ResultSelector", "Retry", "Catch", "TimeoutSeconds"},
    "Choice": _COMMON | {"Choices", "Default"},
    "Wait": _COMMON | {"Seconds", "Timestamp", "TimestampPath"},
    "Pass": _COMMON | {"Result", "ResultPath", "Parameters"},
    "Succeed": {"Type", "Comment", "InputPath", "OutputPath"},
    "Fail": {"Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"},
    "Parallel": _COMMON | {"Branches", "ResultPath", "Retry", "Catch"},
    "Map": _COMMON | MAP_FIELDS,
}
_FIELD_WHY = {
    "SecondsPath": "a wait is for Seconds written in the document, or until a Timestamp or TimestampPath; a "
                   "number of seconds read from the data has no counterpart",
    "TimeoutSecondsPath": "a task's timeout is the TimeoutSeconds written in the document; one read from the data "
                          "has no counterpart",
    "Parameters": "the older form of a Map's ItemSelector: write ItemSelector",
    "ResultSelector": "a parallel state's result is its branches' context, which no selector reshapes",
    "ItemReader": "a distributed Map has no counterpart", "ItemBatcher": "a distributed Map has no counterpart",
    "ResultWriter": "a distributed Map has no counterpart",
}
_OTHER_FIELD_WHY = "it has no Statewright counterpart (JSONata fields, variables, heartbeats and credentials are " \
    "not supported)"


def _parallel(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    input_prefix(m, name, state)
    check_output_path(m, name, state)
    branches = state.get("Branches")
    if not isinstance(branches, list) or not branches:
        m.refuse(name, "Branches", "a non-empty list of branches is required", "Branches")
        branches = []
    if state.get("ResultPath", "$") is not None:
        m.warn(name, "Parallel result", "the branches' results are merged into the context (each under its own "
               "keys), not collected into an array", "ResultPath")
    built = []
    for i, branch in enumerate(branches):
        inner = _machine(m.shared, branch, (*m.where, "States", name, "Branches", i))
        built.append({"name": f"branch_{i + 1}", **(inner or {})})
    body: dict[str, Any] = {"type": "parallel", "branches": built}
    if "Retry" in state:
        m.warn(name, "Retry", "a parallel state is not retried as a whole; its tasks carry their own retries",
               "Retry")
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done")
    catches(m, name, sid, state)


def _map(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    """A Map becomes a map state whose iterator is the item processor, reading each item under `item`."""
    input_prefix(m, name, state)
    check_output_path(m, name, state)
    options = map_options(state)
    refusals = list(options.refusals)
    try:
        processor = processor_of(state)
    except MapRefused as exc:
        processor = None
        refusals.append(exc)
    try:
        selected, root = selection(state)
    except MapRefused as exc:
        selected, root = {}, None
        refusals.append(exc)
    for refusal in refusals:
        m.refuse(name, refusal.construct, refusal.why, *refusal.at)
    for construct, how, at in options.warnings:
        m.warn(name, construct, how, at)
    key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
    workflow = subflow_of(processor)
    body = {**options.body, **selected}
    if workflow:
        body["workflow"] = workflow
    elif processor is not None:
        body["iterator"] = _machine(m.shared, processor, (*m.where, "States", name, key), root, items=True)
    with_result(m, name, sid, state, body)


_BUILDERS = {"Task": task, "Choice": choice, "Wait": wait, "Pass": pass_state, "Parallel": _parallel, "Map": _map,
             "Succeed": final, "Fail": final}


def _jsonpath_said(node: dict[str, Any]) -> set[str]:
    """`QueryLanguage: "JSONPath"` says what ASL assumes anyway (Workflow Studio writes it): nothing to refuse."""
    return {"QueryLanguage"} if node.get("QueryLanguage") == "JSONPath" else set()


def _one_state(m: Machine, name: str, state: Any) -> None:
    if not isinstance(state, dict) or not isinstance(state.get("Type"), str):
        m.refuse(name, "Type", "every state is an object with a Type")
        return
    kind = state["Type"]
    if kind not in _FIELDS:
        m.refuse(name, f"Type {kind}", "not a state type of the Amazon States Language", "Type")
        return
    for extra in sorted(set(state) - _FIELDS[kind] - _jsonpath_said(state)):
        m.refuse(name, f"{kind} field {extra}", _FIELD_WHY.get(extra, _OTHER_FIELD_WHY), extra)
    if kind not in ("Succeed", "Fail", "Choice") and ("Next" in state) == (state.get("End") is True):
        m.refuse(name, "Next/End", "a state needs exactly one of Next and End: true")
    sid = m.shared.ids[name]
    _BUILDERS[kind](m, name, sid, state)
    m.states[sid]["title"] = name if sid != name else m.states[sid].pop("title", None)
    if m.states[sid]["title"] is None:
        del m.states[sid]["title"]
    if isinstance(state.get("Comment"), str):
        m.states[sid]["description"] = state["Comment"][:4000]


def _names_of_no_state(m: Machine, name: str, state: Any) -> list[Finding]:
    """Each `Next`, `Default` (and a rule's or catcher's `Next`) naming no state of the machine, whatever else the
    state holds: the document is invalid."""
    if not isinstance(state, dict):
        return []
    places: list[tuple[dict[str, Any], str, Where]] = [(state, key, ()) for key in ("Next", "Default") if key in state]
    for field_name in ("Choices", "Catch"):
        items = state.get(field_name)
        places += [(item, "Next", (field_name, i)) for i, item in enumerate(items if isinstance(items, list) else [])
                   if isinstance(item, dict) and "Next" in item]
    return [f for holder, key, at in places if (f := m.names_no_state(name, holder, key, *at)) is not None]


def _machine(shared: Shared, doc: Any, where: Where, root: Path | None = None,
             items: bool = False) -> dict[str, Any] | None:
    """The machine `doc` (at `where` in the document) as initial state, states and transitions; None when it has
    no states or no start, which is reported."""
    if not isinstance(doc, dict) or not isinstance(doc.get("States"), dict) or not doc["States"]:
        shared.findings.append(unsupported(where, None, "States", "a state machine needs a non-empty States object"))
        return None
    start = doc.get("StartAt")
    if not isinstance(start, str) or start not in doc["States"]:
        shared.findings.append(invalid((*where, "StartAt"), None, f"StartAt: there is no state '{start}' in this "
                                       "machine" if isinstance(start, str) else "StartAt must be the name of a state"))
    m = Machine(shared, where, set(doc["States"]), root, items)
    for name in doc["States"]:
        shared.ids[name]
    for name, state in doc["States"].items():
        shared.findings += _names_of_no_state(m, name, state)
    for name, state in doc["States"].items():
        _one_state(m, name, state)
    if not isinstance(start, str) or start not in doc["States"]:
        return None
    return {"initial": shared.ids[start], "states": m.states, "transitions": m.transitions}


def import_asl(document: Any, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The workflow document for an ASL state machine, and the findings — every one, of every state; None for
    the document and the refusals (errors) only when something was refused."""
    shared = Shared(IdentifierMap())
    if not isinstance(document, dict):
        return None, [unsupported((), None, "the document", "an ASL state machine is a JSON object")]
    for key in sorted(set(document) - {"Comment", "StartAt", "States", "Version"} - _jsonpath_said(document)):
        why = "a limit on the whole execution has no counterpart" if key == "TimeoutSeconds" else \
            "no Statewright counterpart (JSONata and variables are not supported)"
        shared.findings.append(unsupported((key,), None, key, why))
    machine = _machine(shared, document, ())
    if machine is None or has_errors(shared.findings):  # the refusals only, as the XState and SCXML imports say
        return None, [f for f in shared.findings if f.severity == "error"]
    comment = document.get("Comment")
    workflow: dict[str, Any] = {
        "id": workflow_id,
        "title": (comment.split("\n", 1)[0][:200] if isinstance(comment, str) and comment.strip() else workflow_id),
        **({"description": comment[:20_000]} if isinstance(comment, str) and comment.strip() else {}),
        "context": schema_with_types(shared.learned),
        **machine,
    }
    return workflow, shared.findings
