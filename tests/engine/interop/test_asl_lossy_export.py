"""`statewright export asl --allow-loss` on flows with states ASL cannot express (an outside walk's files: a map
over a computed list, a wait with a timeout, an approval, a guarded done). Before, the dropped state was left out
while `StartAt`, `Next` and `Catch` still named it, and `statewright import asl` refused the file ("'each' is
not a state"). Now each such state is a placeholder under its own name, the loss report names it, and the
document imports back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.interop import export_workflow, import_document
from engine.interop.ids import to_identifier
from engine.validation.loader import load_workflow

LOSSY = Path(__file__).parent / "documents" / "lossy"
SHIPPED = Path(__file__).resolve().parents[3] / "definitions" / "workflows"
FLOWS = sorted(LOSSY.glob("*.json")) + sorted(SHIPPED.glob("*.json"))  # no shipped flow fits ASL whole


def _machines(machine: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The machine and every machine nested in it (Parallel branches, Map item processors)."""
    yield machine
    for state in machine["States"].values():
        for branch in state.get("Branches", []):
            yield from _machines(branch)
        if "ItemProcessor" in state:
            yield from _machines(state["ItemProcessor"])


def dangling(machine: dict[str, Any]) -> list[str]:
    """Every StartAt/Next/Default/Choices[].Next/Catch[].Next naming no state of its own machine."""
    found: list[str] = []
    for part in _machines(machine):
        names = set(part["States"])
        refs = [("StartAt", part["StartAt"])]
        for sid, state in part["States"].items():
            refs += [(f"{sid}/{key}", state[key]) for key in ("Next", "Default") if key in state]
            refs += [(f"{sid}/Choices", rule["Next"]) for rule in state.get("Choices", [])]
            refs += [(f"{sid}/Catch", catcher["Next"]) for catcher in state.get("Catch", [])]
        found += [f"{where} -> {target}" for where, target in refs if target not in names]
    return found


@pytest.mark.parametrize("path", FLOWS, ids=[p.stem for p in FLOWS])
def test_a_lossy_export_names_only_states_it_writes_and_imports_back(path: Path) -> None:
    workflow = load_workflow(json.loads(path.read_text())).model
    assert workflow is not None
    exported = export_workflow("asl", workflow)
    assert not exported.complete  # each of these flows has something ASL cannot express

    machine = json.loads(exported.text)
    assert dangling(machine) == []
    left_out = {f.states[0] for f in exported.findings if "left out" in f.message}  # only a '*' led there
    # the lost ones are placeholders; a state is named by its id, or by the title the id was made from
    assert {to_identifier(name) for name in machine["States"]} == set(workflow.states) - left_out
    back = import_document("asl", exported.text, workflow.id)
    assert back.ok, [f.message for f in back.findings if f.severity == "error"]


def test_each_refused_state_is_a_placeholder_that_says_so_and_keeps_every_way_on() -> None:
    workflow = load_workflow(json.loads((LOSSY / "kitchen_sink.json").read_text())).model
    assert workflow is not None
    exported = export_workflow("asl", workflow)
    states = json.loads(exported.text)["States"]

    approve = states["approve"]  # an approval: approve → ok, reject → rejected, timeout → expired
    assert approve["Type"] == "Choice"
    assert approve["Default"] == "ok"
    assert [rule["Next"] for rule in approve["Choices"]] == ["rejected", "expired"]
    assert "approval state 'approve' was dropped" in approve["Comment"]
    poll = states["poll"]  # a guarded done: its self-loop is lost, its other done and its error kept
    assert (poll["Type"], poll["Default"], [rule["Next"] for rule in poll["Choices"]]) == (
        "Choice", "await_sig", ["failed"])
    assert states["ok"]["Type"] == "Succeed"  # a success end whose result ASL cannot compute

    refused = {f.states[0] for f in exported.findings if f.code == "not-expressible" and f.states}
    placed = {f.states[0]: f.message for f in exported.findings if "placeholder" in f.message}
    assert set(placed) == refused == {"poll", "await_sig", "approve", "ok"}
    assert placed["approve"] == ("state 'approve': dropped: a placeholder Choice in its place goes on to "
                                 "'ok' (or 'rejected', 'expired' when $.placeholder_way names it)")



def test_one_way_on_is_a_pass_and_a_failure_end_a_fail() -> None:
    flow = {"id": "paid", "title": "Paid", "initial": "await_payment",
            "states": {"await_payment": {"type": "wait", "event": {"type": "payment_received"}},
                       "refused": {"type": "final", "outcome": "failure", "result": {"code": "'refused'"}},
                       "check": {"type": "task", "action": "check_payment", "output": "checked"},
                       "done": {"type": "final"}},
            "transitions": [{"source": "await_payment", "trigger": "done", "dest": "check"},
                            {"source": "check", "trigger": "done", "dest": "done"},
                            {"source": "check", "trigger": "error", "dest": "refused"}]}
    workflow = load_workflow(flow).model
    assert workflow is not None
    exported = export_workflow("asl", workflow)
    states = json.loads(exported.text)["States"]

    assert (states["await_payment"]["Type"], states["await_payment"]["Next"]) == ("Pass", "check")
    assert (states["refused"]["Type"], states["refused"]["Error"]) == ("Fail", "Statewright.NotExpressible")
    assert import_document("asl", exported.text, "paid").ok


def test_a_state_only_a_transition_from_any_state_leads_to_is_left_out_and_named() -> None:
    """customer_escalation's `withdrawn` is reached by `withdraw` from anywhere only: written, it was
    unreachable, which Step Functions and `statewright import asl` refuse."""
    workflow = load_workflow(json.loads((SHIPPED / "customer_escalation.json").read_text())).model
    assert workflow is not None
    exported = export_workflow("asl", workflow)

    assert "withdrawn" not in json.loads(exported.text)["States"]
    assert [f.message for f in exported.findings if f.states == ("withdrawn",)] == [
        "state 'withdrawn': the result key 'request_id' cannot be expressed in ASL: Fail carries Error and Cause only",
        "state 'withdrawn': dropped: left out, as only transitions from any state ('*') lead to it and ASL "
        "has none"]
