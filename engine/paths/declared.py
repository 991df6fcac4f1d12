"""What the definition itself says a step takes: the least and most time from its declared timeouts, waits,
approval due times and retry schedules, and the least, expected and most cost from its agent's budget and
model price. Nothing here reads a database.

Per step (leaving a state by one transition):
- task: 0 at best (the action may answer at once); at worst every attempt runs to its timeout (the task's
  `timeout_s`, or its agent's `timeout_seconds` when shorter) with the longest backoff between attempts;
  without a timeout there is no limit;
- choice: 0;
- approval: `timeout` fires at the due time exactly; a decision comes at best at once, at worst at the due
  time (no limit without a `timeout`; an escalation offers the request to more people, it does not end it);
- wait: a `duration` exactly; an `event` at once at best and at its `timeout` at worst (or never); a
  `deadline` is computed at run time, so 0 to no limit;
- parallel: its branches measured like a workflow (least over their paths, most over them), joined: all
  branches (or the quorum) for `done`, each at best over the paths that end in its success, the most of any
  for the worst case;
- subflow: the child workflow measured the same way when it is known, else 0 to no limit;
- map: 0 at best (an empty list is done at once); at worst the most items a map runs (1,000), a batch of
  `max_concurrency` at a time, each as long as its iterator's (or workflow's) worst; the items' count is known
  only at run time, so its expected cost is unknown.
Cost: a task whose agent declares a `budget_limit` costs at most that per attempt; with a price for its
model, one attempt is expected to cost one full reply (the agent's `max_tokens` at the completion price).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from engine.definition import (
    Agent,
    ApprovalState,
    FinalState,
    MapState,
    ParallelState,
    State,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
    Workflow,
)
from engine.definition.durations import parse_duration
from engine.definition.map_state import MAX_MAP_ITEMS
from engine.paths.prices import ModelRate, reply_cost
from engine.paths.retry_schedule import retry_schedule
from engine.paths.routes import simple_routes
from engine.paths.spans import ZERO, Span

__all__ = ["BRANCH_PATH_LIMIT", "DeclaredMeasure", "Measure"]

BRANCH_PATH_LIMIT = 200

SubflowLookup = Callable[[str], Workflow | None]


@dataclass(frozen=True, slots=True)
class Measure:
    """One step's (or a path's) time in seconds and cost; `expected_cost` None when a price is missing."""

    time: Span
    cost: Span
    expected_cost: float | None

    def __add__(self, other: Measure) -> Measure:
        expected = None if self.expected_cost is None or other.expected_cost is None \
            else self.expected_cost + other.expected_cost
        return Measure(self.time + other.time, self.cost + other.cost, expected)


NOTHING = Measure(ZERO, ZERO, 0.0)


def _seconds(duration: str | None) -> float | None:
    return None if duration is None else parse_duration(duration).total_seconds()


@dataclass
class DeclaredMeasure:
    agents: Mapping[str, Agent] = field(default_factory=dict)
    prices: Mapping[str, ModelRate] = field(default_factory=dict)
    subflow: SubflowLookup = lambda _workflow_id: None
    notes: set[str] = field(default_factory=set)
    _inside: set[str] = field(default_factory=set)

    def step(self, state_id: str, state: State, trigger: str | None) -> Measure:  # noqa: PLR0911 - one per kind
        """Leaving `state` by a transition on `trigger` (None: automatic)."""
        if isinstance(state, TaskState):
            return self._task(state)
        if isinstance(state, ApprovalState):
            return Measure(_waiting(_seconds(state.timeout), trigger), ZERO, 0.0)
        if isinstance(state, WaitState):
            return Measure(self._wait(state_id, state, trigger), ZERO, 0.0)
        if isinstance(state, ParallelState):
            return self._parallel(state, trigger)
        if isinstance(state, SubflowState):
            return self._child(state.workflow)
        if isinstance(state, MapState):
            return self._map(state_id, state)
        return NOTHING

    # -- tasks ------------------------------------------------------------------------------------------------
    def _task(self, task: TaskState) -> Measure:
        schedule = retry_schedule(task)
        agent = self.agents.get(task.agent or "")
        limit = task.timeout_s
        if agent is not None and agent.policies.timeout_seconds is not None:
            limit = min(limit or float(agent.policies.timeout_seconds), float(agent.policies.timeout_seconds))
        worst = None if limit is None else limit * schedule.attempts + schedule.longest_waits_s
        return Measure(Span(0.0, worst), *self._task_cost(task, agent, schedule.attempts))

    def _task_cost(self, task: TaskState, agent: Agent | None, attempts: int) -> tuple[Span, float | None]:
        if task.agent is None:
            return ZERO, 0.0
        if agent is None:
            self.notes.add(f"agent '{task.agent}' is not known here: its cost is unknown")
            return Span(0.0, None), None
        one = reply_cost(self.prices, agent.model, agent.max_tokens)
        if one is None:
            self.notes.add(f"no price for model '{agent.model}' (agent '{agent.id}'): its expected cost is unknown")
        cap = agent.policies.budget_limit
        worst = cap * attempts if cap is not None else (None if one is None else one * attempts)
        return Span(0.0 if one is None else min(one, worst or one), worst), one

    # -- waits ------------------------------------------------------------------------------------------------
    def _wait(self, state_id: str, state: WaitState, trigger: str | None) -> Span:
        if state.duration is not None:
            duration = _seconds(state.duration) or 0.0
            return Span(duration, duration)
        if state.deadline is not None:
            self.notes.add(f"'{state_id}' waits until a deadline computed at run time: 0 to no limit")
            return Span(0.0, None)
        return _waiting(_seconds(state.timeout), trigger)

    # -- parallel states and subflows -------------------------------------------------------------------------
    def _parallel(self, state: ParallelState, trigger: str | None) -> Measure:
        measures = [self.machine(b.initial, b.states, b.transitions) for b in state.branches]
        # a branch the join needs ends in success: its least time is over the paths that do
        succeeding = [self.machine(b.initial, b.states, b.transitions, succeeding=True) for b in state.branches]
        bests = sorted(m.time.best for m in succeeding)
        needed = {"all": len(bests), "any": 1, "quorum": state.join.quorum or len(bests)}[state.join.mode]
        worsts = [m.time.worst for m in measures]
        worst = None if None in worsts else max(w or 0.0 for w in worsts)
        best = bests[min(needed, len(bests)) - 1] if trigger == "done" else 0.0
        total = NOTHING
        for measure in measures:
            total = total + measure
        return Measure(Span(best, worst), total.cost, total.expected_cost)

    def _child(self, workflow_id: str) -> Measure:
        """A subflow's (or a map's item's) workflow, measured like a workflow."""
        child = None if workflow_id in self._inside else self.subflow(workflow_id)
        if child is None:
            self.notes.add(f"subflow '{workflow_id}' is not known here (or calls itself): 0 to no limit")
            return Measure(Span(0.0, None), Span(0.0, None), None)
        self._inside.add(workflow_id)
        try:
            return self.machine(child.initial, child.states, child.transitions)
        finally:
            self._inside.discard(workflow_id)

    def _map(self, state_id: str, state: MapState) -> Measure:
        if state.iterator is not None:
            item = self.machine(state.iterator.initial, state.iterator.states, state.iterator.transitions)
        else:  # a map has an iterator or a workflow
            item = self._child(state.workflow or "")
        batches = -(-MAX_MAP_ITEMS // state.max_concurrency)
        self.notes.add(f"'{state_id}' runs its items a batch of {state.max_concurrency} at a time: its worst case "
                       f"is for {MAX_MAP_ITEMS:,} items, the most a map runs; its expected cost is unknown")
        worst = None if item.time.worst is None else item.time.worst * batches
        cost = None if item.cost.worst is None else item.cost.worst * MAX_MAP_ITEMS
        return Measure(Span(0.0, worst), Span(0.0, cost), None)

    def machine(self, initial: str, states: Mapping[str, State], transitions: Sequence[Transition], *,
                succeeding: bool = False) -> Measure:
        """A whole state machine: the least over its simple paths, the most over them (with `succeeding`, over
        those that end in a success final only)."""
        search = simple_routes(initial, states, transitions, BRANCH_PATH_LIMIT)
        routes = [r for r in search.routes if not succeeding or _succeeds(r, states, transitions)]
        if not routes:
            return Measure(Span(0.0, None), Span(0.0, None), None)
        measures = [self.route(route, states, transitions) for route in routes]
        expected = [m.expected_cost for m in measures]
        return Measure(_widest([m.time for m in measures]), _widest([m.cost for m in measures]),
                       None if None in expected else max(c or 0.0 for c in expected))

    def route(self, route: Sequence[tuple[str, int]], states: Mapping[str, State],
              transitions: Sequence[Transition]) -> Measure:
        total = NOTHING
        for source, index in route:
            total = total + self.step(source, states[source], transitions[index].trigger)
        return total


def _succeeds(route: Sequence[tuple[str, int]], states: Mapping[str, State],
              transitions: Sequence[Transition]) -> bool:
    end = states.get(transitions[route[-1][1]].dest) if route else None
    return not isinstance(end, FinalState) or end.outcome == "success"


def _waiting(due_s: float | None, trigger: str | None) -> Span:
    """A wait for people or an event that `timeout` ends at `due_s`: exactly then for `timeout`."""
    if trigger == "timeout" and due_s is not None:
        return Span(due_s, due_s)
    return Span(0.0, due_s)


def _widest(spans: Sequence[Span]) -> Span:
    worsts = [s.worst for s in spans]
    return Span(min(s.best for s in spans), None if None in worsts else max(w or 0.0 for w in worsts))
