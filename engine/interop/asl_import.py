"""AWS Step Functions (Amazon States Language) → a Statewright workflow.

Each ASL state becomes one Statewright state (a `.waitForTaskToken` task two: the task and the wait for its
callback); `Next`/`End`/`Catch`/`Choices` become transitions. Whatever has no counterpart is an error finding
naming the ASL state and the construct; a mapping with a difference worth knowing is a warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.definition.states import RetryRule
from engine.interop.asl_choice import RuleError, guard_of_rule
from engine.interop.asl_map import MAP_FIELDS, MapRefused, map_options, processor_of, selection, subflow_of
from engine.interop.asl_paths import BadPath, parse_reference
from engine.interop.asl_resources import CALLBACK, SUBFLOW_RESOURCE, action_of_resource
from engine.interop.asl_values import Refused, cel_literal, cel_of_template, mapping_of_template
from engine.interop.cel_subset import Path, render
from engine.interop.context_types import schema_with_types
from engine.interop.findings import approximated, invalid, unsupported
from engine.interop.ids import IdentifierMap, to_identifier
from engine.validation.findings import Finding

__all__ = ["CALLBACK_EVENT", "import_asl"]

CALLBACK_EVENT = "task_token"
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


class _Refuse(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


@dataclass
class _Shared:
    ids: IdentifierMap
    findings: list[Finding] = field(default_factory=list)
    learned: dict[str, str] = field(default_factory=dict)


@dataclass
class _Machine:
    """One state machine being built: the workflow itself, a Parallel branch or a Map's item processor (whose
    `$` is the item: `root` is then `item`)."""

    shared: _Shared
    where: tuple[str | int, ...]
    names: set[str]
    root: Path | None = None
    items: bool = False  # a Map's item processor: a Pass that ends it with Parameters is the item's result
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    finals: dict[str, str] = field(default_factory=dict)

    def refuse(self, name: str, construct: str, why: str, *at: str | int) -> _Refuse:
        return _Refuse(unsupported((*self.where, "States", name, *at), name, construct, why))

    def warn(self, name: str, construct: str, how: str, *at: str | int) -> None:
        self.shared.findings.append(approximated((*self.where, "States", name, *at), name, construct, how))

    def final(self, outcome: str) -> str:
        """The machine's shared end state for `End: true` (success) or an uncaught error (failure)."""
        if outcome not in self.finals:
            sid = self.shared.ids.fresh("succeeded" if outcome == "success" else "failed")
            self.states[sid] = {"type": "final", "outcome": outcome}
            self.finals[outcome] = sid
        return self.finals[outcome]

    def target(self, name: str, state: dict[str, Any], key: str = "Next", *at: str | int) -> str:
        """The state `state[key]` names; `at`: where `state` lies in the ASL state `name` (a catcher, a rule). A name
        of no state makes the document invalid — Step Functions refuses it too."""
        if state.get("End") is True and key == "Next" and not at:
            return self.final("success")
        dangling = self.names_no_state(name, state, key, *at)
        if dangling is not None:
            raise _Refuse(dangling)
        return self.shared.ids[state[key]]

    def names_no_state(self, name: str, state: dict[str, Any], key: str, *at: str | int) -> Finding | None:
        """The finding when `state[key]` is no state's name."""
        nxt = state.get(key)
        where = (*self.where, "States", name, *at, key)
        if not isinstance(nxt, str):
            return invalid(where, name, f"{key} must be the name of a state, not {json.dumps(nxt)}")
        if nxt not in self.names:
            return invalid(where, name, f"{key}: there is no state '{nxt}' in this machine")
        return None

    def edge(self, source: str, dest: str, trigger: str | None = None, **extra: Any) -> None:
        self.transitions.append({"source": source, **({"trigger": trigger} if trigger else {}), "dest": dest,
                                 **{k: v for k, v in extra.items() if v not in (None, {}, 0)}})


