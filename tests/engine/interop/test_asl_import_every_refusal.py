"""An ASL import names every construct it cannot map — every fault of every state, in nested machines too, each
at its field — where it used to name each state's first fault only, so that fixing it revealed the next."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from engine.interop import import_document

ROOT = Path(__file__).resolve().parents[3]
_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
_DONE = {"Done": {"Type": "Succeed"}}


def _errors(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    result = import_document("asl", json.dumps(document), "orders")
    assert result.workflow is None
    return sorted((f.code, f.pointer, f.message) for f in result.findings if f.severity == "error")


def test_every_fault_of_one_state_is_named_at_its_field() -> None:
    charge = {"Type": "Task", "Resource": _LAMBDA + "charge", "HeartbeatSeconds": 60, "OutputPath": "$.charge",
              "Parameters": {"amount.$": "States.MathAdd($.amount, 1)", "id.$": "$.order.id",
                             "skus.$": "$.lines[*].sku"},
              "ResultPath": "$.charges[0]", "TimeoutSeconds": 0,
              "Retry": [{"ErrorEquals": ["States.Permissions"], "MaxAttempts": 500, "BackoffRate": 20}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "Label": "all"}], "Next": "Done"}
    found = _errors({"StartAt": "Charge", "States": {"Charge": charge, **_DONE}})
    assert [(code, pointer) for code, pointer, _ in found] == [
        ("unsupported-construct", f"/States/Charge/{place}") for place in (
            "Catch/0/Label", "HeartbeatSeconds", "OutputPath", "Parameters/amount.$", "Parameters/skus.$",
            "ResultPath", "Retry/0/BackoffRate", "Retry/0/ErrorEquals/0", "Retry/0/MaxAttempts", "TimeoutSeconds")]
    messages = {pointer: message for _, pointer, message in found}
    assert messages["/States/Charge/Parameters/amount.$"] == (
        "state 'Charge': Parameters 'amount.$' cannot be imported: the intrinsic function States.MathAdd has no "
        "Statewright counterpart")
    assert "at most 99 retries" in messages["/States/Charge/Retry/0/MaxAttempts"]


def test_every_state_and_every_nested_machine_is_read_whole() -> None:
    """Faults in several states, in a Parallel's branches and in a Map's processor, beside names of no state
    and a branch without its start: all of them, in one pass."""
    document = {"StartAt": "Route", "TimeoutSeconds": 3600, "States": {
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.total", "NumericGreaterThan": "big", "Next": "Fan Out"},
            {"Variable": "$.total", "NumericLessThan": 0, "Next": "Refund"},
            {"Condition": "{% $states.input.rush %}", "Next": "Each Line"}], "Default": "Each Line"},
        "Fan Out": {"Type": "Parallel", "ResultSelector": {"a.$": "$[0]"}, "Next": "Each Line", "Branches": [
            {"StartAt": "Score", "States": {"Score": {"Type": "Task", "Resource": "arn:aws:s3:::bucket",
                                                      "Credentials": {}, "End": True}}},
            {"StartAt": "Missing", "States": {"Cool Off": {"Type": "Wait", "SecondsPath": "$.delay", "End": True}}}]},
        "Each Line": {"Type": "Map", "ItemsPath": "$.lines", "MaxConcurrency": -1, "ItemReader": {}, "Next": "Done",
                      "ItemProcessor": {"StartAt": "Ship", "States": {
                          "Ship": {"Type": "Pass", "Assign": {"x": 1}, "Result": 5, "End": True}}}},
        "Done": {"Type": "Fail", "ErrorPath": "States.Format('{}', $.error)"}}}
    assert [(code, pointer) for code, pointer, _ in _errors(document)] == [
        ("invalid-document", "/States/Fan Out/Branches/1/StartAt"),
        ("invalid-document", "/States/Route/Choices/1/Next"),
        ("unsupported-construct", "/States/Done/ErrorPath"),
        ("unsupported-construct", "/States/Each Line/ItemProcessor/States/Ship/Assign"),
        ("unsupported-construct", "/States/Each Line/ItemProcessor/States/Ship/Result"),
        ("unsupported-construct", "/States/Each Line/ItemReader"),
        ("unsupported-construct", "/States/Each Line/MaxConcurrency"),
        ("unsupported-construct", "/States/Fan Out/Branches/0/States/Score/Credentials"),
        ("unsupported-construct", "/States/Fan Out/Branches/0/States/Score/Resource"),
        ("unsupported-construct", "/States/Fan Out/Branches/1/States/Cool Off/SecondsPath"),
        ("unsupported-construct", "/States/Fan Out/ResultSelector"),
        ("unsupported-construct", "/States/Route/Choices/0"),
        ("unsupported-construct", "/States/Route/Choices/2"),
        ("unsupported-construct", "/TimeoutSeconds"),
    ]


def test_a_retrier_number_that_is_no_number_is_refused_at_its_field() -> None:
    """Reading every field reaches fields that an earlier refusal used to hide: a `MaxAttempts` that is no
    number was never checked, and stopped the import with a TypeError."""
    task = {"Type": "Task", "Resource": _LAMBDA + "f", "Parameters": {"a": 1}, "Next": "Done",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": "three", "IntervalSeconds": {"s": 1}}]}
    found = _errors({"StartAt": "A", "States": {"A": task, **_DONE}})
    assert [(code, pointer) for code, pointer, _ in found] == [
        ("unsupported-construct", "/States/A/Retry/0/IntervalSeconds"),
        ("unsupported-construct", "/States/A/Retry/0/MaxAttempts")]
    assert "a number is required, not \"three\"" in found[1][2]


def test_the_command_line_lists_every_refusal_of_every_state(tmp_path: Path) -> None:
    machine = tmp_path / "orders.asl.json"
    machine.write_text(json.dumps({"StartAt": "Validate", "States": {
        "Validate": {"Type": "Task", "Resource": _LAMBDA + "validate", "OutputPath": "$.ok", "HeartbeatSeconds": 9,
                     "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                   "Parameters": {"Message.$": "States.Format('order {}', $.id)"}, "Next": "Wait"},
        "Wait": {"Type": "Wait", "SecondsPath": "$.delay", "End": True}}}))
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "statewright"), "import", "asl", str(machine), "-o",
                           str(tmp_path / "orders.json")], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    refused = [line for line in done.stdout.splitlines() if "unsupported-construct" in line]
    assert [line.split(" at ", 1)[1].split(":", 1)[0] for line in refused] == [
        "/States/Validate/HeartbeatSeconds", "/States/Validate/OutputPath", "/States/Notify/Parameters/Message.$",
        "/States/Wait/SecondsPath"]
    assert not (tmp_path / "orders.json").exists()
