"""Round trips: a workflow exported and imported back is the same machine — the shipped flows through XState
and SCXML, and Hypothesis-generated flows through ASL, XState and SCXML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.definition import Workflow
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import canonical, differences, same_guard
from engine.validation.loader import load_catalog, load_workflow

DEFINITIONS = Path(__file__).resolve().parents[3] / "definitions"
CATALOG, _ = load_catalog(DEFINITIONS)
SHIPPED = sorted(CATALOG.workflows)


def _round_trip(fmt: str, workflow: Workflow) -> Workflow:
    exported = export_workflow(fmt, workflow)
    assert exported.complete, exported.findings
    back = import_document(fmt, exported.text, workflow.id, CATALOG)
    assert back.ok, back.findings
    assert back.workflow is not None
    return back.workflow


@pytest.mark.parametrize("fmt", ["xstate", "scxml"])
@pytest.mark.parametrize("workflow_id", SHIPPED)
def test_shipped_flow_round_trips_whole(fmt: str, workflow_id: str) -> None:
    original = CATALOG.workflows[workflow_id]
    back = _round_trip(fmt, original)
    assert differences(original, back) == []
    # every state, and the workflow's context, policies, schedules and examples, come back as they were
    # (transitions are compared by meaning above: a list source comes back as one transition per state)
    assert back.model_dump(exclude={"schema_", "transitions"}) == original.model_dump(exclude={"schema_",
                                                                                                "transitions"})


@pytest.mark.parametrize("workflow_id", SHIPPED)
def test_shipped_flow_to_asl_says_what_it_cannot_express(workflow_id: str) -> None:
    """No shipped flow fits ASL whole (their tasks compute inputs with CEL, their choices assign); the export
    names each state it cannot carry (and a transition from any state, once, at the transition), and what it can
    carry round-trips when the loss is allowed."""
    original = CATALOG.workflows[workflow_id]
    exported = export_workflow("asl", original)
    errors = [f for f in exported.findings if f.severity == "error"]
    assert errors
    assert all(f.code == "not-expressible" and " in ASL" in f.message for f in errors)
    assert all(f.states or f.pointer == "/policies" or f.pointer.startswith("/transitions/") for f in errors)


# ---- generated flows, in the part of the format all three carry ----

_NAMES = ["amount", "tier", "flag", "score"]


@st.composite
def _guard(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["num", "str", "bool", "has", "not", "and", "or"] if depth < 2 else
                                ["num", "str", "bool", "has"]))
    if kind == "num":
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
        return f"amount {op} {draw(st.integers(-50, 500))}"
    if kind == "str":
        op = draw(st.sampled_from(["==", "!=", "<", ">="]))
        return f"tier {op} '{draw(st.sampled_from(['gold', 'silver', 'bronze']))}'"
    if kind == "bool":
        return draw(st.sampled_from(["flag", "flag == false", "!flag"]))
    if kind == "has":
        return f"has(context.{draw(st.sampled_from(_NAMES))})"
    if kind == "not":
        return f"!({draw(_guard(depth + 1))})"
    items = draw(st.lists(_guard(depth + 1), min_size=2, max_size=3))
    joiner = " && " if kind == "and" else " || "
    return joiner.join(f"({item})" for item in items)


@st.composite
def flows(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 6))
    ids = [f"s{i}" for i in range(count)]
    states: dict[str, Any] = {"ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}}
    transitions: list[dict[str, Any]] = []
    for i, sid in enumerate(ids):
        after = [*ids[i + 1:], "ok"]
        nxt = after[0]
        kind = draw(st.sampled_from(["task", "choice", "wait"]))
        if kind == "task":
            states[sid] = {"type": "task", "action": f"act_{i}", "timeout_s": draw(st.integers(1, 600)),
                           **({"output": f"out_{i}"} if draw(st.booleans()) else {})}
            if draw(st.booleans()):
                states[sid]["retry"] = {"max_attempts": draw(st.integers(2, 5)), "initial_interval_s": 2,
                                        "max_interval_s": 60, "jitter": draw(st.booleans()),
                                        "retry_on": draw(st.sampled_from([[], ["timeout"], ["timeout", "busy"]]))}
            elif draw(st.booleans()):
                states[sid]["retry"] = [{"errors": ["timeout"], "max_attempts": draw(st.integers(2, 5))},
                                        {"errors": ["*"], "max_attempts": 2, "backoff": "fixed"}]
            transitions.append({"source": sid, "trigger": "done", "dest": nxt})
            caught = draw(st.sampled_from([None, {"guard": "event.kind == 'validation'"},
                                           {"errors": ["validation", "timeout"]}]))
            if caught is not None:
                transitions.append({"source": sid, "trigger": "error", "dest": "failed", "priority": 1, **caught,
                                    "assign": {"failure": "event"}})
            transitions.append({"source": sid, "trigger": "error", "dest": draw(st.sampled_from(["failed", *after]))})
        elif kind == "wait":
            states[sid] = {"type": "wait", "duration": f"PT{draw(st.integers(1, 90000))}S"}
            transitions.append({"source": sid, "trigger": "done", "dest": nxt})
        else:
            states[sid] = {"type": "choice"}
            for guard in draw(st.lists(_guard(), min_size=1, max_size=3, unique_by=canonical)):
                transitions.append({"source": sid, "dest": draw(st.sampled_from(after)), "guard": guard})
            transitions.append({"source": sid, "dest": nxt})
    if not any(t["dest"] == "failed" for t in transitions):
        del states["failed"]
    return {"id": "generated", "title": "Generated", "initial": ids[0], "states": states,
            "transitions": transitions,
            "context": {"type": "object", "properties": {"amount": {"type": "integer"}, "tier": {"type": "string"},
                                                         "flag": {"type": "boolean"}, "score": {"type": "number"}}}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows())
def test_generated_flows_round_trip_through_every_format(document: dict[str, Any]) -> None:
    loaded = load_workflow(document)
    assert loaded.ok, loaded.findings
    assert loaded.model is not None
    original = loaded.model
    for fmt in ("xstate", "scxml"):
        assert differences(original, _round_trip(fmt, original)) == [], fmt
    exported = export_workflow("asl", original)
    assert exported.complete, exported.findings
    back = import_document("asl", exported.text, original.id)
    assert back.workflow is not None, back.findings
    assert differences(original, back.workflow, body=False) == []


@pytest.mark.parametrize(("a", "b", "same"), [
    ("(amount == 0) && ((has(context.amount)) && (has(context.amount)))",
     "amount == 0 && has(context.amount) && has(context.amount)", True),  # a repeat says nothing more
    ("tier == 'a' || tier == 'a'", "tier == 'a'", True),
    ("amount == 0 && flag", "amount == 0", False),
])
def test_guards_that_differ_only_by_repeats_are_the_same(a: str, b: str, same: bool) -> None:
    assert same_guard(a, b) is same
