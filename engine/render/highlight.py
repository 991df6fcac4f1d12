"""A highlight: the states and transitions of an instance's path, drawn bold while the rest is dimmed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.definition import Workflow
from engine.render.scopes import SEPARATOR, Scope, branch_scopes, is_box, iter_scopes

__all__ = ["Highlight", "TransitionStep"]

TransitionStep = tuple[str, str | None, str]
"""(source, trigger, dest) of one history row; qualified ids for states inside a parallel branch."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """What to emphasise. `states` holds qualified ids (`enrich/crm/lookup` inside a branch);
    `transitions` indexes the workflow's `transitions`; `branch_transitions` holds
    (branch path, index) pairs such as ('enrich/crm', 0) for transitions inside a branch.
    """

    states: frozenset[str] = frozenset()
    transitions: frozenset[int] = frozenset()
    branch_transitions: frozenset[tuple[str, int]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.states or self.transitions or self.branch_transitions)

    def has_state(self, qualified_id: str) -> bool:
        return qualified_id in self.states

    def has_transition(self, scope_path: str, index: int) -> bool:
        if scope_path:
            return (scope_path, index) in self.branch_transitions
        return index in self.transitions

    def has_edge(self, scope_path: str, index: int, source: str | None) -> bool:
        """Whether the edge of transition `index` leaving `source` (a qualified id; None for '*') was taken.

        A transition with several sources counts as taken only from sources among `states`, when
        `states` are given: leaving `support`, `["review", "support"] -> rejected` was not taken from `review`.
        """
        taken = self.has_transition(scope_path, index)
        return taken and (source is None or not self.states or source in self.states)

    @classmethod
    def of_history(cls, workflow: Workflow, steps: Iterable[TransitionStep]) -> Highlight:
        """The path an instance took, from its history rows: every state it was in (the initial one
        included) and every transition that matches a step's source, trigger and destination.

        Guards are not evaluated, so when several transitions match one step all are highlighted.
        """
        scopes = {scope.path: scope for scope in iter_scopes(workflow)}
        states: set[str] = {workflow.initial}
        top: set[int] = set()
        nested: set[tuple[str, int]] = set()
        for source, trigger, dest in steps:
            states.update((source, dest))
            path, _, local = source.rpartition(SEPARATOR)
            scope = scopes.get(path)
            if scope is None:
                continue
            for index in scope.matching(local, trigger, dest.rpartition(SEPARATOR)[2]):
                if path:
                    nested.add((path, index))
                else:
                    top.add(index)
            states.update(_entered_initials(scope, dest.rpartition(SEPARATOR)[2]))
        return cls(frozenset(states), frozenset(top), frozenset(nested))


def _entered_initials(scope: Scope, state_id: str) -> list[str]:
    """Entering a parallel state enters each branch's initial state (and so on, nested)."""
    state = scope.states.get(state_id)
    if state is None or not is_box(state):
        return []
    entered: list[str] = []
    for branch in branch_scopes(scope, state_id, state):
        entered.append(branch.qid(branch.initial))
        entered.extend(_entered_initials(branch, branch.initial))
    return entered
