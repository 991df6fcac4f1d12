"""ASL import: each construct of a state machine the developers wrote maps onto the workflow it should."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.definition import FinalState, ParallelState, TaskState, WaitState, Workflow
from engine.definition.expressions import evaluate as evaluate_cel
from engine.interop import export_workflow, import_document

DOCUMENTS = Path(__file__).parent / "documents"


@pytest.fixture(scope="module")
def order() -> Workflow:
    result = import_document("asl", (DOCUMENTS / "order.asl.json").read_bytes(), "order")
    assert result.ok, result.findings
    assert result.workflow is not None
    return result.workflow


def evaluate(guard: str, context: dict[str, object]) -> object:
    """As the engine evaluates a guard: the context's keys by name, and the whole of it as `context`."""
    return evaluate_cel(guard, {**context, "context": context})


def _edges(workflow: Workflow, source: str, trigger: str | None) -> list[tuple[str, str | None, int]]:
    return [(t.dest, t.guard, t.priority) for t in workflow.outgoing(source) if t.trigger == trigger]


def test_names_with_spaces_become_ids_with_the_original_as_title(order: Workflow) -> None:
    assert order.initial == "validate_order"
    assert order.states["validate_order"].title == "Validate Order"
    assert order.states["validate_order"].description == "Checks the order against the catalogue."
    assert order.states["Route"].title is None  # a valid id keeps its name and needs no title


def test_task_maps_resource_parameters_paths_timeout_and_retry(order: Workflow) -> None:
    task = order.states["validate_order"]
    assert isinstance(task, TaskState)
    assert task.action == "validate_order"
    # InputPath $.order prefixes every path; static values become literals; $$.Execution.Id the instance id
    assert dict(task.input) == {"order_id": "order.id", "lines": "order.lines", "channel": "'web'",
                                "run": "instance.id"}
    assert task.output == "validation"
    assert task.timeout_s == 30
    assert task.retry is not None
    assert (task.retry.max_attempts, task.retry.initial_interval_s, task.retry.multiplier, task.retry.max_interval_s,
            task.retry.jitter, sorted(task.retry.retry_on)) == (3, 2.0, 2.0, 30.0, True, ["Throttled", "timeout"])


def test_catch_becomes_guarded_error_transitions_in_order(order: Workflow) -> None:
    errors = [t for t in order.outgoing("validate_order") if t.trigger == "error"]
    assert [(t.dest, t.guard) for t in errors] == [("Rejected", "event.kind == 'InvalidOrder'"), ("Failed", None)]
    assert all(dict(t.assign) == {"failure": "event"} for t in errors)


def test_choice_rules_become_cel_guards_in_order_then_the_default(order: Workflow) -> None:
    guards = _edges(order, "Route", None)
    assert [d for d, _, _ in guards] == ["manager_sign-off", "Reserve", "cool_off", "Reserve"]
    assert guards[-1][1] is None
    express = guards[1][1]
    assert express is not None
    facts = {"express": True, "country": "DE", "total": 5, "email": "a@b.c", "note": "x", "id": "O1"}
    base: dict[str, Any] = {"order": facts, "limits": {"minimum": 1}, "validation": {"total": 10}}
    assert evaluate(express, base) is True
    assert evaluate(express, {**base, "order": {**base["order"], "coupon": "X"}}) is False
    slow = guards[2][1]
    assert slow is not None
    assert evaluate(slow, base) is False
    assert evaluate(slow, {**base, "order": {**base["order"], "email": "ann@example.com"}}) is True
    assert evaluate(slow, {**base, "order": {**base["order"], "note": None}}) is True
    assert evaluate(slow, {**base, "limits": {"minimum": 50}}) is True
    # the ...Path comparison taught the context schema the type it compares
    assert order.context["properties"]["limits"]["properties"]["minimum"] == {"type": "number"}


def test_wait_for_task_token_is_a_task_then_a_correlated_event_wait(order: Workflow) -> None:
    send = order.states["manager_sign-off"]
    wait = order.states["manager_sign-off_callback"]
    assert isinstance(send, TaskState)
    assert isinstance(wait, WaitState)
    assert send.action == "sqs.sendMessage"
    assert wait.event is not None
    assert wait.event.type == "task_token"
    assert wait.event.correlation == send.input["token"] == "instance.id + '/manager_sign-off'"
    assert wait.output == "signoff"
    assert wait.timeout == "PT172800S"
    assert _edges(order, "manager_sign-off", "done") == [("manager_sign-off_callback", None, 0)]
    assert _edges(order, "manager_sign-off_callback", "timeout") == [("Rejected", None, 0)]


