"""SCXML round trip of parallel states whose branches share names (each parallel state's `a` and `b`, or a branch
named like a state elsewhere): a branch's name is unique within its parallel state only, and comes back as it
was. The importer used to rename every repeat (`a_2`, `b_2`), so a flow with two such parallel states came back
a different flow."""

from __future__ import annotations

from typing import Any

from engine.definition import Workflow
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences


def _branch(name: str, action: str) -> dict[str, Any]:
    return {"name": name, "initial": "work",
            "states": {"work": {"type": "task", "action": action}, "done": {"type": "final"}},
            "transitions": [{"source": "work", "trigger": "done", "dest": "done"}]}


def _parallel(prefix: str, names: tuple[str, str]) -> dict[str, Any]:
    return {"type": "parallel", "branches": [_branch(names[0], f"{prefix}_left"), _branch(names[1], f"{prefix}_right")]}


FLOW = Workflow.model_validate({
    "id": "twice_in_parallel", "title": "Twice in parallel", "initial": "first",
    "states": {"first": _parallel("first", ("a", "b")), "second": _parallel("second", ("a", "b")),
               "third": _parallel("third", ("first", "a")),
               "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "first", "trigger": "done", "dest": "second"},
                    {"source": "second", "trigger": "done", "dest": "third"},
                    {"source": "third", "trigger": "done", "dest": "ok"},
                    *({"source": s, "trigger": "error", "dest": "failed"} for s in ("first", "second", "third"))],
})


def test_branches_named_alike_in_several_parallel_states_come_back_by_their_names() -> None:
    exported = export_workflow("scxml", FLOW)
    back = import_document("scxml", exported.text, FLOW.id)
    assert back.ok, back.findings
    assert back.workflow is not None
    assert differences(FLOW, back.workflow) == []
    names = {sid: [b.name for b in state.branches] for sid, state in back.workflow.states.items()
             if state.type == "parallel"}
    assert names == {"first": ["a", "b"], "second": ["a", "b"], "third": ["first", "a"]}
