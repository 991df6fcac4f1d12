"""Retry rules, asks of the user and `error` transitions by error kind: kinds no handler or engine produces and
the workflow does not declare (`unknown-error-kind`), retry rules no failure can reach (`unreachable-retry-rule`),
`error` transitions a catch-all tried before them always takes first (`unreachable-catch`) and tasks whose
`error` transitions all name kinds, so that a failure of any other kind fails the instance (`uncaught-error-kinds`)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.definition import ANY_ERROR, Retry, TaskState, Transition, Workflow
from engine.definition.error_kinds import KNOWN_ERROR_KINDS
from engine.validation.checks._report import capitalised, error, nearest, quoted, transition_label, warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine, Token

__all__ = ["find_uncaught_error_kinds", "find_unknown_error_kinds", "find_unreachable_catches",
           "find_unreachable_retry_rules"]


def _named_kinds(machine: Machine) -> Iterator[tuple[str, tuple[Token, ...], str | None, int | None]]:
    """Every kind a retry, an ask of the user or an `error` transition names: (kind, pointer tokens, state,
    transition index)."""
    for sid, state in machine.states.items():
        if isinstance(state, TaskState) and state.ask_user is not None:
            for j, kind in enumerate(state.ask_user.errors):
                yield kind, ("states", sid, "ask_user", "errors", j), sid, None
        if not isinstance(state, TaskState) or state.retry is None:
            continue
        if isinstance(state.retry, Retry):
            for j, kind in enumerate(state.retry.retry_on):
                yield kind, ("states", sid, "retry", "retry_on", j), sid, None
            continue
        for i, rule in enumerate(state.retry):
            for j, kind in enumerate(rule.errors):
                yield kind, ("states", sid, "retry", i, "errors", j), sid, None
    for index, transition in enumerate(machine.transitions):
        for j, kind in enumerate(transition.errors):
            yield kind, ("transitions", index, "errors", j), None, index


def find_unknown_error_kinds(workflow: Workflow, all_machines: list[Machine]) -> list[Finding]:
    """Kinds neither the engine nor the shipped handlers produce, nor the workflow declares in `error_kinds` (the
    kinds its own handlers raise): most often a typo. A warning: a definition that loaded before a kind was
    declared must still load."""
    declared = frozenset(workflow.error_kinds or ())
    known = KNOWN_ERROR_KINDS | declared
    found: list[Finding] = []
    for machine in all_machines:
        for kind, tokens, sid, index in _named_kinds(machine):
            if kind == ANY_ERROR or kind in known:
                continue
            closest = nearest(kind, known)  # as `unknown-field` suggests: a declared kind too
            hint = f" — did you mean '{closest}'?" if closest else "."
            message = (f"The error kind '{kind}' is not one the engine or the shipped handlers produce (see "
                       f"'Error kinds' in the definition format), nor one the workflow declares in `error_kinds`"
                       f"{hint} Check the spelling, or declare it in `error_kinds` if your own handlers raise it.")
            found.append(warning("unknown-error-kind", message, machine.field_pointer(*tokens),
                                 states=() if sid is None else (sid,), transitions=() if index is None else (index,)))
    return found


def find_unreachable_retry_rules(machine: Machine) -> list[Finding]:
    """A rule after a catch-all rule, or naming only kinds earlier rules already take, never applies."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, TaskState) or not isinstance(state.retry, list):
            continue
        taken: set[str] = set()
        catch_all: int | None = None
        for i, rule in enumerate(state.retry):
            if catch_all is not None:
                why = f"rule {catch_all + 1} before it applies to every error kind"
            elif not rule.catches_all and set(rule.errors) <= taken:
                why = f"the rules before it already take {quoted(sorted(rule.errors))}"
            else:
                why = ""
            if why:
                message = (f"Retry rule {i + 1} of '{sid}' never applies: {why}, and the first rule that names a "
                           "failure's kind decides. Move it up, or remove it.")
                found.append(error("unreachable-retry-rule", message, machine.state_pointer(sid, "retry", i),
                                   states=(sid,)))
            if rule.catches_all and catch_all is None:
                catch_all = i
            taken.update(rule.errors)
    return found


def _tried_first(machine: Machine, indexes: list[int]) -> list[int]:
    """Transition indexes in the order the engine tries them: higher priority first, then file order."""
    return sorted(indexes, key=lambda i: -machine.transitions[i].priority)


def _catches_everything(transition: Transition) -> bool:
    return transition.trigger == "error" and transition.catches is None and transition.guard is None


def find_unreachable_catches(machine: Machine) -> list[Finding]:
    """An `error` transition limited to some kinds never fires from a state whose unguarded catch-all `error`
    transition is tried before it (same or higher priority, earlier in the file)."""
    found: list[Finding] = []
    for sid, indexes in machine.outgoing.items():
        errors = _tried_first(machine, [i for i in indexes if machine.transitions[i].trigger == "error"])
        first = next((i for i in errors if _catches_everything(machine.transitions[i])), None)
        if first is None:
            continue
        for index in errors[errors.index(first) + 1:]:
            if machine.transitions[index].catches is None:
                continue  # a second catch-all: `ambiguous-transition` or priorities say what happens
            message = (f"{capitalised(transition_label(machine.transitions[index], index))} never fires from "
                       f"'{sid}': {transition_label(machine.transitions[first], first)} takes every error kind "
                       "and is tried first. Give the limited one a higher priority.")
            found.append(error("unreachable-catch", message, machine.transition_pointer(index, "errors"),
                               states=(sid,), transitions=(index, first)))
    return found


_ENGINES_COMMON = ("error", "timeout", "output")  # kinds the engine gives any task's action


def find_uncaught_error_kinds(machine: Machine) -> list[Finding]:
    """A task whose `error` transitions all name kinds (`errors`, no catch-all among them) catches only those: a
    handler may raise any kind, and the engine has its own (`error`, `output`, `output_path`, ...), and a failure
    of any other fails the instance in the task — as a task with no `error` transition at all
    (`task-without-error-path`) does. A warning: stopping there, for an operator to redrive, may be meant."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, TaskState):
            continue
        errors = [i for i in machine.outgoing[sid] if machine.transitions[i].trigger == "error"]
        kinds = [machine.transitions[i].catches for i in errors]
        if not errors or any(k is None for k in kinds):
            continue
        caught = sorted(frozenset().union(*(k for k in kinds if k is not None)))
        others = " or ".join(f"'{k}'" for k in _ENGINES_COMMON if k not in caught)
        such = f", such as {others}" if others else ""
        message = (f"The `error` transitions of '{sid}' catch only {quoted(caught)}: a failure of any other kind (a "
                   f"handler's own, or the engine's{such}) fails the instance there. Add an `error` transition "
                   "without `errors` after them (e.g. to a failure state), unless stopping there for an operator is "
                   "meant.")
        found.append(warning("uncaught-error-kinds", message, machine.state_pointer(sid), states=(sid,),
                             transitions=tuple(errors)))
    return found