def test_wait_pass_parallel_succeed_and_fail(order: Workflow) -> None:
    assert order.states["cool_off"] == WaitState(type="wait", duration="PT3600S", title="Cool Off")
    cutoff = order.states["until_cutoff"]
    assert isinstance(cutoff, WaitState)
    assert cutoff.deadline == "'2030-01-01T09:00:00Z'"
    (mark,) = order.outgoing("mark_slow")
    assert order.states["mark_slow"].type == "choice"
    assert dict(mark.assign) == {"routing": "{'lane': 'slow'}"}
    reserve = order.states["Reserve"]
    assert isinstance(reserve, ParallelState)
    assert [b.initial for b in reserve.branches] == ["reserve_stock", "charge_card"]
    declined = reserve.branches[1].states["Declined"]
    assert isinstance(declined, FinalState)
    assert declined.outcome == "failure"
    assert dict(declined.result) == {"error": "'CardDeclined'", "cause": "'The card was declined.'"}
    failed = order.states["Failed"]
    assert isinstance(failed, FinalState)
    assert dict(failed.result) == {"error": "failure.kind",
                                                                      "cause": "failure.message"}
    assert order.states["Shipped"] == FinalState(type="final", outcome="success")


def test_every_comparison_operator_imports_to_a_guard_that_decides_like_asl() -> None:
    cases = [
        ("StringEquals", "b", {"v": "b"}, {"v": "c"}), ("StringLessThan", "b", {"v": "a"}, {"v": "c"}),
        ("StringGreaterThan", "b", {"v": "c"}, {"v": "a"}), ("StringLessThanEquals", "b", {"v": "b"}, {"v": "c"}),
        ("StringGreaterThanEquals", "b", {"v": "b"}, {"v": "a"}), ("StringMatches", "a*z", {"v": "abz"}, {"v": "ab"}),
        ("NumericEquals", 3, {"v": 3}, {"v": 4}), ("NumericLessThan", 3, {"v": 2}, {"v": 3}),
        ("NumericGreaterThan", 3, {"v": 4}, {"v": 3}), ("NumericLessThanEquals", 3, {"v": 3}, {"v": 4}),
        ("NumericGreaterThanEquals", 3.5, {"v": 4}, {"v": 3}), ("BooleanEquals", True, {"v": True}, {"v": False}),
        ("TimestampEquals", "2024-01-01T00:00:00Z", {"v": "2024-01-01T00:00:00Z"}, {"v": "2024-01-02T00:00:00Z"}),
        ("TimestampLessThan", "2024-01-02T00:00:00Z", {"v": "2024-01-01T00:00:00Z"}, {"v": "2024-01-03T00:00:00Z"}),
        ("TimestampGreaterThanEquals", "2024-01-02T00:00:00Z", {"v": "2024-01-02T00:00:00Z"},
         {"v": "2024-01-01T00:00:00Z"}),
        ("NumericGreaterThanPath", "$.w", {"v": 5, "w": 4}, {"v": 4, "w": 4}),
        ("StringEqualsPath", "$.w", {"v": "x", "w": "x"}, {"v": "x", "w": "y"}),
        ("BooleanEqualsPath", "$.w", {"v": True, "w": True}, {"v": True, "w": False}),
        ("TimestampLessThanPath", "$.w", {"v": "2024-01-01T00:00:00Z", "w": "2024-01-02T00:00:00Z"},
         {"v": "2024-01-03T00:00:00Z", "w": "2024-01-02T00:00:00Z"}),
        ("IsPresent", True, {"v": 1}, {"w": 1}), ("IsNull", True, {"v": None}, {"v": 1}),
        ("IsString", True, {"v": "s"}, {"v": 1}), ("IsNumeric", True, {"v": 1.5}, {"v": "1"}),
        ("IsBoolean", True, {"v": False}, {"v": 0}), ("IsTimestamp", True, {"v": "2024-01-01T00:00:00Z"},
                                                      {"v": "yesterday"}),
    ]
    for operator, value, matching, other in cases:
        assert isinstance(matching, dict)
        assert isinstance(other, dict)
        machine = {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.v", operator: value, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Succeed"}, "No": {"Type": "Succeed"}}}
        result = import_document("asl", json.dumps(machine), "ops")
        assert result.workflow is not None, (operator, result.findings)
        guard = result.workflow.outgoing("C")[0].guard
        assert guard is not None
        assert evaluate(guard, matching) is True, (operator, guard, matching)
        assert evaluate(guard, other) is False, (operator, guard, other)


def test_subflow_and_lambda_invoke_payload() -> None:
    machine = {"StartAt": "Child", "States": {
        "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "arn:aws:states:eu-west-1:000000000000:stateMachine:billing",
                                 "Input": {"account.$": "$.account"}}, "ResultPath": "$.bill", "Next": "Call"},
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:000000000000:function:notify:live",
                                "Payload": {"to.$": "$.email"}}, "ResultPath": None, "End": True}}}
    result = import_document("asl", json.dumps(machine), "parent")
    assert result.workflow is not None, result.findings
    child, call = result.workflow.states["Child"], result.workflow.states["Call"]
    assert child.type == "subflow"
    assert child.workflow == "billing"
    assert dict(child.input) == {"account": "account"}
    assert isinstance(call, TaskState)
    assert call.action == "notify"
    assert dict(call.input) == {"to": "email"}
    assert call.output is None


