"""Triggers each state type can fire, and transitions the engine could not tell apart."""

from __future__ import annotations

from collections import defaultdict

from engine.definition import (
    ANY_SOURCE,
    ApprovalState,
    ChoiceState,
    FinalState,
    MapState,
    ParallelState,
    State,
    SubflowState,
    TaskState,
    WaitState,
)
from engine.validation.checks._report import error, quoted, transition_label, trigger_words, warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = [
    "BUILT_IN_TRIGGERS",
    "emitted_triggers",
    "find_ambiguous_transitions",
    "find_choices_without_default",
    "find_missing_done_paths",
    "find_unused_triggers",
    "find_work_without_error_path",
]

BUILT_IN_TRIGGERS = frozenset({"done", "error", "approve", "reject", "timeout"})
_WORK = (TaskState, SubflowState, ParallelState, MapState)
_ENDS_WITH_DONE = (TaskState, SubflowState, ParallelState, MapState, WaitState)


def emitted_triggers(state: State) -> frozenset[str]:
    """The built-in triggers the engine fires in a state of this type (other names are sent from outside)."""
    if isinstance(state, _WORK):
        return frozenset({"done", "error"})
    if isinstance(state, ApprovalState):
        return frozenset({"approve", "reject"} | ({"timeout"} if state.timeout else set()))
    if isinstance(state, WaitState):
        return frozenset({"done"} | ({"timeout"} if state.timeout else set()))
    return frozenset()


def _why_not(state: State, trigger: str) -> str:
    if trigger == "timeout" and isinstance(state, ApprovalState | WaitState):
        return "it has no `timeout` set"
    names = sorted(f"'{t}'" for t in emitted_triggers(state))
    return f"a state of type '{state.type}' ends with {', '.join(names[:-1])} or {names[-1]}"


def find_unused_triggers(machine: Machine) -> list[Finding]:
    """Transitions named for an event the source state never produces (transitions from '*' are meant only
    for the states that do, so they are not reported)."""
    found: list[Finding] = []
    for index, transition in enumerate(machine.transitions):
        trigger = transition.trigger
        if transition.source == ANY_SOURCE or trigger is None:
            continue
        for sid in dict.fromkeys(machine.sources(transition)):
            state = machine.states.get(sid)
            if state is None or isinstance(state, FinalState):
                continue  # `unknown-state` and `exit-from-final` report these
            if isinstance(state, ChoiceState):
                message = (f"'{sid}' is a choice: it decides by itself the moment it is entered, so the trigger "
                           f"'{trigger}' of transition {index + 1} never fires. Remove the trigger.")
            elif trigger in BUILT_IN_TRIGGERS and trigger not in emitted_triggers(state):
                message = (f"Transition {index + 1} waits for '{trigger}' in '{sid}', which never happens there: "
                           f"{_why_not(state, trigger)}.")
            else:
                continue
            found.append(warning("unused-trigger", message, machine.transition_pointer(index, "trigger"),
                                 states=(sid,), transitions=(index,)))
    return found


def find_choices_without_default(machine: Machine) -> list[Finding]:
    """A choice needs one automatic transition without a guard, taken when no guard holds."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        outgoing = [machine.transitions[i] for i in machine.outgoing[sid]]
        if not isinstance(state, ChoiceState) or not outgoing:
            continue  # a choice with no transition at all is a `dead-end`
        if not any(t.trigger is None and t.guard is None for t in outgoing):
            message = (f"The choice '{sid}' has no default: when none of its guards holds, the instance is "
                       "stuck. Add a transition from it with no guard and no trigger.")
            found.append(error("choice-without-default", message, machine.state_pointer(sid), states=(sid,)))
    return found


def _normal(guard: str | None) -> str | None:
    return None if guard is None else "".join(guard.split())


def find_ambiguous_transitions(machine: Machine) -> list[Finding]:
    """Transitions leaving one state on one trigger at one priority, with no guard (or the same guard)."""
    clashes: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for sid, indexes in machine.outgoing.items():
        groups: dict[tuple[str | None, int, str | None, frozenset[str] | None], list[int]] = defaultdict(list)
        for index in indexes:
            transition = machine.transitions[index]
            key = (transition.trigger, transition.priority, _normal(transition.guard), transition.catches)
            groups[key].append(index)
        for same in groups.values():
            if len(same) > 1:
                clashes[tuple(same)].append(sid)
    found: list[Finding] = []
    for group, states in clashes.items():
        first = machine.transitions[group[0]]
        how = "no guard" if first.guard is None else "the same guard"
        numbers = ", ".join(str(i + 1) for i in group[:-1]) + f" and {group[-1] + 1}"  # from 1, as people count
        both = "both" if len(group) == 2 else "all"
        message = (f"Transitions {numbers} {both} leave {quoted(states)} {trigger_words(first.trigger)} with "
                   f"{how} and the same priority, so which one is taken depends on their order in the file. "
                   "Give them different guards or priorities.")
        found.append(error("ambiguous-transition", message, machine.transition_pointer(group[-1]),
                           states=states, transitions=group))
    return found


def find_missing_done_paths(machine: Machine) -> list[Finding]:
    """Tasks, subflows, parallels and waits end with `done`: a transition on `done` (or an automatic one)
    must take the instance on (states with no transition at all are reported as `dead-end`)."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        triggers = {machine.transitions[i].trigger for i in machine.outgoing[sid]}
        if isinstance(state, _ENDS_WITH_DONE) and triggers and not triggers & {"done", None}:
            fix = _on_the_awaited_event(machine, sid, state) or "Add a transition from it on 'done'."
            message = (f"'{sid}' has no transition on 'done', so when its {state.type} finishes normally "
                       f"the instance is stuck. {fix}")
            found.append(error("missing-done-path", message, machine.state_pointer(sid), states=(sid,)))
    return found


def _on_the_awaited_event(machine: Machine, sid: str, state: object) -> str:
    """The natural slip behind a wait's missing `done`: a transition on the awaited event's own type, which the
    event's arrival never fires (it ends the wait with `done`)."""
    if not isinstance(state, WaitState) or state.event is None:
        return ""
    awaited = state.event.type
    on_it = [i for i in machine.outgoing[sid] if machine.transitions[i].trigger == awaited]
    if not on_it:
        return ""
    label = transition_label(machine.transitions[on_it[0]], on_it[0])
    return (f"The '{awaited}' event it waits for ends the wait with 'done', not with a trigger of its own name: "
            f"{label} is probably meant to be on 'done'; change its trigger to 'done'.")


def find_work_without_error_path(machine: Machine) -> list[Finding]:
    """Tasks, subflows and parallel states can fail; without an `error` transition a failure strands the
    instance (states with no transition at all are reported as `dead-end`)."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        triggers = {machine.transitions[i].trigger for i in machine.outgoing[sid]}
        if isinstance(state, _WORK) and triggers and "error" not in triggers:
            message = (f"'{sid}' has no transition on 'error': if its {state.type} fails (after any retries), "
                       "the instance stops there. Add a transition on 'error', e.g. to a failure state.")
            found.append(warning("task-without-error-path", message, machine.state_pointer(sid), states=(sid,)))
    return found
