"""Finding paths through a flow that a test can drive: a best-first search over (state, test data).

Each search aims at one coverage goal (a transition, or a guard being false) and then at any final state; it
plays the flow as the engine would — tasks end `done` or `error` as their stub handlers choose, choice states
take the first transition whose guard holds, approvals are approved, rejected or left to time out, waits end —
choosing test data at each decision (engine.testgen.solving). A goal no search reaches is reported with the
reason found on the way.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from engine.definition import (
    ApprovalState,
    ChoiceState,
    FinalState,
    MapState,
    ParallelState,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
    Workflow,
)
from engine.definition.cel_reading import UnreadableExpression, path_uses
from engine.definition.expressions import ExpressionError, evaluate
from engine.definition.moments import parse_rfc3339
from engine.definition.paths import path_parts
from engine.paths.routes import outgoing_by_priority
from engine.runtime.variables import json_value
from engine.testgen.inside_drive import InsideDrive, inside_drive, inside_timeouts, wait_payload
from engine.testgen.inside_failures import InsideFailure, inside_failure
from engine.testgen.solving import Data, solve
from engine.testgen.stub_data import FlowReads
from engine.testgen.values import ABSENT, default_for, get_path, schema_at, set_path, value_for_schema

__all__ = ["EXPANSION_LIMIT", "Goal", "Plan", "Planner", "Step"]

EXPANSION_LIMIT = 3000
MAX_STEPS = 60  # at least; a longer flow gets room for a path to its goal and on to a final: Planner.max_steps
_BUILT_IN = frozenset({"done", "error", "approve", "reject", "timeout"})
_EXTERNAL = frozenset({"approve", "reject", "send", "publish", "timeout", "wait"})


@dataclass(frozen=True)
class Goal:
    """A transition to take (`guard_false` False) or a guard to see false at `source` (`guard_false` True)."""

    source: str | None  # None: a '*' transition, from any state
    index: int
    guard_false: bool = False
    timeouts: bool = False  # leaving `source` (a parallel or map state) by `index` with the waits inside timing out

    def describe(self, workflow: Workflow) -> str:
        t = workflow.transitions[self.index]
        source = self.source or "*"
        label = f"{source} --{t.trigger or 'auto'}--> {t.dest}"
        if self.timeouts:
            return f"{label} with the timeouts of the event waits inside {source} firing"
        return f"guard '{t.guard}' false at {source}" if self.guard_false else label


@dataclass
class Step:
    """One transition of a path and what the test does to cause it."""

    source: str
    index: int
    dest: str
    trigger: str
    how: str  # auto, output, error, approve, reject, timeout, wait, publish, send
    output: Any = None
    error_kind: str | None = None
    payload: Any = None
    guards_false: tuple[int, ...] = ()
    correlation_key: str | None = None  # publish: the key the wait expects, as the engine computed it on entry
    inside: InsideDrive | None = None  # a parallel or map state's done: what the test does for the waits inside
    failing: InsideFailure | None = None  # a parallel or map state's error: the tasks inside whose stubs fail
    until: str | None = None  # a wait for a deadline: the time it gives


@dataclass
class Plan:
    context: dict[str, Any]
    steps: list[Step]
    final: str
    outcome: str

    def states(self) -> list[str]:
        return [self.steps[0].source, *[step.dest for step in self.steps]] if self.steps else []


@dataclass
class _Walk:
    state: str
    data: Data
    context: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    at_rest: bool = True
    hit: bool = False


class Planner:
    def __init__(self, workflow: Workflow, base_context: dict[str, Any]) -> None:
        self.workflow = workflow
        self.schema = workflow.context
        self.base_context = base_context
        names = list(workflow.states)
        self.outgoing = outgoing_by_priority(workflow.states, workflow.transitions)
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(names)
        for source, indexes in self.outgoing.items():
            self.graph.add_edges_from((source, workflow.transitions[i].dest) for i in indexes)
        finals = [sid for sid, s in workflow.states.items() if isinstance(s, FinalState)]
        self.to_final = nx.multi_source_dijkstra_path_length(self.graph.reverse(), finals) if finals else {}
        self.failures: dict[Goal, str] = {}
        # after `follow`: how many of the route's steps some data made the flow take (the next one none did)
        self.followed = 0
        self.reads = FlowReads(workflow)
        # the shortest route to a goal and on from it to a final state enters each state at most twice
        self.max_steps = max(MAX_STEPS, 2 * len(names))
        # the top-level keys the flow writes (an output or assignment `a.b` writes into `a`)
        self.produced = {path_parts(key)[0] for key in _outputs(workflow) | {k for t in workflow.transitions
                                                                              for k in t.assign}}

    # -- the search ---------------------------------------------------------------------------------------------
    def plan(self, goal: Goal) -> Plan | None:
        """The shortest path found that reaches `goal` and then a final state."""
        target_sources = [goal.source] if goal.source else [
            s for s, idx in self.outgoing.items() if goal.index in idx]
        reverse = self.graph.reverse()
        to_goal: dict[str, int] = {}
        for source in target_sources:
            for node, length in nx.single_source_shortest_path_length(reverse, source).items():
                to_goal[node] = min(length, to_goal.get(node, length))

        def estimate(walk: _Walk) -> int | None:
            remaining = self.to_final.get(walk.state) if walk.hit else (
                None if walk.state not in to_goal else to_goal[walk.state] + 1)
            return None if remaining is None else len(walk.steps) + int(remaining)

        return self._search(goal, estimate)

    def follow(self, route: list[tuple[str, int]]) -> Plan | None:
        """Test data that makes the flow take exactly `route` (a list of (source, transition index)); None when no
        data does, `followed` then saying how far some did."""
        goal = Goal(None, -1)
        self.followed = 0

        def estimate(walk: _Walk) -> int | None:
            taken = [(step.source, step.index) for step in walk.steps]
            if taken != route[:len(taken)]:
                return None
            walk.hit = len(taken) == len(route)
            self.followed = max(self.followed, len(taken))
            return len(route) - len(taken)

        return self._search(goal, estimate)

    def _search(self, goal: Goal, estimate: Callable[[_Walk], int | None]) -> Plan | None:
        start = _Walk(self.workflow.initial, self._initial_data(), copy.deepcopy(self.base_context))
        counter = itertools.count()
        queue = [(0, next(counter), start)]
        seen: set[str] = set()
        expansions = 0
        while queue and expansions < EXPANSION_LIMIT:
            _, _, walk = heapq.heappop(queue)
            state = self.workflow.states[walk.state]
            if isinstance(state, FinalState):
                if walk.hit:
                    for root in list(walk.data.owners):
                        _release(walk, root)
                    return Plan(walk.context, walk.steps, walk.state, state.outcome)
                continue
            key = json.dumps([walk.state, walk.hit, walk.at_rest, walk.data.world, sorted(map(str, walk.data.fixed)),
                              [(s.source, s.index) for s in walk.steps]], sort_keys=True, default=str)
            if key in seen or len(walk.steps) >= self.max_steps:
                continue
            seen.add(key)
            expansions += 1
            for child in self._moves(walk, goal):
                cost = estimate(child)
                if cost is not None:
                    heapq.heappush(queue, (cost, next(counter), child))
        return None

    def _initial_data(self) -> Data:
        context = copy.deepcopy(self.base_context)
        roots = set(context) | set(self.schema.get("properties", {}))
        produced = {path_parts(t_key)[0] for t in self.workflow.transitions for t_key in t.assign}
        for guard in (t.guard for t in self.workflow.transitions if t.guard):
            roots |= {name for name in _roots(guard) if name not in produced}
        return Data(world=context, free_roots=roots - {"event", "context"} - self.produced)

    # -- moves from one state ---------------------------------------------------------------------------------
    def _moves(self, walk: _Walk, goal: Goal) -> list[_Walk]:
        state = self.workflow.states[walk.state]
        indexes = self.outgoing[walk.state]
        automatic = [i for i in indexes if self.workflow.transitions[i].trigger is None]
        moves: list[_Walk] = []
        if automatic:
            moves += self._choose(walk, automatic, "auto", goal)
            if isinstance(state, ChoiceState):
                return moves
        triggers = list(dict.fromkeys(self.workflow.transitions[i].trigger for i in indexes
                                      if self.workflow.transitions[i].trigger is not None))
        for trigger in triggers:
            assert trigger is not None
            how = self._how(state, trigger, walk)
            if how is None:
                continue
            group = [i for i in indexes if self.workflow.transitions[i].trigger == trigger]
            moves += self._choose(walk, group, how, goal, trigger)
        return moves

    def _how(self, state: Any, trigger: str, walk: _Walk) -> str | None:  # noqa: PLR0911
        if isinstance(state, TaskState | SubflowState) and trigger in ("done", "error"):
            return "output" if trigger == "done" else "error"
        if isinstance(state, ParallelState | MapState) and trigger == "done":  # children run with default answers
            return "output"
        if isinstance(state, ParallelState | MapState) and trigger == "error":  # a wait or a task inside fails
            return "inside_error"
        if isinstance(state, ApprovalState) and trigger in ("approve", "reject"):
            return trigger
        if isinstance(state, ApprovalState | WaitState) and trigger == "timeout":
            return "timeout" if state.timeout is not None else None
        if isinstance(state, WaitState) and trigger == "done":
            if state.duration is not None or state.deadline is not None:
                return "wait"
            return "publish" if state.event is not None else None
        if trigger not in _BUILT_IN and (walk.at_rest or isinstance(state, ApprovalState | WaitState)):
            return "send"
        return None

    def _choose(self, walk: _Walk, group: list[int], how: str, goal: Goal, trigger: str = "") -> list[_Walk]:
        """One move per transition of `group` (same source and trigger, priority order) that data can select;
        leaving a parallel or map state whose children wait, once with their events arriving and, for a goal
        that asks for it, once with their timeouts firing."""
        state = self.workflow.states[walk.state]
        waiting = self._waiting(walk, state, group, how, goal)
        if isinstance(waiting, str):
            return []
        if how == "inside_error" and not waiting:  # no wait inside times out into a failure: a task inside fails
            return self._failing_inside(walk, state, group, goal, trigger)
        return [move for inside in waiting for move in self._choose_one(walk, group, how, goal, trigger, inside)]

    def _waiting(self, walk: _Walk, state: Any, group: list[int], how: str,
                 goal: Goal) -> list[InsideDrive | None] | str:
        """The ways to drive the waits inside a parallel or map state left by `how` (one None: nothing to drive),
        or why they cannot be driven (recorded for the goals it keeps out of reach)."""
        if how not in ("output", "inside_error") or not isinstance(state, ParallelState | MapState):
            if how == "wait" and isinstance(state, WaitState) and state.deadline is not None \
                    and not isinstance(_deadline(state.deadline, walk.data), str):
                reason = f"the deadline '{state.deadline}' of {walk.state} gives no RFC 3339 time on the test data"
                self._fail_goals(goal, walk.state, group, reason)
                return reason
            return [None]
        if how == "inside_error" and not inside_timeouts(walk.state, state):
            return []  # no wait inside can time out to fail it
        drives: list[InsideDrive | None] = []
        for timeouts in (False, True):
            if timeouts and not inside_timeouts(walk.state, state):
                continue
            drive = inside_drive(self.workflow, walk.state, state, walk.data.world, reads=self.reads,
                                 timeouts=timeouts)
            if isinstance(drive, str):
                self._fail_goals(goal, walk.state, group, drive)
                return drive
            if (drive is not None and drive.fails) != (how == "inside_error"):
                continue  # the children end the state the other way
            if timeouts and how == "output" and not (goal.timeouts and goal.source == walk.state):
                continue  # the events arriving drive every other goal through the state
            if timeouts and drive is not None and not drive.timed_out:
                self._fail_goals(goal, walk.state, group, "no event wait inside with a timeout is known to be "
                                                          "reached (a guard inside decides whether it is)")
                continue
            drives.append(drive)
        return drives

    def _failing_inside(self, walk: _Walk, state: Any, group: list[int], goal: Goal, trigger: str) -> list[_Walk]:
        """Leaving a parallel or map state by `error` because tasks inside it fail (their stubs answer with a
        failure, scoped to their branch). The waits inside, if any, are driven with their events arriving, but
        not claimed: a failing child stops short of its waits, and the state's error cancels the others."""
        if any(step.source == walk.state for step in walk.steps):
            self._fail_goals(goal, walk.state, group, f"{walk.state} is entered earlier on the path, and a failure "
                                                      "inside cannot be kept to one of its visits")
            return []
        failure = inside_failure(walk.state, state, walk.data.world)
        drive = inside_drive(self.workflow, walk.state, state, walk.data.world, reads=self.reads)
        if isinstance(failure, str) or isinstance(drive, str):
            self._fail_goals(goal, walk.state, group, str(failure if isinstance(failure, str) else drive))
            return []
        inside = None if drive is None else replace(drive, moves=(), fails=True, error_kind=failure.error_kind)
        return self._choose_one(walk, group, "inside_error", goal, trigger, inside, failure)

    def _fail_goals(self, goal: Goal, source: str, group: list[int], reason: str) -> None:
        if (goal.index in group and goal.source in (None, source) and not goal.guard_false) or (
                goal.timeouts and goal.source == source):
            self.failures[goal] = reason

    def _choose_one(self, walk: _Walk, group: list[int], how: str, goal: Goal, trigger: str,  # noqa: PLR0917
                    inside: InsideDrive | None, failing: InsideFailure | None = None) -> list[_Walk]:
        moves = []
        base = _branch(walk)
        state = self.workflow.states[walk.state]
        if how == "output":
            output = getattr(state, "output", None)
            base.data.event = {}
            if output and isinstance(state, MapState):  # the items' results: the engine's, not the test's choice
                parts = path_parts(output)
                _release(base, output)
                set_path(base.data.world, parts, [])
                base.data.fixed.add(parts)
            elif output:  # a key or a dotted path: the stub's answer is stored there, and chosen for what reads it
                parts = path_parts(output)
                _release(base, output)
                set_path(base.data.world, parts, {})
                for path, items in self.reads.lists_within(parts):  # a map further on runs over a list in it
                    set_path(base.data.world, path, items)
                base.data.free_paths.add(parts)
                base.data.fixed = {p for p in base.data.fixed if p[:len(parts)] != parts}
                base.data.event = get_path(base.data.world, parts)
        elif how == "error":
            base.data.event = {"kind": "error", "message": "failed in a generated test", "attempts": 1}
            base.data.fixed = {p for p in base.data.fixed if p[0] != "event"}
        elif how == "inside_error" and (failing is not None or inside is not None):
            kind = failing.error_kind if failing is not None else inside.error_kind if inside is not None else ""
            base.data.event = {"kind": kind, "message": "a child failed in a generated test"}
            # the engine's error, not the test's choice: a guard on its kind is solved, never its kind chosen
            base.data.fixed = {p for p in base.data.fixed if p[0] != "event"} | {("event",), ("event", "kind")}
        elif how in ("send", "publish"):
            self._event_sent(base, state, how, group)
        else:
            base.data.event = {}
            base.data.fixed |= {("event",)}
        for position, index in enumerate(group):
            transition = self.workflow.transitions[index]
            if (walk.state, index) in {(s.source, s.index) for s in walk.steps}:
                continue  # loops are taken once
            # an `errors` list is a condition on the event's kind like any guard (`event.kind == 'timeout'`)
            earlier = [self.workflow.transitions[i].effective_guard() for i in group[:position]]
            solved = solve(base.data, [g for g in earlier if g], transition.effective_guard(), self.schema)
            if solved.data is None:
                if self._is_goal(goal, walk.state, index):
                    self.failures[goal] = solved.reason
                continue
            move = self._advance(base, solved.data, transition, index, how, trigger,
                                 tuple(i for i in group[:position] if self.workflow.transitions[i].effective_guard()),
                                 goal, inside, failing=failing)
            moves.append(move)
        return moves

    def _event_sent(self, base: _Walk, state: Any, how: str, group: list[int]) -> None:
        """The event the test sends or publishes, for the solver to choose its fields: a wait that stores it at its
        `output` has it stored there — chosen by the test as a task's stub answer is (the guards read it as `event`,
        later steps at the output) and fitting the context schema there (`wait_payload`), as the engine requires."""
        if how == "publish" and isinstance(state, WaitState) and state.output:
            parts = path_parts(state.output)
            _release(base, state.output)
            set_path(base.data.world, parts, wait_payload(self.workflow, self.reads, state.output))
            base.data.free_paths.add(parts)
            base.data.fixed = {p for p in base.data.fixed if p[:len(parts)] != parts and p[0] != "event"}
            base.data.event = get_path(base.data.world, parts)
        else:
            base.data.event = {}
            base.data.fixed = {p for p in base.data.fixed if p[0] != "event"}
        self._event_reads(base.data, group)

    def _event_reads(self, data: Data, group: list[int]) -> None:
        """Give the event a default for each of its fields the assignments of `group` read and it lacks
        (`"note": "event.note"`): an assignment of a field the payload has not fails the transition. The field
        copied into a context key the schema declares gets a value of that type; the guards still choose theirs."""
        holder = {"event": data.event}
        for index in group:
            for key, source in self.workflow.transitions[index].assign.items():
                try:
                    uses = path_uses(source)
                except UnreadableExpression:
                    continue
                for path, use in sorted(uses.items(), key=lambda entry: len(entry[0])):
                    if path[0] != "event" or len(path) < 2 or get_path(holder, path) is not ABSENT or any(
                            isinstance(part, int) for part in path):
                        continue
                    copied = schema_at(self.schema, path_parts(key)) if source.strip() == ".".join(
                        map(str, path)) else {}
                    set_path(holder, path, value_for_schema(copied) if copied else default_for(use))

    def _is_goal(self, goal: Goal, source: str, index: int, inside: InsideDrive | None = None) -> bool:
        if goal.timeouts:  # any way out of the state, the timeouts inside having fired
            return goal.source == source and inside is not None and inside.timeouts
        return goal.index == index and goal.source in (None, source) and not goal.guard_false

    def _advance(self, walk: _Walk, data: Data, transition: Transition, index: int, how: str, trigger: str,  # noqa: PLR0917
                 guards_false: tuple[int, ...], goal: Goal, inside: InsideDrive | None = None, *,
                 failing: InsideFailure | None = None) -> _Walk:
        walk = _Walk(walk.state, copy.deepcopy(data), walk.context, list(walk.steps), walk.at_rest, walk.hit)
        data = walk.data
        step = Step(walk.state, index, transition.dest, trigger, how, guards_false=guards_false, inside=inside,
                    failing=failing)
        state = self.workflow.states[walk.state]
        if how == "wait" and isinstance(state, WaitState) and state.deadline is not None:
            step.until = _deadline(state.deadline, data)
        output = getattr(state, "output", None)
        if (how == "output" and output and not isinstance(state, MapState)) or (
                how == "publish" and output and isinstance(state, WaitState)):
            data.owners[output] = len(walk.steps)
        elif how == "output" and isinstance(state, TaskState | SubflowState):
            step.output = copy.deepcopy(data.event)  # stored nowhere, but the event this transition's guard reads
        if how == "error":
            step.error_kind = str(data.event.get("kind", "error"))
        if how in ("send", "publish"):
            step.payload = copy.deepcopy(data.event)
        if how == "publish" and isinstance(state, WaitState) and state.event and state.event.correlation:
            key = _assigned(state.event.correlation, data)
            step.correlation_key = None if key is ABSENT or key is None else str(key)
        hit = walk.hit or self._is_goal(goal, walk.state, index, inside) or (
            goal.guard_false and goal.source == walk.state and goal.index in guards_false)
        for key in transition.assign:
            _release(walk, key)
            parts = path_parts(key)
            set_path(data.world, parts, _assigned(transition.assign[key], data))  # ABSENT removes it
            data.free_roots.discard(key)
            data.fixed.add(parts)
        context = dict(walk.context)  # this move's own: the moves from one walk all start from its context
        for root in data.free_roots - self.produced:
            if root in data.world:
                context[root] = data.world[root]
            else:  # the test data leaves it out (`has(x)` false)
                context.pop(root, None)
        resting = isinstance(self.workflow.states[transition.dest], ApprovalState | WaitState) or how in _EXTERNAL \
            or (how == "auto" and walk.at_rest)
        return _Walk(transition.dest, data, copy.deepcopy(context), [*walk.steps, step],
                     at_rest=resting, hit=hit)


