"""A workflow as an AWS Step Functions state machine (ASL), where the workflow allows it.

Tasks are Lambda functions (`${AWS::Region}`/`${AWS::AccountId}` placeholders for CloudFormation/SAM) or, for
dotted actions, service integrations; subflows start a nested execution; choices become Choice rules (the
shared CEL subset); waits become Seconds/Timestamp/TimestampPath; a choice with one unguarded way on becomes a
Pass; error transitions become Catch (their `errors`, or guards on `event.kind`), retry rules Retry.
A map state becomes a Map (an inline ItemProcessor, or one that starts the subflow per item). Approvals, event
waits, policies and CEL beyond the subset cannot be expressed: each is an error finding naming the state, and
the state is written as a placeholder (`asl_loss`) so the document stays a valid machine. A state is named by
its id, or by the title its id was made from (`Validate Order` for `validate_order`, as `import asl` leaves it),
so an imported machine comes back under its own names.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from engine.definition import (
    ANY_ERROR,
    ANY_SOURCE,
    ChoiceState,
    FinalState,
    MapState,
    ParallelState,
    RetryRule,
    State,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
    Workflow,
    retry_rules,
)
from engine.definition.durations import parse_duration
from engine.interop.asl_choice import rule_of_guard
from engine.interop.asl_loss import placeholder, without_unreachable
from engine.interop.asl_map_export import MapNotExpressible, map_fields, subflow_processor
from engine.interop.asl_paths import reference_of
from engine.interop.asl_resources import SUBFLOW_RESOURCE, resource_of_action, state_machine_arn
from engine.interop.asl_values import template_entry
from engine.interop.cel_subset import Compare, Literal, OutsideSubset, Path, parse
from engine.interop.context_types import types_of_schema
from engine.interop.findings import approximated, not_expressible
from engine.interop.ids import to_identifier
from engine.interop.machine_view import MachineView
from engine.validation.findings import Finding

__all__ = ["export_asl"]

_TARGET = "ASL"
_MAX_NAME = 80  # characters in an ASL state name


class _Cannot(Exception):
    """`construct` cannot be expressed; `at`: the field, under the state or — given `edge` — under that
    transition (`input`, `parameters` → `/states/<id>/input/parameters`; `guard` of a transition)."""

    def __init__(self, construct: str, why: str, *at: str | int, edge: Transition | None = None) -> None:
        self.construct, self.why, self.at, self.edge = construct, why, at, edge

    def where(self, sid: str, view: MachineView, machine: tuple[str | int, ...]) -> tuple[str | int, ...]:
        if self.edge is not None:
            index = next(i for i, t in enumerate(view.transitions) if t is self.edge)
            return (*machine, "transitions", index, *self.at)
        return (*machine, "states", sid, *self.at)


def _errors(kinds: list[str]) -> list[str]:
    if ANY_ERROR in kinds:
        return ["States.ALL"]
    return [("States.Timeout" if k == "timeout" else k) for k in kinds] or ["States.ALL"]


_DEFAULT_MAX_INTERVAL_S = RetryRule.model_fields["max_interval_s"].default


def _caps_a_wait(retry: RetryRule) -> bool:
    """Whether `max_interval_s` shortens a wait: the longest wait before it is capped is longer."""
    if retry.backoff == "fixed" or retry.max_attempts < 2:
        longest = retry.initial_interval_s
    else:
        longest = retry.initial_interval_s * retry.multiplier ** (retry.max_attempts - 2)
    return longest > retry.max_interval_s


def _retrier(retry: RetryRule) -> dict[str, Any]:
    """One retrier. ASL waits without a limit and without jitter unless told, so `MaxDelaySeconds` is written when
    the rule sets a limit of its own or the default one shortens a wait, and `JitterStrategy` when it jitters."""
    body: dict[str, Any] = {"ErrorEquals": _errors(list(retry.errors)),
                            "IntervalSeconds": math.ceil(retry.initial_interval_s),
                            "MaxAttempts": retry.max_attempts - 1,
                            "BackoffRate": retry.multiplier if retry.backoff == "exponential" else 1.0}
    if retry.max_interval_s != _DEFAULT_MAX_INTERVAL_S or _caps_a_wait(retry):
        body["MaxDelaySeconds"] = math.ceil(retry.max_interval_s)
    if retry.jitter:
        body["JitterStrategy"] = "FULL"
    return body


def _error_kinds(t: Transition) -> list[str]:
    guard = t.guard
    if guard is None:
        return ["States.ALL"]
    try:
        node = parse(guard)
    except OutsideSubset as exc:
        raise _Cannot(f"error guard '{guard}'", "a Catch tests error names only", "guard", edge=t) from exc
    if isinstance(node, Compare) and node.op == "==" and node.left == Path(("event", "kind")) \
            and isinstance(node.right, Literal) and isinstance(node.right.value, str):
        return _errors([node.right.value])
    if isinstance(node, Compare) and node.op == "!=" and node.left == Path(("event", "kind")) \
            and node.right == Literal("timeout"):
        return ["States.TaskFailed"]
    raise _Cannot(f"error guard '{guard}'", "a Catch tests error names only (event.kind == '…')", "guard", edge=t)


def _caught(t: Transition) -> list[str]:
    """The ErrorEquals of an `error` transition: its `errors` list, or the kinds its guard tests."""
    if t.catches is None:
        return _error_kinds(t)
    if t.guard is not None:
        raise _Cannot(f"error guard '{t.guard}' beside 'errors'", "a Catch tests error names only", "guard", edge=t)
    return _errors(sorted(t.catches))


def _catch(t: Transition) -> dict[str, Any]:
    catcher: dict[str, Any] = {"ErrorEquals": _caught(t), "Next": t.dest}
    if not t.assign:
        catcher["ResultPath"] = None
    elif len(t.assign) == 1 and next(iter(t.assign.values())) == "event":
        catcher["ResultPath"] = f"$.{next(iter(t.assign))}"
    else:
        raise _Cannot("error transition assign", "a Catch can only store the error under one key (key: 'event')",
                      "assign", edge=t)
    return catcher


def _no_assign(t: Transition, what: str) -> None:
    if t.assign:
        raise _Cannot(f"assign on {what}", "ASL states pass data, they do not assign keys on the way", "assign",
                      edge=t)


def _parameters(mapping: dict[str, str], field: str = "input") -> dict[str, Any]:
    """`field`: the state's field the mapping is (`input`, a final's `result`), where a finding points."""
    out: dict[str, Any] = {}
    for key, expression in mapping.items():
        try:
            name, value = template_entry(key, expression)
        except OutsideSubset as exc:
            raise _Cannot(f"{field} '{key}'", str(exc), field, key) from exc
        out[name] = value
    return out


def _reads_paths(value: Any) -> bool:
    """Whether a template holds a `key.$` field at any depth."""
    if isinstance(value, dict):
        return any(key.endswith(".$") or _reads_paths(item) for key, item in value.items())
    return isinstance(value, list) and any(_reads_paths(item) for item in value)


def _name_of(sid: str, state: State) -> str:
    """A state's ASL name: its title where that name imports as this id again (`Validate Order` for
    `validate_order`, the title `import asl` keeps of a renamed state), else its id. Such a title is no
    identifier, so it never takes another state's id."""
    title = state.title
    if title and title != sid and len(title) <= _MAX_NAME and to_identifier(title) == sid:
        return title
    return sid