def _retrying_machine(**task: Any) -> dict[str, Any]:
    return {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:000000000000:function:call",
                 "Parameters": {"id.$": "$.id"}, "Next": "Done", **task},
        "Done": {"Type": "Succeed"}}}


@pytest.mark.parametrize(("retrier", "limit", "warned"), [
    ({"IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}, 300.0, False),  # 2, 4, 8 s: the default holds
    ({"IntervalSeconds": 10, "MaxAttempts": 7, "BackoffRate": 2.0}, 640.0, False),  # up to 640 s, waited in full
    ({"IntervalSeconds": 400, "MaxAttempts": 2, "BackoffRate": 1.0}, 400.0, False),  # fixed, past the default
    ({"IntervalSeconds": 3600, "MaxAttempts": 5, "BackoffRate": 10.0}, 604_800.0, True),  # past the 7 days
])
def test_a_retrier_without_max_delay_keeps_its_waits(retrier: dict[str, Any], limit: float, warned: bool) -> None:
    """ASL waits without a limit when a retrier gives no MaxDelaySeconds; the engine's retries stop at 300 s
    unless told, so the import used to shorten every wait past 300 s, without a word."""
    result = import_document("asl", json.dumps(_retrying_machine(Retry=[{"ErrorEquals": ["States.ALL"],
                                                                         **retrier}])), "calls")
    assert result.workflow is not None, result.findings
    task = result.workflow.states["Call"]
    assert isinstance(task, TaskState)
    assert task.retry is not None
    assert not isinstance(task.retry, list)
    assert task.retry.max_interval_s == limit
    assert any("MaxDelaySeconds" in f.message for f in result.findings) is warned


def test_retriers_with_different_settings_become_retry_rules_in_order_and_export_back() -> None:
    retriers = [
        {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 1.0},
        {"ErrorEquals": ["Throttled", "Busy"], "IntervalSeconds": 10, "MaxAttempts": 2, "BackoffRate": 3.0,
         "MaxDelaySeconds": 60, "JitterStrategy": "FULL"},
    ]
    result = import_document("asl", json.dumps(_retrying_machine(Retry=retriers)), "calls")
    assert result.workflow is not None, result.findings
    task = result.workflow.states["Call"]
    assert isinstance(task, TaskState)
    assert isinstance(task.retry, list)
    assert [(r.errors, r.max_attempts, r.backoff, r.initial_interval_s, r.multiplier, r.jitter)
            for r in task.retry] == [(["timeout"], 5, "fixed", 2.0, 1.0, False),
                                     (["Busy", "Throttled"], 3, "exponential", 10.0, 3.0, True)]
    assert task.retry[1].max_interval_s == 60
    exported = json.loads(export_workflow("asl", result.workflow).text)
    assert [(r["ErrorEquals"], r["MaxAttempts"], r["IntervalSeconds"], r["BackoffRate"])
            for r in exported["States"]["Call"]["Retry"]] == [(["States.Timeout"], 4, 2, 1.0),
                                                               (["Busy", "Throttled"], 2, 10, 3.0)]


def test_a_nested_result_path_becomes_an_output_path_and_exports_back() -> None:
    result = import_document("asl", json.dumps(_retrying_machine(ResultPath="$.enrichment.company")), "calls")
    assert result.workflow is not None, result.findings
    task = result.workflow.states["Call"]
    assert isinstance(task, TaskState)
    assert task.output == "enrichment.company"
    exported = json.loads(export_workflow("asl", result.workflow).text)
    assert exported["States"]["Call"]["ResultPath"] == "$.enrichment.company"


def test_an_error_transition_with_errors_exports_as_a_catch_of_those_names() -> None:
    workflow = Workflow.model_validate({
        "id": "calls", "title": "calls", "initial": "call",
        "states": {"call": {"type": "task", "action": "call", "retry": [{"errors": ["*"], "max_attempts": 2}]},
                   "done": {"type": "final"}, "gone": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "call", "trigger": "done", "dest": "done"},
                        {"source": "call", "trigger": "error", "dest": "gone", "errors": ["timeout", "Busy"],
                         "priority": 1},
                        {"source": "call", "trigger": "error", "dest": "done"}]})
    exported = export_workflow("asl", workflow)
    state = json.loads(exported.text)["States"]["call"]
    assert state["Retry"][0]["ErrorEquals"] == ["States.ALL"]
    assert [c["ErrorEquals"] for c in state["Catch"]] == [["Busy", "States.Timeout"], ["States.ALL"]]
