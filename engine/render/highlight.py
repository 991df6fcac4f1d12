"""A highlight: the states and transitions of an instance's path, drawn bold while the rest is dimmed — inside
parallel branches and map iterators too, where a map's states say how many of its items went through them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine.definition import Workflow
from engine.render.scopes import SEPARATOR, Scope, branch_scopes, is_box, iter_scopes, qualify

__all__ = ["BranchRun", "Highlight", "TransitionStep"]

TransitionStep = tuple[str, str | None, str]
"""(source, trigger, dest) of one history row; qualified ids for states inside a parallel branch."""


@dataclass(frozen=True, slots=True)
class BranchRun:
    """One run inside the drawing of its workflow: a parallel branch's, or one item's of a map's iterator.
    `scope` is the drawn machine's path ('enrich/crm', 'score/iterator'); `states` the local ids it was in (its
    first state included), `steps` its transitions in local ids."""

    scope: str
    states: tuple[str, ...]
    steps: tuple[TransitionStep, ...]
    item: bool = False  # one item of a map: counted, per state, among the map's items


@dataclass(frozen=True, slots=True)
class Highlight:
    """What to emphasise. `states` holds qualified ids (`enrich/crm/lookup` inside a branch);
    `transitions` indexes the workflow's `transitions`; `branch_transitions` holds
    (branch path, index) pairs such as ('enrich/crm', 0) for transitions inside a branch.
    `items` holds, for a state of a map's iterator, how many of the map's items went through it and how many
    items there were (over every time the map ran).
    """

    states: frozenset[str] = frozenset()
    transitions: frozenset[int] = frozenset()
    branch_transitions: frozenset[tuple[str, int]] = frozenset()
    items: Mapping[str, tuple[int, int]] = field(default_factory=dict)

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

    def items_through(self, qualified_id: str) -> str | None:
        """'2 of 3 items' for a state of a map's iterator that items went through; else None."""
        found = self.items.get(qualified_id)
        if found is None:
            return None
        through, total = found
        return f"{through} of {total} item{'' if total == 1 else 's'}"

    @classmethod
    def of_history(cls, workflow: Workflow, steps: Iterable[TransitionStep],
                   branches: Iterable[BranchRun] = ()) -> Highlight:
        """The path an instance took, from its history rows: every state it was in (the initial one
        included) and every transition that matches a step's source, trigger and destination; with
        `branches`, the same inside its parallel branches and map items (by the runs' own histories).

        Guards are not evaluated, so when several transitions match one step all are highlighted.
        """
        scopes = {scope.path: scope for scope in iter_scopes(workflow)}
        runs = [run for run in branches if run.scope in scopes]  # a run of a scope the version lacks: left out
        states: set[str] = {workflow.initial}
        top: set[int] = set()
        nested: set[tuple[str, int]] = set()
        for source, trigger, dest in [*steps, *_qualified_steps(runs)]:
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
        states.update(qualify(run.scope, state) for run in runs for state in run.states)
        return cls(frozenset(states), frozenset(top), frozenset(nested), _item_counts(runs))


def _qualified_steps(runs: list[BranchRun]) -> list[TransitionStep]:
    return [(qualify(run.scope, source), trigger, qualify(run.scope, dest))
            for run in runs for source, trigger, dest in run.steps]


def _item_counts(runs: list[BranchRun]) -> dict[str, tuple[int, int]]:
    """For each state of a map's iterator: how many of the items went through it, of how many."""
    totals = Counter(run.scope for run in runs if run.item)
    through = Counter(qualify(run.scope, state) for run in runs if run.item for state in set(run.states))
    return {qid: (count, totals[qid.rpartition(SEPARATOR)[0]]) for qid, count in sorted(through.items())}


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
