"""Why a simulated step failed, in an analyst's words: the state, the expression or field involved and where it
is in the definition (a JSON pointer the designer opens) — for an instance that failed, one that reached a
failure end, and an event the simulation refused. The engine's own words ("order.id: Undefined variable or
function: 'order'. Check that …", "no transition leaves 'a' on 'error'") say the same for a developer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from engine.definition import FinalState, State, TaskState, Workflow
from engine.validation.findings import pointer

__all__ = ["GuardTried", "StepFailure", "explain_failure", "explain_failure_end", "explain_refusal", "guard_words",
           "transition_label"]


class StepFailure(BaseModel):
    state: str = Field(description="The state the step failed in.")
    kind: str = Field(description="The engine's kind of failure: input, result, assign, unhandled, no_match, "
                                  "failure_end, refused, or an action's error kind.")
    summary: str = Field(description="Why, in plain words.")
    expression: str | None = Field(None, description="The CEL expression involved, if any.")
    field: str | None = Field(None, description="The field involved, in words: \"input 'v'\", 'the guard of "
                                                "transition 2 (…)'.")
    pointer: str | None = Field(None, description="Where that is in the definition (RFC 6901).")


class GuardTried(BaseModel):
    """One guard a step tried, as the simulation recorded it (`SimulationStep.guards`)."""

    transition: int
    dest: str
    guard: str | None
    value: bool
    error: str | None = None


def transition_label(workflow: Workflow, index: int) -> str:
    """'transition 2 (check → paid)', counted from 1 as the designer counts them."""
    if not 0 <= index < len(workflow.transitions):
        return f"transition {index + 1}"
    transition = workflow.transitions[index]
    source = transition.source if isinstance(transition.source, str) else "/".join(transition.source)
    trigger = f" on '{transition.trigger}'" if transition.trigger else ""
    return f"transition {index + 1} ({'any state' if source == '*' else source} → {transition.dest}{trigger})"


_UNDEFINED = re.compile(r"Undefined variable or function: '([^']+)'\..*$", re.S)


def _plain_error(message: str) -> str:
    """CEL's complaint in words: "'order' is not in the context" rather than "Undefined variable or function"."""
    found = _UNDEFINED.search(message)
    if found:
        return f"'{found.group(1)}' is not in the context"
    return message.rstrip(".")


def _split(message: str, sources: Sequence[str]) -> tuple[str | None, str]:
    """The engine writes an expression's failure as 'EXPRESSION: WHY'; the expression is one of `sources`."""
    for source in sorted(sources, key=len, reverse=True):
        if message.startswith(f"{source}: "):
            return source, message[len(source) + 2:]
    return None, message


def guard_words(workflow: Workflow, tried: GuardTried) -> str:
    """'`event.score > 3` (transition 2, to ok) could not be evaluated: …' or '… was false'."""
    label = transition_label(workflow, tried.transition)
    if tried.error:
        return f"the guard `{tried.guard}` of {label} could not be evaluated, so it counted as false: " \
               f"{_plain_error(tried.error)}"
    return f"the guard `{tried.guard}` of {label} was false"


def _guards_failed(workflow: Workflow, guards: Sequence[GuardTried]) -> tuple[str, StepFailure | None]:
    """The guards that did not hold, in words, and the first that could not be evaluated (its place)."""
    said = [guard_words(workflow, g) for g in guards if g.guard and not g.value]
    broken = next((g for g in guards if g.error), None)
    where = None
    if broken is not None:
        where = StepFailure(state="", kind="guard", summary="", expression=broken.guard,
                            field=f"the guard of transition {broken.transition + 1}",
                            pointer=pointer("transitions", broken.transition, "guard"))
    return "; ".join(said), where


def _expression_at(state_id: str, state: State, kind: str, message: str) -> StepFailure:
    """An input (task, approval request …) or a final state's result that could not be evaluated."""
    entries: Mapping[str, str] = {}
    name, field_name = "input", "input"
    if kind == "result" and isinstance(state, FinalState):
        entries, name, field_name = state.result, "result", "result"
    elif isinstance(state, TaskState):
        entries = state.input
    elif hasattr(state, "request"):
        entries, name, field_name = state.request, "request entry", "request"
    expression, why = _split(message, list(entries.values()))
    key = next((k for k, v in entries.items() if v == expression), None)
    what = f"its {name} '{key}' (`{expression}`)" if key else f"`{expression}`" if expression else "an expression"
    if kind == "result":
        summary = f"The final state '{state_id}' could not compute {what}: {_plain_error(why)}."
    else:
        summary = f"'{state_id}' could not start: {what} could not be evaluated: {_plain_error(why)}."
    return StepFailure(state=state_id, kind=kind, summary=summary, expression=expression,
                       field=f"{name} '{key}'" if key else None,
                       pointer=pointer("states", state_id, field_name, key) if key else pointer("states", state_id))


