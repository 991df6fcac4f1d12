"""An XState `after` is the state's one timer: a wait's duration, or the timeout of a wait for an event or of an
approval. Once an event wait's `after` made a `timeout` transition but no `timeout`, so the wait never timed out;
now every delay is mapped, or refused at its field — never dropped."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.definition import ApprovalState, WaitState
from engine.definition.durations import LONGEST, parse_duration
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences
from engine.validation.loader import load_catalog, load_workflow

DEFINITIONS = Path(__file__).resolve().parents[3] / "definitions"
CATALOG, _ = load_catalog(DEFINITIONS)


def _support(**states: Any) -> dict[str, Any]:
    """The tester's conversation: wait for the customer's reply, at most ten minutes, then ask for a rating."""
    machine: dict[str, Any] = {"id": "support", "initial": "await_reply", "states": {
        "await_reply": {"on": {"customer_replied": {"target": "triage"}},
                        "after": {"600000": {"target": "ask_csat"}}},
        "triage": {"invoke": {"src": "triage_reply", "onDone": "done", "onError": "done"}},
        "ask_csat": {"invoke": {"src": "send_csat_survey", "onDone": "done", "onError": "done"}},
        "done": {"type": "final"}}}
    machine["states"].update(states)
    return machine


def _refusals(machine: dict[str, Any]) -> list[tuple[str, str]]:
    result = import_document("xstate", json.dumps(machine), "imported")
    assert result.document is None, result.document
    return sorted((f.pointer, f.message) for f in result.findings)


def test_an_event_waits_after_is_its_timeout() -> None:
    result = import_document("xstate", json.dumps(_support()), "support")
    assert result.ok, result.findings
    assert result.workflow is not None
    wait = result.workflow.states["await_reply"]
    assert isinstance(wait, WaitState)
    assert wait.event is not None
    assert wait.event.type == "customer_replied"
    assert wait.timeout is not None
    assert parse_duration(wait.timeout).total_seconds() == 600
    assert [(t.trigger, t.dest) for t in result.workflow.transitions if t.source == "await_reply"] == [
        ("timeout", "ask_csat"), ("done", "triage")]
    assert not [f for f in result.findings if f.code == "unused-trigger"], result.findings


def test_validation_of_the_timeout_points_at_the_delay() -> None:
    """A timeout past what the engine times is found by validation, at the delay it came from."""
    too_long = str(int(LONGEST.total_seconds() * 1000) + 1000)
    machine = _support(await_reply={"on": {"customer_replied": "triage"}, "after": {too_long: "ask_csat"}})
    result = import_document("xstate", json.dumps(machine), "support")
    assert not result.ok
    assert f"/states/await_reply/after/{too_long}" in {f.pointer for f in result.findings if f.severity == "error"}


@given(st.integers(1, int(LONGEST.total_seconds() * 1000)))
def test_every_delay_is_a_duration_of_the_same_length(milliseconds: int) -> None:
    """`after` alone is a timed wait; a delay of 10⁹ ms once became `PT1e+06S`, which is no duration."""
    machine = {"id": "m", "initial": "pause", "states": {"pause": {"after": {str(milliseconds): "end"}},
                                                         "end": {"type": "final"}}}
    result = import_document("xstate", json.dumps(machine), "m")
    assert result.ok, result.findings
    assert result.workflow is not None
    pause = result.workflow.states["pause"]
    assert isinstance(pause, WaitState)
    assert pause.duration is not None
    assert round(parse_duration(pause.duration).total_seconds() * 1000) == milliseconds


def test_an_after_that_cannot_be_mapped_is_refused_at_its_field() -> None:
    """Several delays, a named one, 0 ms, and `after` on each kind of state that has no timer — all at once."""
    found = _refusals(_support(
        await_reply={"on": {"customer_replied": "triage"}, "after": {"600000": "ask_csat", "1200000": "done"}},
        named={"on": {"nudge": "done"}, "after": {"REPLY_WINDOW": "done"}},
        instantly={"after": {"0": "done"}},
        triage={"invoke": {"src": "triage_reply", "onDone": "done"}, "after": {"30000": "done"}},
        route={"always": [{"target": "done"}], "after": {"1000": "done"}},
        fan={"type": "parallel", "states": {"a": {"initial": "x", "states": {"x": {"type": "final"}}}},
             "onDone": "done", "after": {"1000": "done"}},
        until={"meta": {"statewright": {"type": "wait", "deadline": "order.due"}}, "on": {"done": "done"},
               "after": {"1000": "done"}},
        done={"type": "final", "after": {"1000": "triage"}},
    ))
    assert [pointer for pointer, _ in found] == [
        "/states/await_reply/after/1200000", "/states/done/after", "/states/fan/after",
        "/states/instantly/after/0", "/states/named/after/REPLY_WINDOW", "/states/route/after",
        "/states/triage/after", "/states/until/after"]
    messages = dict(found)
    assert "one delay" in messages["/states/await_reply/after/1200000"]
    assert "milliseconds" in messages["/states/named/after/REPLY_WINDOW"]
    assert "a task state has no timeout" in messages["/states/triage/after"]
    assert "deadline" in messages["/states/until/after"]


def _exported(workflow_id: str) -> dict[str, Any]:
    exported = export_workflow("xstate", CATALOG.workflows[workflow_id])
    assert exported.complete, exported.findings
    config: dict[str, Any] = json.loads(exported.text)
    return config


def _imported(config: dict[str, Any]) -> Any:
    back = import_document("xstate", json.dumps(config), "customer_escalation", CATALOG)
    assert back.ok, back.findings
    return back


_APPROVALS = ("discount_approval", "vp_discount_approval", "finance_discount_approval")


def test_a_shipped_flows_timeouts_survive_a_round_trip() -> None:
    original = CATALOG.workflows["customer_escalation"]
    back = _imported(_exported("customer_escalation"))
    assert differences(original, back.workflow) == []
    for sid in _APPROVALS:
        state = back.workflow.states[sid]
        assert isinstance(state, ApprovalState)
        assert state.timeout == "PT48H"


def test_the_delay_is_the_timeout_where_meta_does_not_carry_it() -> None:
    """A tool that keeps only what XState reads (or a hand edit) leaves the delay: the timeout comes from it."""
    config = _exported("customer_escalation")
    for sid in _APPROVALS:
        del config["states"][sid]["meta"]["statewright"]["timeout"]
    back = _imported(config)
    for sid in _APPROVALS:
        state = back.workflow.states[sid]
        assert isinstance(state, ApprovalState)
        assert state.timeout is not None
        assert parse_duration(state.timeout).total_seconds() == 48 * 3600


def test_a_delay_changed_in_the_editor_wins_over_meta_and_says_so() -> None:
    config = _exported("customer_escalation")
    node = config["states"]["discount_approval"]
    node["after"] = {"86400000": node["after"]["172800000"]}
    back = _imported(config)
    state = back.workflow.states["discount_approval"]
    assert isinstance(state, ApprovalState)
    assert state.timeout == "PT86400S"
    (said,) = [f for f in back.findings if f.code == "approximated"]
    assert said.pointer == "/states/discount_approval/meta/statewright/timeout"
    assert "PT48H" in said.message
    assert "86400000" in said.message


@pytest.mark.parametrize("timeout", ["PT10M", "PT2H", "P3D", "PT0.5S"])
def test_an_event_waits_timeout_survives_without_meta(timeout: str) -> None:
    """An event wait's timeout travels in `after` alone: strip `meta.statewright` and it comes back."""
    document = {"id": "reply", "title": "Reply", "initial": "await_reply", "states": {
        "await_reply": {"type": "wait", "event": {"type": "customer_replied"}, "timeout": timeout},
        "answered": {"type": "final"}, "silent": {"type": "final"}},
        "transitions": [{"source": "await_reply", "trigger": "done", "dest": "answered"},
                        {"source": "await_reply", "trigger": "timeout", "dest": "silent"}]}
    loaded = load_workflow(document)
    assert loaded.model is not None, loaded.findings
    config = json.loads(export_workflow("xstate", loaded.model).text)
    for node in config["states"].values():
        node.pop("meta", None)
    config.pop("meta", None)
    back = import_document("xstate", json.dumps(config), "reply")
    assert back.ok, back.findings
    assert back.workflow is not None
    wait = back.workflow.states["await_reply"]
    assert isinstance(wait, WaitState)
    assert wait.timeout is not None
    assert parse_duration(wait.timeout) == parse_duration(timeout)


def test_the_command_line_imports_a_conversation_whose_waits_time_out(tmp_path: Path) -> None:
    """16 states: a reply awaited for ten minutes, a rating for a day, a cool-down of an hour."""
    source = Path(__file__).parent / "documents" / "support_conversation.xstate.json"
    out = tmp_path / "support.json"
    done = subprocess.run([str(DEFINITIONS.parent / ".venv" / "bin" / "statewright"), "import", "xstate",
                           str(source), "-o", str(out)], check=False, capture_output=True, text=True, timeout=60,
                          cwd=DEFINITIONS.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unused-trigger" not in done.stdout
    states = json.loads(out.read_text())["states"]
    assert (states["await_reply"]["timeout"], states["await_csat"]["timeout"]) == ("PT600S", "PT86400S")
    assert states["cool_down"]["duration"] == "PT3600S"
