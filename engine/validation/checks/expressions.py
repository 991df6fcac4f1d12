"""Every CEL expression in a definition, where it sits and when it is evaluated; and whether it compiles."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from engine.definition import (
    ApprovalState,
    FinalState,
    MapState,
    State,
    SubflowState,
    TaskState,
    WaitState,
    Workflow,
)
from engine.definition.expression_cost import static_problem
from engine.definition.expressions import ExpressionError, compile_expression
from engine.validation.checks._report import capitalised, error, transition_label
from engine.validation.findings import Finding, pointer
from engine.validation.graph import Machine

__all__ = ["ExpressionSite", "expression_sites", "find_costly_expressions", "find_invalid_expressions",
           "word_operators_hint"]

# Python's and SQL's words for CEL's logical operators, which an analyst writes first (`a > 1 and b < 2`)
_WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!"}
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_WORD = re.compile(r"(?<![\w.])(and|or|not)(?![\w(])")


@dataclass(frozen=True, slots=True)
class ExpressionSite:
    """One CEL expression: its text, its place in the file, and what it belongs to.

    With a `state`, it is evaluated on entering that state; with a `transition`, when that transition is
    considered; with a `policy`, where the policy applies; with none of them, when a start event arrives.
    """

    source: str
    pointer: str
    what: str
    machine: Machine | None = None
    state: str | None = None
    transition: int | None = None
    policy: int | None = None
    item_names: frozenset[str] = frozenset()  # a map's item and index names, which its `input` reads too

    @property
    def is_guard(self) -> bool:
        """Whether it is a transition's guard (which counts as not holding when it fails)."""
        return (self.machine is not None and self.transition is not None
                and self.pointer == self.machine.transition_pointer(self.transition, "guard"))

    @property
    def reads_workflow_context(self) -> bool:
        """Whether the names it reads are the workflow's context: not for a start trigger (it reads only `event`)
        nor on a map's items (each runs on its item's own context)."""
        if self.machine is None:
            return self.policy is not None
        return not self.machine.runs_per_item


def _mapping_sites(machine: Machine, sid: str, field: str, words: str, values: Mapping[str, str]) -> Iterator[
        ExpressionSite]:
    for key, source in values.items():
        yield ExpressionSite(source, machine.state_pointer(sid, field, key), f"{words} '{key}' of '{sid}'",
                             machine, state=sid)


def _state_sites(machine: Machine, sid: str, state: State) -> Iterator[ExpressionSite]:
    if isinstance(state, TaskState | SubflowState):
        yield from _mapping_sites(machine, sid, "input", "the input", state.input)
    if isinstance(state, TaskState) and state.ask_user is not None:
        ask = state.ask_user
        if ask.question is not None:  # it reads `error`, the failure it asks about, too
            yield ExpressionSite(ask.question, machine.state_pointer(sid, "ask_user", "question"),
                                 f"the question '{sid}' asks", machine, state=sid, item_names=frozenset({"error"}))
        if ask.correlation is not None:
            yield ExpressionSite(ask.correlation, machine.state_pointer(sid, "ask_user", "correlation"),
                                 f"the reply's correlation of '{sid}'", machine, state=sid)
    elif isinstance(state, MapState):
        yield ExpressionSite(state.items, machine.state_pointer(sid, "items"), f"the items of '{sid}'", machine,
                             state=sid)
        own = frozenset({state.item_key, state.index_key})
        for key, source in state.input.items():
            yield ExpressionSite(source, machine.state_pointer(sid, "input", key), f"the item input '{key}' of '{sid}'",
                                 machine, state=sid, item_names=own)
    elif isinstance(state, ApprovalState):
        yield from _mapping_sites(machine, sid, "request", "the request entry", state.request)
    elif isinstance(state, FinalState):
        yield from _mapping_sites(machine, sid, "result", "the result", state.result)
    elif isinstance(state, WaitState):
        if state.deadline is not None:
            yield ExpressionSite(state.deadline, machine.state_pointer(sid, "deadline"),
                                 f"the deadline of '{sid}'", machine, state=sid)
        if state.event is not None and state.event.correlation is not None:
            yield ExpressionSite(state.event.correlation, machine.state_pointer(sid, "event", "correlation"),
                                 f"the event correlation of '{sid}'", machine, state=sid)


def _machine_sites(machine: Machine) -> Iterator[ExpressionSite]:
    for sid, state in machine.states.items():
        yield from _state_sites(machine, sid, state)
    for index, transition in enumerate(machine.transitions):
        label = transition_label(transition, index)
        if transition.guard is not None:
            yield ExpressionSite(transition.guard, machine.transition_pointer(index, "guard"),
                                 f"the guard of {label}", machine, transition=index)
        for key, source in transition.assign.items():
            yield ExpressionSite(source, machine.transition_pointer(index, "assign", key),
                                 f"the assignment to '{key}' in {label}", machine, transition=index)


def expression_sites(workflow: Workflow, all_machines: list[Machine]) -> Iterator[ExpressionSite]:
    """Guards, assignments, inputs, requests, deadlines, correlations, results, policy conditions and
    start-trigger conditions and context mappings, in file order per machine."""
    for machine in all_machines:
        yield from _machine_sites(machine)
    for i, policy in enumerate(workflow.policies):
        yield ExpressionSite(policy.condition, pointer("policies", i, "condition"),
                             f"the condition of policy '{policy.id}'", policy=i)
    for i, start in enumerate(workflow.starts_on):
        if start.condition is not None:
            yield ExpressionSite(start.condition, pointer("starts_on", i, "condition"),
                                 f"the condition of start trigger '{start.event}'")
        for key, source in start.context.items():
            yield ExpressionSite(source, pointer("starts_on", i, "context", key),
                                 f"the context entry '{key}' of start trigger '{start.event}'")


def word_operators_hint(source: str) -> str:
    """" CEL writes 'and' as '&&'." for the word operators an expression that does not compile uses outside its
    quoted texts (a field named `order` or a call `not(…)` is not one); "" when it uses none."""
    used = dict.fromkeys(_WORD.findall(_QUOTED.sub("''", source)))
    if not used:
        return ""
    return " CEL writes " + ", ".join(f"'{word}' as '{_WORD_OPERATORS[word]}'" for word in used) + "."


def find_invalid_expressions(sites: list[ExpressionSite]) -> list[Finding]:
    """Each expression that does not compile, with the line and column (within the expression) CEL gives."""
    found: list[Finding] = []
    for site in sites:
        try:
            compile_expression(site.source)
        except ExpressionError as exc:
            where = f" (line {exc.line}, column {exc.column} of the expression)" if exc.line is not None else ""
            message = (f"{capitalised(site.what)} is not a valid CEL expression{where}: {exc.message.rstrip('.')}."
                       + word_operators_hint(site.source))
            finding = error("guard-syntax", message, site.pointer,
                            states=() if site.state is None else (site.state,),
                            transitions=() if site.transition is None else (site.transition,))
            found.append(finding.model_copy(update={"line": exc.line, "column": exc.column}))
    return found


def find_costly_expressions(sites: list[ExpressionSite]) -> list[Finding]:
    """Each expression too long, too deeply nested in comprehensions or over too large a literal to evaluate
    within the cost limit (docs/runtime.md#limits); the engine would refuse to run it."""
    found: list[Finding] = []
    for site in sites:
        problem = static_problem(site.source)
        if problem is not None:
            found.append(error("expression-too-costly", f"{capitalised(site.what)} is too costly to evaluate: "
                               f"{problem}.", site.pointer,
                               states=() if site.state is None else (site.state,),
                               transitions=() if site.transition is None else (site.transition,)))
    return found