def explain_failure(workflow: Workflow, state_id: str, error: Any, guards: Sequence[GuardTried]) -> StepFailure:
    """Why the instance failed in `state_id` with the engine's `error` ({kind, message, event, payload});
    `guards`: those the failing step tried."""
    error = error if isinstance(error, dict) else {"message": str(error)}
    kind = str(error.get("kind") or "error")
    message = str(error.get("message") or "")
    state = workflow.states.get(state_id)
    payload = error.get("payload")
    cause = payload if isinstance(payload, dict) else {}
    if kind == "result" and state is not None:
        return _expression_at(state_id, state, kind, message)
    if kind == "unhandled" and cause.get("kind") == "input" and state is not None:
        found = _expression_at(state_id, state, "input", str(cause.get("message") or ""))
        return found.model_copy(update={"summary": found.summary + f" No transition leaves '{state_id}' on "
                                                                  "'error', so the instance failed there."})
    if kind == "unhandled" and error.get("event") == "error":
        what = f" ({cause.get('kind')}: {cause.get('message')})" if cause.get("kind") else ""
        if message.startswith("no transition leaves"):
            why, fix = f"no transition leaves '{state_id}' on 'error'", "Add a transition on 'error'."
        else:  # its `error` transitions did not take this kind: the engine's words say which they do take
            why, fix = message, "Add an `error` transition that catches it."
        summary = f"The work of '{state_id}' failed{what}, and {why}, so the instance failed there. {fix}"
        return StepFailure(state=state_id, kind=kind, summary=summary, pointer=pointer("states", state_id))
    if kind in ("unhandled", "no_match"):
        said, broken = _guards_failed(workflow, guards)
        event = error.get("event")
        on = "automatically" if event in (None, "(auto)") else f"on '{event}'"
        summary = (f"No transition could leave '{state_id}' {on}: " + (said or message) +
                   ". The instance failed there.")
        return (broken or StepFailure(state=state_id, kind=kind, summary="")).model_copy(
            update={"state": state_id, "kind": kind, "summary": summary})
    if kind == "assign":
        return _assignment_failed(workflow, state_id, str(error.get("event") or ""), message)
    summary = f"'{state_id}' failed ({kind}): {message or 'no reason given'}."
    return StepFailure(state=state_id, kind=kind, summary=summary, pointer=pointer("states", state_id))


def _assignment_failed(workflow: Workflow, state_id: str, event: str, message: str) -> StepFailure:
    """An assignment of the transition leaving `state_id` on `event` failed: that assignment, when `message` names
    its expression, else the state."""
    summary = f"An assignment on leaving '{state_id}' failed: {_plain_error(message)}."
    assigning = _assignment(workflow, state_id, event, message)
    if assigning is not None:
        return assigning.model_copy(update={"summary": summary})
    expression = message.split(": ", 1)[0] if ": " in message else None
    return StepFailure(state=state_id, kind="assign", summary=summary, expression=expression,
                       pointer=pointer("states", state_id))


def explain_failure_end(workflow: Workflow, end: str, *, source: str | None, event: str, transition: int | None,
                        error: Any, guards: Sequence[GuardTried]) -> StepFailure:
    """Why the flow reached `end`, a final state of outcome failure, from `source`: the event that led there (a
    task's error with its kind and message) and any guard before it that could not be evaluated."""
    how = "automatically" if event in ("(auto)", "") else f"on '{event}'"
    cause = error if isinstance(error, dict) else {}
    if event == "error" and cause.get("kind"):
        how += f" ({cause.get('kind')}: {cause.get('message') or 'no message'})"
    summary = f"The flow reached '{end}', a failure end, from '{source}' {how}."
    said, broken = _guards_failed(workflow, guards)
    if broken is not None:
        summary += f" Before that, {said}."
        return broken.model_copy(update={"state": source or end, "kind": "failure_end", "summary": summary})
    assigning = _assignment(workflow, source, "done", str(cause.get("message") or "")) \
        if event == "error" and cause.get("kind") == "assign" and source is not None else None
    if assigning is not None:  # the task's `done` failed in an assignment: that is what to fix
        return assigning.model_copy(update={"kind": "failure_end", "summary": summary + (
            f" Its `done` failed in {assigning.field} (`{assigning.expression}`).")})
    where = pointer("transitions", transition) if transition is not None else pointer("states", end)
    return StepFailure(state=source or end, kind="failure_end", summary=summary, pointer=where,
                       field=transition_label(workflow, transition) if transition is not None else None)


def _assignment(workflow: Workflow, state_id: str, event: str, why: str) -> StepFailure | None:
    """The assignment (of a transition from `state_id` on `event`) that `why` ('EXPRESSION: …') is about."""
    for index, transition in enumerate(workflow.transitions):
        if transition.trigger != event or state_id not in transition.sources(list(workflow.states)):
            continue
        expression, _ = _split(why, list(transition.assign.values()))
        key = next((k for k, v in transition.assign.items() if v == expression), None)
        if key is not None:
            return StepFailure(state=state_id, kind="assign", summary="", expression=expression,
                               field=f"the assignment '{key}' of {transition_label(workflow, index)}",
                               pointer=pointer("transitions", index, "assign", key))
    return None


_NOT_ALLOWED = re.compile(r"^event '[^']*' is not allowed in state '[^']*': ")
_ASSIGNMENT = "an assignment failed: "


def explain_refusal(workflow: Workflow, state_id: str, event: str, detail: str,
                    guards: Sequence[GuardTried]) -> StepFailure:
    """Why the event `event` sent in `state_id` was refused; `guards`: those of its transitions, tried again."""
    said, found = _guards_failed(workflow, guards)
    why = _NOT_ALLOWED.sub("", detail)
    if why.startswith(_ASSIGNMENT):
        found = _assignment(workflow, state_id, event, why[len(_ASSIGNMENT):]) or found
        if found is not None and found.expression is not None:
            told = why[len(_ASSIGNMENT) + len(found.expression) + 2:]
            why = f"{found.field} (`{found.expression}`) could not be evaluated: {_plain_error(told)}"
        said = ""
    summary = f"'{event}' was refused in '{state_id}': " + (said or why) + "."
    state = workflow.states.get(state_id)
    if event == "error" and isinstance(state, TaskState) and not guards:
        summary += (" In a real run the task's failure would fail the instance here: add a transition on 'error' "
                    "(e.g. to a failure state).")
    return (found or StepFailure(state=state_id, kind="refused", summary="")).model_copy(
        update={"state": state_id, "kind": "refused", "summary": summary})
