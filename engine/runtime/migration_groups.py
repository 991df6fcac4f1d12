"""A migration's plans grouped by what it does to the instances, and its plans a page at a time.

At 100,000 running instances one plan per instance is tens of megabytes that nobody reads one by one: what a
person reads is state by state — how many instances, kept as they are or entered afresh, mapped or missing,
refused and why, their open work carried or cancelled counted by kind. `group_plans` says that, one group per
distinct (state, target state, state change, entry, refusal), covering every plan; the CLI's table and the
designer's preview both show these groups. `page_of` lists the plans themselves a page at a time, ordered by
instance id, optionally those of one state only.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInput
from engine.runtime.migration_plan import InstancePlan

__all__ = ["PROBLEMS_SHOWN", "PlanGroup", "PlanPage", "WorkCount", "group_plans", "page_of"]

PROBLEMS_SHOWN = 10
"""A group's context problems, each said once, up to this many (they repeat from instance to instance)."""

_GroupKey = tuple[str, str | None, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class WorkCount:
    """How many pieces of open work of one kind the migration carries, cancels or leaves untouched."""

    kind: str
    outcome: str
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "outcome": self.outcome, "count": self.count}


@dataclass(frozen=True, slots=True)
class PlanGroup:
    """The instances the migration does the same to: their state, where they go, how, or why they are refused."""

    state: str
    target_state: str | None
    state_change: str
    entry: str | None
    refused: str | None
    instances: int
    context_invalid: int  # of them, those whose context does not fit the new version's schema
    context_problems: tuple[str, ...]  # their context problems, each once, up to PROBLEMS_SHOWN
    work: tuple[WorkCount, ...]  # their open work, by kind and outcome, in the order first met
    notes: tuple[str, ...]  # what entering the state afresh starts (and drops), each once
    example: str  # the first of them by id

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "target_state": self.target_state, "state_change": self.state_change,
                "entry": self.entry, "refused": self.refused, "instances": self.instances,
                "context_invalid": self.context_invalid, "context_problems": list(self.context_problems),
                "work": [w.as_dict() for w in self.work], "notes": list(self.notes), "example": self.example}


def _key(plan: InstancePlan) -> _GroupKey:
    return plan.state, plan.target_state, plan.state_change, plan.entry, plan.refused


class _Tally:
    """One group being counted."""

    def __init__(self, first: InstancePlan) -> None:
        self.instances = 0
        self.context_invalid = 0
        self.problems: dict[str, None] = {}
        self.work: dict[tuple[str, str], int] = {}
        self.notes: dict[str, None] = {}
        self.example = first.instance_id

    def add(self, plan: InstancePlan) -> None:
        self.instances += 1
        self.example = min(self.example, plan.instance_id)
        if plan.context_problems:
            self.context_invalid += 1
            for problem in plan.context_problems:
                if len(self.problems) < PROBLEMS_SHOWN:
                    self.problems.setdefault(problem)
        for work in plan.pending:
            self.work[work.kind, work.outcome] = self.work.get((work.kind, work.outcome), 0) + 1
        self.notes.update(dict.fromkeys(plan.notes))

    def group(self, key: _GroupKey) -> PlanGroup:
        return PlanGroup(*key, instances=self.instances, context_invalid=self.context_invalid,
                         context_problems=tuple(self.problems),
                         work=tuple(WorkCount(kind, outcome, n) for (kind, outcome), n in self.work.items()),
                         notes=tuple(self.notes), example=self.example)


def group_plans(plans: Iterable[InstancePlan]) -> tuple[PlanGroup, ...]:
    """The plans grouped by what the migration does (see the module's docstring), the largest group first, groups
    of the same size in the order their first instance came."""
    tallies: dict[_GroupKey, _Tally] = {}
    for plan in plans:
        key = _key(plan)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally(plan)
        tally.add(plan)
    groups = [tally.group(key) for key, tally in tallies.items()]
    return tuple(sorted(groups, key=lambda g: -g.instances))


@dataclass(frozen=True, slots=True)
class PlanPage:
    plans: tuple[InstancePlan, ...]
    next: str | None  # the id to ask `after` for the next page; None at the end


def page_of(plans: Sequence[InstancePlan], *, limit: int, after: str | None = None,
            state: str | None = None) -> PlanPage:
    """Up to `limit` plans after the instance id `after`, ordered by instance id; of the instances in `state`
    only, when given. `after` is a place in that order, not necessarily a listed instance: the instance a page
    ended on may have ended or moved since, and the walk goes on from where it was."""
    if limit < 1:
        raise InvalidInput(f"limit: {limit} is not a page size; ask for 1 or more")
    chosen = heapq.nsmallest(limit + 1, (p for p in plans if (state is None or p.state == state)
                                         and (after is None or p.instance_id > after)), key=lambda p: p.instance_id)
    shown = tuple(chosen[:limit])
    return PlanPage(shown, shown[-1].instance_id if len(chosen) > limit else None)