def _input_prefix(m: _Machine, name: str, state: dict[str, Any]) -> Path | None:
    raw = state.get("InputPath", "$")
    if raw is None:
        raise m.refuse(name, "InputPath null", "a state that reads nothing has no Statewright counterpart", "InputPath")
    try:
        prefix = parse_reference(raw)
    except BadPath as exc:
        raise m.refuse(name, "InputPath", str(exc), "InputPath") from exc
    if m.root is not None:
        prefix = Path((*m.root.parts, *prefix.parts))
    return prefix if prefix.parts else None


def _check_output_path(m: _Machine, name: str, state: dict[str, Any]) -> None:
    if state.get("OutputPath", "$") != "$":
        raise m.refuse(name, "OutputPath", "the context is shared by every state; narrowing what the next state "
                       "sees has no Statewright counterpart", "OutputPath")


def _result_key(m: _Machine, name: str, state: dict[str, Any], sid: str, what: str) -> str | None:
    """Where a result goes: `$.key` → key; null → discarded; `$` (the default) → the state's own key."""
    if "ResultPath" in state and state["ResultPath"] is None:
        return None
    raw = state.get("ResultPath", "$")
    try:
        path = parse_reference(raw)
    except BadPath as exc:
        raise m.refuse(name, "ResultPath", str(exc), "ResultPath") from exc
    if not path.parts:
        m.warn(name, "ResultPath '$'", f"ASL replaces the state's data with the {what}; Statewright keeps the "
               f"context and stores the {what} under '{sid}' (paths that read it later need the '{sid}.' prefix)",
               "ResultPath")
        return sid
    if not all(isinstance(part, str) for part in path.parts):
        raise m.refuse(name, "ResultPath", f"'{raw}' indexes a list; results are stored under object keys",
                       "ResultPath")
    given = ".".join(map(str, path.parts))
    key = ".".join(to_identifier(str(part)) for part in path.parts)
    if key != given:
        m.warn(name, "ResultPath", f"the key '{given}' is stored as '{key}'", "ResultPath")
    return key


_ERRORS = {"States.Timeout": "timeout", "States.HeartbeatTimeout": "timeout"}


def _kinds(m: _Machine, name: str, names: Any, at: tuple[str | int, ...]) -> tuple[bool, bool, list[str]]:
    """(every error, every error but timeouts, the kinds named) of an ErrorEquals list."""
    if not isinstance(names, list) or not names:
        raise m.refuse(name, "ErrorEquals", "a non-empty list of error names is required", *at)
    every = "States.ALL" in names
    failed = "States.TaskFailed" in names
    kinds = []
    for error in names:
        if error in ("States.ALL", "States.TaskFailed"):
            continue
        if error in _ERRORS:
            kinds.append(_ERRORS[error])
        elif isinstance(error, str) and error.startswith("States."):
            raise m.refuse(name, f"ErrorEquals {error}", "the engine raises no such error", *at)
        elif isinstance(error, str):
            kinds.append(error)
    return every or (failed and "timeout" in kinds), failed, kinds


def _error_guard(failed: bool, kinds: list[str]) -> str:
    if failed:
        return "event.kind != 'timeout'"
    if len(kinds) == 1:
        return f"event.kind == {cel_literal(kinds[0])}"
    return f"event.kind in {cel_literal(kinds)}"


_DEFAULT_MAX_INTERVAL_S = RetryRule.model_fields["max_interval_s"].default
_LONGEST_INTERVAL_S = 86_400 * 7  # the most `max_interval_s` may be
_RETRIER_KEYS = ("IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy")