def _branch(walk: _Walk) -> _Walk:
    """A walk to change without changing `walk`. Steps are never changed in place (`_release` replaces one), so
    the new walk shares them: copying every step of every walk made a long flow's search quadratic."""
    return _Walk(walk.state, copy.deepcopy(walk.data), copy.deepcopy(walk.context), list(walk.steps), walk.at_rest,
                 walk.hit)


def _release(walk: _Walk, key: str) -> None:
    """What is written at `key` (a key or a dotted path) is about to change: the step whose output lies there, or
    holds it, keeps the value its output has now."""
    parts = path_parts(key)
    for output in [o for o in walk.data.owners if _overlap(path_parts(o), parts)]:
        owner = walk.data.owners.pop(output)
        if owner < len(walk.steps):
            value = get_path(walk.data.world, path_parts(output))
            kept = {} if value is ABSENT else copy.deepcopy(value)
            step = walk.steps[owner]  # a wait's event stores its payload there; a task's or subflow's answer does
            walk.steps[owner] = replace(step, payload=kept) if step.how == "publish" else replace(step, output=kept)


def _overlap(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    shorter = min(len(one), len(other))
    return one[:shorter] == other[:shorter]


def _assigned(source: str, data: Data) -> Any:
    try:
        return json_value(evaluate(source, data.scope()))
    except ExpressionError:
        return ABSENT


def _deadline(source: str, data: Data) -> str | None:
    """The RFC 3339 time a deadline gives on the test data, or None."""
    value = _assigned(source, data)
    try:
        return value if isinstance(value, str) and parse_rfc3339(value) is not None else None
    except ValueError:
        return None


def _roots(guard: str) -> set[str]:
    try:
        return {str(path[0]) for path in path_uses(guard, condition=True)}
    except UnreadableExpression:
        return set()


def _outputs(workflow: Workflow) -> set[str]:
    return {o for s in workflow.states.values() if (o := getattr(s, "output", None))}