def _named(machine: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The machine's states under their ASL names, and its StartAt, Next, Default and Catch naming them so (the
    states of its branches and item processors were named when they were written)."""
    def name(sid: str) -> str:
        return names.get(sid, sid)

    states: dict[str, Any] = {}
    for sid, written in machine["States"].items():
        body = dict(written)
        for key in ("Next", "Default"):
            if key in body:
                body[key] = name(body[key])
        for key in ("Choices", "Catch"):
            if key in body:
                body[key] = [{**rule, "Next": name(rule["Next"])} for rule in body[key]]
        states[name(sid)] = body
    return {"StartAt": name(machine["StartAt"]), "States": states}


class _Writer:
    def __init__(self, workflow: Workflow) -> None:
        self.types = types_of_schema(workflow.context)
        self.findings: list[Finding] = []
        self.item_depth = 0  # inside a Map's item processor, a success end may carry the item's result

    def machine(self, initial: str, view: MachineView, where: tuple[str | int, ...]) -> dict[str, Any]:
        states: dict[str, Any] = {}
        placeholders: dict[str, Finding] = {}  # said after every refusal, for the states still written
        for index, transition in enumerate(view.transitions):  # said once, at the transition, not at every state
            if transition.source == ANY_SOURCE:
                self.findings.append(not_expressible((*where, "transitions", index, "source"), None,
                                                     f"transition {index + 1} from any state ('*')", _TARGET,
                                                     "ASL has no transitions from every state"))
        names = {sid: _name_of(sid, state) for sid, state in view.states.items()}
        for sid, state in view.states.items():
            try:
                states[sid] = self.state(sid, state, view, where)
            except _Cannot as cannot:
                self.findings.append(not_expressible(cannot.where(sid, view, where), sid, cannot.construct,
                                                     _TARGET, cannot.why))
                states[sid], placeholders[sid] = placeholder(sid, state, view, cannot.construct,
                                                             (*where, "states", sid), names=names)
        states, left_out = without_unreachable(initial, states, where)
        self.findings += [written for sid, written in placeholders.items() if sid in states] + left_out
        return _named({"StartAt": initial, "States": states}, names)

    def state(self, sid: str, state: Any, view: MachineView, where: tuple[str | int, ...]) -> dict[str, Any]:
        if state.policies:
            raise _Cannot("policies", "ASL has no policy checks", "policies")
        out = view.outgoing(sid, include_any=False)  # a '*' transition is reported once by `machine`
        body: dict[str, Any] = {}
        comment = state.title if state.title and _name_of(sid, state) == sid else state.description
        if comment:
            body["Comment"] = comment
        if isinstance(state, FinalState):
            return {**body, **self.final(state)}
        moves: dict[str, set[str | None]] = {"task": {"done", "error"}, "subflow": {"done", "error"},
                                             "parallel": {"done", "error"}, "map": {"done", "error"},
                                             "wait": {"done"}, "choice": {None}}
        allowed = moves.get(state.type)
        if allowed is None:
            raise _Cannot(f"an {state.type} state", "ASL has no approvals (a person's decision)")
        extra = set(out) - allowed
        if extra:
            trigger = sorted(extra, key=str)[0]
            raise _Cannot(f"the trigger '{trigger}'", f"a {state.type} state in ASL moves on by finishing or failing "
                          "only", "trigger", edge=out[trigger][0])
        if isinstance(state, ChoiceState):
            return {**body, **self.choice(out.get(None, []))}
        done = out.get("done", [])
        if len(done) != 1 or done[0].guard is not None:
            guarded = next((t for t in done if t.guard is not None), None)
            raise _Cannot("guarded or several done transitions", "ASL has one Next (put a choice after the state)",
                          *(("guard",) if guarded else ()), edge=guarded or (done[1] if len(done) > 1 else None))
        _no_assign(done[0], "done")
        body["Next"] = done[0].dest
        if isinstance(state, WaitState):
            return {"Type": "Wait", **body, **self.wait(state)}
        if isinstance(state, ParallelState):
            return {"Type": "Parallel", **body, **self.parallel(sid, state, where), "ResultPath": None,
                    **self.catch(out.get("error", []))}
        if isinstance(state, MapState):
            return {"Type": "Map", **body, **self.map(sid, state, where), **self.catch(out.get("error", []))}
        task = self.task(sid, state)
        return {"Type": "Task", **task, **body, **self.catch(out.get("error", []))}

    def task(self, sid: str, state: TaskState | SubflowState) -> dict[str, Any]:
        if isinstance(state, SubflowState):
            params: dict[str, Any] = {"StateMachineArn": state_machine_arn(state.workflow)}
            if state.input:
                params["Input"] = _parameters(dict(state.input))
            return {"Resource": SUBFLOW_RESOURCE, "Parameters": params,
                    "ResultPath": f"$.{state.output}" if state.output else None}
        if state.agent:
            self.findings.append(approximated(("states", sid, "agent"), sid, f"agent '{state.agent}'",
                                              "ASL has no agents; the agent's policies do not travel with the task"))
        body: dict[str, Any] = {"Resource": resource_of_action(state.action)}
        if state.input:
            body["Parameters"] = _parameters(dict(state.input))
        body["ResultPath"] = f"$.{state.output}" if state.output else None
        if state.timeout_s is not None:
            body["TimeoutSeconds"] = math.ceil(state.timeout_s)
        if state.retry is not None:
            body["Retry"] = [_retrier(rule) for rule in retry_rules(state.retry)]
        return body

    def catch(self, errors: list[Transition]) -> dict[str, Any]:
        catchers = [_catch(t) for t in errors]
        return {"Catch": catchers} if catchers else {}

    def choice(self, items: list[Transition]) -> dict[str, Any]:
        defaults = [t for t in items if t.guard is None]
        if len(items) == 1 and defaults:
            return self.pass_state(items[0])
        rules = []
        for t in items:
            if t.guard is None:
                continue
            _no_assign(t, "a choice")
            try:
                rules.append({**rule_of_guard(parse(t.guard), self.types), "Next": t.dest})
            except OutsideSubset as exc:
                raise _Cannot(f"guard '{t.guard}'", str(exc), "guard", edge=t) from exc
        body: dict[str, Any] = {"Type": "Choice", "Choices": rules}
        if defaults:
            _no_assign(defaults[0], "a choice")
            body["Default"] = defaults[0].dest
        return body

    def pass_state(self, t: Transition) -> dict[str, Any]:
        body: dict[str, Any] = {"Type": "Pass", "Next": t.dest}
        if not t.assign:
            return body
        if len(t.assign) != 1:
            raise _Cannot("assign of several keys", "a Pass state writes one result", "assign", edge=t)
        key, expression = next(iter(t.assign.items()))
        try:
            name, value = template_entry(key, expression)
        except OutsideSubset as exc:
            raise _Cannot(f"assign '{key}'", str(exc), "assign", key, edge=t) from exc
        if name.endswith(".$"):
            return {**body, "InputPath": value, "ResultPath": f"$.{key}"}
        if _reads_paths(value):  # an object with `key.$` fields is a template: Parameters, not Result
            return {**body, "Parameters": value, "ResultPath": f"$.{key}"}
        return {**body, "Result": value, "ResultPath": f"$.{key}"}

    def wait(self, state: WaitState) -> dict[str, Any]:
        if state.duration is not None:
            seconds = parse_duration(state.duration).total_seconds()
            return {"Seconds": math.ceil(seconds)}
        if state.deadline is not None:
            try:
                node = parse(state.deadline)
            except OutsideSubset as exc:
                raise _Cannot(f"deadline '{state.deadline}'", "only a path or a timestamp literal", "deadline") from exc
            if isinstance(node, Literal) and isinstance(node.value, str):
                return {"Timestamp": node.value}
            if isinstance(node, Path):
                return {"TimestampPath": reference_of(node)}
            raise _Cannot(f"deadline '{state.deadline}'", "only a path or a timestamp literal", "deadline")
        raise _Cannot("a wait for an event", "ASL waits for callbacks only inside a .waitForTaskToken task", "event")

    def parallel(self, sid: str, state: ParallelState, where: tuple[str | int, ...]) -> dict[str, Any]:
        if state.join.mode != "all" or state.join.on_failure == "continue":
            raise _Cannot(f"join {state.join.mode}/{state.join.on_failure}", "a Parallel needs all branches and "
                          "stops at the first failure", "join")
        return {"Branches": [self.machine(b.initial, MachineView(b.states, b.transitions),
                                          (*where, "states", sid, "branches", i))
                             for i, b in enumerate(state.branches)]}

    def map(self, sid: str, state: MapState, where: tuple[str | int, ...]) -> dict[str, Any]:
        try:
            fields = map_fields(state)
        except MapNotExpressible as cannot:
            raise _Cannot(cannot.construct, cannot.why, *cannot.at) from cannot
        if state.iterator is None:
            processor = subflow_processor(state)
            if state.version is not None:
                self.findings.append(approximated((*where, "states", sid, "version"), sid, f"version {state.version}",
                                                  "a nested execution runs the state machine as deployed"))
        else:
            self.item_depth += 1
            try:
                processor = self.machine(state.iterator.initial,
                                         MachineView(state.iterator.states, state.iterator.transitions),
                                         (*where, "states", sid, "iterator"))
            finally:
                self.item_depth -= 1
        return {**fields, "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **processor}}

    def final(self, state: FinalState) -> dict[str, Any]:
        if state.outcome == "success":
            if state.result and self.item_depth:
                return {"Type": "Pass", "Parameters": _parameters(dict(state.result), "result"), "End": True}
            if state.result:
                raise _Cannot("a final result", "Succeed cannot compute a result", "result")
            return {"Type": "Succeed"}
        body: dict[str, Any] = {"Type": "Fail"}
        extra = set(state.result) - {"error", "cause"}
        if extra:
            raise _Cannot(f"the result key '{sorted(extra)[0]}'", "Fail carries Error and Cause only", "result",
                          sorted(extra)[0])
        for key, field in (("error", "Error"), ("cause", "Cause")):
            if key in state.result:
                try:
                    node = parse(state.result[key])
                except OutsideSubset as exc:
                    raise _Cannot(f"result '{key}'", "a literal or a path", "result", key) from exc
                if isinstance(node, Literal) and isinstance(node.value, str):
                    body[field] = node.value
                elif isinstance(node, Path):
                    body[f"{field}Path"] = reference_of(node)
                else:
                    raise _Cannot(f"result '{key}'", "a string literal or a path", "result", key)
        return body


def export_asl(workflow: Workflow) -> tuple[str, list[Finding]]:
    """The ASL text of what can be expressed, and a finding for each thing that cannot."""
    writer = _Writer(workflow)
    machine = writer.machine(workflow.initial, MachineView(workflow.states, workflow.transitions), ())
    for policy in workflow.policies:
        writer.findings.append(not_expressible(("policies",), None, f"policy '{policy.id}'", _TARGET,
                                               "ASL has no policy checks"))
    document = {"Comment": workflow.title, **machine}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n", writer.findings