def _rule(m: _Machine, name: str, i: int, retrier: dict[str, Any]) -> dict[str, Any]:
    """One retrier as a retry rule (its `errors` empty when it takes every kind)."""
    unknown = set(retrier) - {*_RETRIER_KEYS, "ErrorEquals", "Comment"}
    if unknown:
        raise m.refuse(name, f"Retry field {sorted(unknown)[0]}", "no Statewright counterpart", "Retry", i)
    every, failed, named = _kinds(m, name, retrier.get("ErrorEquals"), ("Retry", i, "ErrorEquals"))
    if failed and not every:
        m.warn(name, "Retry on States.TaskFailed", "retried on every error kind, timeouts included", "Retry", i)
    attempts = int(retrier.get("MaxAttempts", 3)) + 1
    rate = float(retrier.get("BackoffRate", 2.0))
    if attempts > 100 or rate > 10:
        raise m.refuse(name, "Retry", "at most 99 retries and a BackoffRate of at most 10 are supported", "Retry", i)
    rule: dict[str, Any] = {"errors": [] if every or failed else sorted(set(named)), "max_attempts": attempts,
                            "backoff": "exponential" if rate > 1 else "fixed",
                            "initial_interval_s": float(retrier.get("IntervalSeconds", 1)),
                            "multiplier": max(rate, 1.0), "jitter": retrier.get("JitterStrategy", "NONE") == "FULL"}
    if "MaxDelaySeconds" in retrier:
        rule["max_interval_s"] = float(retrier["MaxDelaySeconds"])
    else:  # ASL waits without a limit: the engine's default one (300 s) must not shorten a wait
        longest = rule["initial_interval_s"] * (rule["multiplier"] ** (attempts - 2) if attempts > 2 else 1.0)
        if longest > _DEFAULT_MAX_INTERVAL_S:
            rule["max_interval_s"] = min(longest, _LONGEST_INTERVAL_S)
        if longest > _LONGEST_INTERVAL_S:
            m.warn(name, "Retry without MaxDelaySeconds",
                   f"its longest wait ({longest:,.0f} s) is cut to the {_LONGEST_INTERVAL_S:,.0f} s (7 days) a retry "
                   "may wait", "Retry", i)
    return rule


def _retry(m: _Machine, name: str, retriers: Any) -> dict[str, Any] | list[dict[str, Any]] | None:
    """Retriers with the same settings become one policy (`retry_on` their kinds together); retriers that
    differ become retry rules, in order."""
    if not isinstance(retriers, list):
        raise m.refuse(name, "Retry", "a list of retriers is required", "Retry")
    active = [(i, r) for i, r in enumerate(retriers) if isinstance(r, dict) and r.get("MaxAttempts", 3) != 0]
    if not active:
        return None
    rules = [_rule(m, name, i, retrier) for i, retrier in active]
    first = active[0][1]
    if any(any(r.get(k) != first.get(k) for k in _RETRIER_KEYS) for _, r in active):
        return rules
    every = any(not rule["errors"] for rule in rules)
    kinds = sorted({kind for rule in rules for kind in rule["errors"]})
    policy = {key: value for key, value in rules[0].items() if key != "errors"}
    return {**policy, "retry_on": [] if every else kinds}


def _catches(m: _Machine, name: str, sid: str, state: dict[str, Any], also_timeout_from: str | None = None) -> None:
    """`Catch` → `error` transitions (guarded by kind, in order); an uncaught error fails the machine."""
    catchers = state.get("Catch", [])
    if not isinstance(catchers, list):
        raise m.refuse(name, "Catch", "a list of catchers is required", "Catch")
    caught_all = False
    timeout_dest: str | None = None
    count = len(catchers) + 1
    for i, catcher in enumerate(catchers):
        if not isinstance(catcher, dict) or set(catcher) - {"ErrorEquals", "Next", "ResultPath", "Comment"}:
            raise m.refuse(name, "Catch", "a catcher has ErrorEquals, Next and ResultPath only", "Catch", i)
        every, failed, kinds = _kinds(m, name, catcher.get("ErrorEquals"), ("Catch", i, "ErrorEquals"))
        dest = m.target(name, catcher, "Next", "Catch", i) if "Next" in catcher else None
        if dest is None:
            raise m.refuse(name, "Catch", "a catcher needs Next", "Catch", i)
        assign: dict[str, str] = {}
        if "ResultPath" not in catcher or catcher["ResultPath"] == "$":
            m.warn(name, "Catch ResultPath '$'", "ASL replaces the data with the error; Statewright keeps the "
                   "context and does not store the error (give ResultPath '$.failure' to keep it)", "Catch", i)
        elif catcher["ResultPath"] is not None:
            key = _result_key(m, name, catcher, sid, "error")
            if key is not None:
                assign[key] = "event"
        guard = None if every else _error_guard(failed, kinds)
        m.edge(sid, dest, "error", guard=guard, priority=count - i if len(catchers) else 0, assign=assign)
        if timeout_dest is None and (every or (failed is False and "timeout" in kinds)):
            timeout_dest = dest
        caught_all = caught_all or every
    if not caught_all:
        m.edge(sid, m.final("failure"), "error", priority=0)
    if also_timeout_from is not None:
        m.edge(also_timeout_from, timeout_dest or m.final("failure"), "timeout")


