"""Coverage goals, the greedy choice of paths that meets them, and the report of what was (not) covered."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.definition import ANY_SOURCE, MapState, ParallelState, Workflow
from engine.paths.routes import simple_routes
from engine.testgen.inner_waits import inner_waits
from engine.testgen.inside_drive import inside_timeouts
from engine.testgen.planning import Goal, Plan, Planner
from engine.testgen.stub_data import FlowReads
from engine.testgen.values import value_for_schema

__all__ = ["PATH_LIMIT", "Coverage", "CoverageMode", "Uncovered", "choose_plans", "drop_plans", "start_context"]

CoverageMode = Literal["transitions", "guards", "paths"]
PATH_LIMIT = 200


@dataclass(frozen=True)
class Uncovered:
    goal: str
    reason: str


@dataclass
class Coverage:
    mode: str
    transitions_total: int
    transitions_covered: int
    guards_total: int
    guards_true: int
    guards_false: int
    uncovered: list[Uncovered] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # the transitions out of the waits inside parallel and map states (`outer.pay: await_payment --timeout-->
    # chased`): those the kept tests drive, and those they do not
    inside_covered: list[str] = field(default_factory=list)
    inside_uncovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "transitions": {"covered": self.transitions_covered, "total": self.transitions_total},  # noqa: E501
                "guards": {"total": self.guards_total, "true": self.guards_true, "false": self.guards_false},
                "waits_inside": {"covered": self.inside_covered, "not_covered": self.inside_uncovered},
                "uncovered": [{"goal": u.goal, "reason": u.reason} for u in self.uncovered], "notes": self.notes}


def _units(workflow: Workflow, planner: Planner) -> list[Goal]:
    """One goal per (source, transition) edge; a '*' transition counts once, from whichever state."""
    goals = []
    for index, transition in enumerate(workflow.transitions):
        if transition.source == ANY_SOURCE:
            goals.append(Goal(None, index))
            continue
        goals += [Goal(source, index) for source in transition.sources([]) if index in planner.outgoing.get(source, [])]
    return goals


def _inside_goals(workflow: Workflow, planner: Planner) -> list[Goal]:
    """For each parallel or map state with event waits inside that declare a timeout: leaving it with those
    timeouts fired (the events arriving is what every path through it drives)."""
    goals = []
    for sid, state in workflow.states.items():
        if isinstance(state, ParallelState | MapState) and inside_timeouts(sid, state):
            done = [i for i in planner.outgoing.get(sid, []) if workflow.transitions[i].trigger == "done"]
            goals += [Goal(sid, done[0], timeouts=True)] if done else []
    return goals


def _inside_moves(workflow: Workflow) -> list[tuple[str, str, str]]:
    """Every transition out of a wait inside a parallel or map state: (child branch, wait, next state)."""
    return list(dict.fromkeys((w.branch, w.sid, dest) for sid, state in workflow.states.items()
                              if isinstance(state, ParallelState | MapState)
                              for w in inner_waits(sid, state) for trigger, dest in w.leaves.items()
                              if trigger == "done" or (trigger == "timeout" and w.state.timeout is not None)))


def _move_name(move: tuple[str, str, str]) -> str:
    return f"{move[0]}: {move[1]} → {move[2]}"


def _covers(plan: Plan, goal: Goal) -> bool:
    for step in plan.steps:
        if goal.timeouts:
            if step.source == goal.source and step.inside is not None and step.inside.timeouts:
                return True
        elif goal.guard_false:
            if step.source == goal.source and goal.index in step.guards_false:
                return True
        elif step.index == goal.index and goal.source in (None, step.source):
            return True
    return False


def _unreachable_reason(workflow: Workflow, planner: Planner, goal: Goal) -> str:
    if goal in planner.failures:
        return planner.failures[goal]
    transition = workflow.transitions[goal.index]
    source = workflow.states.get(goal.source or "")
    if isinstance(source, ParallelState) and transition.trigger == "error":
        return ("no path reaches it with a task inside failing, or an event wait inside timing out, so that the "
                "join cannot be met")
    if isinstance(source, MapState) and transition.trigger == "error":
        return ("no path reaches it with tasks inside failing, or event waits inside timing out, in more items than "
                "the map tolerates")
    if transition.trigger == "timeout" and getattr(source, "timeout", 1) is None:
        return f"'{goal.source}' declares no timeout, so 'timeout' never fires"
    if goal.guard_false:
        return "no test data found for which a later transition is chosen here"
    return "no path from the initial state drives it (searched with the test data testgen can choose)"


def _simple_routes(workflow: Workflow, planner: Planner) -> list[list[tuple[str, int]]]:
    search = simple_routes(workflow.initial, workflow.states, workflow.transitions, PATH_LIMIT, planner.outgoing)
    return search.routes


def start_context(workflow: Workflow) -> dict[str, Any]:
    """With no example to start from: what the context schema requires, and what the flow reads of the context
    it is started with — a one-item list for each map over it (a map over an empty or missing list runs nothing
    inside), a value for each path an input, assignment or result reads (`FlowReads.start_context`)."""
    context: dict[str, Any] = value_for_schema({"type": "object", **workflow.context})
    return FlowReads(workflow).start_context(context)


def choose_plans(workflow: Workflow, mode: CoverageMode = "transitions",
                 base_context: dict[str, Any] | None = None) -> tuple[list[Plan], Coverage]:
    """Paths that cover the goals of `mode`, and the coverage they reach."""
    if base_context is None:
        base_context = copy.deepcopy(workflow.examples[0].context) if workflow.examples else \
            start_context(workflow)
    planner = Planner(workflow, base_context)
    units = _units(workflow, planner)
    guarded = [g for g in units if workflow.transitions[g.index].guard]
    false_goals = [Goal(g.source, g.index, guard_false=True) for g in guarded]
    goals = units + _inside_goals(workflow, planner) + (false_goals if mode == "guards" else [])
    plans: list[Plan] = []
    notes: list[str] = []
    if mode == "paths":
        routes = _simple_routes(workflow, planner)
        for route in routes:
            plan = planner.follow(route)
            if plan is not None:
                plans.append(plan)
        notes.append(f"{len(plans)} of {len(routes)} simple paths to a final state can be driven"
                     + (f" (enumeration stopped at {PATH_LIMIT})" if len(routes) >= PATH_LIMIT else ""))
    uncovered: list[Uncovered] = []
    for goal in goals:
        if any(_covers(plan, goal) for plan in plans):
            continue
        plan = planner.plan(goal)
        if plan is None:
            uncovered.append(Uncovered(goal.describe(workflow), _unreachable_reason(workflow, planner, goal)))
        else:
            plans.append(plan)
    if any(t.source == ANY_SOURCE for t in workflow.transitions):
        notes.append("a '*' transition counts as one transition, covered from the first state a path takes it")
    notes.append("loops are taken at most once per path")
    return plans, _measure(workflow, planner, plans, mode, uncovered, notes)


def _measure(workflow: Workflow, planner: Planner, plans: list[Plan], mode: str, uncovered: list[Uncovered],  # noqa: PLR0917
             notes: list[str]) -> Coverage:
    units = _units(workflow, planner)
    guarded = [g for g in units if workflow.transitions[g.index].guard]
    false_goals = [Goal(g.source, g.index, guard_false=True) for g in guarded]
    driven = {move for plan in plans for step in plan.steps if step.inside is not None for move in step.inside.moves}
    inside = _inside_moves(workflow)
    return Coverage(
        mode=mode, transitions_total=len(units),
        transitions_covered=sum(any(_covers(p, g) for p in plans) for g in units),
        guards_total=len(guarded),
        guards_true=sum(any(_covers(p, g) for p in plans) for g in guarded),
        guards_false=sum(any(_covers(p, g) for p in plans) for g in false_goals),
        uncovered=uncovered if mode != "transitions" else [u for u in uncovered if " false at " not in u.goal],
        notes=notes, inside_covered=[_move_name(m) for m in inside if m in driven],
        inside_uncovered=[_move_name(m) for m in inside if m not in driven])


def drop_plans(workflow: Workflow, plans: list[Plan], coverage: Coverage,
               failed: dict[int, str]) -> tuple[list[Plan], Coverage]:
    """`plans` without those at the positions in `failed` (their tests failed on the engine), and the coverage
    left, each transition no longer covered reported with the failure."""
    planner = Planner(workflow, {})
    kept = [plan for n, plan in enumerate(plans) if n not in failed]
    uncovered = list(coverage.uncovered)
    for goal in _units(workflow, planner) + _inside_goals(workflow, planner):
        if any(_covers(plans[n], goal) for n in failed) and not any(_covers(p, goal) for p in kept):
            why = next(failed[n] for n in failed if _covers(plans[n], goal))
            uncovered.append(Uncovered(goal.describe(workflow), f"its generated test failed on the engine: {why}"))
    return kept, _measure(workflow, planner, kept, coverage.mode, uncovered, coverage.notes)
