"""The ASL states that run nothing: `Choice` (its rules as guards), `Wait`, `Pass` (a choice with one way on
that assigns what the Pass writes) and the ends, `Succeed` and `Fail`."""

from __future__ import annotations

from typing import Any

from engine.interop.asl_choice import RuleError, guard_of_rule
from engine.interop.asl_machine import Machine
from engine.interop.asl_paths import BadPath, parse_reference
from engine.interop.asl_state_io import check_output_path, input_prefix, mapping, result_key, template
from engine.interop.asl_values import cel_literal
from engine.interop.cel_subset import render
from engine.interop.ids import to_identifier

__all__ = ["choice", "final", "pass_state", "wait"]


def choice(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    prefix = input_prefix(m, name, state)
    check_output_path(m, name, state)
    rules = state.get("Choices")
    if not isinstance(rules, list) or not rules:
        m.refuse(name, "Choices", "a non-empty list of rules is required", "Choices")
        rules = []
    m.states[sid] = {"type": "choice"}
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or "Next" not in rule:
            m.refuse(name, "Choices", "each rule needs Next", "Choices", i)
            continue
        try:
            guard = render(guard_of_rule({k: v for k, v in rule.items() if k != "Next"}, prefix, m.shared.learned))
        except RuleError as exc:
            m.refuse(name, "Choice rule", str(exc), "Choices", i)
            continue
        m.edge(sid, m.target(name, rule, "Next", "Choices", i), guard=guard)
    if "Default" in state:
        m.edge(sid, m.target(name, state, "Default"))
    else:
        m.warn(name, "no Default", "when no rule matches ASL fails with States.NoChoiceMatched; the import goes to "
               "a failure end", "Choices")
        m.edge(sid, m.final("failure"))


def wait(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    check_output_path(m, name, state)
    body: dict[str, Any] = {"type": "wait"}
    if "Seconds" in state:
        seconds = state["Seconds"]
        if not isinstance(seconds, int) or seconds <= 0:
            m.refuse(name, "Seconds", "a wait of a positive whole number of seconds is required", "Seconds")
        else:
            body["duration"] = f"PT{seconds}S"
    elif "Timestamp" in state:
        body["deadline"] = cel_literal(state["Timestamp"])
    elif "TimestampPath" in state:
        try:
            body["deadline"] = render(parse_reference(state["TimestampPath"]))
        except BadPath as exc:
            m.refuse(name, "TimestampPath", str(exc), "TimestampPath")
    elif "SecondsPath" not in state:  # which is refused as a field of its own
        m.refuse(name, "Wait", "only Seconds, Timestamp and TimestampPath have a counterpart (SecondsPath has none)",
                 "Type")
    m.states[sid] = body
    m.edge(sid, m.target(name, state), "done")


def pass_state(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    """A Pass state is a choice with one way on, whose transition assigns what the Pass would have written; one
    that ends a Map's item processor with Parameters is the item's success end with that result."""
    prefix = input_prefix(m, name, state)
    check_output_path(m, name, state)
    if m.items and state.get("End") is True and "Parameters" in state and state.get("ResultPath", "$") == "$":
        result = mapping(m, name, state["Parameters"], ("Parameters",), prefix=prefix)
        m.states[sid] = {"type": "final", "outcome": "success", **({"result": result} if result is not None else {})}
        return
    if "Parameters" in state:
        value = template(m, name, state["Parameters"], ("Parameters",), prefix=prefix)
    elif "Result" in state:
        value = cel_literal(state["Result"])  # JSON, read as it is: a `key.$` is a key like any other here
    else:
        value = render(prefix) if prefix else "context"
    assign: dict[str, str] = {}
    if state.get("ResultPath", "$") == "$" and ("Result" in state or "Parameters" in state):
        content = state.get("Result", state.get("Parameters"))
        # the default ResultPath is not in the document: then the finding is at what would replace the data
        at = "ResultPath" if "ResultPath" in state else "Parameters" if "Parameters" in state else "Result"
        if not isinstance(content, dict) or "Parameters" in state:
            m.refuse(name, "ResultPath '$'", "replacing the whole data has no counterpart; give ResultPath '$.key'",
                     at)
        else:
            m.warn(name, "ResultPath '$'", "each key of Result is set in the context; other keys are kept", at)
            assign = {to_identifier(k): cel_literal(v) for k, v in content.items()}
    elif state.get("ResultPath", "$") not in ("$", None):
        key = result_key(m, name, state, sid, "result")
        assign = {key: value} if key and value is not None else {}
    m.states[sid] = {"type": "choice"}
    m.edge(sid, m.target(name, state), assign=assign)


def final(m: Machine, name: str, sid: str, state: dict[str, Any]) -> None:
    if state["Type"] == "Succeed":
        input_prefix(m, name, state)
        check_output_path(m, name, state)
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
                m.refuse(name, f"{field_name}Path", str(exc), f"{field_name}Path")
    m.states[sid] = {"type": "final", "outcome": "failure", **({"result": result} if result else {})}