def _task(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    resource = state.get("Resource")
    prefix = _input_prefix(m, name, state)
    _check_output_path(m, name, state)
    if resource == SUBFLOW_RESOURCE:
        _subflow(m, name, sid, state, prefix)
        return
    found = action_of_resource(resource) if isinstance(resource, str) else None
    if found is None:
        raise m.refuse(name, f"Resource '{resource}'", "not a Lambda function, activity or service integration ARN",
                       "Resource")
    action, suffix = found
    callback = suffix == CALLBACK
    token = f"instance.id + {cel_literal('/' + sid)}" if callback else None
    body: dict[str, Any] = {"type": "task", "action": action}
    params = state.get("Parameters")
    if action == "lambda.invoke" and isinstance(params, dict) and isinstance(params.get("FunctionName"), str):
        body["action"] = to_identifier(params["FunctionName"].rsplit(":function:", 1)[-1].split(":")[0])
        params = params.get("Payload")
    if params is not None:
        try:
            body["input"] = mapping_of_template(params, prefix, token)
        except Refused as exc:
            raise m.refuse(name, "Parameters", str(exc), "Parameters") from exc
    elif prefix is not None:
        raise m.refuse(name, "InputPath without Parameters", "an action's input is a mapping of named values; "
                       "add Parameters naming what it reads", "InputPath")
    else:
        m.warn(name, "the whole state input", "a task without Parameters gets an empty input (give Parameters)")
    if callback and not any(v == token for v in body.get("input", {}).values()):
        raise m.refuse(name, ".waitForTaskToken", "Parameters must pass $$.Task.Token to the service", "Parameters")
    _task_limits(m, name, state, body, callback)
    result = _result_target(m, name, sid, state)
    if callback:
        wait = m.shared.ids.fresh(f"{sid}_callback")
        m.states[sid] = body
        m.states[wait] = {"type": "wait", "title": f"{name} (callback)", "event": {"type": CALLBACK_EVENT,
                          "correlation": token}, **({"output": result[0]} if result[0] else {})}
        if "TimeoutSeconds" in state:
            m.states[wait]["timeout"] = f"PT{int(state['TimeoutSeconds'])}S"
        m.edge(sid, wait, "done")
        m.edge(wait, m.target(name, state), "done", assign=result[1])
        _catches(m, name, sid, state, also_timeout_from=wait if "TimeoutSeconds" in state else None)
        return
    if result[0]:
        body["output"] = result[0]
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done", assign=result[1])
    _catches(m, name, sid, state)


def _task_limits(m: _Machine, name: str, state: dict[str, Any], body: dict[str, Any], callback: bool) -> None:
    if "Retry" in state:
        retry = _retry(m, name, state["Retry"])
        if retry:
            body["retry"] = retry
    seconds = state.get("TimeoutSeconds")
    if seconds is not None and not callback:
        if not isinstance(seconds, int | float) or not 0 < seconds <= 86_400:
            raise m.refuse(name, "TimeoutSeconds", "a task's timeout is 1 to 86,400 seconds", "TimeoutSeconds")
        body["timeout_s"] = seconds


def _result_target(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """(output key, assignment on done): a ResultSelector becomes an assignment computed from the result."""
    key = _result_key(m, name, state, sid, "result")
    selector = state.get("ResultSelector")
    if selector is None:
        return key, {}
    try:
        value = cel_of_template(selector, result_root="event")
    except Refused as exc:
        raise m.refuse(name, "ResultSelector", str(exc), "ResultSelector") from exc
    return None, ({key: value} if key else {})


def _with_result(m: _Machine, name: str, sid: str, state: dict[str, Any], body: dict[str, Any]) -> None:
    """Add a state that ends with a result (a subflow, a map): its output key, `done` with the ResultSelector's
    assignment, and its catchers."""
    key, assign = _result_target(m, name, sid, state)
    if key:
        body["output"] = key
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done", assign=assign)
    _catches(m, name, sid, state)


def _subflow(m: _Machine, name: str, sid: str, state: dict[str, Any], prefix: Path | None) -> None:
    params = state.get("Parameters") or {}
    arn = params.get("StateMachineArn") if isinstance(params, dict) else None
    if not isinstance(arn, str) or ":stateMachine:" not in arn:
        raise m.refuse(name, "startExecution", "Parameters.StateMachineArn must name a state machine", "Parameters")
    body: dict[str, Any] = {"type": "subflow", "workflow": to_identifier(arn.rsplit(":stateMachine:", 1)[1])}
    if "Input" in params:
        try:
            body["input"] = mapping_of_template(params["Input"], prefix)
        except Refused as exc:
            raise m.refuse(name, "Parameters.Input", str(exc), "Parameters", "Input") from exc
    _with_result(m, name, sid, state, body)


def _choice(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    prefix = _input_prefix(m, name, state)
    _check_output_path(m, name, state)
    rules = state.get("Choices")
    if not isinstance(rules, list) or not rules:
        raise m.refuse(name, "Choices", "a non-empty list of rules is required", "Choices")
    m.states[sid] = {"type": "choice"}
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or "Next" not in rule:
            raise m.refuse(name, "Choices", "each rule needs Next", "Choices", i)
        try:
            guard = render(guard_of_rule({k: v for k, v in rule.items() if k != "Next"}, prefix, m.shared.learned))
        except RuleError as exc:
            raise m.refuse(name, "Choice rule", str(exc), "Choices", i) from exc
        m.edge(sid, m.target(name, rule, "Next", "Choices", i), guard=guard)
    if "Default" in state:
        m.edge(sid, m.target(name, state, "Default"))
    else:
        m.warn(name, "no Default", "when no rule matches ASL fails with States.NoChoiceMatched; the import goes to "
               "a failure end", "Choices")
        m.edge(sid, m.final("failure"))


def _wait(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    _check_output_path(m, name, state)
    if "Seconds" in state:
        seconds = state["Seconds"]
        if not isinstance(seconds, int) or seconds <= 0:
            raise m.refuse(name, "Seconds", "a wait of a positive whole number of seconds is required", "Seconds")
        body: dict[str, Any] = {"type": "wait", "duration": f"PT{seconds}S"}
    elif "Timestamp" in state:
        body = {"type": "wait", "deadline": cel_literal(state["Timestamp"])}
    elif "TimestampPath" in state:
        try:
            body = {"type": "wait", "deadline": render(parse_reference(state["TimestampPath"]))}
        except BadPath as exc:
            raise m.refuse(name, "TimestampPath", str(exc), "TimestampPath") from exc
    else:
        raise m.refuse(name, "Wait", "only Seconds, Timestamp and TimestampPath have a counterpart (SecondsPath has "
                       "none)", "Type")
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done")


def _pass(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    """A Pass state is a choice with one way on, whose transition assigns what the Pass would have written; one
    that ends a Map's item processor with Parameters is the item's success end with that result."""
    prefix = _input_prefix(m, name, state)
    _check_output_path(m, name, state)
    if m.items and state.get("End") is True and "Parameters" in state and state.get("ResultPath", "$") == "$":
        try:
            result = mapping_of_template(state["Parameters"], prefix)
        except Refused as exc:
            raise m.refuse(name, "Parameters", str(exc), "Parameters") from exc
        m.states[sid] = {"type": "final", "outcome": "success", "result": result}
        return
    try:
        if "Parameters" in state:
            value = cel_of_template(state["Parameters"], prefix)
        elif "Result" in state:
            value = cel_literal(state["Result"])
        else:
            value = render(prefix) if prefix else "context"
    except Refused as exc:
        given = "Parameters" if "Parameters" in state else "Result"
        raise m.refuse(name, given, str(exc), given) from exc
    assign: dict[str, str] = {}
    if state.get("ResultPath", "$") == "$" and ("Result" in state or "Parameters" in state):
        content = state.get("Result", state.get("Parameters"))
        # the default ResultPath is not in the document: then the finding is at what would replace the data
        at = "ResultPath" if "ResultPath" in state else "Parameters" if "Parameters" in state else "Result"
        if not isinstance(content, dict) or "Parameters" in state:
            raise m.refuse(name, "ResultPath '$'", "replacing the whole data has no counterpart; give ResultPath "
                           "'$.key'", at)
        m.warn(name, "ResultPath '$'", "each key of Result is set in the context; other keys are kept", at)
        assign = {to_identifier(k): cel_literal(v) for k, v in content.items()}
    elif state.get("ResultPath", "$") not in ("$", None):
        key = _result_key(m, name, state, sid, "result")
        assign = {key: value} if key else {}
    m.states[sid] = {"type": "choice"}
    m.edge(sid, m.target(name, state), assign=assign)


def _parallel(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    _input_prefix(m, name, state)
    _check_output_path(m, name, state)
    branches = state.get("Branches")
    if not isinstance(branches, list) or not branches:
        raise m.refuse(name, "Branches", "a non-empty list of branches is required", "Branches")
    if state.get("ResultPath", "$") is not None:
        m.warn(name, "Parallel result", "the branches' results are merged into the context (each under its own "
               "keys), not collected into an array", "ResultPath")
    built = []
    for i, branch in enumerate(branches):
        inner = _machine(m.shared, branch, (*m.where, "States", name, "Branches", i))
        built.append({"name": f"branch_{i + 1}", **inner})
    body: dict[str, Any] = {"type": "parallel", "branches": built}
    if "Retry" in state:
        m.warn(name, "Retry", "a parallel state is not retried as a whole; its tasks carry their own retries",
               "Retry")
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done")
    _catches(m, name, sid, state)


def _map(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    """A Map becomes a map state whose iterator is the item processor, reading each item under `item`."""
    _input_prefix(m, name, state)
    _check_output_path(m, name, state)
    try:
        options = map_options(state)
        processor = processor_of(state)
        selected, root = selection(state)
    except MapRefused as exc:
        raise m.refuse(name, exc.construct, exc.why, *exc.at) from exc
    for construct, how, at in options.warnings:
        m.warn(name, construct, how, at)
    key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
    workflow = subflow_of(processor)
    body = {**options.body, **selected, **({"workflow": workflow} if workflow else
                                           {"iterator": _machine(m.shared, processor, (*m.where, "States", name, key),
                                                                 root, items=True)})}
    _with_result(m, name, sid, state, body)


def _final(m: _Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    if state["Type"] == "Succeed":
        _input_prefix(m, name, state)
        _check_output_path(m, name, state)
        m.states[sid] = {"type": "final", "outcome": "success"}
        return
    result: dict[str, str] = {}
    for key, field_name in (("error", "Error"), ("cause", "Cause")):
        if field_name in state:
            result[key] = cel_literal(state[field_name])
        elif f"{field_name}Path" in state:
            try:
                result[key] = render(parse_reference(state[f"{field_name}Path"]))
            except BadPath as exc:
                raise m.refuse(name, f"{field_name}Path", str(exc), f"{field_name}Path") from exc
    m.states[sid] = {"type": "final", "outcome": "failure", **({"result": result} if result else {})}


_BUILDERS = {"Task": _task, "Choice": _choice, "Wait": _wait, "Pass": _pass, "Parallel": _parallel, "Map": _map,
             "Succeed": _final, "Fail": _final}


def _jsonpath_said(node: dict[str, Any]) -> set[str]:
    """`QueryLanguage: "JSONPath"` says what ASL assumes anyway (Workflow Studio writes it): nothing to refuse."""
    return {"QueryLanguage"} if node.get("QueryLanguage") == "JSONPath" else set()


def _one_state(m: _Machine, name: str, state: Any) -> None:
    if not isinstance(state, dict) or not isinstance(state.get("Type"), str):
        raise m.refuse(name, "Type", "every state is an object with a Type")
    kind = state["Type"]
    if kind not in _FIELDS:
        raise m.refuse(name, f"Type {kind}", "not a state type of the Amazon States Language", "Type")
    extra = sorted(set(state) - _FIELDS[kind] - _jsonpath_said(state))
    if extra:
        raise m.refuse(name, f"{kind} field {extra[0]}", "it has no Statewright counterpart (JSONata fields, "
                       "variables, heartbeats and credentials are not supported)", extra[0])
    if kind not in ("Succeed", "Fail", "Choice") and ("Next" in state) == (state.get("End") is True):
        raise m.refuse(name, "Next/End", "a state needs exactly one of Next and End: true")
    sid = m.shared.ids[name]
    _BUILDERS[kind](m, name, sid, state)
    m.states[sid]["title"] = name if sid != name else m.states[sid].pop("title", None)
    if m.states[sid]["title"] is None:
        del m.states[sid]["title"]
    if isinstance(state.get("Comment"), str):
        m.states[sid]["description"] = state["Comment"][:4000]


def _names_of_no_state(m: _Machine, name: str, state: Any) -> list[Finding]:
    """Each `Next`, `Default` (and a rule's or catcher's `Next`) naming no state of the machine, whatever else the
    state holds: the document is invalid."""
    if not isinstance(state, dict):
        return []
    places: list[tuple[dict[str, Any], str, tuple[str | int, ...]]] = [
        (state, key, ()) for key in ("Next", "Default") if key in state]
    for field_name in ("Choices", "Catch"):
        items = state.get(field_name)
        places += [(item, "Next", (field_name, i)) for i, item in enumerate(items if isinstance(items, list) else [])
                   if isinstance(item, dict) and "Next" in item]
    return [f for holder, key, at in places if (f := m.names_no_state(name, holder, key, *at)) is not None]


def _machine(shared: _Shared, doc: Any, where: tuple[str | int, ...], root: Path | None = None,
             items: bool = False) -> dict[str, Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get("States"), dict) or not doc["States"]:
        raise _Refuse(unsupported(where, None, "States", "a state machine needs a non-empty States object"))
    start = doc.get("StartAt")
    if not isinstance(start, str) or start not in doc["States"]:
        raise _Refuse(invalid((*where, "StartAt"), None, f"StartAt: there is no state '{start}' in this machine"
                              if isinstance(start, str) else "StartAt must be the name of a state"))
    m = _Machine(shared, where, set(doc["States"]), root, items)
    for name in doc["States"]:
        shared.ids[name]
    for name, state in doc["States"].items():
        shared.findings += _names_of_no_state(m, name, state)
    for name, state in doc["States"].items():
        try:
            _one_state(m, name, state)
        except _Refuse as refusal:
            if refusal.finding not in shared.findings:  # a name of no state is reported above
                shared.findings.append(refusal.finding)
    return {"initial": shared.ids[doc["StartAt"]], "states": m.states, "transitions": m.transitions}


def import_asl(document: Any, workflow_id: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The workflow document for an ASL state machine, and the findings; None when something was refused."""
    shared = _Shared(IdentifierMap())
    if not isinstance(document, dict):
        return None, [unsupported((), None, "the document", "an ASL state machine is a JSON object")]
    for key in sorted(set(document) - {"Comment", "StartAt", "States", "Version"} - _jsonpath_said(document)):
        why = "a limit on the whole execution has no counterpart" if key == "TimeoutSeconds" else \
            "no Statewright counterpart (JSONata and variables are not supported)"
        shared.findings.append(unsupported((key,), None, key, why))
    try:
        machine = _machine(shared, document, ())
    except _Refuse as refusal:
        return None, [*shared.findings, refusal.finding]
    if any(f.severity == "error" for f in shared.findings):
        return None, shared.findings
    comment = document.get("Comment")
    workflow: dict[str, Any] = {
        "id": workflow_id,
        "title": (comment.split("\n", 1)[0][:200] if isinstance(comment, str) and comment.strip() else workflow_id),
        **({"description": comment[:20_000]} if isinstance(comment, str) and comment.strip() else {}),
        "context": schema_with_types(shared.learned),
        **machine,
    }
    return workflow, shared.findings
