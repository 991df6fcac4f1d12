"""ASL `Task` states: an action (a Lambda function, an activity or a service integration), a subflow
(`states:startExecution.sync:2`), or a `.waitForTaskToken` task — the task that sends the token, then a wait for
its callback. Also the ending shared by every state with a result: its output key, `done` and its catchers."""

from __future__ import annotations

import math
from typing import Any

from engine.interop.asl_error_handling import catches, retry
from engine.interop.asl_machine import Machine
from engine.interop.asl_resources import CALLBACK, SUBFLOW_RESOURCE, TASK_TOKEN, action_of_resource
from engine.interop.asl_state_io import check_output_path, input_prefix, mapping, result_target
from engine.interop.asl_values import cel_literal
from engine.interop.cel_subset import Path
from engine.interop.ids import to_identifier

__all__ = ["CALLBACK_EVENT", "task", "with_result"]

CALLBACK_EVENT = "task_token"


def task(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    resource = state.get("Resource")
    prefix = input_prefix(m, name, state)
    check_output_path(m, name, state)
    if resource == SUBFLOW_RESOURCE:
        _subflow(m, name, sid, state, prefix)
        return
    found = action_of_resource(resource) if isinstance(resource, str) else None
    if found is None:
        m.refuse(name, f"Resource '{resource}'", "not a Lambda function, activity or service integration ARN",
                 "Resource")
    action, suffix = found or ("", "")
    callback = suffix == CALLBACK
    token = f"instance.id + {cel_literal('/' + sid)}" if callback else None
    body: dict[str, Any] = {"type": "task", "action": action}
    _task_input(m, name, state, body, prefix=prefix, token=token)
    _task_limits(m, name, state, body, callback)
    output, assign = result_target(m, name, sid, state)
    if callback:
        wait = m.shared.ids.fresh(f"{sid}_callback")
        m.states[sid] = body
        m.states[wait] = {"type": "wait", "title": f"{name} (callback)", "event": {"type": CALLBACK_EVENT,
                          "correlation": token}, **({"output": output} if output else {})}
        if isinstance(state.get("TimeoutSeconds"), int | float):  # else refused
            m.states[wait]["timeout"] = f"PT{int(state['TimeoutSeconds'])}S"
        m.edge(sid, wait, "done")
        m.edge(wait, m.target(name, state), "done", assign=assign)
        catches(m, name, sid, state, also_timeout_from=wait if "TimeoutSeconds" in state else None)
        return
    if output:
        body["output"] = output
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done", assign=assign)
    catches(m, name, sid, state)


def _task_input(m: Machine, name: str, state: dict[str, Any], body: dict[str, Any], *, prefix: Path | None,
                token: str | None) -> None:
    """The action's input from `Parameters` (a `lambda:invoke`'s `Payload`, its `FunctionName` the action); a
    callback task must pass its token, anywhere in that input."""
    params = state.get("Parameters")
    at: tuple[str, ...] = ("Parameters",)
    if body["action"] == "lambda.invoke" and isinstance(params, dict) and isinstance(params.get("FunctionName"), str):
        body["action"] = to_identifier(params["FunctionName"].rsplit(":function:", 1)[-1].split(":")[0])
        params, at = params.get("Payload"), ("Parameters", "Payload")
    if params is not None:
        read = mapping(m, name, params, at, prefix=prefix, token=token)
        if read is None:
            return  # the token is not looked for in Parameters refused
        body["input"] = read
    elif prefix is not None:
        m.refuse(name, "InputPath without Parameters", "an action's input is a mapping of named values; add "
                 "Parameters naming what it reads", "InputPath")
    else:
        m.warn(name, "the whole state input", "a task without Parameters gets an empty input (give Parameters)")
    if token is not None and not _passes_token(params):
        m.refuse(name, ".waitForTaskToken", "Parameters must pass $$.Task.Token to the service", "Parameters")


def _passes_token(template: Any) -> bool:
    """Whether a payload template hands the task token on, at any depth: a top-level `token.$`, or one inside an
    object or list (`MessageBody.token.$`, as AWS's SQS and SNS examples do)."""
    if isinstance(template, dict):
        return any((key.endswith(".$") and value == TASK_TOKEN) or _passes_token(value)
                   for key, value in template.items())
    if isinstance(template, list):
        return any(map(_passes_token, template))
    return False


def _task_limits(m: Machine, name: str, state: dict[str, Any], body: dict[str, Any], callback: bool) -> None:
    if "Retry" in state:
        rules = retry(m, name, state["Retry"])
        if rules:
            body["retry"] = rules
    seconds = state.get("TimeoutSeconds")
    if seconds is None:
        return
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds <= (
            math.inf if callback else 86_400):
        m.refuse(name, "TimeoutSeconds", "a callback's timeout is a positive number of seconds" if callback else
                 "a task's timeout is 1 to 86,400 seconds", "TimeoutSeconds")
    elif not callback:
        body["timeout_s"] = seconds


def with_result(m: Machine, name: str, sid: str, state: dict[str, Any], body: dict[str, Any]) -> None:
    """Add a state that ends with a result (a subflow, a map): its output key, `done` with the ResultSelector's
    assignment, and its catchers."""
    key, assign = result_target(m, name, sid, state)
    if key:
        body["output"] = key
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done", assign=assign)
    catches(m, name, sid, state)


def _subflow(m: Machine, name: str, sid: str, state: dict[str, Any], prefix: Path | None) -> None:
    params = state.get("Parameters") or {}
    arn = params.get("StateMachineArn") if isinstance(params, dict) else None
    if not isinstance(arn, str) or ":stateMachine:" not in arn:
        m.refuse(name, "startExecution", "Parameters.StateMachineArn must name a state machine", "Parameters")
        arn = ":stateMachine:"
    body: dict[str, Any] = {"type": "subflow", "workflow": to_identifier(arn.rsplit(":stateMachine:", 1)[1])}
    if isinstance(params, dict) and "Input" in params:
        read = mapping(m, name, params["Input"], ("Parameters", "Input"), prefix=prefix)
        if read is not None:
            body["input"] = read
    with_result(m, name, sid, state, body)
