"""A `.waitForTaskToken` task passes `$$.Task.Token` wherever the service expects it — AWS's own SQS example puts
it inside `MessageBody`. Once only a top-level `token.$` was found and the canonical form was refused; now the
token anywhere in `Parameters` imports as the top-level one does: the instance's key for this task, which the
callback wait is correlated on."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.definition import TaskState, WaitState, Workflow
from engine.interop import import_document

ROOT = Path(__file__).resolve().parents[3]
RETURNS = Path(__file__).parent / "documents" / "returns_callbacks.asl.json"
TOKEN = "instance.id + '/await_scan'"


def _machine(parameters: Any, resource: str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken") -> str:
    return json.dumps({"StartAt": "Await Scan", "States": {
        "Await Scan": {"Type": "Task", "Resource": resource, "Parameters": parameters, "ResultPath": "$.scan",
                       "TimeoutSeconds": 3600, "Next": "Done"},
        "Done": {"Type": "Succeed"}}})


def _imported(parameters: Any, resource: str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken") -> Workflow:
    result = import_document("asl", _machine(parameters, resource), "scan")
    assert result.ok, result.findings
    assert result.workflow is not None
    return result.workflow


def _callback(workflow: Workflow) -> WaitState:
    wait = workflow.states["await_scan_callback"]
    assert isinstance(wait, WaitState)
    assert wait.event is not None
    return wait


def test_awss_sqs_example_with_the_token_in_the_message_body_imports() -> None:
    workflow = _imported({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
                          "MessageBody": {"order_id.$": "$.order.id", "token.$": "$$.Task.Token"}})
    task = workflow.states["await_scan"]
    assert isinstance(task, TaskState)
    assert task.action == "sqs.sendMessage"
    assert task.input["MessageBody"] == f"{{'order_id': order.id, 'token': {TOKEN}}}"
    wait = _callback(workflow)
    assert wait.event is not None
    assert wait.event.correlation == TOKEN
    assert wait.timeout == "PT3600S"
    assert wait.output == "scan"


def test_the_token_deep_in_a_list_or_a_lambda_payload_imports() -> None:
    in_a_list = _imported({"TopicArn": "arn:aws:sns:us-east-1:123456789012:scans",
                           "Message": {"reply": [{"to": "ops", "token.$": "$$.Task.Token"}]}},
                          "arn:aws:states:::sns:publish.waitForTaskToken")
    assert TOKEN in in_a_list.states["await_scan"].input["Message"]  # type: ignore[union-attr]
    in_the_payload = _imported({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:notify",
                                "Payload": {"callback": {"token.$": "$$.Task.Token"}}},
                               "arn:aws:states:::lambda:invoke.waitForTaskToken")
    task = in_the_payload.states["await_scan"]
    assert isinstance(task, TaskState)
    assert task.action == "notify"
    assert dict(task.input) == {"callback": f"{{'token': {TOKEN}}}"}


@given(st.recursive(st.just("token"), lambda inner: st.one_of(
    st.builds(lambda k, v: {k: v}, st.sampled_from(["Body", "detail", "reply_to"]), inner),
    st.builds(lambda v: [v], inner)), max_leaves=5))
def test_the_token_at_any_depth_is_the_tasks_key(shape: Any) -> None:
    def place(node: Any) -> Any:
        if node == "token":
            return {"token.$": "$$.Task.Token"}
        if isinstance(node, list):
            return [place(item) for item in node]
        return {key: place(value) for key, value in node.items()}
    parameters = place(shape)
    parameters = parameters if isinstance(parameters, dict) else {"Entries": parameters}
    workflow = _imported(parameters)
    assert any(TOKEN in value for value in workflow.states["await_scan"].input.values())  # type: ignore[union-attr]
    assert _callback(workflow).event.correlation == TOKEN  # type: ignore[union-attr]


def test_a_callback_task_that_passes_no_token_is_still_refused_at_its_parameters() -> None:
    for parameters in ({"QueueUrl": "q", "MessageBody": {"order_id.$": "$.order.id"}},
                       {"QueueUrl": "q", "MessageBody": {"token": "$$.Task.Token"}}):  # a literal, not a path
        result = import_document("asl", _machine(parameters), "scan")
        assert result.document is None
        assert [(f.code, f.pointer) for f in result.findings] == [
            ("unsupported-construct", "/States/Await Scan/Parameters")], result.findings
        assert "$$.Task.Token" in result.findings[0].message


def test_a_returns_flow_with_three_callbacks_imports_on_the_command_line(tmp_path: Path) -> None:
    """18 states: an SQS parcel scan and a review queue with the token in MessageBody, an SNS inspection with it
    two objects deep."""
    out = tmp_path / "returns.json"
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "statewright"), "import", "asl", str(RETURNS), "-o",
                           str(out)], check=False, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    states = json.loads(out.read_text())["states"]
    for task in ("await_parcel", "Inspect", "manual_review"):
        assert states[f"{task}_callback"]["event"] == {"type": "task_token", "correlation": f"instance.id + '/{task}'"}
